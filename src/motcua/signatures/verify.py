"""Verify the digital signatures in a file: PDF (PAdES / PDF CMS), detached CMS (.p7s) or XML (XMLDSig, XAdES).

    verify_file(path, content_type=..., detached_content=None) -> Report
    verify_pdf_bytes(data) -> Report

Neither raises on bad input: a broken, hostile or oversized file gives a Report whose verdict is invalid or
indeterminate with a reason ("corrupt", "too_large", "encrypted", …). The checks themselves live in
`engine`; this module applies the limits (MOTCUA_VERIFY_*):

- size: a file larger than MOTCUA_VERIFY_MAX_BYTES is not parsed at all;
- decoded data: the PDF parser stops at MOTCUA_VERIFY_MAX_DECODED_BYTES per stream (pyHanko DecodeLimits);
- time and memory: with MOTCUA_VERIFY_WORKERS > 0 each verification runs in one of that many long-lived
  worker processes, with an address-space limit (MOTCUA_VERIFY_MEMORY_MB); a worker that overruns
  MOTCUA_VERIFY_TIMEOUT seconds or dies is replaced and the file gets "too_large". The workers live on, so
  their cached trust store and revocation data keep verification fast. MOTCUA_VERIFY_WORKERS = 0 (tests)
  runs in the calling process with the size and decoding limits only.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import resource
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from django.conf import settings

from motcua.signatures import engine
from motcua.signatures.report import Report, Verdict

logger = logging.getLogger(__name__)

PDF_TYPES = {"application/pdf", "application/x-pdf"}
CMS_TYPES = {"application/pkcs7-signature", "application/x-pkcs7-signature", "application/pkcs7-mime"}
XML_TYPES = {"application/xml", "text/xml"}


def verify_file(path: Path, *, content_type: str, detached_content: Path | None = None) -> Report:
    """Verify the file's signatures (for a .p7s: over `detached_content`)."""
    path = Path(path)
    kind = _kind(path, content_type, detached_content)
    for candidate in (path, detached_content):
        if candidate is None:
            continue
        try:
            size = candidate.stat().st_size
        except OSError:
            return engine.file_report(kind, b"", Verdict.INVALID, "corrupt")
        if size > settings.MOTCUA_VERIFY_MAX_BYTES:
            return _too_large(kind, _sha256_of(path), _mb(settings.MOTCUA_VERIFY_MAX_BYTES))
    return _run(kind, str(path), None, str(detached_content) if detached_content else None)


def verify_pdf_bytes(data: bytes) -> Report:
    """Verify an uploaded PDF (the public verification page)."""
    if len(data) > settings.MOTCUA_VERIFY_MAX_BYTES:
        return _too_large("pdf", hashlib.sha256(data).hexdigest(), _mb(settings.MOTCUA_VERIFY_MAX_BYTES))
    return _run("pdf", None, data, None)


def _kind(path: Path, content_type: str, detached: Path | None) -> str:
    content_type = (content_type or "").split(";")[0].strip().lower()
    suffix = path.suffix.lower()
    if content_type in PDF_TYPES or suffix == ".pdf":
        return "pdf"
    if detached is not None or content_type in CMS_TYPES or suffix in (".p7s", ".p7m"):
        return "cms"
    if content_type in XML_TYPES or content_type.endswith("+xml") or suffix == ".xml":
        return "xml"
    return "none"


def _mb(size: int) -> str:
    return f"{size // (1024 * 1024)} MB"


