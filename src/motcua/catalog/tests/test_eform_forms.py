"""Whole forms: every problem at once, conditional fields, repeatable groups, HTML input, display, schemas."""

from __future__ import annotations

import json

from django.http import QueryDict
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.catalog.eform import fields_for_display, validate_form, validate_schema

SCHEMA = {
    "fields": [
        {"key": "ho_ten", "type": "text", "label": "Họ và tên", "required": True},
        {"key": "so_dinh_danh", "type": "citizen_id", "label": "Số định danh cá nhân", "required": True},
        {"key": "ngay_sinh", "type": "date", "label": "Ngày sinh", "required": True, "max": "today"},
        {
            "key": "gioi_tinh",
            "type": "choice",
            "label": "Giới tính",
            "required": True,
            "choices": [{"value": "nam", "label": "Nam"}, {"value": "nu", "label": "Nữ"}],
        },
        {"key": "co_cha", "type": "boolean", "label": "Khai thông tin người cha"},
        {
            "key": "cha_ho_ten",
            "type": "text",
            "label": "Họ tên người cha",
            "required": True,
            "visible_when": {"field": "co_cha", "equals": True},
        },
        {"key": "dia_chi", "type": "address", "label": "Nơi cư trú", "required": True},
        {"key": "so_ban_sao", "type": "integer", "label": "Số bản sao", "min": 0, "max": 10},
        {
            "key": "thanh_vien",
            "type": "group",
            "label": "Thành viên",
            "min_items": 1,
            "max_items": 3,
            "fields": [
                {"key": "ho_ten", "type": "text", "label": "Họ tên thành viên", "required": True},
                {"key": "so_dinh_danh", "type": "citizen_id", "label": "Số định danh", "required": True},
                {
                    "key": "ghi_chu",
                    "type": "text",
                    "label": "Ghi chú về thành viên",
                    "required": True,
                    "visible_when": {"field": "gioi_tinh", "in": ["nu"]},
                },
            ],
        },
    ]
}

GOOD = {
    "ho_ten": "Nguyễn Thị Hoa",
    "so_dinh_danh": "001190001234",
    "ngay_sinh": "12/03/1990",
    "gioi_tinh": "nu",
    "co_cha": False,
    "dia_chi": {"province": 1, "commune": 4, "street": "12 phố Đội Cấn"},
    "so_ban_sao": "2",
    "thanh_vien": [{"ho_ten": "Trần Văn Bình", "so_dinh_danh": "079088001234", "ghi_chu": "con"}],
}


def test_good_answers_are_cleaned_into_json():
    result = validate_form(SCHEMA, GOOD)
    assert result.is_valid, result.errors
    assert result.cleaned["ngay_sinh"] == "1990-03-12"
    assert result.cleaned["so_ban_sao"] == 2
    assert result.cleaned["dia_chi"]["commune_name"] == "Phường Ba Đình"
    assert "cha_ho_ten" not in result.cleaned
    json.dumps(result.cleaned)


def test_cleaned_answers_validate_again_to_themselves():
    cleaned = validate_form(SCHEMA, GOOD).cleaned
    again = validate_form(SCHEMA, cleaned)
    assert again.is_valid
    assert again.cleaned == cleaned


