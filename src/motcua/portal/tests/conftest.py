"""The cast of the portal tests: one birth-registration procedure with an e-form that uses most field types,
two citizens (the applicant and someone else), and files in a temporary store."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import make_pdf
from motcua.catalog.models import Component
from motcua.catalog.tests.factories import (
    AgencyFactory,
    ComponentFactory,
    FeeItemFactory,
    FieldFactory,
    ProcedureFactory,
    RuleSetFactory,
)
from motcua.identity.tests.factories import PASSWORD, CitizenFactory

BIRTH_SCHEMA = {
    "fields": [
        {"key": "ho_ten", "type": "text", "label": "Họ và tên người yêu cầu", "required": True,
         "prefill": "identity.full_name"},
        {"key": "so_dinh_danh", "type": "citizen_id", "label": "Số định danh cá nhân", "required": True,
         "prefill": "identity.citizen_id"},
        {"key": "ten_tre", "type": "text", "label": "Họ, chữ đệm và tên của trẻ", "required": True},
        {"key": "ngay_sinh_tre", "type": "date", "label": "Ngày sinh của trẻ", "required": True, "max": "today"},
        {"key": "gioi_tinh", "type": "choice", "label": "Giới tính", "required": True,
         "choices": [{"value": "nam", "label": "Nam"}, {"value": "nu", "label": "Nữ"}]},
        {"key": "noi_sinh", "type": "address", "label": "Nơi sinh", "required": True},
        {"key": "quan_he", "type": "choice", "label": "Quan hệ với trẻ", "required": True,
         "choices": [{"value": "cha", "label": "Cha"}, {"value": "me", "label": "Mẹ"},
                     {"value": "khac", "label": "Người khác"}]},
        {"key": "quan_he_khac", "type": "text", "label": "Quan hệ cụ thể", "required": True,
         "visible_when": {"field": "quan_he", "equals": "khac"}},
        {"key": "so_ban_sao", "type": "integer", "label": "Số bản sao trích lục", "min": 0, "max": 10},
        {"key": "nguoi_lam_chung", "type": "group", "label": "Người làm chứng", "max_items": 3,
         "fields": [
             {"key": "ho_ten", "type": "text", "label": "Họ và tên", "required": True},
             {"key": "dien_thoai", "type": "phone", "label": "Số điện thoại"},
         ]},
        {"key": "cam_doan", "type": "boolean", "label": "Tôi cam đoan những nội dung khai trên là đúng sự thật",
         "required": True},
    ]
}  # fmt: skip

# A ward of Hà Nội (province 1) as the vietnam-provinces list has it.
HANOI = "1"


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.MOTCUA_STORAGE_DIR = tmp_path / "storage"
    return settings.MOTCUA_STORAGE_DIR


@pytest.fixture
def agency(db):
    return AgencyFactory(code="000.00.31.H26", name="Ủy ban nhân dân phường Ba Đình")


@pytest.fixture
def procedure(db, agency):
    RuleSetFactory()
    procedure = ProcedureFactory(
        same_day=True,
        code="1.001193",
        name="Thủ tục đăng ký khai sinh",
        field=FieldFactory(code="ho_tich", name="Hộ tịch"),
        agencies=[agency],
        components=[],
        description="Đăng ký việc sinh của trẻ em với cơ quan nhà nước.",
        applicants="Cha, mẹ, ông, bà hoặc người thân thích khác của trẻ.",
        result_type="Giấy khai sinh (bản chính điện tử)",
        legal_basis="Luật Hộ tịch 2014",
        eform_schema=BIRTH_SCHEMA,
        popularity=100,
    )
    ComponentFactory(
        procedure=procedure, code="giay-chung-sinh", name="Giấy chứng sinh", required=True,
        accepted_formats=["pdf", "jpg", "png"], max_size_mb=5, order=1,
    )  # fmt: skip
    ComponentFactory(
        procedure=procedure, code="giay-uy-quyen", name="Văn bản ủy quyền", required=False,
        accepted_formats=["pdf"], max_size_mb=5, order=2,
        signature_requirement=Component.Signature.APPLICANT_SIGNED,
    )  # fmt: skip
    FeeItemFactory(procedure=procedure, name="Lệ phí đăng ký khai sinh quá hạn", amount=200000)
    return procedure


@pytest.fixture
def citizen(db):
    return CitizenFactory(full_name="Nguyễn Thị Mai")


@pytest.fixture
def stranger(db):
    return CitizenFactory(full_name="Trần Văn Khác")


def logged_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def applicant_client(citizen):
    return logged_in(citizen)


@pytest.fixture
def stranger_client(stranger):
    return logged_in(stranger)


def pdf_bytes() -> bytes:
    return make_pdf()


def valid_answers(commune: str) -> dict[str, str]:
    """A complete, valid e-form as the browser posts it (prefilled fields are not posted)."""
    return {
        "ten_tre": "Nguyễn Minh An",
        "ngay_sinh_tre": "2025-11-20",
        "gioi_tinh": "nam",
        "noi_sinh.province": HANOI,
        "noi_sinh.commune": commune,
        "noi_sinh.street": "Số 5 ngõ 12 Đội Cấn",
        "quan_he": "me",
        "so_ban_sao": "2",
        "cam_doan": "true",
    }
