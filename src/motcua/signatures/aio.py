"""Running a coroutine to completion from synchronous code, whatever the calling thread is doing.

pyHanko and pyhanko-certvalidator are asynchronous underneath; the verification engine and the test helpers
call them from plain Django code. `asyncio.run` refuses to start when the thread already runs an event loop
(Playwright's sync API leaves one in the main thread, and so may an ASGI server or a notebook), so
`run_sync` then runs the coroutine on a fresh loop in a short-lived worker thread and waits for it.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run(coro)`, also when an event loop is already running in this thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["value"] = asyncio.run(coro)
        except BaseException as exc:  # handed back to the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="motcua-run-sync", daemon=True)
    worker.start()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
