"""dossier_for_official: the one access function for officials (R-PROH-4), every read audited (R-PRIV-2)."""

from __future__ import annotations

import uuid

import pytest

from motcua.audit.models import AuditEvent
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_for_official
from motcua.dossiers.tests.factories import DossierFactory


def reads() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="dossier.read").order_by("id"))


@pytest.fixture
def submitted(procedure, citizen):
    return DossierFactory(submitted=True, procedure=procedure, applicant=citizen)


def test_an_official_of_the_agency_reads_a_submitted_dossier_and_the_read_is_audited(submitted, receptionist):
    """R-PRIV-2: each read of a dossier by an official is logged with who read it and why."""
    dossier = dossier_for_official(official=receptionist, public_id=submitted.public_id)

    assert dossier == submitted
    [event] = reads()
    assert event.actor_id == receptionist.pk
    assert event.object_id == str(submitted.public_id)
    assert event.data["purpose"] == "view"


def test_each_read_is_a_new_audit_event(submitted, receptionist):
    dossier_for_official(official=receptionist, public_id=submitted.public_id)
    dossier_for_official(official=receptionist, public_id=str(submitted.public_id))

    assert len(reads()) == 2


def test_an_official_of_another_agency_is_told_it_does_not_exist_and_nothing_is_audited(
    submitted, other_receptionist
):
    """R-PROH-4: access is scoped to the official's agency; a foreign dossier looks like a missing one."""
    with pytest.raises(Dossier.DoesNotExist):
        dossier_for_official(official=other_receptionist, public_id=submitted.public_id)
    with pytest.raises(Dossier.DoesNotExist):
        dossier_for_official(official=other_receptionist, public_id=uuid.uuid4())
    with pytest.raises(Dossier.DoesNotExist):
        dossier_for_official(official=other_receptionist, public_id="not-a-uuid")

    assert reads() == []


def test_a_draft_is_never_visible_to_officials(procedure, citizen, receptionist):
    """R-PROH-4: what the applicant has not submitted is theirs alone."""
    draft = DossierFactory(procedure=procedure, applicant=citizen)

    with pytest.raises(Dossier.DoesNotExist):
        dossier_for_official(official=receptionist, public_id=draft.public_id)
    assert reads() == []


def test_a_citizen_cannot_read_through_the_official_access_function(submitted, citizen):
    with pytest.raises(Dossier.DoesNotExist):
        dossier_for_official(official=citizen, public_id=submitted.public_id)


def test_an_official_account_without_a_role_at_the_agency_sees_nothing(submitted, agency):
    """R-PROH-4: belonging to the agency is not enough; the official needs a role there."""
    from motcua.identity.tests.factories import OfficialFactory

    no_role = OfficialFactory(agency=agency, roles=[])

    with pytest.raises(Dossier.DoesNotExist):
        dossier_for_official(official=no_role, public_id=submitted.public_id)


def test_an_agency_consulted_on_a_dossier_reads_it_and_the_read_says_why_R_PROC_4(
    submitted, receptionist, other_receptionist, other_agency
):
    """R-PROC-4, R-PROH-4: the consulted agency sees the dossier it was asked about, and only that one."""
    from motcua.catalog.tests.factories import AgencyFactory
    from motcua.identity.tests.factories import OfficialFactory
    from motcua.workflow.models import Consultation

    unrelated = DossierFactory(submitted=True, procedure=submitted.procedure)
    third = OfficialFactory(agency=AgencyFactory())
    for _ in range(2):  # asked twice: still one dossier, not a duplicate row
        Consultation.objects.create(
            dossier=submitted,
            agency=other_agency,
            requested_by=receptionist,
            requested_at=submitted.submitted_at,
            due_at=submitted.submitted_at,
            question="Xin ý kiến.",
        )

    assert dossier_for_official(official=other_receptionist, public_id=submitted.public_id) == submitted
    with pytest.raises(Dossier.DoesNotExist):
        dossier_for_official(official=other_receptionist, public_id=unrelated.public_id)
    with pytest.raises(Dossier.DoesNotExist):
        dossier_for_official(official=third, public_id=submitted.public_id)
    dossier_for_official(official=receptionist, public_id=submitted.public_id)
    assert [(e.actor_id, e.data["via"]) for e in reads()] == [
        (other_receptionist.pk, "consultation"),
        (receptionist.pk, "agency"),
    ]
