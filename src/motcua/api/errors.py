"""One JSON shape for every API error.

    {"status": 422, "code": "submission_rejected", "message": "<Vietnamese summary>",
     "errors": [{"field": "component.to-khai", "code": "missing", "message": "..."}]}

`errors` lists every problem (empty when the error concerns the request as a whole). The handler is
set as REST_FRAMEWORK["EXCEPTION_HANDLER"]; unknown URLs under /api/ answer with the same shape
through `NotFoundView`.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView, set_rollback
from rest_framework.views import exception_handler as drf_exception_handler

from motcua.dossiers.services import DossierError
from motcua.workflow.services import DossierChanged, WorkflowError

logger = logging.getLogger("motcua.api")


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"


class Conflict(exceptions.APIException):
    """The request is valid but clashes with what the server already holds (e.g. a reused key)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class OfficialsOnly(exceptions.PermissionDenied):
    """A citizen's or an organisation's account on an endpoint of the back office."""

    default_code = "officials_only"

    def __init__(self) -> None:
        super().__init__(
            _(
                "Địa chỉ này chỉ dành cho cán bộ của cơ quan giải quyết thủ tục. Tài khoản của bạn không phải "
                "tài khoản cán bộ; hãy dùng các địa chỉ /api/v1/dossiers/ cho hồ sơ của mình."
            )
        )


def error_body(
    *, status_code: int, code: str, message: str, errors: list[dict[str, Any]] | None = None
) -> dict:
    return {"status": status_code, "code": code, "message": message, "errors": errors or []}


def flatten_validation_errors(detail: Any, path: str = "") -> list[dict[str, Any]]:
    """Turn DRF's nested ValidationError detail into [{field, code, message}] with dotted field paths."""
    if isinstance(detail, dict):
        return [
            item
            for key, value in detail.items()
            for item in flatten_validation_errors(value, _join(path, key))
        ]
    if isinstance(detail, list):
        items = []
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):  # one entry per item of a list field; {} when it had no error
                items.extend(flatten_validation_errors(value, _join(path, index)))
            else:
                items.append(_one(path, value))
        return items
    return [_one(path, detail)]


def _join(path: str, key: str | int) -> str:
    if key in ("non_field_errors", "__all__"):
        return path
    return f"{path}.{key}" if path else str(key)


def _one(path: str, item: Any) -> dict[str, Any]:
    return {"field": path or None, "code": getattr(item, "code", None) or "invalid", "message": str(item)}


def _summary(exc: exceptions.APIException, request) -> tuple[str, str]:
    """The top-level code and Vietnamese message for an API exception DRF raised."""
    if isinstance(exc, exceptions.ValidationError):
        return "invalid_request", _(
            "Yêu cầu có dữ liệu không hợp lệ. Hãy sửa các lỗi được liệt kê rồi gửi lại."
        )
    if isinstance(exc, exceptions.NotAuthenticated):
        return "not_authenticated", _(
            "Bạn chưa đăng nhập. Hãy gửi kèm khóa truy cập trong tiêu đề “Authorization: Token <khóa>”."
        )
    if isinstance(exc, exceptions.AuthenticationFailed):
        return "authentication_failed", _(
            "Khóa truy cập không hợp lệ hoặc tài khoản đã bị khóa. Hãy lấy khóa mới tại /api/v1/auth/token/."
        )
    if isinstance(exc, exceptions.PermissionDenied):
        if str(exc.detail).startswith("CSRF Failed"):
            return "csrf_failed", _(
                "Thiếu mã chống giả mạo (CSRF). Hãy tải lại trang, hoặc dùng khóa truy cập (Token) thay cho phiên đăng nhập."
            )
        if isinstance(exc, OfficialsOnly):
            return exc.default_code, str(exc.detail)
        return "permission_denied", _("Bạn không có quyền thực hiện thao tác này.")
    if isinstance(exc, exceptions.NotFound):
        return "not_found", _("Không tìm thấy. Hãy kiểm tra lại địa chỉ hoặc mã đã gửi.")
    if isinstance(exc, exceptions.MethodNotAllowed):
        return "method_not_allowed", _("Địa chỉ này không hỗ trợ phương thức %(method)s.") % {
            "method": request.method if request is not None else "?"
        }
    if isinstance(exc, exceptions.NotAcceptable):
        return "not_acceptable", _(
            "Máy chủ chỉ trả lời bằng JSON. Hãy gửi tiêu đề “Accept: application/json”."
        )
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return "unsupported_media_type", _(
            "Kiểu nội dung “%(type)s” không được hỗ trợ ở địa chỉ này. Hãy xem tài liệu API để dùng đúng kiểu "
            "(application/json hoặc multipart/form-data)."
        ) % {"type": request.content_type if request is not None else ""}
    if isinstance(exc, exceptions.ParseError):
        return "malformed_request", _(
            "Không đọc được nội dung yêu cầu. Hãy kiểm tra cú pháp JSON hoặc cách mã hóa multipart/form-data."
        )
    if isinstance(exc, exceptions.Throttled):
        return "throttled", _("Bạn gửi quá nhiều yêu cầu. Hãy thử lại sau %(seconds)s giây.") % {
            "seconds": int(exc.wait or 60)
        }
    if isinstance(exc, RequestTooLarge):
        return "request_too_large", _("Yêu cầu quá lớn. Hãy giảm dung lượng tệp hoặc dữ liệu rồi gửi lại.")
    # Our own exceptions (Conflict, ...) carry their code and Vietnamese message.
    return getattr(exc.detail, "code", None) or exc.default_code, str(exc.detail)


