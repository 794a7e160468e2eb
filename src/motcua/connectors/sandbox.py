"""A stand-in for the state databases, on loopback: synthetic population, business and results records over
the real wire format (motcua.connectors.wire, docs/connectors.md), so the real client runs in the demo and
in the tests.

It checks every request's signature (unknown client, old timestamp, replayed request id, wrong HMAC: 401),
answers only the fields asked (R-PRIV-3), signs its answers, and keeps its own log of every request with
its purpose (`log`), as a real source would. `manage.py connector_sandbox` serves it (port 8732); the
tests start it on a free port (root conftest.py, fixture `connector_sandbox`).

Switches, read on every request and put back by `reset()`:
- `set_mode(mode, connector=None)`: "down" (503), "reset" (connection dropped), "slow" (answers after
  `slow_seconds`), "normal"; for one connector or all;
- `set_record(connector, key, **changes)`: change a record, so the source "disagrees" with a dossier;
  `remove_record(connector, key)`: the source no longer has it;
- `sign_responses_with`: a secret to sign answers with instead of the client's (a forged answer).
"""

from __future__ import annotations

import copy
import json
import logging
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from motcua.connectors import wire
from motcua.connectors.registry import Registry, registry
from motcua.loopback import LoopbackService, Mode

logger = logging.getLogger(__name__)

DEFAULT_PORT = 8732


# Synthetic records. Addresses are shaped as the e-form's `address` values: codes of the current list of
# provinces and communes (from 1 July 2025) and the street part.
RECORDS: dict[str, dict[str, dict[str, Any]]] = {
    "population": {
        "001090012345": {
            "full_name": "Nguyễn Văn An",
            "date_of_birth": "1990-05-17",
            "sex": "nam",
            "nationality": "Việt Nam",
            "permanent_residence": {"province": 1, "commune": 4, "street": "Số 12 phố Đội Cấn"},
            "current_residence": {"province": 1, "commune": 25, "street": "Số 8 ngõ 26 phố Nguyên Hồng"},
        },
        "079195001234": {
            "full_name": "Trần Thị Bình",
            "date_of_birth": "1995-03-02",
            "sex": "nu",
            "nationality": "Việt Nam",
            "permanent_residence": {"province": 79, "commune": 26743, "street": "Số 45 đường Lê Thánh Tôn"},
            "current_residence": {"province": 79, "commune": 26737, "street": "Số 102 đường Hai Bà Trưng"},
        },
    },
    "business": {
        "0112345676": {
            "name": "Công ty TNHH Dịch vụ Minh Phát",
            "address": {"province": 1, "commune": 70, "street": "Số 25 phố Hàng Bài"},
            "legal_representative": "Nguyễn Văn An",
            "status": "Đang hoạt động",
        },
    },
    "results": {
        "000.00.31.H26-261201-0001-KQ1": {
            "document_type": "giay_khai_sinh",
            "number": "000.00.31.H26-261201-0001-KQ1",
            "issuer": "Ủy ban nhân dân phường Ba Đình",
            "issued_on": "2026-12-01",
            "holder_citizen_id": "001090012345",
            "title": "Giấy khai sinh",
        },
    },
}


@dataclass
class LogEntry:
    """One request as the source saw it."""

    at: datetime
    client: str
    request_id: str
    purpose: str
    connector: str
    key: str
    fields_asked: list[str]
    fields_returned: list[str] = field(default_factory=list)
    status: int = 0
    refused: str = ""  # why a request was refused


