"""The REST API, version 1. Each view parses its input, calls one service or selector, and serializes."""

from __future__ import annotations

import re

from django.conf import settings
from django.utils.cache import add_never_cache_headers
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, parsers, serializers, status
from rest_framework.exceptions import NotAcceptable, NotFound, Throttled, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.pagination import CursorPagination, LimitOffsetPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from motcua.api import serializers as s
from motcua.api.errors import Conflict, RequestTooLarge
from motcua.api.services import token_issue
from motcua.catalog.models import Agency, Procedure
from motcua.catalog.selectors import procedure_for_dossier, procedure_get, procedure_search
from motcua.dossiers.downloads import dossier_file_response
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_files, dossier_for_applicant, dossier_timeline, dossiers_of
from motcua.dossiers.services import (
    Acknowledgement,
    dossier_file_add,
    dossier_file_remove,
    draft_create,
    draft_update,
    submission_create,
)
from motcua.dossiers.tracking import TrackingLimited, dossier_track
from motcua.ratelimit import client_address
from motcua.signatures.selectors import with_signatures
from motcua.warehouse.services import dossier_submit_with_consent
from motcua.workflow.models import ResultDocument
from motcua.workflow.selectors import decisions_for_applicant, result_for_applicant, results_for_applicant
from motcua.workflow.services import resubmit, withdraw

# Printable ASCII without spaces, short enough for Dossier.submission_key.
IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,100}$")
# Room for the multipart headers and text parts around a file.
MULTIPART_OVERHEAD_BYTES = 1024 * 1024


def max_file_request_bytes() -> int:
    """The largest multipart body that can carry one file within the server's cap."""
    return settings.MOTCUA_MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD_BYTES


# --------------------------------------------------------------------------------------------------
# Parsing helpers


