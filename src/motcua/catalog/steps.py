"""A procedure's internal process (quy trình nội bộ, R-PROC-2): its steps, each with a role and a budget.

Kept in Procedure.workflow as an ordered list of JSON objects:

    [{"kind": "specialist", "role": "specialist", "hours": 14, "department": "Phòng Kinh tế",
      "name": "Thẩm định hồ sơ, dự thảo kết quả"}, {"kind": "approval", ...}, {"kind": "result", ...}]

The budgets are working hours and sum to the processing time (processing_days × 8; at most 8 for a
same-day procedure). Returning the result at the one-stop is not counted (R-PROC-2), so it is never a
step here. `clean_workflow` checks an author's steps (YAML or admin); `default_workflow` is what a
procedure without stored steps follows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

HOURS_PER_DAY = 8
# A same-day dossier may be accepted in the middle of the day: its default process fits in half a day.
SAME_DAY_DEFAULT_HOURS = Decimal(4)
QUARTER = Decimal("0.25")
STEP_KEYS = ("kind", "role", "hours", "department", "name")
TEXT_MAX_LENGTH = 255

Problem = tuple[tuple[str | int, ...], str]


class StepKind(models.TextChoices):
    # The same values as the processing stages of a dossier (dossiers.Dossier.Stage).
    SPECIALIST = "specialist", gettext_lazy("Thẩm định, xử lý")
    APPROVAL = "approval", gettext_lazy("Phê duyệt")
    RESULT = "result", gettext_lazy("Ban hành kết quả")


class StepRole(models.TextChoices):
    SPECIALIST = "specialist", gettext_lazy("Chuyên viên")
    LEADER = "leader", gettext_lazy("Lãnh đạo")
    RECEPTIONIST = "receptionist", gettext_lazy("Cán bộ Bộ phận Một cửa")


@dataclass(frozen=True)
class StepTemplate:
    """One step of a procedure's internal process, with its budget in working hours."""

    kind: str  # a StepKind value
    role: str  # a StepRole value
    hours: Decimal
    department: str = ""
    name: str = ""

    @property
    def label(self) -> str:
        """The step's own name, or the name of its kind when it has none."""
        return self.name or str(StepKind(self.kind).label)


def budget_hours(processing_days: int) -> Decimal:
    """The working hours the steps share: processing_days × 8, or 8 for a same-day procedure (at most)."""
    return Decimal(HOURS_PER_DAY * (processing_days or 1))


def default_workflow(processing_days: int) -> list[StepTemplate]:
    """Specialist 60 %, approval (leader) 20 %, result 20 % of the processing time, in quarter hours.

    A same-day procedure shares 4 hours. The rounding remainder goes to the specialist step, so the
    budgets always sum to the total exactly.
    """
    total = Decimal(HOURS_PER_DAY * processing_days) if processing_days else SAME_DAY_DEFAULT_HOURS
    approval = _to_quarter(total * Decimal("0.2"))
    result = _to_quarter(total * Decimal("0.2"))
    return [
        StepTemplate(StepKind.SPECIALIST.value, StepRole.SPECIALIST.value, total - approval - result),
        StepTemplate(StepKind.APPROVAL.value, StepRole.LEADER.value, approval),
        StepTemplate(StepKind.RESULT.value, StepRole.SPECIALIST.value, result),
    ]


def steps_from_json(steps: list[Mapping[str, Any]]) -> list[StepTemplate]:
    """The stored steps (as clean_workflow wrote them) as StepTemplate objects."""
    return [
        StepTemplate(
            kind=step["kind"],
            role=step["role"],
            hours=Decimal(str(step["hours"])),
            department=step.get("department") or "",
            name=step.get("name") or "",
        )
        for step in steps
    ]


def clean_workflow(steps: Any, *, processing_days: int | None) -> tuple[list[dict[str, Any]], list[Problem]]:
    """The steps as they are stored, and every problem as (path inside the list, message in Vietnamese).

    `processing_days` None (not known, e.g. itself wrong) skips the check of the sum.
    """
    problems: list[Problem] = []
    if steps is None or steps == []:
        return [], problems
    if not isinstance(steps, list):
        return [], [((), _("“workflow” phải là danh sách các bước (mỗi bước bắt đầu bằng “- ”)."))]
    cleaned: list[dict[str, Any]] = []
    kinds: list[str | None] = []
    hours: list[Decimal | None] = []
    for index, step in enumerate(steps):
        if not isinstance(step, Mapping):
            problems.append(((index,), _("mỗi bước phải là một bảng có kind, role, hours.")))
            kinds.append(None)
            hours.append(None)
            continue
        for key in step:
            if key not in STEP_KEYS:
                problems.append(
                    (
                        (index, key),
                        _("khóa này không dùng ở đây (viết sai?). Các khóa dùng được: %(allowed)s.")
                        % {"allowed": ", ".join(STEP_KEYS)},
                    )
                )
        kind = _choice(step, "kind", StepKind.values, index, problems)
        role = _choice(step, "role", StepRole.values, index, problems)
        step_hours = _hours(step, index, problems)
        kinds.append(kind)
        hours.append(step_hours)
        cleaned.append(
            {
                "kind": kind or "",
                "role": role or "",
                "hours": _json_number(step_hours) if step_hours is not None else 0,
                "department": _text(step, "department", index, problems),
                "name": _text(step, "name", index, problems),
            }
        )
    if all(kinds):
        _check_order([k for k in kinds if k], problems)
    if processing_days is not None and all(h is not None for h in hours):
        _check_sum(sum((h for h in hours if h is not None), Decimal(0)), processing_days, problems)
    return cleaned, problems