class SandboxService(LoopbackService):
    """The loopback server and its switches. `clients` maps client id -> shared secret."""

    thread_name = "connector-sandbox"

    def __init__(
        self,
        *,
        clients: dict[str, str],
        host: str = "127.0.0.1",
        port: int = 0,
        connectors: Registry | None = None,
    ) -> None:
        self.clients = dict(clients)
        self.connectors = connectors or registry
        self._httpd = _Server((host, port), _Handler)
        self._httpd.sandbox = self
        self._lock = threading.Lock()
        self.reset()

    @property
    def base_url(self) -> str:
        host = str(self._httpd.server_address[0])
        return f"http://{host}:{self._httpd.server_address[1]}/"

    # -- life cycle --------------------------------------------------------------------------------------

    # -- switches ----------------------------------------------------------------------------------------

    def reset(self) -> None:
        """Every connector normal, the records as shipped, the log and the seen request ids empty."""
        self._new_release()
        self.modes: dict[str, Mode] = {}
        self.default_mode = Mode.NORMAL
        self.slow_seconds = 10.0
        self.records = copy.deepcopy(RECORDS)
        self.log: list[LogEntry] = []
        self.seen: set[str] = set()
        self.sign_responses_with: str | None = None

    def set_mode(self, mode: Mode | str, connector: str | None = None) -> None:
        if connector is None:
            self.default_mode = Mode(mode)
            self.modes.clear()
        else:
            self.modes[connector] = Mode(mode)

    def set_record(self, connector: str, key: str, **changes: Any) -> None:
        self.records.setdefault(connector, {}).setdefault(key, {}).update(changes)

    def remove_record(self, connector: str, key: str) -> None:
        self.records.get(connector, {}).pop(key, None)

    def mode_of(self, connector: str) -> Mode:
        return self.modes.get(connector, self.default_mode)

    def entries(self, connector: str | None = None) -> list[LogEntry]:
        with self._lock:
            return [e for e in self.log if connector is None or e.connector == connector]

    def _record(self, entry: LogEntry) -> None:
        with self._lock:
            self.log.append(entry)

    # -- answers -----------------------------------------------------------------------------------------

    def route(self, path: str) -> tuple[str, str] | None:
        """(connector, key) of a record path, or None."""
        for connector in self.connectors:
            prefix, _key, suffix = connector.path.partition("{key}")
            if path.startswith(prefix) and path.endswith(suffix) and len(path) > len(prefix) + len(suffix):
                key = unquote(path[len(prefix) : len(path) - len(suffix)])
                if "/" not in key:
                    return connector.name, key
        return None

    def refusal(self, headers: Any, method: str, path_qs: str) -> str:
        """Why the request's authentication fails, or ""."""
        client, request_id = headers.get(wire.CLIENT, ""), headers.get(wire.REQUEST_ID, "")
        timestamp, purpose = headers.get(wire.TIMESTAMP, ""), headers.get(wire.PURPOSE, "")
        signature = headers.get(wire.SIGNATURE, "")
        if not (client and request_id and timestamp and purpose and signature):
            return "missing authentication headers"
        secret = self.clients.get(client)
        if secret is None:
            return "unknown client"
        try:
            skew = abs(time.time() - int(timestamp))
        except ValueError:
            return "bad timestamp"
        if skew > wire.MAX_SKEW_SECONDS:
            return "timestamp too old or too new"
        expected = wire.request_signature(
            secret, method=method, path=path_qs, timestamp=timestamp, request_id=request_id, purpose=purpose
        )
        if not wire.same(expected, signature):
            return "bad signature"
        with self._lock:
            if request_id in self.seen:
                return "replayed request id"
            self.seen.add(request_id)
        return ""

    def answer_signature(self, client: str, request_id: str, body: bytes) -> str:
        secret = self.sign_responses_with or self.clients.get(client, "")
        return wire.response_signature(secret, request_id=request_id, body=body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    sandbox: SandboxService

    def handle_error(self, request, client_address) -> None:
        logger.exception("connector sandbox: request from %s failed", client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "motcua-connector-sandbox"

    def do_GET(self) -> None:
        sandbox = self.server.sandbox
        parts = urlsplit(self.path)
        route = sandbox.route(parts.path)
        fields = [f for f in ",".join(parse_qs(parts.query).get("fields", [])).split(",") if f]
        entry = LogEntry(
            at=datetime.now(UTC),
            client=self.headers.get(wire.CLIENT, ""),
            request_id=self.headers.get(wire.REQUEST_ID, ""),
            purpose=self.headers.get(wire.PURPOSE, ""),
            connector=route[0] if route else "",
            key=route[1] if route else "",
            fields_asked=fields,
        )
        sandbox._record(entry)
        if route is None:
            entry.status = HTTPStatus.NOT_FOUND
            self._send(HTTPStatus.NOT_FOUND, {"error": "no such resource"})
            return
        mode = sandbox.mode_of(entry.connector)
        if mode is Mode.DOWN:
            entry.status = HTTPStatus.SERVICE_UNAVAILABLE
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, {"error": "service unavailable (test switch)"})
            return
        if mode is Mode.RESET:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        if mode is Mode.SLOW:
            sandbox._sleep()
        refused = sandbox.refusal(self.headers, "GET", self.path)
        if refused:
            entry.status, entry.refused = HTTPStatus.UNAUTHORIZED, refused
            self._send(HTTPStatus.UNAUTHORIZED, {"error": refused})
            return
        connector = sandbox.connectors[entry.connector]
        unknown = [f for f in fields if f not in connector.attributes]
        if unknown:
            entry.status = HTTPStatus.BAD_REQUEST
            self._send(HTTPStatus.BAD_REQUEST, {"error": "unknown fields: " + ",".join(unknown)}, sign=True)
            return
        record = sandbox.records.get(entry.connector, {}).get(entry.key)
        if record is None:
            entry.status = HTTPStatus.NOT_FOUND
            self._send(HTTPStatus.NOT_FOUND, {"error": "not found"}, sign=True)
            return
        data = {name: record[name] for name in fields if name in record}  # only what was asked (R-PRIV-3)
        entry.status, entry.fields_returned = HTTPStatus.OK, list(data)
        self._send(HTTPStatus.OK, {"data": data}, sign=True)

    def _send(self, status: HTTPStatus, payload: dict, *, sign: bool = False) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            if sign:
                signature = self.server.sandbox.answer_signature(
                    self.headers.get(wire.CLIENT, ""), self.headers.get(wire.REQUEST_ID, ""), body
                )
                self.send_header(wire.RESPONSE_SIGNATURE, signature)
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # the client gave up (timeout) before the answer came
            self.close_connection = True

    def log_message(self, format: str, *args) -> None:
        logger.info("%s " + format, self.address_string(), *args)
