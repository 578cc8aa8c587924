"""Hostile traffic against serve for bench_hostile_http.py: slow clients that stay connected and unauthenticated
garbage at a steady rate, from one asyncio loop in a child process, on 127.0.0.1 only, until told to stop.

- `slow` connections are kept open at all times: half trickle their headers (slowloris), half send headers
  announcing a body and trickle that, one byte every `trickle_s`. When serve cuts one (a 408 or a close), it
  is counted and reopened at once, so the count never drops.
- `garbage_rate` requests per second, each on its own connection, cycling through forged signatures, a non-numeric
  timestamp, unsigned malformed JSON, invalid UTF-8 and a 50 MB Content-Length; their statuses are tallied.
"""

from __future__ import annotations

import asyncio
import itertools
import multiprocessing
import multiprocessing.synchronize
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

SLOW_HEADERS = b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
SLOW_BODY = SLOW_HEADERS + b"Content-Length: 100000\r\n\r\n"
_NOW = "{now}"
GARBAGE: tuple[tuple[bytes, bytes], ...] = (  # (extra headers, body)
    (b"X-Slack-Signature: v0=deadbeef\r\nX-Slack-Request-Timestamp: " + _NOW.encode() + b"\r\n", b'{"type":"x"}'),
    (b"X-Slack-Signature: v0=00\r\nX-Slack-Request-Timestamp: soon\r\n", b'{"type": "event_callback"}'),
    (b"", b'{"type": "event_callback", "event": '),
    (b"", b'{"text": "\xff\xfe"}'),
    (b"", b"[" * 5000),
)


@dataclass
class HostileStats:
    """What the hostile clients saw."""

    slow_opened: int = 0
    slow_cut: int = 0
    slow_connect_errors: int = 0
    garbage_sent: int = 0
    garbage_status: Counter[int] = field(default_factory=Counter)
    garbage_seconds: float = 0.0


async def _slow_client(n: int, address: tuple[str, int], trickle_s: float, stats: HostileStats, stop: Any) -> None:
    head = SLOW_HEADERS if n % 2 else SLOW_BODY
    filler = b"X-Slow: " if n % 2 else b"{"
    while not stop():
        try:
            reader, writer = await asyncio.open_connection(*address)
        except OSError:
            stats.slow_connect_errors += 1
            await asyncio.sleep(trickle_s)
            continue
        stats.slow_opened += 1
        try:
            writer.write(head)
            for byte in itertools.cycle(filler):
                if stop():
                    return
                writer.write(bytes([byte]))
                await writer.drain()
                try:
                    await asyncio.wait_for(reader.read(1024), timeout=trickle_s)
                except TimeoutError:
                    continue
                stats.slow_cut += 1  # serve answered (408) or closed: the connection is done
                break
        except OSError:
            stats.slow_cut += 1
        finally:
            writer.close()


async def _garbage_one(address: tuple[str, int], kind: int, stats: HostileStats) -> None:
    which = kind % (len(GARBAGE) + 1)  # the last kind: a forged request announcing 50 MB
    extra, body = GARBAGE[which % len(GARBAGE)]
    extra = extra.replace(_NOW.encode(), str(int(time.time())).encode())
    length = b"52428800" if which == len(GARBAGE) else str(len(body)).encode()
    request = SLOW_HEADERS + extra + b"Content-Length: " + length + b"\r\n\r\n" + body
    try:
        reader, writer = await asyncio.open_connection(*address)
        writer.write(request)
        await writer.drain()
        line = await asyncio.wait_for(reader.readline(), timeout=10)
        writer.close()
        stats.garbage_status[int(line.split(b" ", 2)[1]) if line else 0] += 1
    except (OSError, TimeoutError, ValueError, IndexError):
        stats.garbage_status[0] += 1


async def _garbage(address: tuple[str, int], rate: float, stats: HostileStats, stop: Any) -> None:
    tasks: set[asyncio.Task[None]] = set()
    started = time.monotonic()
    for kind in itertools.count():
        if stop():
            break
        task = asyncio.create_task(_garbage_one(address, kind, stats))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        stats.garbage_sent += 1
        await asyncio.sleep(max(0.0, started + (kind + 1) / rate - time.monotonic()))
    stats.garbage_seconds = time.monotonic() - started
    await asyncio.gather(*tasks, return_exceptions=True)


async def run_hostile(
    address: tuple[str, int],
    slow: int,
    garbage_rate: float,
    trickle_s: float,
    ready: multiprocessing.synchronize.Event,
    stop_event: multiprocessing.synchronize.Event,
) -> HostileStats:
    """Run the hostile clients until `stop_event` is set; `ready` is set once all `slow` connections opened."""
    stats = HostileStats()

    def stop() -> bool:
        return stop_event.is_set()

    clients = [asyncio.create_task(_slow_client(n, address, trickle_s, stats, stop)) for n in range(slow)]
    while stats.slow_opened < slow and not stop():
        await asyncio.sleep(0.05)
    await asyncio.sleep(trickle_s * 2)  # every slow client has started trickling
    ready.set()
    await _garbage(address, garbage_rate, stats, stop)
    await asyncio.gather(*clients, return_exceptions=True)
    return stats


def start_hostile(
    address: tuple[str, int], slow: int, garbage_rate: float, trickle_s: float = 0.5
) -> tuple[Any, Any, multiprocessing.synchronize.Event, multiprocessing.synchronize.Event]:
    """Fork the hostile clients: `(process, results queue, ready, stop)`. Set `stop`, then read the queue."""
    context = multiprocessing.get_context("fork")
    ready, stop = context.Event(), context.Event()
    queue: Any = context.Queue()

    def child() -> None:
        queue.put(asyncio.run(run_hostile(address, slow, garbage_rate, trickle_s, ready, stop)))

    process = context.Process(target=child, daemon=True, name="hostile")
    process.start()
    return process, queue, ready, stop
