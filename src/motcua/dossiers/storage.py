"""Content-addressed file storage: a file is written once, named by its SHA-256, never changed.

Uploads are streamed chunk by chunk: hashed, size-checked and written to a temporary file in the store,
then renamed into place. Nothing is ever held whole in memory.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

SNIFF_BYTES = 4096


class TooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


@dataclass(frozen=True)
class Blob:
    sha256: str
    size: int
    head: bytes  # the first bytes, for sniffing the type
    path: Path


def root() -> Path:
    return Path(settings.MOTCUA_STORAGE_DIR)


def blob_path(sha256: str) -> Path:
    return root() / sha256[:2] / sha256[2:4] / sha256


def store_chunks(chunks: Iterable[bytes], *, max_bytes: int) -> Blob:
    """Write the chunks into the store; raise TooLarge as soon as more than max_bytes arrive."""
    base = root()
    base.mkdir(parents=True, exist_ok=True)
    digest, size, head = hashlib.sha256(), 0, b""
    fd, incoming = tempfile.mkstemp(dir=base, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                size += len(chunk)
                if size > max_bytes:
                    raise TooLarge(max_bytes)
                if len(head) < SNIFF_BYTES:
                    head += chunk[: SNIFF_BYTES - len(head)]
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())  # an accepted file must survive a crash right after we say so
        sha256 = digest.hexdigest()
        final = blob_path(sha256)
        if final.exists():
            os.unlink(incoming)  # same bytes already stored: content addressing makes this a no-op
        else:
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(incoming, final)
            _fsync_dir(final.parent)  # make the rename itself durable, not only the bytes
    except BaseException:
        if os.path.exists(incoming):
            os.unlink(incoming)
        raise
    return Blob(sha256=sha256, size=size, head=head, path=final)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def open_blob(sha256: str):
    return open(blob_path(sha256), "rb")


def iter_blob(sha256: str, chunk_size: int = 64 * 1024) -> Iterator[bytes]:
    with open_blob(sha256) as f:
        while chunk := f.read(chunk_size):
            yield chunk
