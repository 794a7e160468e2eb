"""The back office in the REST API: the officials' queue, the dossier as an official sees it, one endpoint
per workflow action, and the consulted agency's answer.

Officials only (a citizen's or an organisation's token gets 403). Every dossier is loaded through
dossiers.selectors.dossier_for_official, so another agency's dossier is 404 like a missing one (R-PROH-4)
and every read is audited (R-PRIV-2). Each action endpoint parses its body, calls one workflow service and
answers with the dossier after the change; the service decides who may do what (R-PROH-6).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import asdict
from typing import Any

from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import generics, parsers, serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from motcua.api import serializers as s
from motcua.api.errors import OfficialsOnly, error_body
from motcua.api.selectors import (
    agency_by_code,
    consultation_for_official,
    consultations_for_official,
    official_of_agency,
    processing_record,
)
from motcua.api.views import (
    FILE_RESPONSE,
    MULTIPART_OVERHEAD_BYTES,
    AnyAcceptNegotiation,
    DossierPagination,
    MultiPartParser,
    error_responses,
    invalid,
    parse,
)
from motcua.backoffice.selectors import awaiting_check, awaiting_check_counts
from motcua.catalog.models import Agency
from motcua.dossiers.downloads import dossier_file_response
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_file_for_official, dossier_for_official
from motcua.identity.models import User
from motcua.warehouse.selectors import provenance_for_official
from motcua.workflow import selectors as workflow_selectors
from motcua.workflow import services
from motcua.workflow.models import Consultation, ResultDocument
from motcua.workflow.selectors import result_for_official

TAG = "backoffice"
EARLIEST_YEAR, LATEST_YEAR = s.EARLIEST_YEAR, s.LATEST_YEAR


class IsOfficial(BasePermission):
    """Signed in (else 401) with an official's account (else 403 officials_only)."""

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if request.user.kind != User.Kind.OFFICIAL:
            raise OfficialsOnly()
        return True


class BackofficeView(APIView):
    permission_classes = [IsAuthenticated, IsOfficial]
    parser_classes = [parsers.JSONParser]


def official_dossier(request, public_id, *, purpose: str) -> Dossier:
    """The dossier through the officials' one access function; 404 alike for missing and another agency's."""
    try:
        return dossier_for_official(official=request.user, public_id=public_id, purpose=purpose)
    except Dossier.DoesNotExist:
        raise NotFound() from None


def official_detail(request, dossier: Dossier) -> dict:
    record = processing_record(dossier=dossier)
    context = {
        "request": request,
        "dossier": dossier,
        "record": record,
        # Files reused from the applicant's warehouse, with their provenance; each such read is logged (R-PRIV-2).
        "provenance": provenance_for_official(official=request.user, dossier=dossier, files=record.files),
        "allowed_actions": services.allowed_actions(dossier, request.user),
        "result_route": "v1:backoffice-dossier-result",
    }
    return s.OfficialDossierSerializer(dossier, context=context).data


def error_example(status: int, code: str, message: str, errors: list[dict[str, Any]] | None = None):
    return OpenApiExample(
        f"{status} {code}",
        value=error_body(status_code=status, code=code, message=message, errors=errors),
        response_only=True,
        status_codes=[str(status)],
    )


