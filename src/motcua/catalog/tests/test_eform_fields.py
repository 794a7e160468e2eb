"""Each field type of the e-form engine accepts what people really type and explains what it refuses."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from motcua.catalog import eform
from motcua.catalog.eform import normalise_phone, validate_citizen_id, validate_enterprise_code, validate_form

BA_DINH = 4  # Phường Ba Đình, Hà Nội (province 1)
TAN_HOI = 24976  # Xã Tân Hội, Lâm Đồng (province 68)


def one(field: dict, value):
    """Validate a one-field form; return (cleaned value or None, errors of that field)."""
    spec = {"key": "x", "label": "Ô thử", **field}
    result = validate_form({"fields": [spec]}, {"x": value})
    return result.cleaned.get("x"), result.errors.get("x", [])


# ---- text and textarea


def test_text_is_trimmed_and_inner_spaces_collapsed():
    assert one({"type": "text"}, "  Nguyễn   Văn  An ") == ("Nguyễn Văn An", [])


def test_text_longer_than_max_length_says_how_long_it_is():
    value, errors = one({"type": "text", "max_length": 5}, "abcdefg")
    assert value is None
    assert errors == ["Ô thử chỉ được tối đa 5 ký tự. Bạn đã nhập 7 ký tự; hãy rút gọn."]


def test_text_shorter_than_min_length_is_refused():
    assert one({"type": "text", "min_length": 3}, "ab")[1] == [
        "Ô thử cần ít nhất 3 ký tự. Bạn đã nhập 2 ký tự."
    ]


def test_textarea_keeps_line_breaks():
    assert one({"type": "textarea"}, "dòng 1\r\ndòng 2  \n")[0] == "dòng 1\ndòng 2"


def test_a_list_given_for_a_text_field_is_refused():
    assert one({"type": "text"}, ["a", "b"])[1] == ["Ô thử phải là một giá trị chữ hoặc số."]


# ---- numbers


@pytest.mark.parametrize("raw", ["3", 3, 3.0, " 3 "])
def test_integer_accepts_strings_and_json_numbers(raw):
    assert one({"type": "integer"}, raw) == (3, [])


def test_integer_accepts_vietnamese_thousands_separators():
    assert one({"type": "integer"}, "1.500.000")[0] == 1500000


@pytest.mark.parametrize("raw", ["ba", "3,5", 3.5, True])
def test_integer_refuses_what_is_not_a_whole_number(raw):
    value, errors = one({"type": "integer"}, raw)
    assert value is None
    assert errors[0].startswith("Ô thử phải là một số nguyên, ví dụ 3.")


def test_integer_out_of_range_names_the_range():
    assert one({"type": "integer", "min": 1, "max": 10}, "11")[1] == [
        "Ô thử phải trong khoảng từ 1 đến 10. Bạn đã nhập 11."
    ]


@pytest.mark.parametrize(
    ("raw", "cleaned"), [("2,5", "2.5"), ("2.50", "2.5"), (12, "12"), ("1.234,5", "1234.5")]
)
def test_decimal_is_cleaned_to_a_string(raw, cleaned):
    assert one({"type": "decimal"}, raw) == (cleaned, [])


def test_decimal_refuses_text_and_shows_the_bound_in_vietnamese_style():
    assert one({"type": "decimal"}, "mười")[1] == ["Ô thử phải là một số, ví dụ 12,5. Bạn đã nhập “mười”."]
    assert one({"type": "decimal", "min": 1000}, "999,5")[1] == [
        "Ô thử phải từ 1.000 trở lên. Bạn đã nhập 999,5."
    ]


# ---- dates


@pytest.mark.parametrize(
    "raw", ["2025-01-31", "31/01/2025", "31-01-2025", "31.1.2025", datetime.date(2025, 1, 31)]
)
def test_date_accepts_iso_and_day_month_year(raw):
    assert one({"type": "date"}, raw) == ("2025-01-31", [])


def test_date_in_a_wrong_format_shows_an_example():
    assert one({"type": "date"}, "01/2025")[1] == [
        "Ô thử không đúng dạng ngày/tháng/năm, ví dụ 31/01/2025. Bạn đã nhập “01/2025”."
    ]


def test_a_day_that_does_not_exist_is_refused():
    assert one({"type": "date"}, "30/02/2024")[1] == [
        "Ô thử: ngày “30/02/2024” không có trên lịch. Hãy kiểm tra lại ngày và tháng."
    ]


def test_date_with_max_today_refuses_the_future():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert one({"type": "date", "max": "today"}, tomorrow.isoformat())[1] == [
        f"Ô thử không được là một ngày trong tương lai. Bạn đã nhập {tomorrow:%d/%m/%Y}."
    ]
    assert one({"type": "date", "max": "today"}, timezone.localdate())[1] == []


def test_date_before_min_names_the_earliest_day():
    assert one({"type": "date", "min": "2020-01-01"}, "31/12/2019")[1] == [
        "Ô thử không được trước ngày 01/01/2020. Bạn đã nhập 31/12/2019."
    ]


# ---- choices and booleans

CHOICES = [
    {"value": "nam", "label": "Nam"},
    {"value": "nu", "label": "Nữ"},
    {"value": "khac", "label": "Khác"},
]


def test_choice_returns_the_declared_value():
    assert one({"type": "choice", "choices": CHOICES}, "nu") == ("nu", [])
    assert one({"type": "choice", "choices": [{"value": 1, "label": "Một"}]}, "1") == (1, [])


def test_choice_outside_the_list_lists_the_options():
    assert one({"type": "choice", "choices": CHOICES}, "x")[1] == [
        "Ô thử: “x” không có trong danh sách. Hãy chọn một trong các mục: Nam, Nữ, Khác."
    ]


def test_multichoice_accepts_a_list_or_a_single_value():
    assert one({"type": "multichoice", "choices": CHOICES}, ["nam", "khac", "nam"]) == (["nam", "khac"], [])
    assert one({"type": "multichoice", "choices": CHOICES}, "nu") == (["nu"], [])


def test_multichoice_names_every_unknown_value_and_checks_the_count():
    assert one({"type": "multichoice", "choices": CHOICES}, ["x", "nam", "y"])[1] == [
        "Ô thử: “x, y” không có trong danh sách. Hãy chọn một trong các mục: Nam, Nữ, Khác."
    ]
    assert one({"type": "multichoice", "choices": CHOICES, "max_items": 1}, ["nam", "nu"])[1] == [
        "Ô thử: chỉ được chọn tối đa 1 mục. Bạn đã chọn 2."
    ]


@pytest.mark.parametrize(
    ("raw", "cleaned"), [("on", True), ("true", True), (True, True), ("false", False), (0, False)]
)
def test_boolean_accepts_html_and_json_forms(raw, cleaned):
    assert one({"type": "boolean"}, raw) == (cleaned, [])


def test_an_unticked_optional_boolean_is_false_and_a_required_one_must_be_ticked():
    assert one({"type": "boolean"}, None) == (False, [])
    assert one({"type": "boolean", "required": True}, "false")[1] == ["Vui lòng đánh dấu để xác nhận: Ô thử."]


def test_boolean_refuses_a_word_it_does_not_know():
    assert one({"type": "boolean"}, "maybe")[1] == ["Ô thử: hãy chọn Có hoặc Không. Bạn đã gửi “maybe”."]


# ---- e-mail and phone


def test_email_lower_cases_the_domain_and_refuses_a_bad_address():
    assert one({"type": "email"}, " An@Example.COM ") == ("An@example.com", [])
    assert one({"type": "email"}, "an@")[1] == [
        "Ô thử không đúng dạng địa chỉ thư điện tử, ví dụ ten@example.com. Bạn đã nhập “an@”."
    ]


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("0912345678", "0912345678"),
        ("091 234 5678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0084912345678", "0912345678"),
        ("0389.123.456", "0389123456"),
        ("024 3825 3536", "02438253536"),
        ("+84 24 3825 3536", "02438253536"),
    ],
)
def test_phone_numbers_are_normalised_to_a_leading_zero(raw, normalised):
    assert normalise_phone(raw) == normalised


@pytest.mark.parametrize("raw", ["0123456789", "091234567", "09123456789", "0612345678", "0243825353"])
def test_phone_numbers_with_a_wrong_prefix_or_length_are_refused(raw):
    with pytest.raises(ValidationError, match="Số di động gồm 10 chữ số"):
        normalise_phone(raw)


def test_phone_with_letters_says_only_digits():
    assert one({"type": "phone"}, "09abc")[1] == [
        "Ô thử chỉ gồm chữ số, có thể bắt đầu bằng +84. Bạn đã nhập “09abc”."
    ]


# ---- citizen ID


def test_a_good_citizen_id_is_returned_without_spaces():
    assert validate_citizen_id("001 090 001234") == "001090001234"


def test_citizen_id_of_the_wrong_length_says_how_many_digits_were_typed():
    with pytest.raises(ValidationError) as info:
        validate_citizen_id("00109000123")
    assert info.value.messages == ["Số định danh cá nhân phải gồm đúng 12 chữ số. Bạn đã nhập 11 chữ số."]


def test_citizen_id_with_letters_is_refused():
    with pytest.raises(ValidationError, match="chỉ gồm chữ số"):
        validate_citizen_id("00109000123A")


@pytest.mark.parametrize("province", ["003", "005", "065", "097", "100", "999"])
def test_citizen_id_must_start_with_a_birthplace_province_code(province):
    with pytest.raises(ValidationError) as info:
        validate_citizen_id(province + "090001234")
    assert info.value.messages == [
        f"Ba chữ số đầu của số định danh cá nhân ({province}) không phải mã tỉnh, thành phố "
        "nơi đăng ký khai sinh. "
        "Hãy kiểm tra lại số in trên thẻ căn cước."
    ]


def test_the_birthplace_list_has_the_63_provinces_before_the_2025_merger():
    assert len(eform.CITIZEN_ID_PROVINCES) == 63
    assert {"001", "079", "096", "077", "002"} <= set(eform.CITIZEN_ID_PROVINCES)


@pytest.mark.parametrize(
    ("number", "year"), [("001090001234", 1990), ("001190001234", 1990), ("079205001234", 2005)]
)
def test_the_fourth_digit_gives_the_century(number, year):
    assert eform.citizen_id_birth_year(number) == year
    assert validate_citizen_id(number) == number


def test_a_citizen_id_whose_birth_year_is_in_the_future_is_refused():
    future = timezone.localdate().year + 1
    number = f"0013{future % 100:02d}001234"  # 2/3 = 2000s
    with pytest.raises(ValidationError, match=f"cho năm sinh {future}, là năm chưa tới"):
        validate_citizen_id(number)
    with pytest.raises(ValidationError, match="năm sinh 2105"):  # 4/5 = 2100s
        validate_citizen_id("001405001234")


def test_citizen_id_year_must_match_the_mapped_date_of_birth():
    schema = {
        "fields": [
            {"key": "ngay_sinh", "type": "date", "label": "Ngày sinh"},
            {"key": "cccd", "type": "citizen_id", "label": "Số định danh", "birth_date_field": "ngay_sinh"},
        ]
    }
    assert validate_form(schema, {"ngay_sinh": "17/05/1990", "cccd": "001090001234"}).is_valid
    result = validate_form(schema, {"ngay_sinh": "17/05/1991", "cccd": "001090001234"})
    assert result.errors == {
        "cccd": [
            "Năm sinh trong số định danh (1990) không khớp với ngày sinh đã khai (17/05/1991). "
            "Hãy kiểm tra lại một trong hai."
        ]
    }
    assert "cccd" not in result.cleaned


# ---- enterprise and tax codes


@pytest.mark.parametrize(
    ("raw", "compact"),
    [("0100109106", "0100109106"), ("0100109106-506", "0100109106506"), ("01.00.109.106", "0100109106")],
)
def test_good_enterprise_codes_are_compacted(raw, compact):
    assert validate_enterprise_code(raw) == compact


def test_an_enterprise_code_with_a_wrong_check_digit_is_refused():
    with pytest.raises(ValidationError) as info:
        validate_enterprise_code("0100109107")
    assert "chữ số kiểm tra (chữ số thứ 10) không khớp" in info.value.messages[0]


def test_an_enterprise_code_of_the_wrong_length_counts_the_digits():
    with pytest.raises(ValidationError) as info:
        validate_enterprise_code("01001091")
    assert info.value.messages[0].endswith("Bạn đã nhập 8 chữ số.")


def test_a_branch_suffix_000_is_refused():
    with pytest.raises(ValidationError, match="không được toàn số 0"):
        validate_enterprise_code("0100109106-000")


def test_tax_code_field_uses_the_same_check_and_shows_the_dash_form():
    schema = {"fields": [{"key": "mst", "type": "tax_code", "label": "Mã số thuế"}]}
    result = validate_form(schema, {"mst": "0100109106-506"})
    assert result.cleaned == {"mst": "0100109106506"}
    assert eform.fields_for_display(schema, result.cleaned)[0].value == "0100109106-506"


# ---- address


def test_address_keeps_codes_and_names():
    assert one(
        {"type": "address"}, {"province": "1", "commune": str(BA_DINH), "street": " 12  phố Đội Cấn "}
    ) == (
        {
            "province": 1,
            "province_name": "Thành phố Hà Nội",
            "commune": BA_DINH,
            "commune_name": "Phường Ba Đình",
            "street": "12 phố Đội Cấn",
        },
        [],
    )


def test_a_commune_of_another_province_is_refused_at_the_commune():
    result = validate_form(
        {"fields": [{"key": "dc", "type": "address", "label": "Địa chỉ"}]},
        {"dc": {"province": 1, "commune": TAN_HOI, "street": "Thôn 2"}},
    )
    assert result.errors == {
        "dc.commune": [
            "Xã Tân Hội không thuộc Thành phố Hà Nội. Hãy chọn lại xã, phường sau khi chọn tỉnh, thành phố."
        ]
    }


def test_unknown_codes_and_missing_parts_are_each_reported():
    result = validate_form(
        {"fields": [{"key": "dc", "type": "address", "label": "Địa chỉ"}]},
        {"dc": {"province": "2", "commune": "999999", "street": ""}},
    )
    assert set(result.errors) == {"dc.province", "dc.commune", "dc.street"}
    assert "34 tỉnh, thành phố hiện hành" in result.errors["dc.province"][0]
    assert result.errors["dc.street"] == ["Vui lòng nhập số nhà, đường phố, thôn, tổ dân phố của địa chỉ."]


def test_an_empty_optional_address_is_none_and_a_required_one_is_asked_for():
    assert one({"type": "address"}, {"province": "", "commune": "", "street": ""}) == (None, [])
    assert one({"type": "address", "required": True}, None)[1] == ["Vui lòng nhập ô thử."]


def test_province_and_commune_lists_for_the_widget():
    provinces = eform.provinces()
    assert len(provinces) == 34
    assert provinces[0] == (1, "Thành phố Hà Nội")
    assert (68, "Lâm Đồng") in provinces
    assert (BA_DINH, "Phường Ba Đình") in eform.communes(1)
    assert (TAN_HOI, "Xã Tân Hội") in eform.communes(68)
    assert (TAN_HOI, "Xã Tân Hội") not in eform.communes(1)
    assert eform.communes(2) == []