def test_every_problem_is_reported_at_once_with_its_path():
    """R-ACK-3: the applicant sees every problem at once."""
    result = validate_form(
        SCHEMA,
        {
            "ho_ten": "",
            "so_dinh_danh": "00119000123",
            "ngay_sinh": "32/01/1990",
            "gioi_tinh": "x",
            "co_cha": "on",
            "dia_chi": {"province": 68, "commune": 4, "street": "1 phố A"},
            "so_ban_sao": "20",
            "thanh_vien": [
                {"ho_ten": "", "so_dinh_danh": "079088001234", "ghi_chu": ""},
                {"ho_ten": "Bình", "so_dinh_danh": "12"},
            ],
        },
    )
    assert result.errors == {
        "ho_ten": ["Vui lòng nhập họ và tên."],
        "so_dinh_danh": ["Số định danh cá nhân phải gồm đúng 12 chữ số. Bạn đã nhập 11 chữ số."],
        "ngay_sinh": ["Ngày sinh: ngày “32/01/1990” không có trên lịch. Hãy kiểm tra lại ngày và tháng."],
        "gioi_tinh": ["Giới tính: “x” không có trong danh sách. Hãy chọn một trong các mục: Nam, Nữ."],
        "cha_ho_ten": ["Vui lòng nhập họ tên người cha."],
        "dia_chi.commune": [
            "Phường Ba Đình không thuộc Lâm Đồng. Hãy chọn lại xã, phường sau khi chọn tỉnh, thành phố."
        ],
        "so_ban_sao": ["Số bản sao phải trong khoảng từ 0 đến 10. Bạn đã nhập 20."],
        "thanh_vien.0.ho_ten": ["Vui lòng nhập họ tên thành viên."],
        "thanh_vien.1.so_dinh_danh": ["Số định danh phải gồm đúng 12 chữ số. Bạn đã nhập 2 chữ số."],
    }


def test_a_hidden_field_is_neither_required_nor_kept():
    hidden = validate_form(SCHEMA, {**GOOD, "co_cha": "", "cha_ho_ten": "Trần Văn C"})
    assert hidden.is_valid
    assert "cha_ho_ten" not in hidden.cleaned
    shown = validate_form(SCHEMA, {**GOOD, "co_cha": "on", "cha_ho_ten": "Trần Văn C"})
    assert shown.cleaned["cha_ho_ten"] == "Trần Văn C"


def test_a_group_field_can_depend_on_a_top_level_answer():
    item = {"ho_ten": "Bình", "so_dinh_danh": "079088001234"}
    as_man = validate_form(SCHEMA, {**GOOD, "gioi_tinh": "nam", "thanh_vien": [item]})
    assert as_man.is_valid
    as_woman = validate_form(SCHEMA, {**GOOD, "gioi_tinh": "nu", "thanh_vien": [item]})
    assert as_woman.errors == {"thanh_vien.0.ghi_chu": ["Vui lòng nhập ghi chú về thành viên."]}


def test_group_item_counts_are_checked_and_blank_rows_ignored():
    member = {"ho_ten": "Bình", "so_dinh_danh": "079088001234", "ghi_chu": "con"}
    too_few = validate_form(SCHEMA, {**GOOD, "thanh_vien": [{"ho_ten": "", "so_dinh_danh": ""}]})
    assert too_few.errors == {"thanh_vien": ["Thành viên: cần khai ít nhất 1 mục. Bạn mới khai 0."]}
    too_many = validate_form(SCHEMA, {**GOOD, "thanh_vien": [member] * 4})
    assert too_many.errors == {
        "thanh_vien": ["Thành viên: chỉ được khai tối đa 3 mục. Bạn đã khai 4; hãy bớt đi."]
    }
    with_blank = validate_form(SCHEMA, {**GOOD, "thanh_vien": [member, {}, member]})
    assert with_blank.is_valid
    assert len(with_blank.cleaned["thanh_vien"]) == 2