CHANGED_EXAMPLE = error_example(
    409,
    "dossier_changed",
    "Hồ sơ đã thay đổi từ lúc bạn mở (hiện: Đang giải quyết, lần nộp 1), có thể do cán bộ khác vừa xử lý. "
    "Hãy tải lại trang để xem trạng thái mới rồi quyết định lại.",
    [
        {
            "field": "dossier",
            "code": "changed",
            "message": "Hồ sơ đã thay đổi từ lúc bạn mở (hiện: Đang giải quyết, lần nộp 1), có thể do cán bộ "
            "khác vừa xử lý. Hãy tải lại trang để xem trạng thái mới rồi quyết định lại.",
        }
    ],
)
OFFICIALS_ONLY_EXAMPLE = error_example(
    403,
    "officials_only",
    "Địa chỉ này chỉ dành cho cán bộ của cơ quan giải quyết thủ tục. Tài khoản của bạn không phải tài khoản "
    "cán bộ; hãy dùng các địa chỉ /api/v1/dossiers/ cho hồ sơ của mình.",
)
NOT_FOUND_EXAMPLE = error_example(
    404, "not_found", "Không tìm thấy. Hãy kiểm tra lại địa chỉ hoặc mã đã gửi."
)
NOT_OURS = "Not a dossier of the official's agencies (or no such dossier): the two are not told apart."
BACKOFFICE_403 = "officials_only: the account is not an official's."
ACTION_ERRORS = error_responses(
    400,
    401,
    403,
    404,
    409,
    415,
    422,
    e400="invalid_request: a field is missing, of the wrong type or too long; malformed_request: not JSON.",
    e403=f"{BACKOFFICE_403} permission_denied: the official's roles at the agency do not allow this action.",
    e404=NOT_OURS,
    e409="dossier_changed: another official acted first, or the applicant resubmitted (see "
    "expected_revision); or the dossier's state no longer allows this action. Reload and decide again.",
    e422="action_refused: the action is not possible as asked; errors lists every reason. Nothing changed.",
)


# --------------------------------------------------------------------------------------------------
# The queue awaiting check


