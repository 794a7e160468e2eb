"""The YAML catalog loader: idempotent, precise about mistakes, and all-or-nothing."""

from __future__ import annotations

import datetime
import io
import textwrap
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from motcua.audit.models import AuditEvent
from motcua.catalog import selectors
from motcua.catalog.eform import validate_form, validate_schema
from motcua.catalog.loader import CatalogError, load_catalog
from motcua.catalog.models import Agency, Component, FeeItem, Field, Procedure, RuleSet

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parent.parent / "demo"

BASE = """\
rule_sets:
  - code: D118-2025
    name: Nghị định 118/2025/NĐ-CP
    effective_from: 2025-07-01
    params: {check_hours: 8, same_day_cutoff: "15:00"}
fields:
  - code: ho_tich
    name: Hộ tịch
agencies:
  - code: 000.00.00.H26
    name: Ủy ban nhân dân thành phố Hà Nội
    level: province
    province_code: 1
    one_stop_name: Trung tâm Phục vụ hành chính công thành phố Hà Nội
  - code: 000.00.31.H26
    name: Ủy ban nhân dân phường Ba Đình
    level: commune
    parent: 000.00.00.H26
    province_code: 1
    one_stop_name: Trung tâm Phục vụ hành chính công phường Ba Đình
    phone: "+84 24 3823 4567"
procedures:
  - code: "1.001193"
    name: Thủ tục đăng ký khai sinh
    field: ho_tich
    agencies: [000.00.31.H26]
    online_level: full
    processing_days: 0
    same_day_cutoff: "15:00"
    result_type: Giấy khai sinh
    legal_basis: Luật Hộ tịch 2014
    fees:
      - {name: Lệ phí, amount: 0, note: Miễn}
      - {name: Bản sao, amount: 8000}
    components:
      - code: giay_chung_sinh
        name: Giấy chứng sinh
        accepted_formats: [pdf, jpg, png]
        max_size_mb: 5
      - code: uy_quyen
        name: Văn bản ủy quyền
        required: false
    eform:
      fields:
        - key: ho_ten
          type: text
          label: Họ tên
          required: true
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems_of(*paths: Path) -> list[str]:
    with pytest.raises(CatalogError) as info:
        load_catalog(paths)
    return info.value.problems


def test_a_catalog_file_is_loaded_with_everything_in_it(tmp_path):
    report = load_catalog([write(tmp_path, "catalog.yaml", BASE)])
    assert report.counts["procedure"]["created"] == 1
    procedure = Procedure.objects.get(code="1.001193")
    assert procedure.same_day_cutoff == datetime.time(15, 0)
    assert [a.code for a in procedure.agencies.all()] == ["000.00.31.H26"]
    assert [(c.code, c.required, c.accepted_formats, c.max_size_mb) for c in procedure.components.all()] == [
        ("giay_chung_sinh", True, ["pdf", "jpg", "png"], 5),
        ("uy_quyen", False, ["pdf", "jpg", "png"], 10),
    ]
    assert [(f.name, f.amount) for f in procedure.fee_items.all()] == [("Lệ phí", 0), ("Bản sao", 8000)]
    assert (
        procedure.search_text == "1.001193 thu tuc dang ky khai sinh ho tich uy ban nhan dan phuong ba dinh"
    )
    ba_dinh = Agency.objects.get(code="000.00.31.H26")
    assert ba_dinh.parent.code == "000.00.00.H26"
    assert ba_dinh.phone == "02438234567"
    assert RuleSet.objects.get(code="D118-2025").params == {"check_hours": 8, "same_day_cutoff": "15:00"}


def test_loading_the_same_files_twice_changes_nothing(tmp_path):
    path = write(tmp_path, "catalog.yaml", BASE)
    load_catalog([path])
    component_ids = sorted(Component.objects.values_list("id", flat=True))
    events = AuditEvent.objects.count()
    report = load_catalog([path])
    assert {kind: dict(counter) for kind, counter in report.counts.items()} == {
        "rule_set": {"unchanged": 1},
        "field": {"unchanged": 1},
        "agency": {"unchanged": 2},
        "procedure": {"unchanged": 1},
    }
    assert sorted(Component.objects.values_list("id", flat=True)) == component_ids
    assert AuditEvent.objects.count() == events


def test_each_change_is_audited(tmp_path):
    load_catalog([write(tmp_path, "catalog.yaml", BASE)])
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"catalog.procedure_created", "catalog.agency_created", "catalog.rule_set_created"} <= actions


def test_a_changed_file_updates_the_rows_and_matches_components_by_code(tmp_path):
    path = write(tmp_path, "catalog.yaml", BASE)
    load_catalog([path])
    kept = Component.objects.get(code="giay_chung_sinh")
    changed = (
        BASE.replace("Thủ tục đăng ký khai sinh", "Đăng ký khai sinh (mới)")
        .replace("max_size_mb: 5", "max_size_mb: 8")
        .replace(
            "      - code: uy_quyen\n        name: Văn bản ủy quyền\n        required: false\n",
            "      - code: mang_thai_ho\n        name: Xác nhận mang thai hộ\n        required: false\n",
        )
        .replace("      - {name: Bản sao, amount: 8000}\n", "")
        .replace("name: Ủy ban nhân dân phường Ba Đình", "name: UBND phường Ba Đình")
    )
    path.write_text(changed, encoding="utf-8")
    report = load_catalog([path])
    assert report.counts["procedure"]["updated"] == 1
    assert report.counts["agency"]["updated"] == 1
    procedure = Procedure.objects.get(code="1.001193")
    assert procedure.name == "Đăng ký khai sinh (mới)"
    assert [c.code for c in procedure.components.all()] == ["giay_chung_sinh", "mang_thai_ho"]
    assert Component.objects.get(code="giay_chung_sinh").pk == kept.pk
    assert Component.objects.get(code="giay_chung_sinh").max_size_mb == 8
    assert list(FeeItem.objects.values_list("name", flat=True)) == ["Lệ phí"]
    assert [p.code for p in selectors.procedure_search(query="ubnd ba dinh")] == ["1.001193"]


def test_a_procedure_missing_from_the_file_is_never_deleted(tmp_path):
    load_catalog([write(tmp_path, "catalog.yaml", BASE)])
    load_catalog([write(tmp_path, "catalog.yaml", BASE.split("procedures:")[0])])
    assert Procedure.objects.filter(code="1.001193", is_active=True).exists()


def test_a_yaml_syntax_error_names_the_file_and_line_and_loads_nothing(tmp_path):
    good = write(tmp_path, "a.yaml", BASE)
    bad = write(
        tmp_path,
        "b.yaml",
        """\
        fields:
          - code: chung_thuc
            name: Chứng thực
           - code: lech
        """,
    )
    (problem,) = problems_of(good, bad)
    assert problem.startswith(f"{bad}:4: lỗi cú pháp YAML ở cột 4")
    assert "Hãy kiểm tra thụt lề" in problem
    assert not Procedure.objects.exists()
    assert not Agency.objects.exists()


def test_a_schema_error_names_the_procedure_the_key_and_the_line(tmp_path):
    path = write(tmp_path, "catalog.yaml", BASE.replace("          type: text\n", "          type: txt\n"))
    (problem,) = problems_of(path)
    assert problem.startswith(
        f"{path}:46: thủ tục 1.001193, eform.fields[0].type: Trường “ho_ten”: kiểu “txt”"
    )


def test_a_file_with_any_error_loads_nothing_at_all(tmp_path):
    path = write(tmp_path, "catalog.yaml", BASE.replace("online_level: full", "online_level: toan_trinh"))
    (problem,) = problems_of(path)
    assert problem == (
        f"{path}:27: thủ tục 1.001193, online_level: "
        "“online_level” là “toan_trinh”, phải là một trong: full, partial."
    )
    assert not Agency.objects.exists()
    assert not Field.objects.exists()
    assert not RuleSet.objects.exists()


def test_yaml_traps_get_a_hint_on_how_to_write_the_value(tmp_path):
    text = (
        BASE.replace('code: "1.001193"', "code: 1.001193")
        .replace('same_day_cutoff: "15:00"\n    result_type', "same_day_cutoff: 15:00\n    result_type")
        .replace("amount: 8000", "amount: 8.000")
    )
    problems = problems_of(write(tmp_path, "catalog.yaml", text))
    assert any("“code” bị YAML đọc thành số 1.001193; hãy đặt trong dấu nháy" in p for p in problems)
    assert any(
        '“same_day_cutoff” phải là giờ:phút trong dấu nháy, ví dụ same_day_cutoff: "15:00"' in p
        for p in problems
    )
    assert any(
        "fees[1].amount: “amount” phải là số nguyên, viết liền không có dấu chấm" in p for p in problems
    )


def test_unknown_references_and_keys_are_reported_together(tmp_path):
    text = (
        BASE.replace("field: ho_tich", "field: khong_co")
        .replace("agencies: [000.00.31.H26]", "agencies: [000.00.31.H26, 000.00.99.H99]")
        .replace("    result_type: Giấy khai sinh\n", "    result_type: Giấy khai sinh\n    ket_qua: x\n")
        .replace("    parent: 000.00.00.H26\n", "    parent: 000.00.77.H26\n")
    )
    path = write(tmp_path, "catalog.yaml", text)
    problems = problems_of(path)
    assert len(problems) == 4
    assert any(
        f"{path}:31: thủ tục 1.001193, ket_qua: khóa này không dùng ở đây (viết sai?)." in p for p in problems
    )
    assert any(
        "cơ quan 000.00.31.H26, parent: cơ quan cấp trên “000.00.77.H26” không có" in p for p in problems
    )
    assert any("thủ tục 1.001193, field: lĩnh vực “khong_co” không có" in p for p in problems)
    assert any("thủ tục 1.001193, agencies[1]: cơ quan “000.00.99.H99” không có" in p for p in problems)


def test_references_may_point_to_rows_already_in_the_database(tmp_path):
    load_catalog([write(tmp_path, "common.yaml", BASE.split("procedures:")[0])])
    load_catalog([write(tmp_path / "..", "procedures.yaml", "procedures:" + BASE.split("procedures:")[1])])
    assert Procedure.objects.get(code="1.001193").field.code == "ho_tich"


def test_a_key_repeated_in_one_mapping_is_flagged(tmp_path):
    text = BASE.replace("    processing_days: 0\n", "    processing_days: 0\n    processing_days: 3\n")
    problems = problems_of(write(tmp_path, "catalog.yaml", text))
    assert any("khóa “processing_days” lặp lại trong cùng một bảng (đã có ở dòng 28)" in p for p in problems)


def test_the_same_code_in_two_files_is_flagged(tmp_path):
    first = write(tmp_path, "a.yaml", BASE)
    second = write(tmp_path, "b.yaml", "fields:\n  - {code: ho_tich, name: Hộ tịch khác}\n")
    (problem,) = problems_of(first, second)
    assert problem == f"{second}:2: lĩnh vực ho_tich: mã này đã được khai ở {first}:7."


def test_a_component_used_by_a_dossier_cannot_be_dropped(tmp_path):
    from motcua.dossiers.models import Dossier, DossierFile, StoredFile
    from motcua.identity.tests.factories import CitizenFactory

    path = write(tmp_path, "catalog.yaml", BASE)
    load_catalog([path])
    procedure = Procedure.objects.get(code="1.001193")
    dossier = Dossier.objects.create(
        applicant=CitizenFactory(), procedure=procedure, agency=procedure.agencies.get()
    )
    stored = StoredFile.objects.create(sha256="0" * 64, size=1, content_type="application/pdf")
    DossierFile.objects.create(
        dossier=dossier,
        component=procedure.components.get(code="uy_quyen"),
        stored_file=stored,
        original_name="a.pdf",
    )
    path.write_text(
        BASE.replace("      - code: uy_quyen\n", "      - code: uy_quyen_moi\n"), encoding="utf-8"
    )
    (problem,) = problems_of(path)
    assert "không thể bỏ thành phần “uy_quyen” vì đã có hồ sơ nộp kèm giấy tờ này" in problem
    assert list(procedure.components.values_list("code", flat=True)) == ["giay_chung_sinh", "uy_quyen"]


def test_the_command_prints_a_summary_or_every_problem():
    out = io.StringIO()
    call_command("load_catalog", str(DEMO), stdout=out)
    assert "Thủ tục: 6 mới, 0 cập nhật, 0 không đổi." in out.getvalue()
    err = io.StringIO()
    with pytest.raises(CommandError, match="Không nạp gì cả: có 1 lỗi"):
        call_command("load_catalog", str(DEMO / "khong_co.yaml"), stderr=err)
    assert "khong_co.yaml: không tìm thấy tệp hoặc thư mục này." in err.getvalue()


# ---- the demo catalog


@pytest.fixture
def demo():
    load_catalog([DEMO])


def test_the_demo_catalog_loads_its_real_procedures(demo):
    procedures = {p.code: p for p in Procedure.objects.all()}
    assert set(procedures) == {"1.001193", "1.000894", "2.000815", "2.000488", "2.000720", "1.009974"}
    khai_sinh = procedures["1.001193"]
    assert (khai_sinh.processing_days, khai_sinh.same_day_cutoff) == (0, datetime.time(15, 0))
    lltp = procedures["2.000488"]
    assert lltp.processing_days == 10
    assert [a.code for a in lltp.agencies.all()] == ["000.00.13.H26"]
    assert lltp.fee_items.get().amount == 200000
    assert "100.000 đồng" in lltp.fee_items.get().note
    assert procedures["2.000720"].processing_days == 3
    assert procedures["1.009974"].processing_days == 15
    for code in ("1.001193", "1.000894", "2.000720", "1.009974"):
        assert {a.code for a in procedures[code].agencies.all()} == {"000.00.31.H26", "000.00.21.H29"}
    assert [p.code for p in selectors.popular_procedures(limit=3)] == ["1.001193", "2.000815", "1.000894"]


def test_the_demo_agencies_and_rule_sets_have_the_agreed_codes(demo):
    agencies = {a.code: a for a in Agency.objects.all()}
    assert agencies["000.00.13.H26"].name == "Sở Tư pháp thành phố Hà Nội"
    assert (agencies["000.00.13.H26"].level, agencies["000.00.13.H26"].province_code) == ("province", 1)
    assert (agencies["000.00.31.H26"].name, agencies["000.00.31.H26"].level) == (
        "Ủy ban nhân dân phường Ba Đình",
        "commune",
    )
    assert (agencies["000.00.21.H29"].name, agencies["000.00.21.H29"].province_code) == (
        "Ủy ban nhân dân xã Tân Hội",
        68,
    )
    d118 = RuleSet.objects.get(code="D118-2025")
    assert d118.effective_from == datetime.date(2025, 7, 1)
    assert d118.params == {
        "check_hours": 8,
        "receipt_outside_hours": "next_session",
        "same_day_cutoff": "15:00",
        "dossier_code_format": "{agency}-{yymmdd}-{seq:04d}",
    }
    assert RuleSet.objects.get(code="D45-2020").params == d118.params
    assert selectors.rule_set_in_force(on=datetime.date(2025, 6, 30)).code == "D45-2020"


def test_every_demo_eform_schema_is_valid(demo):
    for procedure in Procedure.objects.all():
        assert validate_schema(procedure.eform_schema) == [], procedure.code


def test_the_birth_registration_form_uses_the_required_field_types(demo):
    schema = Procedure.objects.get(code="1.001193").eform_schema
    types = {f["type"] for f in schema["fields"]}
    assert {"citizen_id", "date", "choice", "address", "boolean", "integer", "phone", "email"} <= types
    assert any("visible_when" in f for f in schema["fields"])
    answers = {
        "nguoi_yeu_cau_ho_ten": "Nguyễn Văn An",
        "nguoi_yeu_cau_so_dinh_danh": "001090012345",
        "nguoi_yeu_cau_dien_thoai": "0912345678",
        "quan_he": "cha",
        "tre_ho_ten": "Nguyễn Minh Khang",
        "tre_gioi_tinh": "nam",
        "tre_ngay_sinh": "2025-01-31",
        "tre_dan_toc": "Kinh",
        "noi_sinh_loai": "co_so_y_te",
        "noi_sinh_co_so_y_te": "Bệnh viện Phụ sản Hà Nội",
        "noi_sinh_dia_chi": {"province": 1, "commune": 4, "street": "929 đường La Thành"},
        "me_ho_ten": "Trần Thị Bình",
        "me_ngay_sinh": "02/03/1995",
        "me_so_dinh_danh": "079195001234",
        "co_thong_tin_cha": "on",
        "cha_ho_ten": "Nguyễn Văn An",
        "cha_ngay_sinh": "17/05/1990",
        "cha_so_dinh_danh": "001090012345",
        "noi_cu_tru": {"province": 1, "commune": 4, "street": "12 phố Đội Cấn"},
        "nhan_ket_qua": "truc_tuyen",
        "cam_doan": "on",
    }
    assert validate_form(schema, answers).errors == {}


def test_the_household_business_form_has_members_and_a_tax_code(demo):
    procedure = Procedure.objects.get(code="2.000720")
    fields = {f["key"]: f for f in procedure.eform_schema["fields"]}
    assert fields["thanh_vien"]["type"] == "group"
    assert fields["ma_so_thue"]["type"] == "tax_code"
    result = validate_form(
        procedure.eform_schema,
        {
            "hinh_thuc": "ho_gia_dinh",
            "thanh_vien": [
                {"ho_ten": "Lê Văn Dũng", "ngay_sinh": "01/01/1990", "so_dinh_danh": "001088001234"}
            ],
            "da_co_ma_so_thue": True,
            "ma_so_thue": "0100109107",
        },
    )
    assert "Năm sinh trong số định danh cá nhân (1988)" in result.errors["thanh_vien.0.so_dinh_danh"][0]
    assert result.errors["thanh_vien.0.quan_he"] == ["Vui lòng chọn quan hệ với chủ hộ."]
    assert "chữ số kiểm tra" in result.errors["ma_so_thue"][0]


def test_a_demo_component_accepts_images_within_a_size_limit(demo):
    component = Component.objects.get(procedure__code="1.001193", code="giay_chung_sinh")
    assert (component.required, component.accepted_formats, component.max_size_mb) == (
        True,
        ["pdf", "jpg", "png"],
        5,
    )


def test_document_types_are_loaded_and_components_name_them_R_WH_2(tmp_path):
    """R-WH-2: the kinds of document components ask for are catalog data, shared with the warehouse."""
    from motcua.catalog.models import DocumentType

    text = BASE.replace(
        "agencies:\n",
        "document_types:\n  - {code: giay_chung_sinh, name: Giấy chứng sinh}\n"
        "  - {code: xac_nhan_hon_nhan, name: Giấy xác nhận tình trạng hôn nhân, validity_months: 6}\n"
        "agencies:\n",
        1,
    ).replace(
        "        name: Giấy chứng sinh\n",
        "        name: Giấy chứng sinh\n        document_type: giay_chung_sinh\n",
    )
    report = load_catalog([write(tmp_path, "catalog.yaml", text)])
    assert report.counts["document_type"]["created"] == 2
    assert DocumentType.objects.get(code="xac_nhan_hon_nhan").validity_months == 6
    assert Component.objects.get(code="giay_chung_sinh").document_type == "giay_chung_sinh"
    assert load_catalog([write(tmp_path, "catalog.yaml", text)]).counts["document_type"]["unchanged"] == 2


def test_a_component_naming_an_undeclared_document_type_is_an_error(tmp_path):
    text = BASE.replace(
        "        name: Giấy chứng sinh\n", "        name: Giấy chứng sinh\n        document_type: khong_co\n"
    )
    problems = problems_of(write(tmp_path, "catalog.yaml", text))
    assert any(
        "components[0].document_type: loại giấy tờ “khong_co” không có; hãy khai nó trong “document_types”"
        in p
        for p in problems
    )