class MultiPartParser(parsers.MultiPartParser):
    """multipart/form-data, refused early when the whole body is larger than the view accepts."""

    def parse(self, stream, media_type=None, parser_context=None):
        view = parser_context["view"]
        try:
            length = int(parser_context["request"].META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > view.max_request_bytes():
            raise RequestTooLarge()
        return super().parse(stream, media_type, parser_context)


class AnyAcceptNegotiation(DefaultContentNegotiation):
    """For downloads: the file is sent whatever the client accepts; errors stay JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except NotAcceptable:
            return renderers[0], renderers[0].media_type


FILE_RESPONSE = {
    (200, "application/octet-stream"): OpenApiResponse(
        OpenApiTypes.BINARY,
        description="The file's bytes as stored, with its Content-Type (e.g. application/pdf) and its "
        "original name in Content-Disposition.",
    )
}


def parse(serializer_class: type[serializers.Serializer], request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def invalid(field: str, message: str, code: str) -> ValidationError:
    """A 400 about one field of the request."""
    return ValidationError({field: [message]}, code=code)


def idempotency_key(request, *, required: bool) -> str | None:
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        if required:
            message = _(
                "Thiếu tiêu đề Idempotency-Key. Hãy gửi một mã duy nhất cho mỗi lần nộp, ví dụ một UUID, "
                "và gửi lại đúng mã đó khi thử lại."
            )
            raise invalid("Idempotency-Key", message, "required")
        return None
    if not IDEMPOTENCY_KEY.match(key):
        message = _("Idempotency-Key chỉ gồm chữ, số và ký hiệu ASCII, không dấu cách, tối đa 100 ký tự.")
        raise invalid("Idempotency-Key", message, "invalid")
    return key


def own_dossier(request, public_id) -> Dossier:
    """The requesting applicant's dossier; 404 alike for a missing dossier and someone else's."""
    try:
        return dossier_for_applicant(user=request.user, public_id=public_id)
    except Dossier.DoesNotExist:
        raise NotFound() from None


def find_procedure(code: str, *, lean: bool = False) -> Procedure:
    """The procedure with this code, or Procedure.DoesNotExist (also for a code no database can hold)."""
    if "\x00" in code:
        raise Procedure.DoesNotExist
    return procedure_for_dossier(code=code) if lean else procedure_get(code=code)


def procedure_and_agency(procedure_code: str, agency_code: str | None) -> tuple[Procedure, Agency | None]:
    """Turn the codes of a request into catalog rows, or a 400 that says which code is unknown."""
    try:
        procedure = find_procedure(procedure_code, lean=True)
    except Procedure.DoesNotExist:
        message = _("Không có thủ tục mã “%(code)s” đang nhận hồ sơ. Hãy tra mã tại /api/v1/procedures/.")
        raise invalid("procedure", message % {"code": procedure_code}, "unknown") from None
    if not agency_code:
        return procedure, None
    agencies = list(procedure.agencies.all())
    agency = next((a for a in agencies if a.code == agency_code), None)
    if agency is None:
        message = _("Cơ quan mã “%(code)s” không tiếp nhận thủ tục này. Các cơ quan tiếp nhận: %(codes)s.")
        codes = ", ".join(a.code for a in agencies)
        raise invalid("agency", message % {"code": agency_code, "codes": codes}, "unknown")
    return procedure, agency


def check_form_keys(procedure: Procedure, form_data: dict) -> None:
    """A 400 naming every key that is not a field of the procedure's e-form: a typo is not saved silently."""
    fields = procedure.eform_schema.get("fields", []) if isinstance(procedure.eform_schema, dict) else []
    known = {spec.get("key") for spec in fields if isinstance(spec, dict)}
    unknown = [key for key in form_data if key not in known]
    if not unknown:
        return
    message = _(
        "Tờ khai của thủ tục %(procedure)s không có trường “%(key)s”. Hãy dùng đúng các khóa trong "
        "eform_schema (xem /api/v1/procedures/%(procedure)s/)."
    )
    raise ValidationError(
        {f"form_data.{key}": [message % {"procedure": procedure.code, "key": key}] for key in unknown[:20]},
        code="unknown_field",
    )


def detail(request, dossier: Dossier) -> dict:
    context = {
        "request": request,
        "files": with_signatures(dossier_files(dossier=dossier)),
        "timeline": dossier_timeline(dossier=dossier),
        "decisions": decisions_for_applicant(dossier=dossier),
        "results": results_for_applicant(dossier=dossier),
        "result_route": "v1:dossier-result",
    }
    return s.DossierDetailSerializer(dossier, context=context).data


def acknowledgement(ack: Acknowledgement) -> dict:
    return s.AcknowledgementSerializer(
        ack, context={"files": with_signatures(dossier_files(dossier=ack.dossier))}
    ).data


def key_reused(ack: Acknowledgement) -> Conflict:
    """A 409 for an Idempotency-Key that already names another submission."""
    message = _("Idempotency-Key này đã dùng cho hồ sơ %(reference)s. Hãy dùng một mã mới cho mỗi hồ sơ.")
    return Conflict(message % {"reference": ack.dossier.reference}, code="idempotency_key_reused")


def error_responses(*statuses: int, **overrides: str) -> dict[int, OpenApiResponse]:
    """The error answers of an endpoint, all in the one error shape; `overrides` (e.g. e409="…") say more."""
    descriptions = {
        400: "The request is malformed or a field is invalid (see errors).",
        401: "No or invalid credentials.",
        403: "Not allowed (e.g. missing CSRF token with session authentication).",
        404: "Not found (a dossier of someone else's is not found either).",
        409: "Conflicts with the current state (see the code).",
        413: "The request body is too large.",
        415: "Wrong Content-Type.",
        422: "The dossier has problems; errors lists every one of them.",
        429: "Too many requests; see Retry-After.",
    }
    descriptions.update({int(key.removeprefix("e")): text for key, text in overrides.items()})
    return {code: OpenApiResponse(s.ErrorSerializer, description=descriptions[code]) for code in statuses}


def idempotency_header(*, required: bool) -> OpenApiParameter:
    return OpenApiParameter(
        "Idempotency-Key",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        required=required,
        pattern=IDEMPOTENCY_KEY.pattern,
        description="A unique key per submission (e.g. a UUID), up to 100 printable ASCII characters. "
        "Sending the same key again returns the first acknowledgement instead of submitting twice.",
    )


# --------------------------------------------------------------------------------------------------
# Catalog (public)


class ProcedurePagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 200


@extend_schema(
    tags=["procedures"],
    summary="Search procedures",
    parameters=[s.ProcedureQuerySerializer],
    responses={200: s.ProcedureSerializer(many=True), **error_responses(400)},
)
class ProcedureListView(generics.ListAPIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    serializer_class = s.ProcedureSerializer
    pagination_class = ProcedurePagination

    def get_queryset(self):
        params = s.ProcedureQuerySerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return procedure_search(
            query=params.validated_data.get("q", ""),
            field_code=params.validated_data.get("field") or None,
            agency_code=params.validated_data.get("agency") or None,
        )


class ProcedureDetailView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["procedures"],
        summary="One procedure: components, fees, e-form, agencies, processing time, legal basis",
        responses={200: s.ProcedureDetailSerializer, **error_responses(404)},
    )
    def get(self, request, code: str):
        try:
            procedure = find_procedure(code)
        except Procedure.DoesNotExist:
            raise NotFound() from None
        return Response(s.ProcedureDetailSerializer(procedure).data)


# --------------------------------------------------------------------------------------------------
# Authentication


class TokenThrottle(AnonRateThrottle):
    scope = "api_token"
    rate = "10/minute"  # per client address: enough for integrations, slow for password guessing


class TokenView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenThrottle]
    parser_classes = [parsers.JSONParser, parsers.FormParser]

    @extend_schema(
        tags=["auth"],
        summary="Get an API token for a username and password",
        request=s.CredentialsSerializer,
        responses={200: s.TokenSerializer, **error_responses(400, 415, 429)},
        auth=[],
    )
    def post(self, request):
        credentials = s.CredentialsSerializer(data=request.data, context={"request": request})
        credentials.is_valid(raise_exception=True)
        token = token_issue(user=credentials.validated_data["user"])
        return Response({"token": token.key})