def encode_cursor(after: tuple[dt.datetime, int]) -> str:
    due, last_id = after
    return base64.urlsafe_b64encode(f"{due.isoformat()}|{last_id}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[dt.datetime, int] | None:
    """The keyset (check_due_at, id) a `next` link carries; a 400 on `cursor` if it is not one."""
    if not cursor:
        return None
    try:
        due_text, id_text = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        due, last_id = dt.datetime.fromisoformat(due_text), int(id_text)
    except (binascii.Error, UnicodeError, ValueError):
        due, last_id = None, 0
    if due is None or due.tzinfo is None or not EARLIEST_YEAR <= due.year <= LATEST_YEAR or last_id < 0:
        message = _("Giá trị cursor không hợp lệ. Hãy dùng đúng liên kết next đã nhận.")
        raise invalid("cursor", message, "invalid")
    return due, last_id


class QueueView(BackofficeView):
    @extend_schema(
        tags=[TAG],
        operation_id="v1_backoffice_dossiers_list",
        summary="The queue awaiting check: submitted dossiers of my agencies, most urgent first",
        description="Each row carries the working time left to accept, ask for a supplement or refuse "
        "(8 working hours, R-CHK-1) and whether it is due soon or overdue (R-CHK-3). Pages by keyset: follow "
        "`next` until it is null.",
        parameters=[s.QueueQuerySerializer],
        responses={200: s.QueuePageSerializer, **error_responses(400, 401, 403, e403=BACKOFFICE_403)},
        examples=[OFFICIALS_ONLY_EXAMPLE],
    )
    def get(self, request):
        params = s.QueueQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        query = params.validated_data
        page = awaiting_check(
            official=request.user,
            after=decode_cursor(query.get("cursor", "")),
            limit=query["limit"],
            procedure_code=query.get("procedure") or None,
            q=query.get("q", ""),
        )
        next_url = None
        if page.next_after is not None:
            next_url = replace_query_param(
                request.build_absolute_uri(), "cursor", encode_cursor(page.next_after)
            )
        rows = s.QueueRowSerializer(
            [row.dossier for row in page.rows],
            many=True,
            context={"rows": {row.dossier.pk: row for row in page.rows}},
        ).data
        counts = asdict(awaiting_check_counts(official=request.user))
        return Response({"next": next_url, "counts": counts, "results": rows})


# The work queues by their URL name (the awaiting-check queue is QueueView above).
WORK_QUEUES = {
    "my-work": workflow_selectors.my_work,
    "approval": workflow_selectors.awaiting_approval,
    "to-return": workflow_selectors.awaiting_return,
    "overdue": workflow_selectors.overdue,
    "consultations": workflow_selectors.consultations_to_answer,
}


class WorkQueueView(BackofficeView):
    @extend_schema(
        tags=[TAG],
        summary="One of my work queues: my-work, approval, to-return, overdue or consultations",
        description="The same queues as the back office's pages, most urgent first, with the deadline that "
        "puts each dossier there and the working time left. Pages by keyset: follow `next` until it is null.",
        parameters=[s.WorkQueueQuerySerializer],
        responses={200: s.WorkPageSerializer, **error_responses(400, 401, 403, 404, e403=BACKOFFICE_403)},
        examples=[OFFICIALS_ONLY_EXAMPLE],
    )
    def get(self, request, name: str):
        list_page = WORK_QUEUES.get(name)
        if list_page is None:
            raise NotFound(
                _("Không có hàng đợi này. Hãy dùng: %(names)s.") % {"names": ", ".join(WORK_QUEUES)}
            )
        params = s.WorkQueueQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        query = params.validated_data
        filters = workflow_selectors.QueueFilters(
            procedure_code=query.get("procedure", ""),
            status=query.get("status", ""),
            due_by=query.get("due_by"),
            q=query.get("q", ""),
        )
        page = list_page(
            official=request.user,
            filters=filters,
            after=decode_cursor(query.get("cursor", "")),
            limit=query["limit"],
        )
        next_url = None
        if page.next_after is not None:
            next_url = replace_query_param(
                request.build_absolute_uri(), "cursor", encode_cursor(page.next_after)
            )
        counts = workflow_selectors.queue_counts(official=request.user).counts
        results = s.WorkRowSerializer(page.rows, many=True).data
        return Response({"next": next_url, "counts": counts, "results": results})


# --------------------------------------------------------------------------------------------------
# One dossier


class OfficialDossierView(BackofficeView):
    @extend_schema(
        tags=[TAG],
        summary="One dossier of my agency: what was submitted, the control sheet, decisions, allowed actions",
        description="The read is audited (R-PRIV-2). Another agency's dossier answers 404 like a missing one "
        "(R-PROH-4). `allowed_actions` are exactly the actions this official may take now.",
        responses={
            200: s.OfficialDossierSerializer,
            **error_responses(401, 403, 404, e403=BACKOFFICE_403, e404=NOT_OURS),
        },
        examples=[OFFICIALS_ONLY_EXAMPLE, NOT_FOUND_EXAMPLE],
    )
    def get(self, request, public_id):
        return Response(official_detail(request, official_dossier(request, public_id, purpose="view")))


class OfficialFileView(BackofficeView):
    content_negotiation_class = AnyAcceptNegotiation

    @extend_schema(
        tags=[TAG],
        summary="Download a file the applicant submitted (the read is audited)",
        responses={**FILE_RESPONSE, **error_responses(401, 403, 404, e403=BACKOFFICE_403)},
    )
    def get(self, request, public_id, file_id: int) -> FileResponse:
        return dossier_file_response(
            lambda: dossier_file_for_official(official=request.user, public_id=public_id, file_id=file_id)
        )


class OfficialResultView(BackofficeView):
    content_negotiation_class = AnyAcceptNegotiation

    @extend_schema(
        tags=[TAG],
        summary="Download a result document attached to the dossier (the read is audited)",
        responses={**FILE_RESPONSE, **error_responses(401, 403, 404, e403=BACKOFFICE_403)},
    )
    def get(self, request, public_id, result_id: int) -> FileResponse:
        try:
            result = result_for_official(official=request.user, public_id=public_id, result_id=result_id)
        except (ResultDocument.DoesNotExist, Dossier.DoesNotExist):
            raise NotFound() from None
        return dossier_file_response(lambda: result)


# --------------------------------------------------------------------------------------------------
# Actions: one endpoint per workflow transition


ACTION_DESCRIPTION = (
    "Answers 200 with the dossier after the change. 409 dossier_changed: another official acted first or the "
    "dossier is no longer in a state for this action (reload and decide again). 422 action_refused: the "
    "action is not possible as asked; `errors` lists every reason. 403: a citizen's account, or a role "
    "that may not take this action. 404: not a dossier of the official's agencies."
)


class ActionView(BackofficeView):
    """POST: load the dossier (scoped, audited with the action as purpose), parse, act, show the result."""

    action: str  # a key of workflow.services.ACTIONS
    input_serializer: type[serializers.Serializer] | None = None

    def act(self, dossier: Dossier, official: User, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def post(self, request, public_id):
        dossier = official_dossier(request, public_id, purpose=self.action)
        data = parse(self.input_serializer, request) if self.input_serializer else {}
        self.act(dossier, request.user, data)
        dossier.refresh_from_db()
        return Response(official_detail(request, dossier))


def action_schema(
    summary: str,
    request: type[serializers.Serializer] | dict | None,
    examples: list[OpenApiExample] | None = None,
    description: str = "",
):
    return extend_schema_view(
        post=extend_schema(
            tags=[TAG],
            summary=summary,
            description=f"{description}\n\n{ACTION_DESCRIPTION}".strip(),
            request=request,
            responses={200: s.OfficialDossierSerializer, **ACTION_ERRORS},
            examples=[*(examples or []), CHANGED_EXAMPLE, OFFICIALS_ONLY_EXAMPLE],
        )
    )


@action_schema(
    "Accept: issue the dossier code and the appointment (R-CHK-1, R-CODE-1; form 01)",
    s.AcceptSerializer,
    [
        OpenApiExample(
            "Tiếp nhận",
            request_only=True,
            value={
                "marks": {
                    "component.to-khai": {"ok": True, "note": ""},
                    "form.ho_ten": {"ok": True, "note": "Khớp với Cơ sở dữ liệu quốc gia về dân cư."},
                },
                "expected_revision": 1,
            },
        )
    ],
    "The dossier gets its code `<agency>-YYMMDD-XXXX`, its appointment date, and is transferred to the "
    "deciding unit (at once, or the next working day when accepted after 15:00, R-PROC-1).",
)
class AcceptView(ActionView):
    action = "accept"
    input_serializer = s.AcceptSerializer

    def act(self, dossier, official, data):
        services.accept(
            dossier=dossier,
            official=official,
            marks=data.get("marks") or None,
            expected_revision=data.get("expected_revision"),
        )


@action_schema(
    "Ask the applicant for a supplement, once, listing everything (R-SUP-1, R-SUP-2; form 02)",
    s.RequestSupplementSerializer,
    [
        OpenApiExample(
            "Yêu cầu bổ sung",
            request_only=True,
            value={
                "items": [
                    {
                        "target": "component.to-khai",
                        "note": "Tờ khai thiếu chữ ký của người yêu cầu; hãy ký và tải lên lại bản quét.",
                    },
                    {
                        "target": "form.ngay_sinh",
                        "note": "Ngày sinh không khớp giấy chứng sinh; hãy sửa lại.",
                    },
                ],
                "reason": "Hồ sơ chưa đầy đủ, hợp lệ.",
                "expected_revision": 1,
            },
        ),
        error_example(
            422,
            "action_refused",
            "Không thực hiện được thao tác (2 lỗi); hồ sơ không thay đổi. Hãy sửa các lỗi được liệt kê rồi "
            "gửi lại.",
            [
                {
                    "field": "component.to-khai",
                    "code": "guidance_required",
                    "message": "Hãy ghi rõ cho “Tờ khai”: thiếu hoặc sai gì và cần nộp lại thế nào (ít nhất 10 "
                    "ký tự).",
                },
                {
                    "field": "legal_basis",
                    "code": "repeat_needs_basis",
                    "message": "Hồ sơ này đã được yêu cầu bổ sung một lần (phiếu 12/PBS ngày 27/11/2026). Chỉ "
                    "được yêu cầu lại khi pháp luật chuyên ngành cho phép: hãy ghi rõ căn cứ pháp lý.",
                },
            ],
        ),
    ],
    "The applicant may then change only the parts named; a second request on the same dossier needs a "
    "legal basis and is counted in reports.",
)
class RequestSupplementView(ActionView):
    action = "request_supplement"
    input_serializer = s.RequestSupplementSerializer

    def act(self, dossier, official, data):
        services.request_supplement(
            dossier=dossier,
            official=official,
            items=[services.SupplementItem(item["target"], item["note"]) for item in data["items"]],
            reason=data["reason"],
            legal_basis=data["legal_basis"],
            expected_revision=data.get("expected_revision"),
        )


@action_schema(
    "Refuse the dossier with reasons (R-REF-1; form 03)",
    s.RefuseSerializer,
    [
        OpenApiExample(
            "Từ chối",
            request_only=True,
            value={
                "reason": "Thủ tục không thuộc thẩm quyền giải quyết của Ủy ban nhân dân phường.",
                "competent_agency": "Sở Tư pháp thành phố Hà Nội",
                "expected_revision": 1,
            },
        )
    ],
)
class RefuseView(ActionView):
    action = "refuse"
    input_serializer = s.RefuseSerializer

    def act(self, dossier, official, data):
        services.refuse(
            dossier=dossier,
            official=official,
            reason=data["reason"],
            competent_agency=data["competent_agency"],
            expected_revision=data.get("expected_revision"),
        )


@action_schema(
    "Assign the processing step to a specialist (a specialist may take an unassigned step)",
    s.AssignSerializer,
    [OpenApiExample("Phân công", request_only=True, value={"assignee": "chuyenvien.badinh"})],
)
class AssignView(ActionView):
    action = "assign"
    input_serializer = s.AssignSerializer

    def act(self, dossier, official, data):
        try:
            assignee = official_of_agency(username=data["assignee"], agency_id=dossier.agency_id)
        except User.DoesNotExist:
            message = _("%(agency)s không có cán bộ có tên đăng nhập “%(username)s”. Hãy kiểm tra lại.")
            raise invalid(
                "assignee", message % {"agency": dossier.agency.name, "username": data["assignee"]}, "unknown"
            ) from None
        services.assign(dossier=dossier, official=official, assignee=assignee)


@action_schema(
    "Ask another agency's opinion, with its own deadline (R-PROC-4)",
    s.ConsultSerializer,
    [
        OpenApiExample(
            "Lấy ý kiến",
            request_only=True,
            value={
                "agency": "000.00.13.H26",
                "question": "Đề nghị xác minh thông tin hộ tịch gốc của người được khai sinh.",
                "hours": 16,
            },
        )
    ],
)
class ConsultView(ActionView):
    action = "consult"
    input_serializer = s.ConsultSerializer

    def act(self, dossier, official, data):
        try:
            agency = agency_by_code(code=data["agency"])
        except Agency.DoesNotExist:
            message = _("Không có cơ quan mã “%(code)s”. Hãy dùng mã trong danh mục mã định danh cơ quan.")
            raise invalid("agency", message % {"code": data["agency"]}, "unknown") from None
        services.consult(
            dossier=dossier, official=official, agency=agency, question=data["question"], hours=data["hours"]
        )


@action_schema(
    "Attach a result document (a PDF), coded <dossier code>-KQ<n> (R-CODE-5)",
    {"multipart/form-data": s.ResultUploadSerializer},
    description="The file must be a sound PDF of at most 50 MB; otherwise 422 with the reason.",
)
class AttachResultView(ActionView):
    action = "attach_result"
    input_serializer = s.ResultUploadSerializer
    parser_classes = [MultiPartParser]

    def max_request_bytes(self) -> int:
        return services.MAX_RESULT_BYTES + MULTIPART_OVERHEAD_BYTES

    def act(self, dossier, official, data):
        upload = data["file"]
        services.attach_result(
            dossier=dossier, official=official, original_name=upload.name or "", chunks=upload.chunks()
        )


@action_schema(
    "Hand the draft result to the leader for approval",
    s.NoteSerializer,
    description="Needs at least one attached result and no consultation left unanswered (422 lists both).",
)
class SubmitForApprovalView(ActionView):
    action = "submit_for_approval"
    input_serializer = s.NoteSerializer

    def act(self, dossier, official, data):
        services.submit_for_approval(dossier=dossier, official=official, note=data["note"])


@action_schema("Approve the draft result (leader)", s.NoteSerializer)
class ApproveView(ActionView):
    action = "approve"
    input_serializer = s.NoteSerializer

    def act(self, dossier, official, data):
        services.approve(dossier=dossier, official=official, note=data["note"])


@action_schema(
    "Send the draft result back to the specialist (leader)",
    s.SendBackSerializer,
    [OpenApiExample("Trả lại", request_only=True, value={"note": "Sai tên cha trong dự thảo; hãy sửa lại."})],
)
class SendBackView(ActionView):
    action = "send_back"
    input_serializer = s.SendBackSerializer

    def act(self, dossier, official, data):
        services.send_back(dossier=dossier, official=official, note=data["note"])


@action_schema(
    "Issue the approved result: the dossier is result ready and waits for return at the one-stop", None
)
class IssueResultView(ActionView):
    action = "issue_result"

    def act(self, dossier, official, data):
        services.issue_result(dossier=dossier, official=official)


@action_schema(
    "Return the result: the applicant can download it from their account; the dossier is done", None
)
class ReturnResultView(ActionView):
    action = "return_result"

    def act(self, dossier, official, data):
        services.return_result(dossier=dossier, official=official)


@action_schema(
    "End the dossier as not eligible, found at processing (R-PROC-5; form 03)",
    s.RejectSerializer,
    [
        OpenApiExample(
            "Không đủ điều kiện",
            request_only=True,
            value={"reason": "Người yêu cầu không có quan hệ cha, mẹ, con với người được khai sinh."},
        )
    ],
)
class RejectView(ActionView):
    action = "reject"
    input_serializer = s.RejectSerializer

    def act(self, dossier, official, data):
        services.reject(dossier=dossier, official=official, reason=data["reason"])


@action_schema(
    "Apologise for the late result and set a new appointment, once (R-LATE-1, R-LATE-2; form 04)",
    s.ApologiseSerializer,
    [
        OpenApiExample(
            "Xin lỗi, hẹn lại",
            request_only=True,
            value={
                "reason": "Cần xác minh thêm thông tin tại cơ quan đăng ký hộ tịch nơi cư trú trước đây.",
                "new_due_at": "2026-12-04T17:00:00+07:00",
            },
        ),
        error_example(
            422,
            "action_refused",
            "Không thực hiện được thao tác (2 lỗi); hồ sơ không thay đổi. Hãy sửa các lỗi được liệt kê rồi "
            "gửi lại.",
            [
                {
                    "field": "reason",
                    "code": "required",
                    "message": "Hãy ghi rõ lý do chậm trễ (ít nhất 10 ký tự).",
                },
                {
                    "field": "new_due_at",
                    "code": "not_later",
                    "message": "Ngày hẹn mới phải sau ngày hẹn hiện tại (17:00 02/12/2026).",
                },
            ],
        ),
    ],
    "The original appointment stays for statistics, where the dossier counts as late (R-LATE-3).",
)
class ApologiseView(ActionView):
    action = "apologise"
    input_serializer = s.ApologiseSerializer

    def act(self, dossier, official, data):
        services.apologise(
            dossier=dossier, official=official, reason=data["reason"], new_due_at=data["new_due_at"]
        )


@action_schema(
    "Pause the processing clock while the dossier waits for the applicant (R-PROC-6)",
    s.SuspendSerializer,
    [
        OpenApiExample(
            "Chờ nộp lệ phí",
            request_only=True,
            value={"ground": "fee", "reason": "Chờ người nộp nộp lệ phí cấp bản sao trực tuyến."},
        ),
    ],
    "While paused only resume, reject and a supplement request are allowed.",
)
class SuspendView(ActionView):
    action = "suspend"
    input_serializer = s.SuspendSerializer

    def act(self, dossier, official, data):
        services.suspend(dossier=dossier, official=official, ground=data["ground"], reason=data["reason"])


@action_schema(
    "Restart the processing clock; deadlines move by the working time paused (R-PROC-6)",
    s.ResumeSerializer,
    [OpenApiExample("Đã nộp lệ phí", request_only=True, value={"note": "Người nộp đã nộp lệ phí."})],
    "The original appointment moves too: a lawful pause does not make the dossier late.",
)
class ResumeView(ActionView):
    action = "resume"
    input_serializer = s.ResumeSerializer

    def act(self, dossier, official, data):
        services.resume(dossier=dossier, official=official, note=data["note"])


# The endpoint of each workflow action; a test checks that every action of workflow.services has one.
ACTION_VIEWS: list[type[ActionView]] = [
    AcceptView,
    RequestSupplementView,
    RefuseView,
    AssignView,
    ConsultView,
    AttachResultView,
    SubmitForApprovalView,
    ApproveView,
    SendBackView,
    IssueResultView,
    ReturnResultView,
    RejectView,
    ApologiseView,
    SuspendView,
    ResumeView,
]


# --------------------------------------------------------------------------------------------------
# Consultations addressed to my agency


class ConsultationPagination(DossierPagination):
    ordering = ("due_at", "id")


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        summary="Consultations addressed to my agencies and not yet answered, the most urgent first",
        responses={
            200: s.ConsultationSerializer(many=True),
            **error_responses(400, 401, 403, e403=BACKOFFICE_403),
        },
    )
)
class ConsultationListView(generics.ListAPIView):
    permission_classes = [IsAuthenticated, IsOfficial]
    serializer_class = s.ConsultationSerializer
    pagination_class = ConsultationPagination

    def get_queryset(self):
        return consultations_for_official(official=self.request.user)


