"""A procedure whose e-form is filled from the population database and one of whose components it replaces."""

from __future__ import annotations

import pytest

POPULATION_EFORM = {
    "fields": [
        {"key": "ho_ten", "type": "text", "label": "Họ và tên", "required": True, "prefill": "population.full_name"},
        {"key": "ngay_sinh", "type": "date", "label": "Ngày sinh", "required": True, "max": "today",
         "prefill": "population.date_of_birth"},
        {"key": "gioi_tinh", "type": "choice", "label": "Giới tính", "required": True,
         "choices": [{"value": "nam", "label": "Nam"}, {"value": "nu", "label": "Nữ"}], "prefill": "population.sex"},
        {"key": "so_dinh_danh", "type": "citizen_id", "label": "Số định danh cá nhân", "required": True,
         "prefill": "identity.citizen_id"},
        {"key": "thuong_tru", "type": "address", "label": "Nơi thường trú", "required": True,
         "prefill": "population.permanent_residence"},
        {"key": "dien_thoai", "type": "phone", "label": "Số điện thoại", "required": True},
        {"key": "ghi_chu", "type": "textarea", "label": "Ghi chú"},
    ]
}  # fmt: skip
# What the applicant types when the population database does not answer (all but the identity field).
TYPED = {
    "ho_ten": "Nguyễn Văn Ân",  # not what the population database says ("Nguyễn Văn An")
    "ngay_sinh": "1990-05-17",
    "gioi_tinh": "nam",
    "thuong_tru": {"province": "1", "commune": "4", "street": "Số 12 phố Đội Cấn"},
    "dien_thoai": "0912345678",
}


@pytest.fixture
def population_procedure(agency, rule_set):
    """A procedure of `agency` filled from the population database: name, birth date, sex and permanent
    residence; the phone is typed. Components: "don" (required PDF) and "xac_nhan_cu_tru" (required, but
    satisfied by the population database, R-ONCE-2)."""
    from motcua.catalog.models import Component
    from motcua.catalog.tests.factories import ProcedureFactory

    procedure = ProcedureFactory(
        agencies=[agency], eform_schema={"fields": [dict(f) for f in POPULATION_EFORM["fields"]]}
    )
    Component.objects.create(
        procedure=procedure, code="xac_nhan_cu_tru", name="Giấy xác nhận thông tin về cư trú",
        accepted_formats=["pdf"], required=True, satisfied_by="population", order=5,
    )  # fmt: skip
    return procedure