def test_html_form_names_with_dots_and_repeated_checkboxes_are_understood():
    schema = {
        "fields": [
            *SCHEMA["fields"],
            {
                "key": "ngon_ngu",
                "type": "multichoice",
                "label": "Ngôn ngữ",
                "choices": [{"value": "vi", "label": "Tiếng Việt"}, {"value": "en", "label": "Tiếng Anh"}],
            },
        ]
    }
    post = QueryDict(mutable=True)
    post.update(
        {
            "csrfmiddlewaretoken": "x",
            "ho_ten": "Nguyễn Thị Hoa",
            "so_dinh_danh": "001190001234",
            "ngay_sinh": "1990-03-12",
            "gioi_tinh": "nu",
            "dia_chi.province": "01",
            "dia_chi.commune": "4",
            "dia_chi.street": "12 phố Đội Cấn",
            "thanh_vien.1.ho_ten": "Lê Văn Dũng",
            "thanh_vien.1.so_dinh_danh": "079088001234",
            "thanh_vien.1.ghi_chu": "em",
            "thanh_vien.0.ho_ten": "Trần Văn Bình",
            "thanh_vien.0.so_dinh_danh": "001088001234",
            "thanh_vien.0.ghi_chu": "con",
        }
    )
    post.setlist("ngon_ngu", ["vi", "en"])
    result = validate_form(schema, post)
    assert result.is_valid, result.errors
    assert [m["ho_ten"] for m in result.cleaned["thanh_vien"]] == ["Trần Văn Bình", "Lê Văn Dũng"]
    assert result.cleaned["ngon_ngu"] == ["vi", "en"]
    assert "csrfmiddlewaretoken" not in result.cleaned


def test_answers_are_shown_in_plain_vietnamese():
    schema = {
        "fields": [
            *SCHEMA["fields"],
            {"key": "dien_tich", "type": "decimal", "label": "Diện tích"},
            {"key": "von", "type": "integer", "label": "Vốn"},
        ]
    }
    cleaned = validate_form(schema, {**GOOD, "dien_tich": "1234,5", "von": "1500000"}).cleaned
    rows = {row.path: row for row in fields_for_display(schema, cleaned)}
    assert [r.label for r in rows.values()][:3] == ["Họ và tên", "Số định danh cá nhân", "Ngày sinh"]
    assert rows["ngay_sinh"].value == "12/03/1990"
    assert rows["gioi_tinh"].value == "Nữ"
    assert rows["co_cha"].value == "Không"
    assert "cha_ho_ten" not in rows
    assert rows["dia_chi"].value == "12 phố Đội Cấn, Phường Ba Đình, Thành phố Hà Nội"
    assert rows["dien_tich"].value == "1.234,5"
    assert rows["von"].value == "1.500.000"
    assert rows["thanh_vien"].value == "1 mục"
    (member,) = rows["thanh_vien"].items
    assert [(r.path, r.value) for r in member] == [
        ("thanh_vien.0.ho_ten", "Trần Văn Bình"),
        ("thanh_vien.0.so_dinh_danh", "079088001234"),
        ("thanh_vien.0.ghi_chu", "con"),
    ]


def test_an_empty_schema_accepts_nothing_and_needs_nothing():
    assert validate_schema({}) == []
    result = validate_form({}, {"anything": "x"})
    assert result.is_valid
    assert result.cleaned == {}


# ---- an author's schema


def test_a_good_schema_has_no_problems():
    assert validate_schema(SCHEMA) == []


