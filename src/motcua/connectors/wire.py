"""The wire protocol between motcua and a state system (docs/connectors.md), shared by client and sandbox.

A request is a GET of one record, `GET /population/v1/citizens/001090012345?fields=full_name,sex`, with the
headers below. Its signature is HMAC-SHA256, keyed with the secret the two sides share, over the canonical
string: method, path with query, timestamp, request id, purpose and the SHA-256 of the body, one per line.
The answer is JSON (`{"data": {...}}` with only the fields asked) signed the same way over the request id
and the SHA-256 of the answer's body, so the client knows who answered and that it answers this request.
"""

from __future__ import annotations

import hashlib
import hmac

CLIENT = "X-Motcua-Client"
REQUEST_ID = "X-Motcua-Request-Id"
TIMESTAMP = "X-Motcua-Timestamp"  # Unix seconds, UTC
PURPOSE = "X-Motcua-Purpose"  # "prefill 2.000488 dossier <uuid>", ASCII
SIGNATURE = "X-Motcua-Signature"
RESPONSE_SIGNATURE = "X-Motcua-Response-Signature"
MAX_SKEW_SECONDS = 300  # a request older or newer than this is refused (replays, wrong clocks)
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def canonical_request(
    *, method: str, path: str, timestamp: str, request_id: str, purpose: str, body_sha256: str
) -> str:
    return "\n".join((method.upper(), path, timestamp, request_id, purpose, body_sha256))


def sign(secret: str, text: str) -> str:
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


def request_signature(
    secret: str, *, method: str, path: str, timestamp: str, request_id: str, purpose: str, body: bytes = b""
) -> str:
    return sign(
        secret,
        canonical_request(
            method=method,
            path=path,
            timestamp=timestamp,
            request_id=request_id,
            purpose=purpose,
            body_sha256=digest(body),
        ),
    )


def response_signature(secret: str, *, request_id: str, body: bytes) -> str:
    return sign(secret, f"{request_id}\n{digest(body)}")


def same(expected: str, given: str) -> bool:
    """Compare signatures in constant time."""
    return hmac.compare_digest(expected.encode(), given.encode())
