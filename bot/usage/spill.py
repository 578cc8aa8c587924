"""The usage ledger's durable spill: buffered usage events that could not reach Redis before the process stopped,
kept in local files until the next start replays them (`Ledger.close`, `Ledger.replay`).

A spill file is JSON lines, one prepared ledger write per line (`{"id", "keys", "args"}`: Redis key names, ids
and numbers; usage events hold no message text). It is written to a temporary name in the same folder, fsynced,
then renamed into place, so a reader sees a whole file or none. Names start with the time in nanoseconds, so the
folder sorts in the order the events were spilled.

Several processes may share the folder (gunicorn workers, replicas on one volume): a reader claims a file by
renaming it to a name of its own (a rename succeeds for exactly one of them), reads it and deletes it. A claim left
by a process that died while replaying is taken again after `STALE_CLAIM_S`; the events' ids (the ledger's
once-keys) keep a replay from counting an event twice.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

SUFFIX = ".jsonl"
CLAIM = ".replaying-"
STALE_CLAIM_S = 300.0


@dataclass(frozen=True)
class Spilled:
    """One prepared ledger write as spilled: its once-id, the script's keys and arguments."""

    id: str
    keys: list[str]
    args: list[str | int]

    def dump(self) -> str:
        return json.dumps({"id": self.id, "keys": self.keys, "args": self.args}, separators=(",", ":"))

    @classmethod
    def load(cls, line: str) -> Spilled:
        data = json.loads(line)
        return cls(str(data["id"]), [str(k) for k in data["keys"]], list(data["args"]))


class Spill:
    """The spill folder. `write` raises OSError when the folder cannot be written (the caller counts the loss)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def write(self, writes: Iterable[Spilled]) -> Path | None:
        """One new file holding `writes` in order (None when there are none)."""
        lines = [w.dump() for w in writes]
        if not lines:
            return None
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"usage-{time.time_ns():020d}-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}{SUFFIX}"
        final, temp = self.directory / name, self.directory / f".tmp-{name}"
        with open(temp, "w", encoding="utf-8") as out:
            out.write("\n".join(lines) + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, final)
        _fsync_dir(self.directory)
        return final

    def claim(self) -> tuple[list[Spilled], int]:
        """Claim every spill file (oldest first) and any stale claim; read and delete each. Returns the writes in
        order, and how many lines of unreadable files were lost (such a file is kept aside as `*.bad`, logged)."""
        if not self.directory.is_dir():
            return [], 0
        writes: list[Spilled] = []
        lost = 0
        for path in sorted(self.directory.iterdir(), key=lambda p: _order(p.name)):
            claimed = self._claim(path)
            if claimed is None:
                continue
            try:
                text = claimed.read_text(encoding="utf-8")
                writes += [Spilled.load(line) for line in text.splitlines() if line.strip()]
            except (OSError, ValueError, KeyError, TypeError) as exc:
                lost += _count_lines(claimed)
                log.error("unreadable usage spill file kept aside", extra={"file": path.name, "error": repr(exc)})
                os.replace(claimed, claimed.with_name(_order(path.name) + ".bad"))
                continue
            claimed.unlink(missing_ok=True)
        return writes, lost

    def _claim(self, path: Path) -> Path | None:
        name = path.name
        if name.startswith(".") or name.endswith(".bad"):
            return None
        if CLAIM in name:
            try:
                if time.time() - path.stat().st_mtime < STALE_CLAIM_S:
                    return None  # another process is replaying it now
            except OSError:
                return None
        elif not name.endswith(SUFFIX):
            return None
        base = name.split(CLAIM, 1)[0]
        target = path.with_name(f"{base}{CLAIM}{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}")
        try:
            os.rename(path, target)  # atomic: exactly one claimant wins
            os.utime(target)
        except OSError:
            return None
        return target


def _order(name: str) -> str:
    """Files sort by the spill time at the start of their names (claims included)."""
    return name.split(CLAIM, 1)[0]


def _count_lines(path: Path) -> int:
    try:
        return sum(1 for line in path.read_bytes().splitlines() if line.strip())
    except OSError:
        return 0


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
