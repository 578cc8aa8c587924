"""A TCP forwarding proxy on 127.0.0.1, so a test can take Redis away from a client and give it back: `stop()`
closes the listener and every live connection (clients get connection errors), `start()` listens again on the
same port. Threads only; every thread ends when the proxy stops."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable
from types import TracebackType

_ACCEPT_POLL_S = 0.05
_CHUNK = 65536


class TcpProxy:
    """Forwards each connection to `target` (host, port). `port` is fixed by the first `start()`."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self._listener: socket.socket | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> TcpProxy:
        self.start()
        return self

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._listener is not None

    def start(self) -> None:
        """Listen (again) on 127.0.0.1:`port`."""
        if self._listener is not None:
            return
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(_ACCEPT_POLL_S)
        self.port = listener.getsockname()[1]
        self._stopping.clear()
        self._listener = listener
        with self._lock:
            self._spawn(self._accept_loop, listener)

    def stop(self) -> None:
        """Close the listener and every live connection, and wait for the threads to end."""
        listener, self._listener = self._listener, None
        if listener is None:
            return
        self._stopping.set()
        with self._lock:
            live, self._sockets = list(self._sockets), set()
            threads, self._threads = self._threads, []
        for sock in live:
            _close(sock)
        for thread in threads:
            thread.join(timeout=5)
        _close(listener)

    def _spawn(self, target: Callable[..., None], *args: object) -> None:
        """Start a daemon thread that `stop()` will join (call with `_lock` held)."""
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self, listener: socket.socket) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            try:
                upstream = socket.create_connection(self.target, timeout=2)
            except OSError:
                _close(client)
                continue
            upstream.settimeout(None)
            with self._lock:
                if self._stopping.is_set():
                    _close(client)
                    _close(upstream)
                    return
                self._sockets.update((client, upstream))
                self._spawn(self._pump, client, upstream)
                self._spawn(self._pump, upstream, client)

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while chunk := src.recv(_CHUNK):
                dst.sendall(chunk)
        except OSError:
            pass
        with self._lock:
            self._sockets.difference_update((src, dst))
        _close(src)
        _close(dst)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()
