"""Dossiers in each lifecycle state: DossierFactory(), DossierFactory(submitted=True)."""

from __future__ import annotations

import datetime as dt
import uuid

import factory
from django.utils import timezone

from motcua.dossiers.models import Dossier


class DossierFactory(factory.django.DjangoModelFactory):
    """A draft by default; `submitted=True` gives a dossier as submission leaves it (no files)."""

    class Meta:
        model = Dossier

    class Params:
        submitted = factory.Trait(
            status=Dossier.Status.SUBMITTED,
            submitted_at=factory.LazyFunction(timezone.now),
            official_receipt_at=factory.SelfAttribute("submitted_at"),
            check_due_at=factory.LazyAttribute(lambda o: o.submitted_at + dt.timedelta(hours=8)),
            reference=factory.LazyFunction(lambda: "T-" + uuid.uuid4().hex[:8].upper()),
        )

    applicant = factory.SubFactory("motcua.identity.tests.factories.CitizenFactory")
    procedure = factory.SubFactory("motcua.catalog.tests.factories.ProcedureFactory")
    agency = factory.LazyAttribute(lambda o: o.procedure.agencies.first())
    form_data = factory.LazyFunction(dict)
