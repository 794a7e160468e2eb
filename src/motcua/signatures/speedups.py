"""Faster drop-in replacements for three functions of pyHanko and asn1crypto that dominate a verification.

Installed by `install()` (the engine calls it on import); each gives exactly the original's result, or hands
over to the original, so every check of the libraries still runs. Measured on a 1 MB signed PDF
(bench/signatures.py): together about 9 of the 15 ms a verification took after the chain cache.

- pyHanko reads a <hex string> one byte and one generator step at a time; a PDF signature's /Contents is
  one of 10-30 kB (8 ms). `read_hex_string` decodes the plain case in one go.
- asn1crypto takes any value whose header ends in the byte 0x80 for one of indefinite length, and
  re-encodes it at every dump(): so does every certificate whose DER length is 0x..80 bytes (1 in 256:
  the demo's citizen signer, 1,156 bytes, is one), once it has been read — 1.2 ms per dump, and pyHanko
  and the engine dump the signer's certificate three times per file. `sequence_dump` returns the bytes
  as they are when the length is in fact definite (the parser found no end-of-contents octets) and
  nothing was changed; otherwise asn1crypto's own dump.
- asn1crypto compares names (a certificate's issuer with the one a signature names) after RFC 4518
  string preparation, redone for every freshly parsed certificate (about 0.5 ms per name). The
  preparation is a pure function of the string: `ldap_string_prep` remembers its results. Real traffic
  names few CAs, so their names are prepared once.
"""

from __future__ import annotations

import binascii
from typing import Any

from asn1crypto import core as asn1_core
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils import generic as pdf_generic
from pyhanko.pdf_utils.misc import PDF_WHITESPACE

HEX_DIGITS = b"0123456789abcdefABCDEF"
MAX_PREPARED = 10_000

stock_read_hex_string = pdf_generic.read_hex_string_from_stream
stock_ldap_string_prep = asn1_x509.NameTypeAndValue._ldap_string_prep
stock_sequence_dump = asn1_core.Sequence.dump


def read_hex_string(stream: Any) -> pdf_generic.ByteStringObject | pdf_generic.TextStringObject:
    """pyHanko's reader of <hex strings>, without its byte-by-byte tokenizer for the plain case.

    A PDF signature's /Contents is a hex string of some 10-30 kB: pyHanko reads it one byte and one
    generator step at a time (8 ms of the 10 ms a 1 MB signed PDF takes to parse). Here the string up to
    its closing ">" is read in one go; when it holds nothing but hex digits and PDF whitespace it is
    decoded at once, exactly as pyHanko would (whitespace ignored, an odd last digit followed by 0).
    Anything else (a comment, a stray character, no ">" before the end) goes to pyHanko's own reader from
    the same position, so its checks and errors are unchanged.
    """
    start = stream.tell()
    stream.read(1)  # "<"
    chunks = []
    while True:
        chunk = stream.read(65536)
        end = chunk.find(b">")
        if end >= 0:
            chunks.append(chunk[:end])
            break
        if not chunk:
            stream.seek(start)
            return stock_read_hex_string(stream)
        chunks.append(chunk)
    body = b"".join(chunks)
    digits = body.translate(None, PDF_WHITESPACE)
    if digits.translate(None, HEX_DIGITS):
        stream.seek(start)
        return stock_read_hex_string(stream)
    stream.seek(start + len(body) + 2)
    if len(digits) % 2:
        digits += b"0"
    return pdf_generic.pdf_string(binascii.unhexlify(digits))


_prepared: dict[str, str] = {}


def ldap_string_prep(self: asn1_x509.NameTypeAndValue, string: str) -> str:
    """asn1crypto's RFC 4518 preparation of a name's value, remembered (a refusal is not: it raises again)."""
    found = _prepared.get(string)
    if found is None:
        found = stock_ldap_string_prep(self, string)
        if len(_prepared) >= MAX_PREPARED:
            _prepared.clear()
        _prepared[string] = found
    return found


def sequence_dump(self: asn1_core.Sequence, force: bool = False) -> bytes:
    """asn1crypto's Sequence.dump, without re-encoding a definite length that merely ends in 0x80."""
    header = self._header
    if (
        not force
        and header is not None
        and header[-1:] == b"\x80"
        and self._trailer == b""  # the parser sets b"\0\0" for a true indefinite length
        and self._contents is not None
        and not self._is_mutated()
    ):
        return header + self._contents
    return stock_sequence_dump(self, force)


def install() -> None:
    pdf_generic.read_hex_string_from_stream = read_hex_string
    asn1_x509.NameTypeAndValue._ldap_string_prep = ldap_string_prep  # type: ignore[method-assign]
    asn1_core.Sequence.dump = sequence_dump  # type: ignore[method-assign]


def uninstall() -> None:
    """Back to the libraries' own code (the naive baseline of bench/signatures.py)."""
    pdf_generic.read_hex_string_from_stream = stock_read_hex_string
    asn1_x509.NameTypeAndValue._ldap_string_prep = stock_ldap_string_prep  # type: ignore[method-assign]
    asn1_core.Sequence.dump = stock_sequence_dump  # type: ignore[method-assign]