def _sha256_of(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return ""


def _too_large(kind: str, sha256: str, limit: str) -> Report:
    report = engine.file_report(kind, b"", Verdict.INDETERMINATE, "too_large", {"limit": limit})
    return Report(**{**report.__dict__, "file_sha256": sha256})


def verify_now(kind: str, path: str | None, data: bytes | None, detached: str | None) -> Report:
    """Run one verification here and now; never raises."""
    if data is None:
        assert path is not None
        try:
            data = Path(path).read_bytes()
        except OSError:
            return engine.file_report(kind, b"", Verdict.INVALID, "corrupt")
    try:
        if kind == "pdf":
            return engine.verify_pdf(data)
        if kind == "cms":
            content = Path(detached).read_bytes() if detached else None
            return engine.verify_cms(data, content)
        if kind == "xml":
            return engine.verify_xml(data)
        if data.startswith(b"%PDF"):
            return engine.verify_pdf(data)
        return engine.make_report("none", data, [], engine.Collected())
    except engine.TooLarge as exc:
        return _too_large(kind, hashlib.sha256(data).hexdigest(), exc.limit)
    except (MemoryError, RecursionError):
        return _too_large(
            kind, hashlib.sha256(data).hexdigest(), _mb(settings.MOTCUA_VERIFY_MEMORY_MB * 1024 * 1024)
        )
    except Exception:  # the last line of "never a 500": whatever broke, the file is unreadable
        logger.exception("signature verification failed unexpectedly")
        return engine.file_report(kind, data, Verdict.INVALID, "corrupt")


def _run(kind: str, path: str | None, data: bytes | None, detached: str | None) -> Report:
    if settings.MOTCUA_VERIFY_WORKERS <= 0:
        return verify_now(kind, path, data, detached)
    try:
        payload = pool().call(
            _verify_as_json, kind, path, data, detached, timeout=settings.MOTCUA_VERIFY_TIMEOUT
        )
    except WorkerTimeout:
        limit = f"{settings.MOTCUA_VERIFY_TIMEOUT} s"
    except WorkerDied:
        limit = _mb(settings.MOTCUA_VERIFY_MEMORY_MB * 1024 * 1024)
    except RuntimeError:
        return engine.file_report(kind, data or b"", Verdict.INVALID, "corrupt")
    else:
        return Report.from_json(payload)
    sha256 = hashlib.sha256(data).hexdigest() if data is not None else _sha256_of(Path(path or ""))
    return _too_large(kind, sha256, limit)


def _verify_as_json(kind: str, path: str | None, data: bytes | None, detached: str | None) -> dict[str, Any]:
    return verify_now(kind, path, data, detached).as_json()


# ------------------------------------------------------------------------------------------ worker pool


class WorkerTimeout(Exception):
    pass


class WorkerDied(Exception):
    pass


def _worker_main(conn: Connection, memory_bytes: int) -> None:
    # Forget the parent's database connections without closing them (closing would end the parent's session).
    from django.db import connections

    for alias in connections:
        connections[alias].connection = None
    try:
        with open("/proc/self/status") as status:
            vm = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
    except (OSError, StopIteration, ValueError):
        vm = 0
    limit = vm + memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    while True:
        try:
            fn, args = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        try:
            result: tuple[str, Any] = ("ok", fn(*args))
        except MemoryError:
            result = ("died", None)
        except Exception as exc:
            result = ("error", repr(exc))
        conn.send(result)


class _Worker:
    def __init__(self, memory_bytes: int):
        context = multiprocessing.get_context("fork")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, memory_bytes), daemon=True)
        self.process.start()
        child.close()

    def stop(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class WorkerPool:
    """A few long-lived processes; a job that overruns its time is killed with its process, which is replaced."""

    def __init__(self, size: int, memory_bytes: int):
        self.size = size
        self.memory_bytes = memory_bytes
        self._idle: list[_Worker] = []
        self._count = 0
        self._cond = threading.Condition()

    def _take(self) -> _Worker:
        with self._cond:
            while not self._idle and self._count >= self.size:
                self._cond.wait()
            if self._idle:
                return self._idle.pop()
            self._count += 1
        return _Worker(self.memory_bytes)

    def _give_back(self, worker: _Worker | None) -> None:
        with self._cond:
            if worker is None:
                self._count -= 1
            else:
                self._idle.append(worker)
            self._cond.notify()

    def call(self, fn: Any, *args: Any, timeout: float) -> Any:
        worker = self._take()
        try:
            worker.conn.send((fn, args))
            if not worker.conn.poll(timeout):
                raise WorkerTimeout
            status, value = worker.conn.recv()
        except WorkerTimeout:
            worker.stop()
            self._give_back(None)
            raise
        except (EOFError, OSError, BrokenPipeError) as exc:
            worker.stop()
            self._give_back(None)
            raise WorkerDied from exc
        if status == "died":
            worker.stop()
            self._give_back(None)
            raise WorkerDied
        self._give_back(worker)
        if status == "error":
            raise RuntimeError(value)
        return value

    def close(self) -> None:
        with self._cond:
            for worker in self._idle:
                worker.stop()
            self._count -= len(self._idle)
            self._idle.clear()


_pool: WorkerPool | None = None
_pool_lock = threading.Lock()


def pool() -> WorkerPool:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = WorkerPool(settings.MOTCUA_VERIFY_WORKERS, settings.MOTCUA_VERIFY_MEMORY_MB * 1024 * 1024)
        return _pool
