"""The wire protocol as the source enforces it: signed, fresh, once, only known fields (R-PRIV-3)."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid

import pytest

from conftest import CONNECTOR_CLIENT_ID, CONNECTOR_SECRET
from motcua.connectors import wire

PATH = "/population/v1/citizens/001090012345?fields=full_name"


def get(sandbox, path=PATH, *, secret=CONNECTOR_SECRET, timestamp=None, request_id=None, purpose="test"):
    request_id = request_id or str(uuid.uuid4())
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    headers = {
        wire.CLIENT: CONNECTOR_CLIENT_ID,
        wire.REQUEST_ID: request_id,
        wire.TIMESTAMP: timestamp,
        wire.PURPOSE: purpose,
        wire.SIGNATURE: wire.request_signature(
            secret, method="GET", path=path, timestamp=timestamp, request_id=request_id, purpose=purpose
        ),
    }
    request = urllib.request.Request(sandbox.base_url.rstrip("/") + path, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310 - loopback
            return response.status, response.read(), response.headers, request_id
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers, request_id


def test_a_well_signed_request_gets_only_the_field_asked_signed_by_the_source(connector_sandbox):
    """R-PRIV-3: asked for the name, the source answers the name and nothing else."""
    status, body, headers, request_id = get(connector_sandbox)

    assert status == 200
    assert json.loads(body) == {"data": {"full_name": "Nguyễn Văn An"}}
    assert headers[wire.RESPONSE_SIGNATURE] == wire.response_signature(
        CONNECTOR_SECRET, request_id=request_id, body=body
    )


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"secret": "wrong"}, "bad signature"),
        ({"timestamp": int(time.time()) - wire.MAX_SKEW_SECONDS - 60}, "timestamp too old or too new"),
    ],
)
def test_a_bad_or_old_signature_is_refused(connector_sandbox, change, reason):
    status, body, _headers, _id = get(connector_sandbox, **change)

    assert status == 401
    assert json.loads(body) == {"error": reason}
    assert connector_sandbox.log[-1].refused == reason and connector_sandbox.log[-1].fields_returned == []


def test_a_replayed_request_is_refused(connector_sandbox):
    request_id = str(uuid.uuid4())
    assert get(connector_sandbox, request_id=request_id)[0] == 200
    status, body, _headers, _id = get(connector_sandbox, request_id=request_id)
    assert (status, json.loads(body)) == (401, {"error": "replayed request id"})


def test_a_request_for_an_unknown_field_is_refused(connector_sandbox):
    status, _body, _headers, _id = get(
        connector_sandbox, "/population/v1/citizens/001090012345?fields=religion"
    )
    assert status == 400


def test_an_unknown_record_is_not_found_and_still_signed(connector_sandbox):
    status, body, headers, request_id = get(
        connector_sandbox, "/population/v1/citizens/001099999999?fields=sex"
    )
    assert status == 404
    assert headers[wire.RESPONSE_SIGNATURE] == wire.response_signature(
        CONNECTOR_SECRET, request_id=request_id, body=body
    )


def test_the_synthetic_residences_are_addresses_the_e_form_accepts(connector_sandbox):
    """The sandbox's addresses are valid values of the e-form's address type (current list of communes)."""
    from motcua.catalog.eform import validate_form
    from motcua.connectors.sandbox import RECORDS

    schema = {"fields": [{"key": "a", "type": "address", "label": "Địa chỉ", "required": True}]}
    addresses = [
        r[k] for r in RECORDS["population"].values() for k in ("permanent_residence", "current_residence")
    ]
    addresses += [r["address"] for r in RECORDS["business"].values()]
    for address in addresses:
        assert validate_form(schema, {"a": address}).errors == {}, address
