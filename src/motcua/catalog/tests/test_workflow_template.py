"""Workflow templates (R-PROC-2): each procedure's steps, with a role and a budget summing to its time."""

from __future__ import annotations

import dataclasses
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from motcua.catalog import selectors
from motcua.catalog.loader import CatalogError, load_catalog
from motcua.catalog.models import Procedure
from motcua.catalog.steps import StepTemplate, default_workflow
from motcua.catalog.tests.factories import ProcedureFactory

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parent.parent / "demo"

# Line numbers matter: the problems below point into this text.
CATALOG = """\
fields:
  - {code: ho_kinh_doanh, name: Hộ kinh doanh}
agencies:
  - code: 000.00.31.H26
    name: Ủy ban nhân dân phường Ba Đình
    level: commune
    one_stop_name: Trung tâm Phục vụ hành chính công phường Ba Đình
procedures:
  - code: "2.000720"
    name: Đăng ký thành lập hộ kinh doanh
    field: ho_kinh_doanh
    agencies: [000.00.31.H26]
    online_level: full
    processing_days: 3
    result_type: Giấy chứng nhận đăng ký hộ kinh doanh
    legal_basis: Nghị định số 01/2021/NĐ-CP
    workflow:
      - kind: specialist
        role: specialist
        hours: 15.5
        department: Phòng Kinh tế
        name: Thẩm định hồ sơ
      - kind: approval
        role: leader
        hours: 6
      - kind: result
        role: receptionist
        hours: 2.5
"""
WORKFLOW_LINE = 17  # "workflow:"
STEP_LINES = {0: 18, 1: 23, 2: 26}  # "- kind:" of each step; its role is one line below, its hours two


def write(folder: Path, text: str) -> Path:
    path = folder / "catalog.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(CatalogError) as info:
        load_catalog([path])
    return info.value.problems


def test_a_valid_workflow_is_loaded_and_read_back_in_order_r_proc_2(tmp_path):
    load_catalog([write(tmp_path, CATALOG)])

    procedure = Procedure.objects.get(code="2.000720")
    assert selectors.workflow_template(procedure) == [
        StepTemplate("specialist", "specialist", Decimal("15.5"), "Phòng Kinh tế", "Thẩm định hồ sơ"),
        StepTemplate("approval", "leader", Decimal(6)),
        StepTemplate("result", "receptionist", Decimal("2.5")),
    ]
    assert procedure.workflow[1] == {
        "kind": "approval",
        "role": "leader",
        "hours": 6,
        "department": "",
        "name": "",
    }


def test_a_step_without_a_name_is_labelled_by_its_kind():
    assert StepTemplate("approval", "leader", Decimal(2)).label == "Phê duyệt"
    assert StepTemplate("specialist", "specialist", Decimal(2), name="Thẩm định").label == "Thẩm định"
    with pytest.raises(dataclasses.FrozenInstanceError):
        StepTemplate("approval", "leader", Decimal(2)).hours = Decimal(3)


@pytest.mark.parametrize(
    ("old", "new", "line", "where", "message"),
    [
        (
            "      - kind: approval\n",
            "      - kind: phe_duyet\n",
            STEP_LINES[1],
            "workflow[1].kind",
            "“kind” là “phe_duyet”, phải là một trong: specialist, approval, result.",
        ),
        (
            "      - kind: approval\n        role: leader\n",
            "      - role: leader\n",
            STEP_LINES[1],
            "workflow[1].kind",
            "thiếu “kind”; dùng một trong: specialist, approval, result.",
        ),
        (
            "        role: leader\n",
            "        role: giam_doc\n",
            STEP_LINES[1] + 1,
            "workflow[1].role",
            "“role” là “giam_doc”, phải là một trong: specialist, leader, receptionist.",
        ),
        (
            "        role: leader\n",
            "",
            STEP_LINES[1],
            "workflow[1].role",
            "thiếu “role”; dùng một trong: specialist, leader, receptionist.",
        ),
        (
            "        hours: 6\n",
            "",
            STEP_LINES[1],
            "workflow[1].hours",
            "thiếu “hours”: số giờ làm việc dành cho bước này, ví dụ hours: 4 hoặc hours: 0.5.",
        ),
        (
            "        hours: 6\n",
            '        hours: "6,0"\n',
            STEP_LINES[1] + 2,
            "workflow[1].hours",
            "“hours” là chữ “6,0”; hãy viết một số, không có dấu nháy, phần thập phân sau dấu chấm, "
            "ví dụ hours: 6.0.",
        ),
        (
            "        hours: 6\n",
            "        hours: sáu\n",
            STEP_LINES[1] + 2,
            "workflow[1].hours",
            "“hours” phải là một số giờ làm việc, ví dụ hours: 4 hoặc hours: 0.5.",
        ),
        (
            "        hours: 6\n",
            "        hours: .inf\n",
            STEP_LINES[1] + 2,
            "workflow[1].hours",
            "“hours” phải là một số giờ làm việc, ví dụ hours: 4 hoặc hours: 0.5.",
        ),
        (
            "        hours: 6\n",
            "        hours: 0\n",
            STEP_LINES[1] + 2,
            "workflow[1].hours",
            "“hours” phải lớn hơn 0 (đang là 0).",
        ),
        (
            "        hours: 6\n",
            "        hours: 6\n        gio: 6\n",
            STEP_LINES[1] + 3,
            "workflow[1].gio",
            "khóa này không dùng ở đây (viết sai?). Các khóa dùng được: kind, role, hours, department, name.",
        ),
        (
            "        name: Thẩm định hồ sơ\n",
            "        name: [Thẩm định hồ sơ]\n",
            STEP_LINES[0] + 4,
            "workflow[0].name",
            "“name” phải là chữ.",
        ),
        (
            "        role: receptionist\n        hours: 2.5\n",
            "        role: receptionist\n        hours: 2.5\n      - Trả kết quả\n",
            STEP_LINES[2] + 3,
            "workflow[3]",
            "mỗi bước phải là một bảng có kind, role, hours.",
        ),
    ],
    ids=[
        "unknown-kind",
        "missing-kind",
        "unknown-role",
        "missing-role",
        "missing-hours",
        "hours-with-a-decimal-comma",
        "hours-in-words",
        "infinite-hours",
        "zero-hours",
        "unknown-key",
        "name-not-text",
        "step-not-a-mapping",
    ],
)
def test_each_mistake_in_a_step_is_named_with_its_line_r_proc_2(tmp_path, old, new, line, where, message):
    assert old in CATALOG
    path = write(tmp_path, CATALOG.replace(old, new, 1))

    problems = problems_of(path)

    assert f"{path}:{line}: thủ tục 2.000720, {where}: {message}" in problems
    assert not Procedure.objects.exists()


