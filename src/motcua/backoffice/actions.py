"""The officials' decisions as posted by the dossier page: each handler parses its form, calls one
workflow service and returns the message to show after the redirect.

A handler raises WorkflowError (from the service, or its own for input it cannot parse) with every problem
it found; the page is then shown again with the problems next to their fields and everything typed kept.
Input names are "<action>_<field>", so a problem of field F of action A belongs next to the input A_F.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import Agency
from motcua.dossiers.checks import Problem
from motcua.dossiers.models import Dossier
from motcua.identity.models import User
from motcua.warehouse.services import DETAIL_FIELDS
from motcua.workflow import selectors, services
from motcua.workflow.models import Consultation
from motcua.workflow.services import SupplementItem, WorkflowError

MAX_TEXT = 4000
MAX_HOURS = 400
MIN_YEAR, MAX_YEAR = 2000, 2100  # a date outside is a typing mistake
OK, NOT_OK = "ok", "not_ok"
DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
HM = re.compile(r"(\d{1,2})[:h](\d{2})")


def text(request: HttpRequest, name: str, limit: int = MAX_TEXT) -> str:
    return request.POST.get(name, "").replace("\x00", "").strip()[:limit]


def _when(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y") if moment else ""


def _revision(request: HttpRequest) -> int:
    """The revision the page showed; a missing or bad value never matches, so the official reloads."""
    try:
        return int(request.POST.get("revision", ""))
    except ValueError:
        return 0


def marks_from_post(request: HttpRequest, targets: list[tuple[str, str]]) -> dict[str, dict[str, object]]:
    """The check marks posted for each part that may be marked: {"component.don": {"ok": False, "note": …}}.

    A part with neither a mark nor a note is left out; `ok` is None for a note without a mark.
    """
    marks: dict[str, dict[str, object]] = {}
    for target, _label in targets:
        mark = request.POST.get(f"mark-{target}", "")
        note = text(request, f"note-{target}", 2000)
        if mark in (OK, NOT_OK) or note:
            marks[target] = {"ok": {OK: True, NOT_OK: False}.get(mark), "note": note}
        # What the official read on a document the applicant agreed to keep in their warehouse (R-WH-2).
        document = {name: text(request, f"doc_{name}-{target}", 255) for name in DETAIL_FIELDS}
        if any(document.values()):
            marks.setdefault(target, {"ok": None, "note": ""})["document"] = document
    return marks


def _items(marks: dict[str, dict[str, object]]) -> list[SupplementItem]:
    """Every part marked "chưa đạt", with its note as the guidance the applicant receives (R-SUP-1)."""
    return [
        SupplementItem(target, str(mark["note"])) for target, mark in marks.items() if mark["ok"] is False
    ]


def _required(value: str, field: str, message: str) -> list[Problem]:
    return [] if value else [Problem(field, "required", message)]


# -- reception (R-CHK-1) ----------------------------------------------------------------------------------


def accept(request: HttpRequest, dossier: Dossier) -> str:
    decision = services.accept(
        dossier=dossier,
        official=request.user,
        marks=marks_from_post(request, services.supplement_targets(dossier)),
        expected_revision=_revision(request),
    )  # the service reloads `dossier`, now with its code and appointment
    message = _("Đã tiếp nhận hồ sơ. Mã hồ sơ: %(code)s. Hẹn trả kết quả: %(due)s.") % {
        "code": dossier.code,
        "due": _when(dossier.due_at),
    }
    if decision.data.get("seal_error"):
        message += " " + _("Lưu ý: giấy tiếp nhận chưa được ký số. %(reason)s") % {
            "reason": decision.data["seal_error"]
        }
    return message


def request_supplement(request: HttpRequest, dossier: Dossier) -> str:
    marks = marks_from_post(request, services.supplement_targets(dossier))
    decision = services.request_supplement(
        dossier=dossier,
        official=request.user,
        items=_items(marks),
        reason=text(request, "request_supplement_reason"),
        legal_basis=text(request, "request_supplement_legal_basis"),
        expected_revision=_revision(request),
    )
    return _("Đã gửi yêu cầu bổ sung hồ sơ (phiếu %(number)s) cho người nộp.") % {"number": decision.number}


def refuse(request: HttpRequest, dossier: Dossier) -> str:
    decision = services.refuse(
        dossier=dossier,
        official=request.user,
        reason=text(request, "refuse_reason"),
        competent_agency=text(request, "refuse_competent_agency", 500),
        expected_revision=_revision(request),
    )
    return _("Đã từ chối tiếp nhận hồ sơ (phiếu %(number)s).") % {"number": decision.number}


# -- processing (R-PROC-*) --------------------------------------------------------------------------------


def assign(request: HttpRequest, dossier: Dossier) -> str:
    try:
        assignee = selectors.specialists_of(agency_id=dossier.agency_id).get(
            pk=int(request.POST.get("assign_assignee", ""))
        )
    except (ValueError, User.DoesNotExist):
        raise WorkflowError(
            [Problem("assignee", "required", _("Hãy chọn chuyên viên sẽ xử lý hồ sơ trong danh sách."))]
        ) from None
    services.assign(dossier=dossier, official=request.user, assignee=assignee)
    if assignee.pk == request.user.pk:
        return _("Bạn đã nhận xử lý hồ sơ.")
    return _("Đã phân công %(name)s xử lý hồ sơ.") % {"name": assignee.display_name}


def consult(request: HttpRequest, dossier: Dossier) -> str:
    problems = []
    agency = None
    try:
        agency = selectors.consultable_agencies(dossier=dossier).get(
            pk=int(request.POST.get("consult_agency", ""))
        )
    except (ValueError, Agency.DoesNotExist):
        problems.append(Problem("agency", "required", _("Hãy chọn cơ quan cần lấy ý kiến trong danh sách.")))
    try:
        hours = int(request.POST.get("consult_hours", "").strip())
        if not 1 <= hours <= MAX_HOURS:
            raise ValueError
    except ValueError:
        hours = 0
        problems.append(
            Problem(
                "hours",
                "invalid",
                _("Thời hạn trả lời là số giờ làm việc, từ 1 đến %(max)s (ví dụ 16 là hai ngày làm việc).")
                % {"max": MAX_HOURS},
            )
        )
    question = text(request, "consult_question")
    problems += _required(question, "question", _("Hãy ghi rõ nội dung cần lấy ý kiến."))
    if problems or agency is None:
        raise WorkflowError(problems)
    consultation = services.consult(
        dossier=dossier, official=request.user, agency=agency, question=question, hours=Decimal(hours)
    )
    return _("Đã gửi yêu cầu lấy ý kiến %(agency)s, hạn trả lời %(due)s.") % {
        "agency": agency.name,
        "due": _when(consultation.due_at),
    }


def answer_consultation(request: HttpRequest, dossier: Dossier) -> str:
    try:
        consultation = selectors.consultation_of(
            dossier=dossier, consultation_id=int(request.POST.get("consultation", ""))
        )
    except (ValueError, Consultation.DoesNotExist):
        raise WorkflowError(
            [
                Problem(
                    "consultation", "unknown", _("Không tìm thấy yêu cầu lấy ý kiến này. Hãy tải lại trang.")
                )
            ]
        ) from None
    services.answer_consultation(
        consultation=consultation, official=request.user, answer=text(request, "answer_consultation_answer")
    )
    return _("Đã gửi ý kiến trả lời cho %(agency)s.") % {"agency": dossier.agency.name}


def attach_result(request: HttpRequest, dossier: Dossier) -> str:
    upload = request.FILES.get("attach_result_file")
    if upload is None:
        raise WorkflowError(
            [
                Problem(
                    "file",
                    "required",
                    _("Chưa nhận được tệp nào. Hãy chọn tệp PDF kết quả rồi bấm “Đính kèm”."),
                )
            ]
        )
    result = services.attach_result(
        dossier=dossier, official=request.user, original_name=upload.name or "", chunks=upload.chunks()
    )
    return _("Đã đính kèm kết quả %(code)s.") % {"code": result.code}


def submit_for_approval(request: HttpRequest, dossier: Dossier) -> str:
    services.submit_for_approval(
        dossier=dossier, official=request.user, note=text(request, "submit_for_approval_note")
    )
    return _("Đã trình lãnh đạo phê duyệt.")


def approve(request: HttpRequest, dossier: Dossier) -> str:
    sign = request.POST.get("approve_sign") == "1"
    services.approve(dossier=dossier, official=request.user, note=text(request, "approve_note"), sign=sign)
    if sign:
        return _("Đã phê duyệt và ký số kết quả. Hồ sơ chuyển sang bước ban hành kết quả.")
    return _("Đã phê duyệt. Hồ sơ chuyển sang bước ban hành kết quả.")


def send_back(request: HttpRequest, dossier: Dossier) -> str:
    services.send_back(dossier=dossier, official=request.user, note=text(request, "send_back_note"))
    return _("Đã trả lại hồ sơ cho chuyên viên xử lý lại.")


def issue_result(request: HttpRequest, dossier: Dossier) -> str:
    services.issue_result(dossier=dossier, official=request.user)
    return _("Đã ban hành kết quả. Hồ sơ chờ Bộ phận Một cửa trả kết quả.")


def return_result(request: HttpRequest, dossier: Dossier) -> str:
    services.return_result(dossier=dossier, official=request.user)
    return _("Đã trả kết quả cho người nộp. Hồ sơ đã hoàn thành.")


def reject(request: HttpRequest, dossier: Dossier) -> str:
    decision = services.reject(dossier=dossier, official=request.user, reason=text(request, "reject_reason"))
    return _("Đã kết thúc hồ sơ vì không đủ điều kiện giải quyết (phiếu %(number)s).") % {
        "number": decision.number
    }


def parse_day(value: str) -> dt.date | None:
    """ "2026-12-01" (date picker) or "01/12/2026" (typed); None if neither, or outside 2000-2100."""
    value = value.strip()
    try:
        match = DMY.fullmatch(value)
        if match:
            day, month, year = (int(g) for g in match.groups())
            parsed = dt.date(year, month, day)
        else:
            parsed = dt.date.fromisoformat(value)
    except ValueError:
        return None
    return parsed if MIN_YEAR <= parsed.year <= MAX_YEAR else None


def _parse_time(value: str) -> dt.time | None:
    match = HM.fullmatch(value.strip())
    if not match:
        return None
    try:
        return dt.time(int(match.group(1)), int(match.group(2)))
    except ValueError:
        return None


def apologise(request: HttpRequest, dossier: Dossier) -> str:
    problems = []
    reason = text(request, "apologise_reason")
    problems += _required(reason, "reason", _("Hãy ghi rõ lý do chậm trả kết quả."))
    day = parse_day(request.POST.get("apologise_new_due_at", ""))
    typed_time = request.POST.get("apologise_time", "").strip()
    moment = _parse_time(typed_time) if typed_time else timezone.localtime(dossier.due_at).time()
    if day is None:
        problems.append(
            Problem(
                "new_due_at",
                "invalid",
                _("Hãy nhập ngày hẹn mới theo dạng ngày/tháng/năm, ví dụ 15/12/2026."),
            )
        )
    if moment is None:
        problems.append(Problem("time", "invalid", _("Hãy nhập giờ hẹn theo dạng giờ:phút, ví dụ 16:00.")))
    if problems or day is None or moment is None:
        raise WorkflowError(problems)
    new_due_at = dt.datetime.combine(day, moment, tzinfo=timezone.get_current_timezone())
    decision = services.apologise(
        dossier=dossier, official=request.user, reason=reason, new_due_at=new_due_at
    )
    return _("Đã gửi văn bản xin lỗi (phiếu %(number)s); ngày hẹn trả kết quả mới: %(due)s.") % {
        "number": decision.number,
        "due": _when(new_due_at),
    }


def suspend(request: HttpRequest, dossier: Dossier) -> str:
    services.suspend(
        dossier=dossier,
        official=request.user,
        ground=text(request, "suspend_ground", 20),
        reason=text(request, "suspend_reason"),
    )
    return _("Đã tạm dừng tính thời hạn; người nộp được thông báo.")


def resume(request: HttpRequest, dossier: Dossier) -> str:
    services.resume(dossier=dossier, official=request.user, note=text(request, "resume_note"))
    dossier.refresh_from_db()
    return _("Đã tính tiếp thời hạn; hẹn trả kết quả mới: %(due)s.") % {"due": _when(dossier.due_at)}


HANDLERS: dict[str, Callable[[HttpRequest, Dossier], str]] = {
    "accept": accept,
    "request_supplement": request_supplement,
    "refuse": refuse,
    "assign": assign,
    "consult": consult,
    "answer_consultation": answer_consultation,
    "attach_result": attach_result,
    "submit_for_approval": submit_for_approval,
    "approve": approve,
    "send_back": send_back,
    "issue_result": issue_result,
    "return_result": return_result,
    "reject": reject,
    "apologise": apologise,
    "suspend": suspend,
    "resume": resume,
}
