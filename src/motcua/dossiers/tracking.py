"""Public tracking of a dossier by its code (R-TRK-1): what anyone may see, and the limits on looking.

Whoever holds a dossier code (or the reference given at submission, or the QR code that carries one) may
see where the dossier stands: procedure, receiving agency, status, stage, times, the appointment and
whether it is kept. Never who applied nor what they submitted. The timeline needs a second factor, the
last four digits of the applicant's phone number, and shows event kinds and times only.

Dossier codes run in sequence (R-CODE-1), so every lookup counts against the client's address, and a
wrong second factor counts harder, against the address and against the dossier. The portal page and the
API call `dossier_track`, so they share one set of counters.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_for_tracking, dossier_public_events
from motcua.ratelimit import Limit, exhausted, hit

LOOKUPS = Limit("tracking", count=30, window=10 * 60)
WRONG_PHONE = Limit("tracking-phone", count=5, window=10 * 60)
WRONG_PHONE_PER_DOSSIER = Limit("tracking-phone-dossier", count=10, window=60 * 60)

PHONE_LAST4 = re.compile(r"[0-9]{4}")

# Whether the appointment is kept.
ON_TIME = "on_time"
LATE = "late"

# The second factor.
NOT_GIVEN = "not_given"
VERIFIED = "verified"
MISMATCH = "mismatch"


@dataclass(frozen=True)
class PublicEvent:
    kind: str
    label: str
    at: datetime


@dataclass(frozen=True)
class PublicTracking:
    """Everything the public may see of one dossier; every field is always there (None when not yet)."""

    code: str  # the dossier code once accepted, the reference before
    is_dossier_code: bool
    procedure_code: str
    procedure_name: str
    agency_code: str
    agency_name: str
    status: str
    status_label: str
    stage: str | None
    stage_label: str | None
    submitted_at: datetime | None
    accepted_at: datetime | None
    due_at: datetime | None
    timeliness: str | None  # ON_TIME, LATE, or None while there is no appointment to keep
    timeliness_label: str | None
    second_factor: str  # NOT_GIVEN, VERIFIED or MISMATCH
    timeline: tuple[PublicEvent, ...] | None  # only with the second factor verified


class TrackingLimited(Exception):
    """Too many lookups, or too many wrong second factors, from this client (or for this dossier)."""

    def __init__(self, *, retry_after: int, wrong_phone: bool) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after
        self.wrong_phone = wrong_phone


def tracking_url(*, code: str) -> str:
    """The public tracking page of a dossier, absolute: what its QR code on printed forms leads to."""
    return settings.SITE_URL.rstrip("/") + reverse("portal:track") + "?" + urlencode({"ma": code})


def _timeliness(dossier: Dossier, now: datetime) -> tuple[str | None, str | None]:
    """On time or late against the appointment; an appointment moved by an apology counts late (R-TRK-2)."""
    due = dossier.due_at
    if due is None:
        return None, None
    rescheduled = dossier.original_due_at is not None and due > dossier.original_due_at
    finished = dossier.result_ready_at
    if finished is None and dossier.status in (Dossier.Status.DONE, Dossier.Status.REJECTED):
        finished = dossier.ended_at
    if finished is None and dossier.is_final:
        return None, None  # withdrawn or closed: no result was due
    if finished is not None:
        if finished > due or rescheduled:
            return LATE, _("Trễ hẹn")
        return ON_TIME, _("Đúng hẹn")
    if now > due:
        return LATE, _("Đã quá ngày hẹn trả kết quả")
    if rescheduled:
        return LATE, _("Trễ hẹn, đã hẹn lại ngày trả kết quả")
    return ON_TIME, _("Trong hạn")


def _phone_matches(dossier: Dossier, last4: str) -> bool:
    """Whether `last4` ends the applicant's phone number, in the account or in the form (either will do)."""
    form_phone = dossier.form_data.get("phone") if isinstance(dossier.form_data, dict) else None
    matched = False
    for phone in (dossier.applicant.phone, form_phone):
        digits = re.sub(r"[^0-9]", "", phone) if isinstance(phone, str) else ""
        # Compared in constant time, always twice, so the time taken says nothing about the number.
        matched |= hmac.compare_digest(digits[-4:].rjust(4, "x"), last4)
    return matched


def dossier_track(
    *, code: str, client: str, phone_last4: str = "", now: datetime | None = None
) -> PublicTracking | None:
    """The public view of the dossier with this code, or None (unknown and malformed codes alike).

    `client` identifies who asks (their address) for the limits; `phone_last4`, when given, must be four
    digits (the caller checks the format) and unlocks the timeline if it matches. Raises TrackingLimited
    when the client has looked up too many codes, or (with a phone number) given too many wrong ones.
    """
    now = now or timezone.now()
    wait = hit(LOOKUPS, client)
    if wait is not None:
        raise TrackingLimited(retry_after=wait, wrong_phone=False)
    if phone_last4:
        assert PHONE_LAST4.fullmatch(phone_last4), "the caller checks the format"
        wait = exhausted(WRONG_PHONE, client)
        if wait is not None:
            raise TrackingLimited(retry_after=wait, wrong_phone=True)
    dossier = dossier_for_tracking(code=code)
    if dossier is None:
        return None
    second_factor, timeline = NOT_GIVEN, None
    if phone_last4:
        wait = exhausted(WRONG_PHONE_PER_DOSSIER, str(dossier.pk))
        if wait is not None:
            raise TrackingLimited(retry_after=wait, wrong_phone=True)
        if _phone_matches(dossier, phone_last4):
            second_factor = VERIFIED
            timeline = tuple(
                PublicEvent(kind=event.kind, label=event.get_kind_display(), at=event.at)
                for event in dossier_public_events(dossier=dossier)
            )
        else:
            second_factor = MISMATCH
            hit(WRONG_PHONE, client)
            hit(WRONG_PHONE_PER_DOSSIER, str(dossier.pk))
    timeliness, timeliness_label = _timeliness(dossier, now)
    return PublicTracking(
        code=dossier.code or dossier.reference or "",
        is_dossier_code=bool(dossier.code),
        procedure_code=dossier.procedure.code,
        procedure_name=dossier.procedure.name,
        agency_code=dossier.agency.code,
        agency_name=dossier.agency.name,
        status=dossier.status,
        status_label=dossier.get_status_display(),
        stage=dossier.stage or None,
        stage_label=dossier.get_stage_display() if dossier.stage else None,
        submitted_at=dossier.submitted_at,
        accepted_at=dossier.accepted_at,
        due_at=dossier.due_at,
        timeliness=timeliness,
        timeliness_label=timeliness_label,
        second_factor=second_factor,
        timeline=timeline,
    )