def test_schema_problems_are_all_listed_with_their_place():
    problems = validate_schema(
        {
            "fields": [
                {"key": "ho_ten", "type": "txt", "label": "Họ tên", "requried": True},
                {"key": "ho_ten", "type": "text", "label": "Lặp"},
                {"key": "gioi_tinh", "type": "choice", "label": "Giới tính"},
                {
                    "key": "ghi_chu",
                    "type": "text",
                    "label": "Ghi chú",
                    "visible_when": {"field": "sau", "equals": 1},
                },
                {"key": "Sai Key", "type": "text", "label": ""},
                {"key": "so", "type": "integer", "label": "Số", "min": 5, "max": 1, "max_length": 3},
                {"key": "nhom", "type": "group", "label": "Nhóm", "fields": []},
                {"key": "sau", "type": "boolean", "label": "Sau"},
            ]
        }
    )
    assert problems == [
        "fields[0].requried: Trường “ho_ten”: thuộc tính “requried” không có. Các thuộc tính dùng được: "
        "birth_date_field, choices, fields, help, key, label, max, max_items, max_length, min, min_items, "
        "min_length, prefill, required, type, visible_when.",
        "fields[0].type: Trường “ho_ten”: kiểu “txt” không có. Dùng một trong: text, textarea, integer, "
        "decimal, date, choice, multichoice, boolean, email, phone, citizen_id, tax_code, enterprise_code, "
        "address, group.",
        "fields[1].key: Trường “ho_ten” bị khai báo hai lần; mỗi key chỉ dùng một lần.",
        "fields[2].choices: Trường “gioi_tinh”: cần “choices”, danh sách các lựa chọn {value, label}.",
        "fields[3].visible_when.field: Trường “ghi_chu”: “visible_when” trỏ tới trường “sau” không có "
        "ở phía trên (trường điều kiện phải được khai báo trước).",
        "fields[4].key: Trường thứ 5: “key” phải là chữ thường không dấu, số và dấu gạch dưới, bắt đầu "
        "bằng chữ cái, tối đa 60 ký tự (ví dụ ho_ten). Đang là “Sai Key”.",
        "fields[4].label: Trường “Sai Key”: thiếu “label” (nhãn hiển thị cho người khai).",
        "fields[5].min: Trường “so”: “min” lớn hơn “max”.",
        "fields[5].max_length: Trường “so”: “max_length” chỉ dùng cho kiểu text, textarea.",
        "fields[6].fields: Nhóm “nhom” cần danh sách “fields” có ít nhất một trường.",
    ]


def test_schema_checks_choices_groups_and_birth_date_mapping():
    problems = validate_schema(
        {
            "fields": [
                {
                    "key": "c",
                    "type": "choice",
                    "label": "C",
                    "choices": [{"value": "a", "label": "A"}, {"value": "a", "label": "A2"}, {"value": "b"}],
                },
                {"key": "cccd", "type": "citizen_id", "label": "CCCD", "birth_date_field": "c"},
                {
                    "key": "g",
                    "type": "group",
                    "label": "G",
                    "fields": [{"key": "inner", "type": "group", "label": "I", "fields": []}],
                },
                {"key": "v", "type": "text", "label": "V", "visible_when": {"field": "g", "equals": 1}},
            ]
        }
    )
    assert problems == [
        "fields[0].choices[1].value: Trường “c”: lựa chọn “a” bị lặp.",
        "fields[0].choices[2]: Trường “c”: mỗi lựa chọn cần “value” và “label”.",
        "fields[1].birth_date_field: Trường “cccd”: “birth_date_field” phải là key của một trường "
        "kiểu date cùng cấp.",
        "fields[2].fields[0].type: Trường “inner”: không đặt nhóm trong nhóm.",
        "fields[3].visible_when.field: Trường “v”: “visible_when” không thể dựa vào một nhóm.",
    ]


def test_a_schema_that_is_not_a_mapping_of_fields_is_refused():
    assert validate_schema([1, 2]) == ["Tờ khai phải là một bảng có khóa “fields” (danh sách các trường)."]
    assert validate_schema({"fields": "x"}) == ["fields: “fields” phải là danh sách các trường của tờ khai."]


# ---- whatever arrives, the engine answers with errors, never with a crash

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)
field_keys = st.sampled_from(
    ["ho_ten", "so_dinh_danh", "ngay_sinh", "gioi_tinh", "co_cha", "dia_chi", "so_ban_sao"]
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(field_keys | st.just("thanh_vien"), json_values, max_size=8))
def test_any_json_input_gives_errors_or_clean_json(data):
    result = validate_form(SCHEMA, data)
    json.dumps(result.cleaned, allow_nan=False)
    assert all(isinstance(m, str) and m for messages in result.errors.values() for m in messages)
    if result.is_valid:
        assert validate_form(SCHEMA, result.cleaned).cleaned == result.cleaned
