"""Prefill from state databases over the real wire, with the sandbox on loopback (R-ONCE-1, R-PRIV-2/3)."""

from __future__ import annotations

import time
import uuid

import pytest

from motcua.audit.models import AuditEvent
from motcua.connectors.models import ConnectorExchange, SourceLookup
from motcua.connectors.tests.conftest import TYPED
from motcua.dossiers.services import dossier_check, draft_create, draft_update, submission_create

pytestmark = pytest.mark.django_db

ADDRESS_AN = {"province": 1, "commune": 4, "street": "Số 12 phố Đội Cấn"}


def test_draft_is_prefilled_from_the_population_database_and_those_fields_are_locked(
    connector_sandbox, population_procedure, citizen
):
    """R-ONCE-1: the applicant is not asked for what the population database holds."""
    draft = draft_create(applicant=citizen, procedure=population_procedure)

    assert draft.form_data["ho_ten"] == "Nguyễn Văn An"
    assert draft.form_data["ngay_sinh"] == "1990-05-17"
    assert draft.form_data["gioi_tinh"] == "nam"
    assert draft.form_data["thuong_tru"] == ADDRESS_AN
    assert draft.prefilled == {
        "ho_ten": "population",
        "ngay_sinh": "population",
        "gioi_tinh": "population",
        "thuong_tru": "population",
        "so_dinh_danh": "identity",
    }
    draft = draft_update(
        dossier=draft, applicant=citizen, form_data={"ho_ten": "Ai đó khác", "dien_thoai": "0912345678"}
    )
    assert draft.form_data["ho_ten"] == "Nguyễn Văn An"  # read-only: the source's value stays
    assert draft.form_data["dien_thoai"] == "0912345678"  # not from a source: the applicant types it


def test_a_field_the_source_lacks_stays_editable(connector_sandbox, population_procedure, citizen):
    """R-ONCE-1: only what the source has is filled in; the rest is the applicant's to type."""
    connector_sandbox.set_record("population", citizen.citizen_id, permanent_residence=None)
    connector_sandbox.records["population"][citizen.citizen_id].pop("permanent_residence")

    draft = draft_create(applicant=citizen, procedure=population_procedure)

    assert "thuong_tru" not in draft.prefilled and "thuong_tru" not in draft.form_data
    assert draft.prefilled["ho_ten"] == "population"


def test_only_the_fields_the_form_maps_are_asked_and_returned(
    connector_sandbox, population_procedure, citizen
):
    """R-PRIV-3: nationality and current residence are in the record but this form does not need them."""
    draft_create(applicant=citizen, procedure=population_procedure)

    [entry] = connector_sandbox.entries("population")
    mapped = ["date_of_birth", "full_name", "permanent_residence", "sex"]
    assert sorted(entry.fields_asked) == mapped
    assert sorted(entry.fields_returned) == mapped
    exchange = ConnectorExchange.objects.get()
    assert exchange.fields == mapped
    snapshot = SourceLookup.objects.get()
    assert sorted(snapshot.data) == mapped  # nationality, current_residence never reached motcua


def test_every_exchange_is_logged_on_both_sides_with_its_purpose(
    connector_sandbox, population_procedure, citizen
):
    """R-PRIV-2: each lookup is evidence on both sides: who, whose record, for which procedure and dossier."""
    draft = draft_create(applicant=citizen, procedure=population_procedure)

    exchange = ConnectorExchange.objects.get()
    purpose = f"prefill {population_procedure.code} dossier {draft.public_id}"
    assert exchange.purpose == purpose
    assert exchange.dossier_public_id == draft.public_id
    assert exchange.procedure_code == population_procedure.code
    assert exchange.actor == citizen
    assert exchange.key == citizen.citizen_id
    assert exchange.outcome == ConnectorExchange.Outcome.FOUND and exchange.http_status == 200
    assert len(exchange.response_sha256) == 64
    [entry] = connector_sandbox.entries("population")
    assert entry.request_id == str(exchange.request_id)
    assert entry.purpose == purpose
    assert entry.key == citizen.citizen_id
    audit = AuditEvent.objects.get(action="connector.lookup")
    assert audit.object_id == str(draft.public_id)
    assert audit.data["request_id"] == str(exchange.request_id) and audit.data["purpose"] == purpose


