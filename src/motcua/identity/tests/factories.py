"""Accounts for tests: CitizenFactory(), OrganisationUserFactory(), OfficialFactory(agency=…, roles=[…]).

Every factory account logs in with the password "motcua-demo".
"""

from __future__ import annotations

import datetime as dt

import factory
from stdnum.vn import mst

from motcua.catalog.models import Agency
from motcua.identity.models import OfficialRole, Organisation, User

PASSWORD = "motcua-demo"
# A few real province codes of the personal identification number (first three digits).
PROVINCE_CODES = ("001", "079", "031", "048", "092", "038")


def citizen_id_for(n: int, date_of_birth: dt.date, *, female: bool) -> str:
    """Return a well-formed personal identification number for someone born on `date_of_birth`."""
    century_digit = 2 * ((date_of_birth.year - 1900) // 100) + (1 if female else 0)
    province = PROVINCE_CODES[n % len(PROVINCE_CODES)]
    return f"{province}{century_digit}{date_of_birth.year % 100:02d}{n % 1_000_000:06d}"


def enterprise_code_for(n: int) -> str:
    """Return the n-th of a series of distinct valid 10-digit enterprise codes of Hà Nội (01…)."""
    # Each n owns ten serials; at most one of them has no check digit (the weight of the last digit is 3).
    for serial in range(10 * n + 1, 10 * n + 11):
        base = f"01{serial % 10_000_000:07d}"
        check = mst.calc_check_digit(base)
        if len(check) == 1:
            return base + check
    raise AssertionError("unreachable")


class CitizenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    class Params:
        female = factory.Faker("pybool")

    kind = User.Kind.CITIZEN
    date_of_birth = factory.Sequence(lambda n: dt.date(1960 + n % 50, 1 + n % 12, 1 + n % 28))
    citizen_id = factory.LazyAttributeSequence(
        lambda o, n: citizen_id_for(n, o.date_of_birth, female=o.female)
    )
    username = factory.SelfAttribute("citizen_id")
    full_name = factory.Sequence(lambda n: f"Công dân Thử {n}")
    phone = factory.Sequence(lambda n: f"09{n:08d}")
    email = factory.LazyAttribute(lambda o: f"{o.citizen_id}@example.com")
    password = factory.django.Password(PASSWORD)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    enterprise_code = factory.Sequence(enterprise_code_for)
    name = factory.Sequence(lambda n: f"Công ty TNHH Thử Nghiệm {n}")
    representative = factory.Sequence(lambda n: f"Người Đại Diện {n}")


class OrganisationUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    kind = User.Kind.ORGANISATION
    organisation = factory.SubFactory(OrganisationFactory)
    username = factory.SelfAttribute("organisation.enterprise_code")
    full_name = factory.SelfAttribute("organisation.representative")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password(PASSWORD)


def default_agency() -> Agency:
    agency, _created = Agency.objects.get_or_create(
        code="000.00.31.H26",
        defaults={
            "name": "Ủy ban nhân dân phường Ba Đình",
            "level": Agency.Level.COMMUNE,
            "one_stop_name": "Bộ phận Một cửa phường Ba Đình",
        },
    )
    return agency


class OfficialFactory(factory.django.DjangoModelFactory):
    """An official of `agency` (Ba Đình ward unless given) with `roles` (default: receptionist)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    kind = User.Kind.OFFICIAL
    username = factory.Sequence(lambda n: f"canbo{n}")
    full_name = factory.Sequence(lambda n: f"Cán Bộ Thử {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    agency = factory.LazyFunction(default_agency)
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if not create:
            return
        for role in extracted if extracted is not None else [OfficialRole.Role.RECEPTIONIST]:
            OfficialRole.objects.create(
                user=self, agency=self.agency, role=role, department=kwargs.get("department", "")
            )
