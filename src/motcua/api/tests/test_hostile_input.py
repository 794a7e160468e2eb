"""Regression tests from the hostile-input pass (schemathesis against the served app, then by hand).

Each input here once answered 500, broke the published schema, or answered in English. Text that no
database can store (NUL, half a UTF-16 pair) failed on PostgreSQL only, so these run on both databases.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.api.tests.conftest import PDF, VALID_FORM
from motcua.dossiers.models import Dossier, DossierFile

pytestmark = pytest.mark.django_db

DOSSIERS = "/api/v1/dossiers/"
VIETNAMESE = re.compile(
    r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.IGNORECASE
)


def assert_vietnamese_error(response, status: int) -> dict:
    body = response.json()
    assert (response.status_code, body["status"]) == (status, status)
    for text in [body["message"], *(e["message"] for e in body["errors"])]:
        assert VIETNAMESE.search(text), f"not Vietnamese: {text!r}"
    return body


@pytest.fixture
def draft(api, procedure) -> Dossier:
    response = api.post(
        DOSSIERS, {"procedure": "1.001193", "form_data": {"ho_ten": "Lê Văn Tám"}}, format="json"
    )
    dossier = Dossier.objects.get(public_id=response.json()["id"])
    pdf = SimpleUploadedFile("to-khai.pdf", PDF, content_type="application/pdf")
    assert (
        api.post(f"{DOSSIERS}{dossier.public_id}/files/", {"component": "to-khai", "file": pdf}).status_code
        == 201
    )
    return dossier


def assert_untouched(draft: Dossier) -> None:
    draft.refresh_from_db()
    assert draft.form_data == {"ho_ten": "Lê Văn Tám"}
    assert list(draft.files.values_list("original_name", flat=True)) == ["to-khai.pdf"]


def test_same_day_cutoff_matches_its_published_schema(api, procedure):
    """The schema said format "time" (RFC 3339: needs an offset); the API sends local "15:00:00"."""
    procedure.same_day_cutoff = "15:00"
    procedure.save()
    schema = yaml.safe_load((Path(settings.BASE_DIR) / "docs" / "openapi.yaml").read_text())
    published = schema["components"]["schemas"]["ProcedureDetail"]["properties"]["same_day_cutoff"]

    value = api.get("/api/v1/procedures/1.001193/").json()["same_day_cutoff"]

    assert "format" not in published
    assert value == "15:00:00" and re.fullmatch(published["pattern"], value)


# JSON text, so that NUL and half a surrogate pair reach the server exactly as a client sends them.
UNSTORABLE = {
    "nul-in-value": '{"ho_ten": "Lê\\u0000Văn"}',
    "nul-in-key": '{"ho\\u0000ten": "x"}',
    "half-surrogate-in-value": '{"ho_ten": "L\\ud800"}',
    "half-surrogate-in-key": '{"\\udfff": "x"}',
    "deep-inside-a-list": '{"ho_ten": ["ok", {"a": "\\u0000"}]}',
}


@pytest.mark.parametrize("form_data", UNSTORABLE.values(), ids=UNSTORABLE.keys())
def test_text_no_database_can_store_is_400_and_the_draft_is_untouched(api, draft, form_data):
    response = api.generic(
        "PATCH",
        f"{DOSSIERS}{draft.public_id}/",
        '{"form_data": ' + form_data + "}",
        content_type="application/json",
    )

    body = assert_vietnamese_error(response, 400)
    assert [e["code"] for e in body["errors"]] == ["invalid_characters"]
    assert "\\u0000" in body["errors"][0]["message"]  # says which characters, readable
    assert_untouched(draft)


@pytest.mark.parametrize("form_data", UNSTORABLE.values(), ids=UNSTORABLE.keys())
def test_one_shot_submission_with_unstorable_text_is_400_and_keeps_nothing(api, procedure, form_data):
    pdf = SimpleUploadedFile("to-khai.pdf", PDF, content_type="application/pdf")
    response = api.post(
        "/api/v1/submissions/",
        {"procedure": "1.001193", "form_data": form_data, "to-khai": pdf},
        HTTP_IDEMPOTENCY_KEY="k-unstorable",
    )

    assert assert_vietnamese_error(response, 400)["errors"][0]["code"] == "invalid_characters"
    assert not Dossier.objects.exists()


def test_a_key_that_is_not_in_the_eform_is_400_naming_it_and_nothing_is_saved(api, draft):
    """A typo used to be saved silently (and the draft could grow without bound)."""
    response = api.patch(
        f"{DOSSIERS}{draft.public_id}/",
        {"form_data": {"ho_tn": "Lê Văn Tám", "ngay_sinh": "1999-04-30"}},
        format="json",
    )

    body = assert_vietnamese_error(response, 400)
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("form_data.ho_tn", "unknown_field")]
    assert "/api/v1/procedures/1.001193/" in body["errors"][0]["message"]
    assert_untouched(draft)


def test_unknown_eform_keys_refuse_a_new_draft_and_a_one_shot_submission(api, procedure):
    created = api.post(DOSSIERS, {"procedure": "1.001193", "form_data": {"zzz": 1}}, format="json")
    submitted = api.post(
        "/api/v1/submissions/",
        {
            "procedure": "1.001193",
            "form_data": json.dumps({**VALID_FORM, "zzz": 1}),
            "to-khai": SimpleUploadedFile("to-khai.pdf", PDF),
        },
        HTTP_IDEMPOTENCY_KEY="k-unknown-key",
    )

    for response in (created, submitted):
        assert assert_vietnamese_error(response, 400)["errors"][0]["field"] == "form_data.zzz"
    assert not Dossier.objects.exists()


def test_a_procedure_code_with_nul_is_404_in_the_error_shape(api, procedure):
    assert_vietnamese_error(api.get("/api/v1/procedures/1.001%00193/"), 404)


def test_a_file_part_name_with_nul_is_400_and_keeps_nothing(api, procedure):
    response = api.post(
        "/api/v1/submissions/",
        {
            "procedure": "1.001193",
            "form_data": json.dumps(VALID_FORM),
            "to\x00khai": SimpleUploadedFile("a.pdf", PDF),
        },
        HTTP_IDEMPOTENCY_KEY="k-nul-part",
    )

    assert assert_vietnamese_error(response, 400)["errors"][0]["field"] == "files"
    assert not Dossier.objects.exists() and not DossierFile.objects.exists()


@pytest.mark.parametrize("position", ["abc", "2026-13-45T99:00:00", "\x00"])
def test_a_cursor_whose_position_is_not_a_time_is_400(api, draft, position):
    cursor = base64.b64encode(f"p={position}".encode()).decode()

    body = assert_vietnamese_error(api.get(DOSSIERS, {"cursor": cursor}), 400)

    assert body["errors"][0]["field"] == "cursor"


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"procedure": "1.001\x00193"}, "procedure"),
        ({"procedure": "1.001193", "agency": "\x00"}, "agency"),
        ('{"procedure": "\\ud800"}', "procedure"),
    ],
    ids=["nul-procedure", "nul-agency", "half-surrogate"],
)
def test_characters_drf_refuses_are_explained_in_vietnamese(api, procedure, body, where):
    """DRF's own validators answered "Null characters are not allowed." in English."""
    data = body if isinstance(body, str) else json.dumps(body)

    response = api.generic("POST", DOSSIERS, data, content_type="application/json")

    assert assert_vietnamese_error(response, 400)["errors"][0]["field"] == where
    assert not Dossier.objects.exists()


