from motcua.catalog import eform


def test_a_group_holding_a_non_list_value_is_displayed_as_empty_not_a_crash():
    """A draft saved through the API may hold any JSON; the review page must still render."""
    schema = {
        "fields": [
            {
                "key": "members",
                "type": "group",
                "label": "Thành viên",
                "fields": [{"key": "name", "type": "text", "label": "Họ tên"}],
            }
        ]
    }
    for odd in (5, True, "x", {"name": "A"}):
        shown = eform.fields_for_display(schema, {"members": odd})
        assert shown[0].items == ()


def test_a_label_ending_in_a_full_stop_gets_no_second_one_in_its_message():
    schema = {
        "fields": [
            {
                "key": "cam_doan",
                "type": "boolean",
                "label": "Tôi cam đoan những lời khai trên là đúng sự thật.",
                "required": True,
            }
        ]
    }
    errors = eform.validate_form(schema, {}).errors
    assert errors["cam_doan"] == [
        "Vui lòng đánh dấu để xác nhận: Tôi cam đoan những lời khai trên là đúng sự thật."
    ]
