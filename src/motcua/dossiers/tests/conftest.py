import pytest

SCHEMA = {
    "fields": [
        {
            "key": "full_name",
            "type": "text",
            "label": "Họ và tên",
            "required": True,
            "prefill": "identity.full_name",
        },
        {
            "key": "citizen_id",
            "type": "citizen_id",
            "label": "Số định danh cá nhân",
            "required": True,
            "prefill": "identity.citizen_id",
        },
        {"key": "phone", "type": "phone", "label": "Số điện thoại", "required": True},
        {"key": "purpose", "type": "textarea", "label": "Mục đích", "required": True},
    ]
}


@pytest.fixture
def procedure(agency, rule_set):
    """Required PDF component "don", optional PDF/JPG/PNG "giay_to_khac" (max 1 MB), and SCHEMA."""
    from motcua.catalog.models import Component
    from motcua.catalog.tests.factories import ProcedureFactory

    procedure = ProcedureFactory(agencies=[agency], eform_schema=SCHEMA)
    procedure.components.all().delete()
    Component.objects.create(
        procedure=procedure, code="don", name="Đơn đề nghị", accepted_formats=["pdf"], order=1
    )
    Component.objects.create(
        procedure=procedure,
        code="giay_to_khac",
        name="Giấy tờ khác",
        required=False,
        accepted_formats=["pdf", "jpg", "png"],
        max_size_mb=1,
        order=2,
    )
    return procedure


@pytest.fixture
def draft(citizen, procedure):
    from motcua.dossiers.services import draft_create

    return draft_create(applicant=citizen, procedure=procedure)