@pytest.mark.parametrize("mode", ["down", "reset"])
def test_source_down_falls_back_to_manual_entry_and_submission_still_works(
    connector_sandbox, population_procedure, citizen, pdf_bytes, mode
):
    """R-ONCE-1: a source that is down never blocks: the draft is created, the fields are the applicant's,
    what they typed is kept and the dossier can be submitted (the satisfied component still not asked)."""
    connector_sandbox.set_mode(mode)

    draft = draft_create(applicant=citizen, procedure=population_procedure)

    assert draft.prefilled == {"so_dinh_danh": "identity"}
    lookup = SourceLookup.objects.get(dossier_public_id=draft.public_id)
    assert lookup.outcome == ConnectorExchange.Outcome.UNAVAILABLE
    draft = draft_update(dossier=draft, applicant=citizen, form_data=TYPED)
    assert draft.form_data["ho_ten"] == "Nguyễn Văn Ân"
    from motcua.dossiers.services import dossier_file_add, dossier_submit

    dossier_file_add(
        dossier=draft, applicant=citizen, component_code="don", original_name="don.pdf", chunks=[pdf_bytes]
    )
    assert dossier_check(draft)[1] == []
    ack = dossier_submit(dossier=draft, applicant=citizen)
    assert ack.dossier.status == "submitted"
    assert ack.dossier.form_data["ho_ten"] == "Nguyễn Văn Ân"


def test_source_slower_than_the_timeout_is_given_up_on_and_submission_goes_through(
    connector_sandbox, population_procedure, citizen, pdf_bytes
):
    """R-ONCE-1: a slow source costs at most the connector's timeout (500 ms here), then manual entry."""
    connector_sandbox.set_mode("slow")
    connector_sandbox.slow_seconds = 5

    started = time.monotonic()
    ack = submission_create(
        applicant=citizen,
        submission_key=uuid.uuid4().hex,
        procedure=population_procedure,
        agency=None,
        form_data=TYPED,
        files=[("don", "don.pdf", [pdf_bytes])],
    )
    elapsed = time.monotonic() - started

    assert elapsed < 3
    assert ack.dossier.form_data["ho_ten"] == "Nguyễn Văn Ân"
    assert ack.dossier.prefilled == {"so_dinh_danh": "identity"}
    exchange = ConnectorExchange.objects.get()
    assert exchange.outcome == ConnectorExchange.Outcome.TIMEOUT
    assert exchange.dossier_public_id == ack.dossier.public_id


def test_submission_in_one_call_takes_the_sources_values_over_those_sent(
    connector_sandbox, population_procedure, citizen, pdf_bytes
):
    """R-ONCE-1: an API client's or kiosk's own value for a sourced field does not replace the source's."""
    ack = submission_create(
        applicant=citizen,
        submission_key=uuid.uuid4().hex,
        procedure=population_procedure,
        agency=None,
        form_data=TYPED,
        files=[("don", "don.pdf", [pdf_bytes])],
    )
    assert ack.dossier.form_data["ho_ten"] == "Nguyễn Văn An"
    assert ack.dossier.prefilled["ho_ten"] == "population"


def test_a_request_signed_with_the_wrong_secret_is_refused_by_the_source(
    connector_sandbox, population_procedure, citizen, monkeypatch
):
    """The source refuses (401) a request whose HMAC does not verify; motcua falls back to manual entry."""
    from conftest import CONNECTOR_SECRET_ENV

    monkeypatch.setenv(CONNECTOR_SECRET_ENV, "not-the-shared-secret")

    draft = draft_create(applicant=citizen, procedure=population_procedure)

    exchange = ConnectorExchange.objects.get()
    assert exchange.outcome == ConnectorExchange.Outcome.REFUSED and exchange.http_status == 401
    [entry] = connector_sandbox.entries("population")
    assert entry.refused == "bad signature" and entry.fields_returned == []
    assert "ho_ten" not in draft.prefilled


