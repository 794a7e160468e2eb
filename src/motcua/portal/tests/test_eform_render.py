"""Every e-form field type on the page, and what the browser posts back reaching the validator in shape."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from motcua.catalog import eform
from motcua.catalog.tests.factories import ProcedureFactory, RuleSetFactory
from motcua.dossiers.models import Dossier

pytestmark = pytest.mark.django_db

MANY = [{"value": f"v{i}", "label": f"Lựa chọn {i}"} for i in range(8)]
ALL_TYPES = {
    "fields": [
        {"key": "ten", "type": "text", "label": "Tên"},
        {"key": "mo_ta", "type": "textarea", "label": "Mô tả"},
        {"key": "so_nguoi", "type": "integer", "label": "Số người", "min": 1, "max": 9},
        {"key": "dien_tich", "type": "decimal", "label": "Diện tích"},
        {"key": "ngay", "type": "date", "label": "Ngày"},
        {"key": "mot", "type": "choice", "label": "Một", "choices": MANY[:2]},
        {"key": "nhieu_lua_chon", "type": "choice", "label": "Nhiều lựa chọn", "choices": MANY},
        {"key": "nhieu", "type": "multichoice", "label": "Nhiều", "choices": MANY[:3]},
        {"key": "dong_y", "type": "boolean", "label": "Đồng ý"},
        {"key": "thu", "type": "email", "label": "Thư"},
        {"key": "dien_thoai", "type": "phone", "label": "Điện thoại"},
        {"key": "cccd", "type": "citizen_id", "label": "CCCD"},
        {"key": "mst", "type": "tax_code", "label": "MST"},
        {"key": "dia_chi", "type": "address", "label": "Địa chỉ"},
        {"key": "thanh_vien", "type": "group", "label": "Thành viên", "max_items": 2,
         "fields": [{"key": "ho_ten", "type": "text", "label": "Họ tên", "required": True},
                    {"key": "vai_tro", "type": "choice", "label": "Vai trò", "choices": MANY[:2]}]},
    ]
}  # fmt: skip


@pytest.fixture
def dossier(citizen, applicant_client):
    RuleSetFactory()
    procedure = ProcedureFactory(eform_schema=ALL_TYPES, components=[])
    applicant_client.post(reverse("portal:dossier_start", args=[procedure.code]))
    return Dossier.objects.get(applicant=citizen)


def test_each_field_type_gets_its_input_and_a_label(dossier, applicant_client):
    page = applicant_client.get(reverse("portal:dossier_edit", args=[dossier.public_id])).content.decode()
    assert re.search(r'<textarea[^>]+name="mo_ta"', page)
    assert re.search(r'type="text" id="f-so_nguoi" name="so_nguoi" value="" inputmode="numeric"', page)
    assert 'type="date" id="f-ngay"' in page
    assert 'type="radio" id="f-mot"' in page
    assert re.search(r'<select class="select" id="f-nhieu_lua_chon"', page)
    assert page.count('type="checkbox" id="f-nhieu') == 3
    assert 'type="checkbox" id="f-dong_y" name="dong_y" value="true"' in page
    assert 'type="email" id="f-thu"' in page and 'type="tel" id="f-dien_thoai"' in page
    assert 'name="dia_chi.province"' in page and 'name="dia_chi.commune"' in page
    assert 'name="thanh_vien.0.ho_ten"' in page and 'name="thanh_vien.1.ho_ten"' not in page
    assert page.count("Thành phố Hà Nội</option>") == 1
    for input_id in re.findall(r'<(?:input|select|textarea)[^>]* id="(f-[^"]+)"', page):
        assert f'for="{input_id}"' in page, f"{input_id} has no label"


def test_what_the_browser_posts_validates_as_the_schema_expects(dossier, applicant_client):
    commune = str(eform.communes(1)[0][0])
    posted = {
        "ten": "An", "mo_ta": "Dòng 1\r\nDòng 2", "so_nguoi": "3", "dien_tich": "12,5", "ngay": "2025-01-31",
        "mot": "v1", "nhieu_lua_chon": "v7", "nhieu": ["v0", "v2"], "dong_y": "true",
        "thu": "an@example.com", "dien_thoai": "0912345678", "cccd": "001090001234", "mst": "0100109106",
        "dia_chi.province": "1", "dia_chi.commune": commune, "dia_chi.street": "Số 1",
        "thanh_vien.0.ho_ten": "Bình", "thanh_vien.0.vai_tro": "v0",
        "thanh_vien.1.ho_ten": "", "thanh_vien.1.vai_tro": "",  # the spare blank item
        "action": "save",
    }  # fmt: skip
    applicant_client.post(reverse("portal:dossier_edit", args=[dossier.public_id]), posted)
    dossier.refresh_from_db()
    result = eform.validate_form(ALL_TYPES, dossier.form_data)
    assert result.errors == {}
    assert result.cleaned["nhieu"] == ["v0", "v2"] and result.cleaned["dong_y"] is True
    assert result.cleaned["thanh_vien"] == [{"ho_ten": "Bình", "vai_tro": "v0"}]
    assert result.cleaned["dia_chi"]["commune"] == int(commune)
    page = applicant_client.get(reverse("portal:dossier_edit", args=[dossier.public_id])).content.decode()
    assert 'value="v2" checked' in page and 'value="12,5"' in page and "Dòng 1\r\nDòng 2</textarea>" in page
    assert 'name="thanh_vien.1.ho_ten"' in page  # one blank item after the saved one, up to max_items
