"""Whatever an official's browser (or anyone's script) posts, the back office answers in Vietnamese and never
with a 500, and changes nothing it should not."""

from __future__ import annotations

import pytest

from motcua.dossiers.models import Dossier

HUGE = "9" * 30
ODD = ["", "abc", "-1", "0", HUGE, "1\x00", "１２", "1e3", "x" * 5000]


@pytest.fixture
def processing(submit, procedure, advance):
    return advance(submit(procedure), "specialist_assigned")


def _post(client, dossier, **data):
    return client.post(f"/mot-cua/ho-so/{dossier.public_id}/xu-ly/", data)


@pytest.mark.parametrize("value", ODD)
def test_odd_values_in_every_reception_field_are_answered_without_a_500(
    client, submit, procedure, receptionist, value
):
    dossier = submit(procedure)
    client.force_login(receptionist)

    for action in ("accept", "request_supplement", "refuse", "", value):
        response = _post(
            client,
            dossier,
            action=action if action != "accept" else "refuse",  # accepting would end the test's dossier
            revision=value,
            **{"mark-component.don": value, "note-component.don": value, "refuse_reason": value},
            request_supplement_legal_basis=value,
        )
        assert response.status_code in {200, 302, 400, 409}, (action, value)
    assert Dossier.objects.get(pk=dossier.pk).status in {Dossier.Status.SUBMITTED, Dossier.Status.REFUSED}


@pytest.mark.parametrize("value", ODD)
def test_odd_values_in_every_processing_field_are_answered_without_a_500(
    client, processing, specialist, leader, value
):
    fields = {
        "assign_assignee": value,
        "consult_agency": value,
        "consult_hours": value,
        "consult_question": value,
        "consultation": value,
        "answer_consultation_answer": value,
        "send_back_note": value,
        "reject_reason": value,
        "apologise_reason": value,
        "apologise_new_due_at": value,
        "apologise_time": value,
        "revision": value,
    }
    for official, actions in (
        (specialist, ["consult", "answer_consultation", "submit_for_approval", "attach_result", "reject"]),
        (leader, ["assign", "send_back", "approve", "apologise"]),
    ):
        client.force_login(official)
        for action in actions:
            response = _post(client, processing, action=action, **fields)
            assert response.status_code in {302, 400, 409}, (action, value)


@pytest.mark.parametrize(
    "date", ["31/12/9999", "9999-12-31", "00/00/0000", "29/02/2027", "2026-13-01", "1/1/1", HUGE]
)
def test_odd_apology_dates_are_explained(client, processing, leader, date):
    client.force_login(leader)

    response = _post(
        client,
        processing,
        action="apologise",
        apologise_reason="Cần xác minh thêm.",
        apologise_new_due_at=date,
    )

    assert response.status_code == 400
    assert "Hãy nhập ngày hẹn mới" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"han_den": "31/12/9999"},
        {"han_den": "9999-12-31"},
        {"han_den": HUGE},
        {"sau_han": "x", "sau_id": HUGE},
        {"sau_han": "2026-11-23T10:00:00+07:00", "sau_id": HUGE},
        {"q": "\x00", "thu_tuc": "\x00", "trang_thai": "\x00"},
        {"q": "x" * 5000},
    ],
)
@pytest.mark.parametrize(
    "queue", ["viec-cua-toi", "cho-phe-duyet", "cho-tra-ket-qua", "qua-han", "xin-y-kien"]
)
def test_odd_queue_parameters_are_harmless(client, leader, queue, query):
    client.force_login(leader)

    assert client.get(f"/mot-cua/{queue}/", query).status_code == 200


def test_huge_result_and_file_ids_are_not_found(client, processing, specialist):
    client.force_login(specialist)

    for part in ("ket-qua", "tep"):
        assert client.get(f"/mot-cua/ho-so/{processing.public_id}/{part}/{HUGE}/").status_code == 404


def test_a_nul_character_in_a_reason_is_dropped_not_stored(client, submit, procedure, receptionist):
    """PostgreSQL refuses NUL in text: the back office drops it rather than failing the decision."""
    dossier = submit(procedure)
    client.force_login(receptionist)

    response = _post(
        client, dossier, action="refuse", revision="1", refuse_reason="Không thuộc\x00 thẩm quyền."
    )

    assert response.status_code == 302
    assert dossier.decisions.get().reason == "Không thuộc thẩm quyền."