class ConsultationAnswerView(BackofficeView):
    @extend_schema(
        tags=[TAG],
        summary="Answer a consultation addressed to my agency (R-PROC-4)",
        description="The answer returns to the lead agency's specialist. 404 for a consultation addressed to "
        "another agency; 409 if it has been answered already; 403 for a role other than specialist or leader.",
        request=s.AnswerSerializer,
        responses={
            200: s.ConsultationSerializer,
            **error_responses(
                400,
                401,
                403,
                404,
                409,
                415,
                422,
                e403=f"{BACKOFFICE_403} permission_denied: only a specialist or leader of the consulted "
                "agency answers.",
                e409="dossier_changed: the consultation has been answered already.",
                e422="action_refused: the answer is empty.",
            ),
        },
        examples=[
            OpenApiExample(
                "Trả lời",
                request_only=True,
                value={"answer": "Thông tin hộ tịch gốc khớp với sổ đăng ký khai sinh năm 1999."},
            )
        ],
    )
    def post(self, request, consultation_id: int):
        try:
            consultation = consultation_for_official(official=request.user, consultation_id=consultation_id)
        except Consultation.DoesNotExist:
            raise NotFound() from None
        data = parse(s.AnswerSerializer, request)
        answered = services.answer_consultation(
            consultation=consultation, official=request.user, answer=data["answer"]
        )
        answered = consultation_for_official(official=request.user, consultation_id=answered.pk)
        return Response(s.ConsultationSerializer(answered, context={"request": request}).data)
