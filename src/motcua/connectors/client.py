"""The HTTP client of a connector: one signed GET of one record, with a timeout, never an exception.

Configuration comes from settings.MOTCUA_CONNECTORS[name] (docs/configuration.md): base URL, client id,
the *name* of the environment variable that holds the shared secret, the timeout in milliseconds. Whatever
goes wrong on the way (no configuration, refused connection, reset, timeout, 5xx, a body that is not JSON,
a response signature that does not verify) comes back as an `Answer` whose outcome says so; the caller
falls back to manual entry (R-ONCE-1 never blocks a dossier).
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings

from motcua.connectors import wire
from motcua.connectors.registry import Connector

logger = logging.getLogger(__name__)

MAX_RESPONSE_BYTES = 256 * 1024  # one record; more is hostile


class Outcome:
    FOUND = "found"
    NOT_FOUND = "not_found"
    UNAVAILABLE = "unavailable"
    TIMEOUT = "timeout"
    REFUSED = "refused"  # the source refused our credentials or signature


@dataclass(frozen=True)
class Config:
    base_url: str
    client_id: str
    secret: str
    timeout: float  # seconds


def config_for(name: str) -> Config | None:
    """The connector's configuration, or None when it is not configured (no URL, or the secret is unset)."""
    raw = getattr(settings, "MOTCUA_CONNECTORS", {}).get(name) or {}
    base_url = raw.get("base_url", "")
    secret = os.environ.get(raw.get("secret_env", ""), "") if raw.get("secret_env") else ""
    if not base_url or not secret:
        return None
    return Config(
        base_url=base_url,
        client_id=raw.get("client_id", "motcua"),
        secret=secret,
        timeout=max(1, int(raw.get("timeout_ms", 2000))) / 1000,
    )


@dataclass
class Answer:
    outcome: str
    request_id: str
    path: str = ""
    status: int | None = None
    data: dict[str, Any] = field(default_factory=dict)
    body_sha256: str = ""
    duration_ms: int = 0
    detail: str = ""  # why it failed, for the log


def fetch(*, connector: Connector, config: Config, key: str, fields: list[str], purpose: str) -> Answer:
    """GET one record of `connector` by `key`, asking only `fields` (R-PRIV-3), signed, within the timeout."""
    request_id = str(uuid.uuid4())
    path = connector.record_path(key) + "?" + urlencode({"fields": ",".join(fields)})
    base = urlsplit(config.base_url)
    full_path = base.path.rstrip("/") + path
    timestamp = str(int(time.time()))
    headers = {
        wire.CLIENT: config.client_id,
        wire.REQUEST_ID: request_id,
        wire.TIMESTAMP: timestamp,
        wire.PURPOSE: purpose,
        wire.SIGNATURE: wire.request_signature(
            config.secret,
            method="GET",
            path=full_path,
            timestamp=timestamp,
            request_id=request_id,
            purpose=purpose,
        ),
        "Accept": "application/json",
    }
    url = f"{base.scheme}://{base.netloc}{full_path}"
    answer = Answer(outcome=Outcome.UNAVAILABLE, request_id=request_id, path=full_path)
    started = time.monotonic()
    try:
        request = urllib.request.Request(url, headers=headers, method="GET")  # noqa: S310 - http(s) from settings
        with urllib.request.urlopen(request, timeout=config.timeout) as response:  # noqa: S310
            answer.status = response.status
            body = response.read(MAX_RESPONSE_BYTES + 1)
            signature = response.headers.get(wire.RESPONSE_SIGNATURE, "")
    except urllib.error.HTTPError as error:
        answer.status = error.code
        body = error.read(MAX_RESPONSE_BYTES + 1)
        signature = error.headers.get(wire.RESPONSE_SIGNATURE, "")
        error.close()
    except TimeoutError as error:
        return _done(answer, started, Outcome.TIMEOUT, str(error) or "timed out")
    except urllib.error.URLError as error:
        timed_out = isinstance(error.reason, TimeoutError)
        return _done(
            answer, started, Outcome.TIMEOUT if timed_out else Outcome.UNAVAILABLE, str(error.reason)
        )
    except (OSError, http.client.HTTPException) as error:  # reset, broken answer
        return _done(answer, started, Outcome.UNAVAILABLE, f"{type(error).__name__}: {error}")
    answer.body_sha256 = wire.digest(body)
    if len(body) > MAX_RESPONSE_BYTES:
        return _done(answer, started, Outcome.UNAVAILABLE, "answer too large")
    if answer.status in (401, 403):
        return _done(answer, started, Outcome.REFUSED, body[:200].decode("utf-8", "replace"))
    if answer.status not in (200, 404):
        return _done(answer, started, Outcome.UNAVAILABLE, f"HTTP {answer.status}")
    expected = wire.response_signature(config.secret, request_id=request_id, body=body)
    if not wire.same(expected, signature):
        logger.warning(
            "connector %s: the answer to %s is not signed by the source", connector.name, request_id
        )
        return _done(answer, started, Outcome.UNAVAILABLE, "bad response signature")
    if answer.status == 404:
        return _done(answer, started, Outcome.NOT_FOUND, "")
    try:
        data = json.loads(body).get("data")
    except (ValueError, AttributeError):
        data = None
    if not isinstance(data, dict):
        return _done(answer, started, Outcome.UNAVAILABLE, "answer is not a JSON record")
    # Keep only what was asked, whatever the source sent (R-PRIV-3).
    answer.data = {name: value for name, value in data.items() if name in fields}
    return _done(answer, started, Outcome.FOUND, "")


def _done(answer: Answer, started: float, outcome: str, detail: str) -> Answer:
    answer.outcome = outcome
    answer.detail = detail[:500]
    answer.duration_ms = round((time.monotonic() - started) * 1000)
    if outcome in (Outcome.UNAVAILABLE, Outcome.TIMEOUT, Outcome.REFUSED):
        logger.warning("connector request %s %s: %s (%s)", answer.request_id, answer.path, outcome, detail)
    return answer