def test_a_file_whose_name_is_not_utf8_is_400_saying_so_and_the_draft_keeps_its_file(api, draft):
    """Django drops a file part whose name is not UTF-8; the answer says what to send instead."""
    body = (
        b'--B\r\nContent-Disposition: form-data; name="component"\r\n\r\nto-khai\r\n'
        b'--B\r\nContent-Disposition: form-data; name="file"; filename="\xff\xfe.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n" + PDF + b"\r\n--B--\r\n"
    )

    response = api.generic(
        "POST", f"{DOSSIERS}{draft.public_id}/files/", body, content_type="multipart/form-data; boundary=B"
    )

    errors = assert_vietnamese_error(response, 400)["errors"]
    assert errors[0]["field"] == "file" and "UTF-8" in errors[0]["message"]
    assert_untouched(draft)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/v1/procedures/", {"q": "x" * 201}),
        ("post", DOSSIERS, {"procedure": "1.001193", "agency": "0" * 41}),
        ("post", "/api/v1/auth/token/", {"username": "u" * 151, "password": "p"}),
    ],
    ids=["query-too-long", "code-too-long", "username-too-long"],
)
def test_too_long_values_are_explained_in_vietnamese(api, procedure, method, path, body):
    """DRF builds its length validators' messages before they can be translated: they came out English."""
    response = getattr(api, method)(path, body, **({} if method == "get" else {"format": "json"}))

    assert "tối đa" in assert_vietnamese_error(response, 400)["errors"][0]["message"]


@pytest.mark.parametrize("method", ["post", "patch"])
def test_a_null_body_is_explained_in_vietnamese(api, draft, method):
    """DRF answers a JSON null with "No data provided", whatever its messages say."""
    path = DOSSIERS if method == "post" else f"{DOSSIERS}{draft.public_id}/"

    response = api.generic(method.upper(), path, "null", content_type="application/json")

    assert assert_vietnamese_error(response, 400)["errors"][0]["code"] == "null"
    assert_untouched(draft)