def _choice(
    step: Mapping[str, Any], key: str, options: list[str], index: int, problems: list[Problem]
) -> str | None:
    value = step.get(key)
    if value is None or value == "":
        problems.append(
            (
                (index, key),
                _("thiếu “%(key)s”; dùng một trong: %(options)s.")
                % {"key": key, "options": ", ".join(options)},
            )
        )
        return None
    if key == "kind" and value == "return":
        problems.append(
            (
                (index, key),
                _(
                    "không khai bước trả kết quả: thời gian trả kết quả tại Bộ phận Một cửa không tính vào "
                    "thời hạn giải quyết. Hãy bỏ bước này."
                ),
            )
        )
        return None
    if value not in options:
        problems.append(
            (
                (index, key),
                _("“%(key)s” là “%(value)s”, phải là một trong: %(options)s.")
                % {"key": key, "value": value, "options": ", ".join(options)},
            )
        )
        return None
    return str(value)


def _hours(step: Mapping[str, Any], index: int, problems: list[Problem]) -> Decimal | None:
    value = step.get("hours")
    at = (index, "hours")
    if value is None:
        problems.append(
            (at, _("thiếu “hours”: số giờ làm việc dành cho bước này, ví dụ hours: 4 hoặc hours: 0.5."))
        )
        return None
    if isinstance(value, str) and _is_number(value.strip().replace(",", ".")):
        problems.append(
            (
                at,
                _(
                    "“hours” là chữ “%(value)s”; hãy viết một số, không có dấu nháy, phần thập phân sau dấu "
                    "chấm, ví dụ hours: %(hint)s."
                )
                % {"value": value, "hint": value.strip().replace(",", ".")},
            )
        )
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        problems.append((at, _("“hours” phải là một số giờ làm việc, ví dụ hours: 4 hoặc hours: 0.5.")))
        return None
    if value <= 0:
        problems.append((at, _("“hours” phải lớn hơn 0 (đang là %(value)s).") % {"value": value}))
        return None
    return Decimal(str(value))


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _text(step: Mapping[str, Any], key: str, index: int, problems: list[Problem]) -> str:
    value = step.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        problems.append(((index, key), _("“%(key)s” phải là chữ.") % {"key": key}))
        return ""
    text = value.strip()
    if len(text) > TEXT_MAX_LENGTH:
        problems.append(
            (
                (index, key),
                _("“%(key)s” dài %(count)s ký tự, tối đa %(max)s.")
                % {"key": key, "count": len(text), "max": TEXT_MAX_LENGTH},
            )
        )
    return text


def _check_order(kinds: list[str], problems: list[Problem]) -> None:
    """Appraisal comes first, a leader approves, and the result steps (if any) close the process."""
    if kinds[0] != StepKind.SPECIALIST:
        problems.append(
            (
                (0, "kind"),
                _(
                    "bước đầu tiên phải là bước thẩm định, xử lý (kind: specialist), đang là “%(kind)s”. "
                    "Hãy đưa bước thẩm định lên đầu."
                )
                % {"kind": kinds[0]},
            )
        )
    if StepKind.APPROVAL not in kinds:
        problems.append(
            (
                (),
                _(
                    "quy trình thiếu bước phê duyệt (kind: approval); hãy thêm một bước như "
                    "{kind: approval, role: leader, hours: 4} trước các bước ban hành kết quả."
                ),
            )
        )
    first_result = kinds.index(StepKind.RESULT) if StepKind.RESULT in kinds else len(kinds)
    for index in range(first_result + 1, len(kinds)):
        if kinds[index] != StepKind.RESULT:
            problems.append(
                (
                    (index, "kind"),
                    _(
                        "bước “%(kind)s” đứng sau bước ban hành kết quả (kind: result); "
                        "các bước result phải ở cuối quy trình."
                    )
                    % {"kind": kinds[index]},
                )
            )


def _check_sum(total: Decimal, processing_days: int, problems: list[Problem]) -> None:
    budget = budget_hours(processing_days)
    if processing_days == 0 and total > budget:
        problems.append(
            (
                (),
                _(
                    "tổng số giờ các bước là %(total)s, quá 8 giờ làm việc của thủ tục giải quyết trong ngày "
                    "(processing_days: 0). Hãy giảm “hours” của các bước."
                )
                % {"total": _show(total)},
            )
        )
    elif processing_days > 0 and total != budget:
        problems.append(
            (
                (),
                _(
                    "tổng số giờ các bước là %(total)s, phải bằng thời hạn giải quyết %(days)s ngày làm việc "
                    "× 8 = %(budget)s giờ (không tính bước trả kết quả). Hãy sửa “hours” của các bước cho khớp."
                )
                % {"total": _show(total), "days": processing_days, "budget": _show(budget)},
            )
        )


def _to_quarter(hours: Decimal) -> Decimal:
    return (hours / QUARTER).quantize(Decimal(1), rounding=ROUND_HALF_UP) * QUARTER


def _json_number(hours: Decimal) -> int | float:
    return int(hours) if hours == hours.to_integral_value() else float(hours)


def _show(hours: Decimal) -> str:
    """2.50 → "2.5", 24.00 → "24": the way the author writes hours in YAML."""
    return format(hours.normalize(), "f")
