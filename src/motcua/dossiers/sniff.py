"""Recognise a file's type from its first bytes, never from its name."""

from __future__ import annotations

# format name used in the catalog -> MIME type
FORMAT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "xml": "application/xml",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "p7s": "application/pkcs7-signature",
}

TYPE_LABELS = {
    "application/pdf": "PDF",
    "image/jpeg": "JPG",
    "image/png": "PNG",
    "application/xml": "XML",
    FORMAT_TYPES["docx"]: "DOCX",
    FORMAT_TYPES["xlsx"]: "XLSX",
    "application/pkcs7-signature": "P7S",
    "application/zip": "ZIP",
    "application/octet-stream": "không xác định",
}


def sniff(head: bytes) -> str:
    """Return the MIME type the content shows, or application/octet-stream."""
    if head.startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"PK\x03\x04"):
        if b"word/" in head:
            return FORMAT_TYPES["docx"]
        if b"xl/" in head:
            return FORMAT_TYPES["xlsx"]
        return "application/zip"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<?xml") or stripped.startswith(b"<"):
        return "application/xml"
    if head[:1] == b"\x30" and b"\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02" in head[:64]:
        return "application/pkcs7-signature"  # DER SEQUENCE holding the signedData OID
    return "application/octet-stream"


def accepted_types(formats: list[str]) -> set[str]:
    return {FORMAT_TYPES[f.lower()] for f in formats if f.lower() in FORMAT_TYPES}


def label(content_type: str) -> str:
    return TYPE_LABELS.get(content_type, content_type)