def test_the_return_step_is_refused_because_it_is_not_counted_r_proc_2(tmp_path):
    text = CATALOG.replace(
        "        hours: 2.5\n", "        hours: 1.5\n      - {kind: return, role: receptionist, hours: 1}\n"
    )
    path = write(tmp_path, text)

    assert problems_of(path) == [
        f"{path}:{STEP_LINES[2] + 3}: thủ tục 2.000720, workflow[3].kind: không khai bước trả kết quả: thời gian "
        "trả kết quả tại Bộ phận Một cửa không tính vào thời hạn giải quyết. Hãy bỏ bước này."
    ]


def test_budgets_that_do_not_sum_to_the_processing_time_are_refused_r_proc_2(tmp_path):
    path = write(tmp_path, CATALOG.replace("hours: 15.5", "hours: 11.75"))

    assert problems_of(path) == [
        f"{path}:{WORKFLOW_LINE}: thủ tục 2.000720, workflow: tổng số giờ các bước là 20.25, phải bằng thời hạn "
        "giải quyết 3 ngày làm việc × 8 = 24 giờ (không tính bước trả kết quả). "
        "Hãy sửa “hours” của các bước cho khớp."
    ]


def test_a_same_day_procedure_may_use_up_to_8_working_hours_r_proc_2(tmp_path):
    same_day = CATALOG.replace("processing_days: 3", "processing_days: 0")
    path = write(tmp_path, same_day.replace("hours: 15.5", "hours: 0.5"))  # 0.5 + 6 + 2.5 = 9
    assert problems_of(path) == [
        f"{path}:{WORKFLOW_LINE}: thủ tục 2.000720, workflow: tổng số giờ các bước là 9, quá 8 giờ làm việc của "
        "thủ tục giải quyết trong ngày (processing_days: 0). Hãy giảm “hours” của các bước."
    ]

    path = write(tmp_path, same_day.replace("hours: 15.5", "hours: 0.25").replace("hours: 6", "hours: 1"))
    load_catalog([path])
    assert sum(step.hours for step in selectors.workflow_template(Procedure.objects.get())) == Decimal("3.75")


@pytest.mark.parametrize(
    ("old", "new", "line", "where", "message"),
    [
        (
            "      - kind: specialist\n        role: specialist\n",
            "      - kind: approval\n        role: leader\n",
            STEP_LINES[0],
            "workflow[0].kind",
            "bước đầu tiên phải là bước thẩm định, xử lý (kind: specialist), đang là “approval”. "
            "Hãy đưa bước thẩm định lên đầu.",
        ),
        (
            "      - kind: approval\n",
            "      - kind: specialist\n",
            WORKFLOW_LINE,
            "workflow",
            "quy trình thiếu bước phê duyệt (kind: approval); hãy thêm một bước như "
            "{kind: approval, role: leader, hours: 4} trước các bước ban hành kết quả.",
        ),
        (
            "        role: receptionist\n        hours: 2.5\n",
            "        role: receptionist\n        hours: 1.5\n      - {kind: specialist, role: specialist, hours: 1}\n",
            STEP_LINES[2] + 3,
            "workflow[3].kind",
            "bước “specialist” đứng sau bước ban hành kết quả (kind: result); "
            "các bước result phải ở cuối quy trình.",
        ),
    ],
    ids=["approval-first", "no-approval", "work-after-the-result"],
)
def test_the_steps_must_run_appraisal_then_approval_then_result_r_proc_2(
    tmp_path, old, new, line, where, message
):
    path = write(tmp_path, CATALOG.replace(old, new, 1))

    assert problems_of(path) == [f"{path}:{line}: thủ tục 2.000720, {where}: {message}"]


