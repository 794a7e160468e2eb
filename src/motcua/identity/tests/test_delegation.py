"""A leader hands their role to another official for a period: the delegate may then approve, and no longer
once the period ends."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from motcua.audit.models import AuditEvent
from motcua.identity.models import OfficialRole
from motcua.identity.selectors import roles_held
from motcua.identity.services import delegation_create
from motcua.identity.tests.factories import OfficialFactory
from motcua.workflow import services


@pytest.fixture
def deputy(agency):
    return OfficialFactory(agency=agency, username="phochutich.test", roles=[OfficialRole.Role.SPECIALIST])


def test_a_delegate_approves_during_the_period_only(
    submit, procedure, receptionist, specialist, leader, deputy, pdf_bytes
):
    today = timezone.localdate()
    dossier = submit(procedure)
    services.accept(dossier=dossier, official=receptionist)
    services.assign(dossier=dossier, official=leader, assignee=specialist)
    services.attach_result(dossier=dossier, official=specialist, original_name="kq.pdf", chunks=[pdf_bytes])
    services.submit_for_approval(dossier=dossier, official=specialist)
    assert "approve" not in services.allowed_actions(dossier, deputy)

    delegation_create(
        delegator=leader,
        delegate=deputy,
        agency=leader.agency,
        starts_on=today,
        ends_on=today + dt.timedelta(days=6),
        reason="Nghỉ phép năm",
    )

    assert "approve" in services.allowed_actions(dossier, deputy)
    services.approve(dossier=dossier, official=deputy)
    assert AuditEvent.objects.filter(action="delegation.create", actor_id=leader.pk).exists()
    assert AuditEvent.objects.filter(action="dossier.approved", actor_id=deputy.pk).exists()
    after = today + dt.timedelta(days=7)
    assert (leader.agency_id, OfficialRole.Role.LEADER) not in roles_held(official=deputy, on=after)


def test_only_the_role_holder_delegates_to_an_official_of_the_agency_for_at_most_90_days(
    leader, specialist, other_receptionist, agency
):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        delegation_create(
            delegator=specialist,
            delegate=other_receptionist,
            agency=agency,
            starts_on=today,
            ends_on=today + dt.timedelta(days=200),
            reason="",
        )
    assert set(error.value.message_dict) == {"delegator", "delegate", "ends_on", "reason"}
    with pytest.raises(ValidationError) as error:
        delegation_create(
            delegator=leader,
            delegate=specialist,
            agency=agency,
            starts_on=today,
            ends_on=today - dt.timedelta(days=1),
            reason="Đi công tác",
        )
    assert "Ngày kết thúc" in error.value.message_dict["ends_on"][0]
