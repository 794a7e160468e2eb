"""Token authentication, and the one error shape for every error."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import ErrorDetail
from rest_framework.test import APIClient, APIRequestFactory

from motcua.api.errors import exception_handler, flatten_validation_errors
from motcua.identity.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


def assert_error_shape(response, status: int, code: str) -> dict:
    body = response.json()
    assert set(body) == {"status", "code", "message", "errors"}
    assert (response.status_code, body["status"], body["code"]) == (status, status, code)
    assert body["message"]
    assert all(set(e) == {"field", "code", "message"} for e in body["errors"])
    return body


# --- tokens --------------------------------------------------------------------------------------------


def test_a_username_and_password_get_a_token_that_authenticates(anonymous, citizen, procedure):
    response = anonymous.post(TOKEN_URL, {"username": citizen.username, "password": PASSWORD}, format="json")

    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(user=citizen).key == token
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/dossiers/").status_code == 200


def test_asking_again_returns_the_same_token(anonymous, citizen):
    credentials = {"username": citizen.username, "password": PASSWORD}

    first = anonymous.post(TOKEN_URL, credentials, format="json").json()["token"]
    second = anonymous.post(  # form-encoded works too
        TOKEN_URL, urlencode(credentials), content_type="application/x-www-form-urlencoded"
    ).json()["token"]

    assert first == second


def test_a_wrong_password_gets_no_token(anonymous, citizen):
    response = anonymous.post(TOKEN_URL, {"username": citizen.username, "password": "sai"}, format="json")

    body = assert_error_shape(response, 400, "invalid_request")
    assert body["errors"][0]["code"] == "invalid_credentials"
    assert not Token.objects.exists()


def test_password_guessing_is_slowed_down(anonymous, citizen):
    statuses = [
        anonymous.post(
            TOKEN_URL, {"username": citizen.username, "password": "sai"}, format="json"
        ).status_code
        for _ in range(11)
    ]

    assert statuses == [400] * 10 + [429]


def test_a_session_login_also_works(citizen):
    client = APIClient()
    client.force_login(citizen)

    assert client.get("/api/v1/dossiers/").status_code == 200


# --- the error shape -----------------------------------------------------------------------------------


def test_unauthenticated_is_401_in_the_error_shape(anonymous):
    response = anonymous.get("/api/v1/dossiers/")

    body = assert_error_shape(response, 401, "not_authenticated")
    assert "Token" in body["message"]
    assert response["WWW-Authenticate"] == "Token"


def test_an_unknown_token_is_401(anonymous):
    anonymous.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")

    assert_error_shape(anonymous.get("/api/v1/dossiers/"), 401, "authentication_failed")


def test_session_writes_without_csrf_token_are_403(citizen, procedure):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(citizen)

    response = client.post("/api/v1/dossiers/", {"procedure": procedure.code}, format="json")

    assert_error_shape(response, 403, "csrf_failed")


def test_unknown_api_urls_are_404_in_the_error_shape(anonymous):
    assert_error_shape(anonymous.get("/api/v1/khong-co/"), 404, "not_found")
    assert_error_shape(anonymous.post("/api/v2/dossiers/"), 404, "not_found")


def test_a_missing_trailing_slash_is_explained(api):
    body = assert_error_shape(api.get("/api/v1/dossiers"), 404, "not_found")

    assert "/api/v1/dossiers/" in body["message"]


def test_a_wrong_method_is_405(api):
    assert_error_shape(api.put("/api/v1/dossiers/", {}, format="json"), 405, "method_not_allowed")


def test_a_wrong_content_type_is_415(api, procedure):
    response = api.post(
        "/api/v1/dossiers/", "procedure=1.001193", content_type="application/x-www-form-urlencoded"
    )

    assert_error_shape(response, 415, "unsupported_media_type")


@pytest.mark.parametrize(
    "body",
    [b"{not json", b'{"procedure": "1.0', "[" * 100_000, b"\xff\xfe{}", b"NaN"],
    ids=["syntax", "cut-short", "deeply-nested", "not-utf8", "nan"],
)
def test_malformed_json_is_400_never_500(api, procedure, body):
    response = api.generic("POST", "/api/v1/dossiers/", data=body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] in {"malformed_request", "invalid_request"}


def test_a_json_body_over_the_memory_limit_is_413(api, procedure, settings):
    body = (
        b'{"procedure": "1.001193", "form_data": {"x": "'
        + b"a" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        + b'"}}'
    )

    response = api.generic("POST", "/api/v1/dossiers/", data=body, content_type="application/json")

    assert_error_shape(response, 413, "request_too_large")


def test_an_unexpected_failure_is_500_in_the_error_shape_and_logged(caplog):
    request = APIRequestFactory().get("/api/v1/dossiers/")

    response = exception_handler(RuntimeError("boom"), {"request": request})

    assert response.status_code == 500
    assert response.data["code"] == "server_error" and response.data["errors"] == []
    assert "boom" in caplog.text


def test_nested_validation_errors_get_dotted_paths():
    detail = {
        "non_field_errors": [ErrorDetail("Sai.", code="invalid")],
        "members": [{}, {"name": [ErrorDetail("Trống.", code="blank")]}],
    }

    assert flatten_validation_errors(detail) == [
        {"field": None, "code": "invalid", "message": "Sai."},
        {"field": "members.1.name", "code": "blank", "message": "Trống."},
    ]