def test_every_problem_of_a_workflow_is_reported_at_once_r_proc_2(tmp_path):
    text = (
        CATALOG.replace("role: leader", "role: lanh_dao")
        .replace("hours: 2.5", "hours: -1")
        .replace("        name: Thẩm định hồ sơ\n", "        ten: Thẩm định hồ sơ\n")
    )
    problems = problems_of(write(tmp_path, text))

    assert [problem.split(": ", 2)[1] for problem in problems] == [
        "thủ tục 2.000720, workflow[0].ten",
        "thủ tục 2.000720, workflow[1].role",
        "thủ tục 2.000720, workflow[2].hours",
    ]  # no sum problem on top: the sum of hours that are wrong would mislead


def test_a_wrong_processing_days_is_not_compared_with_the_steps(tmp_path):
    path = write(tmp_path, CATALOG.replace("processing_days: 3", "processing_days: ba"))

    (problem,) = problems_of(path)
    assert "processing_days: “processing_days” phải là số nguyên." in problem


def test_the_workflow_must_be_a_list_of_steps(tmp_path):
    text = CATALOG.split("    workflow:\n")[0] + "    workflow: specialist 60%\n"
    path = write(tmp_path, text)

    assert problems_of(path) == [
        f"{path}:{WORKFLOW_LINE}: thủ tục 2.000720, workflow: “workflow” phải là danh sách các bước "
        "(mỗi bước bắt đầu bằng “- ”)."
    ]


def test_changing_the_workflow_changes_the_source_hash_and_reloads_the_procedure(tmp_path):
    path = write(tmp_path, CATALOG)
    load_catalog([path])
    first_hash = Procedure.objects.get().source_hash

    write(tmp_path, CATALOG.replace("hours: 15.5", "hours: 14.5").replace("hours: 6", "hours: 7"))
    report = load_catalog([path])

    procedure = Procedure.objects.get()
    assert report.counts["procedure"]["updated"] == 1
    assert procedure.source_hash != first_hash
    assert [step.hours for step in selectors.workflow_template(procedure)] == [
        Decimal("14.5"),
        7,
        Decimal("2.5"),
    ]
    assert load_catalog([path]).counts["procedure"]["unchanged"] == 1


def test_removing_the_workflow_falls_back_to_the_default(tmp_path):
    path = write(tmp_path, CATALOG)
    load_catalog([path])

    write(tmp_path, CATALOG.split("    workflow:\n")[0])
    assert load_catalog([path]).counts["procedure"]["updated"] == 1

    procedure = Procedure.objects.get()
    assert procedure.workflow == []
    assert selectors.workflow_template(procedure) == default_workflow(3)


# ---- the default template


@pytest.mark.parametrize(
    ("days", "specialist", "approval", "result"),
    [
        (0, "2.5", "0.75", "0.75"),  # same day: 4 hours
        (1, "5", "1.5", "1.5"),
        (3, "14.5", "4.75", "4.75"),
        (7, "33.5", "11.25", "11.25"),
        (15, "72", "24", "24"),
    ],
)
def test_the_default_template_splits_the_time_60_20_20_in_quarter_hours_r_proc_2(
    days, specialist, approval, result
):
    procedure = ProcedureFactory(processing_days=days, components=[])

    steps = selectors.workflow_template(procedure)

    assert [(s.kind, s.role, s.hours) for s in steps] == [
        ("specialist", "specialist", Decimal(specialist)),
        ("approval", "leader", Decimal(approval)),
        ("result", "specialist", Decimal(result)),
    ]


@pytest.mark.parametrize("days", [0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 13, 15, 20, 22, 30, 45, 60, 90])
def test_the_default_budgets_sum_exactly_to_the_processing_time_r_proc_2(days):
    steps = default_workflow(days)

    assert sum(step.hours for step in steps) == (8 * days if days else 4)
    assert all(step.hours > 0 and step.hours % Decimal("0.25") == 0 for step in steps)


# ---- the demo catalog


def test_every_demo_procedure_has_a_workflow_that_fits_its_processing_time_r_proc_2():
    load_catalog([DEMO])

    procedures = list(Procedure.objects.all())
    assert len(procedures) == 6
    for procedure in procedures:
        assert procedure.workflow, procedure.code
        total = sum(step.hours for step in selectors.workflow_template(procedure))
        if procedure.processing_days:
            assert total == 8 * procedure.processing_days, procedure.code
        else:
            assert 0 < total <= 8, procedure.code
