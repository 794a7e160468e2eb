"""The shared life of the loopback stand-ins for outside systems (the PKI services, the connector sandbox).

Each is a real HTTP server bound on loopback (port 0 picks a free one) and served in a daemon thread, with test
switches read on every request: a `Mode` per service, and `slow_seconds` for SLOW, cut short by `reset()` or
`stop()` so no test waits for a sleeping handler.
"""

from __future__ import annotations

import threading
from enum import StrEnum
from http.server import ThreadingHTTPServer
from typing import Self


class Mode(StrEnum):
    """How a stand-in service behaves."""

    NORMAL = "normal"
    DOWN = "down"  # answers 503 Service Unavailable
    RESET = "reset"  # drops the connection without answering (what a dead host behind a proxy looks like)
    SLOW = "slow"  # answers normally after `slow_seconds`, longer than any sane client timeout


class LoopbackService:
    """Start, serve, stop; subclasses bind `_httpd` in their constructor and call `_new_release()` in `reset()`."""

    thread_name = "loopback-service"
    slow_seconds: float
    _httpd: ThreadingHTTPServer
    _release: threading.Event
    _thread: threading.Thread | None = None

    def start(self) -> Self:
        """Serve in a daemon thread; returns self."""
        self._thread = threading.Thread(target=self._httpd.serve_forever, name=self.thread_name, daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def stop(self) -> None:
        self._release.set()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _new_release(self) -> None:
        """Wake the requests still sleeping in SLOW mode, and arm a new release for the next ones."""
        old = getattr(self, "_release", None)
        if old is not None:
            old.set()
        self._release = threading.Event()

    def _sleep(self) -> None:
        self._release.wait(self.slow_seconds)
