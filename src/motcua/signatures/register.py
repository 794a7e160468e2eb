"""Reads of the register of issued documents, and the public verification of a document (R-RES-2, R-RES-3)."""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass

from motcua.dossiers.storage import open_blob
from motcua.signatures.models import IssuedDocument

TOKEN = re.compile(r"[A-Z2-9]{20}")
# The seal's field name as pyHanko writes it: a literal string, its hyphens possibly escaped as \055.
SEAL_FIELD = re.compile(rb"/T\s*\(motcua(?:-|\\055)seal(?:-|\\055)([A-Z2-9]{20})\)")

# What the public page says of an uploaded file.
MATCH = "match"  # byte for byte the document motcua issued
EXTENDED = "extended"  # the issued document, intact, with later additions appended (incremental updates)
MODIFIED = "modified"  # names an issued document but its bytes differ from it
UNKNOWN = "unknown"  # not a document issued by motcua


def issued_receipt(*, decision) -> IssuedDocument | None:
    """The sealed receipt of an acceptance, if it was sealed."""
    return (
        IssuedDocument.objects.select_related("stored_file")
        .filter(decision=decision, kind=IssuedDocument.Kind.RECEIPT)
        .order_by("-issued_at", "-id")
        .first()
    )


def sealed_bytes(document: IssuedDocument) -> bytes:
    with open_blob(document.sha256) as f:
        return f.read()


def issued_by_token(token: str) -> IssuedDocument | None:
    """The issued document a QR code names (revoked ones too, R-RES-2); None for anything else."""
    token = token.strip().upper()
    if not TOKEN.fullmatch(token):
        return None
    return IssuedDocument.objects.select_related("agency").filter(token=token).first()


@dataclass(frozen=True)
class FileMatch:
    outcome: str  # MATCH, EXTENDED, MODIFIED or UNKNOWN
    document: IssuedDocument | None
    sha256: str


def match_upload(data: bytes) -> FileMatch:
    """Which issued document an uploaded file is, and whether it is unmodified (R-RES-3).

    Exact bytes first; else the seal's field name inside the file (motcua-seal-<token>) names the document
    it claims to be, and the file is that document with additions appended if it starts with its bytes.
    """
    digest = hashlib.sha256(data).hexdigest()
    exact = IssuedDocument.objects.select_related("agency").filter(sha256=digest).order_by("id").first()
    if exact is not None:
        return FileMatch(MATCH, exact, digest)
    for token in dict.fromkeys(m.group(1).decode() for m in SEAL_FIELD.finditer(data)):
        claimed = issued_by_token(token)
        if claimed is None:
            continue
        prefix = io.BytesIO(data).read(claimed.size)
        if len(data) > claimed.size and hashlib.sha256(prefix).hexdigest() == claimed.sha256:
            return FileMatch(EXTENDED, claimed, digest)
        return FileMatch(MODIFIED, claimed, digest)
    return FileMatch(UNKNOWN, None, digest)