def test_an_answer_not_signed_by_the_source_is_not_believed(connector_sandbox, population_procedure, citizen):
    """A forged answer (response signature with another key) counts as the source being unavailable."""
    connector_sandbox.sign_responses_with = "someone-else"
    connector_sandbox.set_record("population", citizen.citizen_id, full_name="Kẻ Giả Mạo")

    draft = draft_create(applicant=citizen, procedure=population_procedure)

    exchange = ConnectorExchange.objects.get()
    assert exchange.outcome == ConnectorExchange.Outcome.UNAVAILABLE
    assert exchange.detail == "bad response signature"
    assert "ho_ten" not in draft.form_data


def test_a_citizen_the_source_does_not_know_types_everything(
    connector_sandbox, population_procedure, other_citizen
):
    connector_sandbox.remove_record("population", other_citizen.citizen_id)

    draft = draft_create(applicant=other_citizen, procedure=population_procedure)

    assert SourceLookup.objects.get().outcome == ConnectorExchange.Outcome.NOT_FOUND
    assert draft.prefilled == {"so_dinh_danh": "identity"}


def test_a_value_that_does_not_fit_its_field_is_left_to_the_applicant(
    connector_sandbox, population_procedure, citizen
):
    """A source's value that is not one of the field's choices is not forced into the form."""
    connector_sandbox.set_record("population", citizen.citizen_id, sex="khong_ro")

    draft = draft_create(applicant=citizen, procedure=population_procedure)

    assert "gioi_tinh" not in draft.prefilled
    assert draft.prefilled["ho_ten"] == "population"


def test_without_configuration_no_request_is_made_and_the_form_is_typed(
    population_procedure, citizen, settings
):
    """A deployment that has not connected a source: nothing goes on the network, nothing blocks."""
    settings.MOTCUA_CONNECTORS = {}

    draft = draft_create(applicant=citizen, procedure=population_procedure)

    assert draft.prefilled == {"so_dinh_danh": "identity"}
    exchange = ConnectorExchange.objects.get()
    assert exchange.outcome == ConnectorExchange.Outcome.UNAVAILABLE and exchange.detail == "not configured"
    assert exchange.http_status is None


def test_business_fields_are_prefilled_for_an_organisation(connector_sandbox, agency, rule_set):
    """R-ONCE-1: an enterprise's name and head-office address come from the business registry."""
    from motcua.catalog.tests.factories import ProcedureFactory
    from motcua.identity.tests.factories import OrganisationUserFactory

    user = OrganisationUserFactory(organisation__enterprise_code="0112345676")
    procedure = ProcedureFactory(
        agencies=[agency],
        eform_schema={
            "fields": [
                {"key": "ten_dn", "type": "text", "label": "Tên doanh nghiệp", "prefill": "business.name"},
                {"key": "tru_so", "type": "address", "label": "Trụ sở", "prefill": "business.address"},
                {"key": "nguoi_dai_dien", "type": "text", "label": "Người đại diện"},
            ]
        },
    )

    draft = draft_create(applicant=user, procedure=procedure)

    assert draft.form_data["ten_dn"] == "Công ty TNHH Dịch vụ Minh Phát"
    assert draft.prefilled == {"ten_dn": "business", "tru_so": "business"}
    [entry] = connector_sandbox.entries("business")
    assert entry.key == "0112345676" and sorted(entry.fields_asked) == ["address", "name"]


def test_at_the_counter_the_lookup_is_logged_in_the_officials_name(
    connector_sandbox, population_procedure, citizen, receptionist, pdf_bytes
):
    """R-PRIV-2: when an official files a dossier for an applicant, the official is who read the record."""
    submission_create(
        applicant=citizen,
        submission_key=uuid.uuid4().hex,
        procedure=population_procedure,
        agency=None,
        form_data=TYPED,
        files=[("don", "don.pdf", [pdf_bytes])],
        received_by=receptionist,
    )
    exchange = ConnectorExchange.objects.get()
    assert (exchange.actor, exchange.key) == (receptionist, citizen.citizen_id)


def test_an_inactive_procedure_reads_nobodys_record(connector_sandbox, population_procedure, citizen):
    """R-PRIV-3: no dossier can be made, so no data is fetched for it."""
    from motcua.dossiers.services import DossierError

    population_procedure.is_active = False
    population_procedure.save()
    with pytest.raises(DossierError):
        draft_create(applicant=citizen, procedure=population_procedure)
    assert connector_sandbox.log == [] and not ConnectorExchange.objects.exists()