# --------------------------------------------------------------------------------------------------
# Dossiers


class DossierPagination(CursorPagination):
    ordering = "-created_at"

    def decode_cursor(self, request):
        message = _("Giá trị cursor không hợp lệ. Hãy dùng đúng liên kết next/previous đã nhận.")
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise invalid(self.cursor_query_param, message, "invalid") from None
        # The position is compared with created_at: anything but a datetime would fail in the database.
        if cursor is not None and cursor.position is not None:
            try:
                valid = parse_datetime(cursor.position) is not None
            except ValueError:
                valid = False
            if not valid:
                raise invalid(self.cursor_query_param, message, "invalid")
        return cursor


class DossierListView(generics.ListAPIView):
    serializer_class = s.DossierSerializer
    pagination_class = DossierPagination
    parser_classes = [parsers.JSONParser]

    def get_queryset(self):
        return dossiers_of(user=self.request.user)

    @extend_schema(
        tags=["dossiers"],
        summary="My dossiers, newest first",
        responses={200: s.DossierSerializer(many=True), **error_responses(400, 401)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=["dossiers"],
        summary="Start a draft dossier",
        request=s.DossierCreateSerializer,
        responses={201: s.DossierDetailSerializer, **error_responses(400, 401, 403, 415, 422)},
    )
    def post(self, request):
        data = parse(s.DossierCreateSerializer, request)
        procedure, agency = procedure_and_agency(data["procedure"], data.get("agency"))
        check_form_keys(procedure, data.get("form_data") or {})
        dossier = draft_create(applicant=request.user, procedure=procedure, agency=agency)
        if data.get("form_data"):
            dossier = draft_update(dossier=dossier, applicant=request.user, form_data=data["form_data"])
        return Response(detail(request, dossier), status=status.HTTP_201_CREATED)


class DossierDetailView(APIView):
    parser_classes = [parsers.JSONParser]

    @extend_schema(
        tags=["dossiers"],
        summary="One of my dossiers: status, answers, files, receipt times, timeline, decisions, results",
        responses={200: s.DossierDetailSerializer, **error_responses(401, 404)},
    )
    def get(self, request, public_id):
        return Response(detail(request, own_dossier(request, public_id)))

    @extend_schema(
        tags=["dossiers"],
        summary="Save answers of a draft",
        description="Only drafts can change: a submitted dossier answers 409 with code dossier_not_editable.",
        request=s.DossierUpdateSerializer,
        responses={200: s.DossierDetailSerializer, **error_responses(400, 401, 403, 404, 409, 415)},
    )
    def patch(self, request, public_id):
        dossier = own_dossier(request, public_id)
        data = parse(s.DossierUpdateSerializer, request)
        check_form_keys(dossier.procedure, data["form_data"])
        return Response(
            detail(
                request, draft_update(dossier=dossier, applicant=request.user, form_data=data["form_data"])
            )
        )


class DossierFilesView(APIView):
    parser_classes = [MultiPartParser]

    def max_request_bytes(self) -> int:
        return max_file_request_bytes()

    @extend_schema(
        tags=["dossiers"],
        summary="Attach a file to a draft",
        description="The file is checked at once (type from its content, size, readable); a rejected file "
        "is not attached and the answer is 422 with the reasons.",
        request={"multipart/form-data": s.FileUploadSerializer},
        responses={201: s.DossierFileSerializer, **error_responses(400, 401, 403, 404, 409, 413, 415, 422)},
    )
    def post(self, request, public_id):
        dossier = own_dossier(request, public_id)
        data = parse(s.FileUploadSerializer, request)
        upload = data["file"]
        attached = dossier_file_add(
            dossier=dossier,
            applicant=request.user,
            component_code=data["component"],
            original_name=upload.name or "",
            chunks=upload.chunks(),
        )
        return Response(
            s.DossierFileSerializer(with_signatures([attached])[0]).data, status=status.HTTP_201_CREATED
        )


class DossierFileView(APIView):
    @extend_schema(
        tags=["dossiers"],
        summary="Remove a file from a draft",
        responses={204: None, **error_responses(401, 403, 404, 409)},
    )
    def delete(self, request, public_id, file_id: int):
        dossier = own_dossier(request, public_id)
        dossier_file_remove(dossier=dossier, applicant=request.user, file_id=file_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DossierSubmitView(APIView):
    @extend_schema(
        tags=["dossiers"],
        summary="Submit a draft: automatic check and acknowledgement",
        description="Checks the e-form, every required component and every file at once (R-ACK-1). On "
        "success the acknowledgement states the official receipt time (R-ACK-2); otherwise 422 lists every "
        "problem and nothing is submitted (R-ACK-3). Submitting a submitted dossier again returns its "
        "acknowledgement; a key already used for another dossier answers 409.",
        request=s.SubmitSerializer,
        parameters=[idempotency_header(required=False)],
        responses={200: s.AcknowledgementSerializer, **error_responses(400, 401, 403, 404, 409, 422)},
    )
    def post(self, request, public_id):
        key = idempotency_key(request, required=False)
        dossier = own_dossier(request, public_id)
        consent = parse(s.SubmitSerializer, request)
        ack = dossier_submit_with_consent(
            dossier=dossier,
            applicant=request.user,
            submission_key=key,
            component_codes=consent["consent_components"],
            result=consent["consent_result"],
        )
        if ack.dossier.pk != dossier.pk:
            raise key_reused(ack)
        return Response(acknowledgement(ack))


class DossierTimelineView(APIView):
    @extend_schema(
        tags=["dossiers"],
        summary="What happened to one of my dossiers, oldest first",
        responses={200: s.EventSerializer(many=True), **error_responses(401, 404)},
    )
    def get(self, request, public_id):
        dossier = own_dossier(request, public_id)
        return Response(s.EventSerializer(dossier_timeline(dossier=dossier), many=True).data)


class DossierResubmitView(APIView):
    parser_classes = [parsers.JSONParser]

    @extend_schema(
        tags=["dossiers"],
        summary="Send the supplement the agency asked for: a new revision",
        description="While the dossier is `supplement_requested`, change only the parts listed in "
        "`open_targets` (PATCH answers, POST and DELETE files), then POST here. The dossier is checked like "
        "a first submission (422 lists every problem and nothing changes); on success it is submitted again "
        "as a new revision, earlier revisions are kept unchanged, its code stays, and the officials' "
        "8-working-hour check restarts (R-SUP-4, R-SUP-5). 409 wrong_state when no supplement is requested.",
        request=None,
        responses={200: s.DossierDetailSerializer, **error_responses(401, 403, 404, 409, 422)},
    )
    def post(self, request, public_id):
        dossier = own_dossier(request, public_id)
        return Response(detail(request, resubmit(dossier=dossier, applicant=request.user)))


class DossierWithdrawView(APIView):
    parser_classes = [parsers.JSONParser]

    @extend_schema(
        tags=["dossiers"],
        summary="Stop (withdraw) a dossier on which nothing has been decided yet",
        description="Possible while the dossier awaits check, awaits a supplement or is being processed "
        "before its result goes for signature (R-STOP-1); the stop notice (form 05) is recorded in "
        "`decisions`. Otherwise 409 wrong_state.",
        request=s.WithdrawSerializer,
        responses={200: s.DossierDetailSerializer, **error_responses(400, 401, 403, 404, 409, 415)},
        examples=[
            OpenApiExample(
                "Rút hồ sơ",
                request_only=True,
                value={"reason": "Tôi đã nộp nhầm thủ tục, sẽ nộp lại hồ sơ khác."},
            )
        ],
    )
    def post(self, request, public_id):
        dossier = own_dossier(request, public_id)
        data = parse(s.WithdrawSerializer, request)
        withdraw(dossier=dossier, applicant=request.user, reason=data["reason"])
        dossier.refresh_from_db()
        return Response(detail(request, dossier))


class DossierResultView(APIView):
    content_negotiation_class = AnyAcceptNegotiation

    @extend_schema(
        tags=["dossiers"],
        summary="Download a result of my dossier, once it has been returned",
        description="The links are in the dossier's `results`; 404 for anyone but the applicant, and until "
        "the one-stop has returned the result.",
        responses={**FILE_RESPONSE, **error_responses(401, 404)},
    )
    def get(self, request, public_id, result_id: int):
        try:
            result = result_for_applicant(user=request.user, public_id=public_id, result_id=result_id)
        except (ResultDocument.DoesNotExist, Dossier.DoesNotExist):
            raise NotFound() from None
        return dossier_file_response(lambda: result)


# --------------------------------------------------------------------------------------------------
# One-shot submission


SUBMISSION_REQUEST = {
    "type": "object",
    "properties": {
        "procedure": {"type": "string", "description": "National procedure code, e.g. 1.001193."},
        "agency": {
            "type": "string",
            "description": "Receiving agency code; optional when the procedure has one.",
        },
        "form_data": {"type": "string", "description": "The e-form answers as a JSON object, in a string."},
    },
    "required": ["procedure"],
    "additionalProperties": {
        "type": "string",
        "format": "binary",
        "description": "One file part per dossier component, named by the component code (repeat the name "
        "for several files of one component).",
    },
}


class SubmissionView(APIView):
    parser_classes = [MultiPartParser]

    def max_request_bytes(self) -> int:
        return 4 * max_file_request_bytes()  # several components' files in one request

    @extend_schema(
        tags=["submissions"],
        summary="Submit a dossier in one call (kiosks, other systems)",
        description="Creates the draft, attaches the files and submits, all or nothing. The Idempotency-Key "
        "header is required: a retry with the same key returns the first acknowledgement and creates "
        "nothing (409 if it names another procedure). On problems: 422 with every problem, and no draft is "
        "kept.",
        request={"multipart/form-data": SUBMISSION_REQUEST},
        parameters=[idempotency_header(required=True)],
        responses={200: s.AcknowledgementSerializer, **error_responses(400, 401, 403, 409, 413, 415, 422)},
        examples=[
            OpenApiExample(
                "Acknowledgement",
                response_only=True,
                value={
                    "id": "0f8b7f53-3f0e-4a8e-9d2a-0c9f7a3b9e11",
                    "reference": "261127-K7QX2M",
                    "status": "submitted",
                    "submitted_at": "2026-11-27T14:30:05+07:00",
                    "official_receipt_at": "2026-11-27T14:30:05+07:00",
                    "check_due_at": "2026-11-30T14:30:05+07:00",
                    "replayed": False,
                    "message": "Hồ sơ đã được gửi thành công lúc 14:30 ngày 27/11/2026, mã tra cứu 261127-K7QX2M. "
                    "Thời điểm tiếp nhận chính thức: 14:30 ngày 27/11/2026. "
                    "Cán bộ Một cửa sẽ trả lời chậm nhất lúc 14:30 ngày 30/11/2026.",
                    "files": [
                        {
                            "id": 4182,
                            "component": "to-khai",
                            "component_name": "Tờ khai đăng ký khai sinh",
                            "name": "to-khai.pdf",
                            "sha256": "9f2c5d8e0b7a4c3f1e6d2b9a8c7f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f",
                            "size": 48213,
                            "content_type": "application/pdf",
                            "uploaded_at": "2026-11-27T14:30:04+07:00",
                        }
                    ],
                },
            )
        ],
    )
    def post(self, request):
        key = idempotency_key(request, required=True)
        data = parse(s.SubmissionSerializer, request)
        procedure, agency = procedure_and_agency(data["procedure"], data.get("agency"))
        check_form_keys(procedure, data.get("form_data") or {})
        if any("\x00" in code for code in request.FILES):
            message = _(
                "Tên phần tệp có ký tự NUL (mã 0). Hãy đặt tên phần tệp đúng bằng mã thành phần hồ sơ."
            )
            raise invalid("files", message, "invalid")
        files = [
            (code, upload.name or "", upload.chunks())
            for code, uploads in request.FILES.lists()
            for upload in uploads
        ]
        ack = submission_create(
            applicant=request.user,
            submission_key=key,
            procedure=procedure,
            agency=agency,
            form_data=data.get("form_data") or {},
            files=files,
        )
        if ack.replayed and ack.dossier.procedure_id != procedure.pk:
            raise key_reused(ack)
        return Response(acknowledgement(ack))


# --------------------------------------------------------------------------------------------------
# Public tracking


class TrackingView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["tracking"],
        summary="Follow a dossier by its code (public, no personal data)",
        description="The dossier code (or, before acceptance, the tracking reference) gives the procedure, "
        "the receiving agency, the status, the stage, the times and the appointment, never who applied "
        "nor what they submitted (R-TRK-1). With phone_last4 matching the applicant's phone number, the "
        "timeline too. An unknown code and a malformed one answer the same 404. Lookups are limited per "
        "client address, together with the portal's tracking page, and wrong phone numbers more so: "
        "429 with Retry-After.",
        parameters=[s.TrackingQuerySerializer],
        responses={200: s.TrackingSerializer, **error_responses(400, 404, 429)},
        auth=[],
    )
    def get(self, request, code: str):
        params = s.TrackingQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        try:
            found = dossier_track(
                code=code,
                client=client_address(request),
                phone_last4=params.validated_data.get("phone_last4", ""),
            )
        except TrackingLimited as limited:
            raise Throttled(wait=limited.retry_after) from None
        if found is None:
            raise NotFound()
        response = Response(s.TrackingSerializer(found).data)
        add_never_cache_headers(response)
        return response