def _error(status_code: int, code: str, message: str, problems: list[dict[str, Any]]) -> Response:
    return Response(
        error_body(status_code=status_code, code=code, message=message, errors=problems), status=status_code
    )


def _dossier_error(exc: DossierError) -> Response:
    problems = [problem.as_dict() for problem in exc.problems]
    codes = {problem.code for problem in exc.problems}
    if codes != {"not_editable"} and all(problem.field == "dossier" for problem in exc.problems):
        # About the dossier as a whole (e.g. no supplement request is open, too late to withdraw): its
        # state does not allow the request, whatever the applicant sends.
        return _error(409, "wrong_state", "; ".join(p.message for p in exc.problems), problems)
    if codes == {"not_editable"}:
        return Response(
            error_body(
                status_code=409,
                code="dossier_not_editable",
                message=_("Hồ sơ đã nộp nên không thể sửa đổi."),
                errors=problems,
            ),
            status=409,
        )
    if len(exc.problems) == 1 and exc.problems[0].field == "file" and exc.problems[0].code == "unknown":
        return Response(
            error_body(status_code=404, code="not_found", message=exc.problems[0].message, errors=problems),
            status=404,
        )
    message = _(
        "Hồ sơ chưa đạt yêu cầu (%(count)s lỗi). Hãy sửa tất cả các lỗi được liệt kê rồi gửi lại."
    ) % {"count": len(problems)}
    return Response(
        error_body(status_code=422, code="submission_rejected", message=message, errors=problems), status=422
    )


def _workflow_error(exc: WorkflowError) -> Response:
    """An official's action the workflow refused; nothing was changed.

    409 when someone else changed the dossier first (or it is no longer in a state for the action), 403
    when the official's role at the agency does not allow it, 422 otherwise with every problem listed.
    """
    problems = [problem.as_dict() for problem in exc.problems]
    if isinstance(exc, DossierChanged):
        return _error(409, "dossier_changed", str(exc), problems)
    if all(problem.code == "forbidden" for problem in exc.problems):
        return _error(403, "permission_denied", str(exc), problems)
    message = _(
        "Không thực hiện được thao tác (%(count)s lỗi); hồ sơ không thay đổi. Hãy sửa các lỗi được liệt kê "
        "rồi gửi lại."
    ) % {"count": len(problems)}
    return _error(422, "action_refused", message, problems)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    request = context.get("request")
    if isinstance(exc, DossierError):
        set_rollback()
        return _dossier_error(exc)
    if isinstance(exc, WorkflowError):
        set_rollback()
        return _workflow_error(exc)
    if isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()
    elif isinstance(exc, Http404):
        # Raised by the shared download helper (a file out of reach or gone): the API's own 404, not a 500.
        exc = exceptions.NotFound()
    elif isinstance(exc, SuspiciousOperation | RecursionError):
        # Too many fields or files, nesting too deep for the JSON decoder, and the like.
        exc = exceptions.ParseError()
    response = drf_exception_handler(exc, context)
    if response is None:
        logger.error("Unhandled error in %s", request.path if request is not None else "?", exc_info=exc)
        set_rollback()
        return Response(
            error_body(
                status_code=500,
                code="server_error",
                message=_(
                    "Máy chủ gặp lỗi ngoài dự kiến. Hãy thử lại sau ít phút; nếu vẫn lỗi, hãy báo cho cơ quan."
                ),
            ),
            status=500,
        )
    errors = flatten_validation_errors(exc.detail) if isinstance(exc, exceptions.ValidationError) else []
    code, message = _summary(exc, request)
    response.data = error_body(status_code=response.status_code, code=code, message=message, errors=errors)
    return response


class NotFoundView(APIView):
    """Answers every unknown URL under /api/ with a 404 in the one error shape."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    schema = None  # not part of the published API

    def dispatch(self, request, *args, **kwargs):
        self.args, self.kwargs = args, kwargs
        self.request = self.initialize_request(request, *args, **kwargs)
        self.headers = self.default_response_headers
        message = _("Không có địa chỉ API này. Hãy xem danh sách tại /api/docs/.")
        path = request.path_info
        if not path.endswith("/"):
            try:
                match = resolve(path + "/")
            except Resolver404:
                match = None
            if match is not None and getattr(match.func, "view_class", None) is not NotFoundView:
                message = _("Địa chỉ API phải kết thúc bằng dấu “/”. Hãy gửi lại tới %(path)s/.") % {
                    "path": path
                }
        response = Response(error_body(status_code=404, code="not_found", message=message), status=404)
        self.response = self.finalize_response(self.request, response, *args, **kwargs)
        return self.response
