"""Factories for catalog rows; other contexts' tests import these.

procedure = ProcedureFactory()                      # one commune agency, a small e-form, two components
procedure = ProcedureFactory(same_day=True)         # processing_days 0, cut-off 15:00
procedure = ProcedureFactory(agencies=[agency])     # at the agencies given
procedure = ProcedureFactory(components=[])         # no components (add ComponentFactory(procedure=…))
rule_set = RuleSetFactory()                         # D118-like params, in force from 2025-07-01
"""

from __future__ import annotations

import datetime
from typing import Any

import factory

from motcua.catalog import services
from motcua.catalog.models import Agency, Component, FeeItem, Field, Procedure, RuleSet

D118_PARAMS = {
    "check_hours": 8,
    "receipt_outside_hours": "next_session",
    "same_day_cutoff": "15:00",
    "dossier_code_format": "{agency}-{yymmdd}-{seq:04d}",
}

SMALL_EFORM = {
    "fields": [
        {
            "key": "ho_ten",
            "type": "text",
            "label": "Họ và tên",
            "required": True,
            "max_length": 100,
            "prefill": "identity.full_name",
        },
        {
            "key": "so_dinh_danh",
            "type": "citizen_id",
            "label": "Số định danh cá nhân",
            "required": True,
            "prefill": "identity.citizen_id",
        },
        {"key": "dien_thoai", "type": "phone", "label": "Số điện thoại", "required": True},
        {"key": "ghi_chu", "type": "textarea", "label": "Ghi chú"},
    ]
}
# Answers that pass SMALL_EFORM.
SMALL_EFORM_ANSWERS = {"ho_ten": "Nguyễn Văn An", "so_dinh_danh": "001090001234", "dien_thoai": "0912345678"}


class RuleSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RuleSet
        django_get_or_create = ["code"]

    code = "D118-2025"
    name = "Nghị định 118/2025/NĐ-CP"
    effective_from = datetime.date(2025, 7, 1)
    params = factory.LazyFunction(lambda: dict(D118_PARAMS))


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"000.00.{n % 100:02d}.T{n // 100:02d}")
    name = factory.Sequence(lambda n: f"Ủy ban nhân dân xã Thử Nghiệm {n}")
    level = Agency.Level.COMMUNE
    province_code = 1
    one_stop_name = factory.LazyAttribute(lambda a: f"Bộ phận Một cửa {a.name}")
    one_stop_address = "Thành phố Hà Nội"


class FieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Field

    code = factory.Sequence(lambda n: f"linh_vuc_{n}")
    name = factory.Sequence(lambda n: f"Lĩnh vực thử nghiệm {n}")


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure
        skip_postgeneration_save = True

    class Params:
        same_day = factory.Trait(processing_days=0, same_day_cutoff=datetime.time(15, 0))

    code = factory.Sequence(lambda n: f"9.{n:06d}")
    name = factory.Sequence(lambda n: f"Thủ tục thử nghiệm số {n}")
    field = factory.SubFactory(FieldFactory)
    online_level = Procedure.OnlineLevel.FULL
    processing_days = 3
    same_day_cutoff = None
    result_type = "Giấy chứng nhận"
    legal_basis = "Nghị định số 45/2020/NĐ-CP"
    eform_schema = factory.LazyFunction(lambda: {"fields": [dict(f) for f in SMALL_EFORM["fields"]]})

    @factory.post_generation
    def agencies(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create:
            return
        self.agencies.set(extracted if extracted is not None else [AgencyFactory()])

    @factory.post_generation
    def components(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        """A required PDF "don" and an optional PDF/image "giay_to_khac"; none with components=[]."""
        if not create or extracted is not None:
            return
        ComponentFactory(
            procedure=self, code="don", name="Đơn đề nghị", required=True, accepted_formats=["pdf"], order=0
        )
        ComponentFactory(
            procedure=self,
            code="giay_to_khac",
            name="Giấy tờ khác",
            required=False,
            accepted_formats=["pdf", "jpg", "png"],
            order=1,
        )

    @factory.post_generation
    def reindex(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            services.procedures_reindex(procedures=[self])


class ComponentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Component

    procedure = factory.SubFactory(ProcedureFactory, components=[])
    code = factory.Sequence(lambda n: f"thanh_phan_{n}")
    name = factory.Sequence(lambda n: f"Giấy tờ số {n}")
    required = True
    accepted_formats = factory.LazyFunction(lambda: ["pdf"])
    max_size_mb = 10


class FeeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeeItem

    procedure = factory.SubFactory(ProcedureFactory)
    name = "Lệ phí"
    amount = 100000
