"""Shapes of the API's input and output. Parsing and presentation only: the rules live in the services."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth import authenticate
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinLengthValidator,
    MinValueValidator,
    ProhibitNullCharactersValidator,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.settings import api_settings
from rest_framework.utils.formatting import lazy_format
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from motcua.catalog.models import Agency, Component, FeeItem, Procedure
from motcua.dossiers.models import Dossier, DossierEvent, DossierFile
from motcua.dossiers.services import Acknowledgement
from motcua.workflow.models import Consultation, Decision, ProcessingStep, ResultDocument
from motcua.workflow.services import ACTION_LABELS

# An e-form answer is a few kilobytes; anything near these limits is a mistake or an attack.
MAX_FORM_DATA_BYTES = 100_000
MAX_FORM_DATA_DEPTH = 8

# DRF ships few Vietnamese translations, so its standard field messages are given here.
FIELD_MESSAGES = {
    "required": gettext_lazy("Thiếu trường này. Hãy gửi kèm giá trị."),
    "null": gettext_lazy("Trường này không được để trống (null)."),
    "blank": gettext_lazy("Trường này không được để trống."),
    "invalid": gettext_lazy("Giá trị không hợp lệ."),
    "max_length": gettext_lazy("Dài quá mức cho phép: tối đa {max_length} ký tự."),
    "min_length": gettext_lazy("Ngắn quá: tối thiểu {min_length} ký tự."),
    "max_value": gettext_lazy("Giá trị tối đa là {max_value}."),
    "min_value": gettext_lazy("Giá trị tối thiểu là {min_value}."),
    "max_string_length": gettext_lazy("Giá trị quá dài."),
    "not_a_dict": gettext_lazy('Giá trị phải là một đối tượng JSON, dạng {{"khóa": giá trị}}.'),
    "not_a_list": gettext_lazy("Giá trị phải là một danh sách."),
    "empty": gettext_lazy("Không được để trống."),
    "invalid_choice": gettext_lazy("“{input}” không phải là lựa chọn hợp lệ."),
}
FIELD_MESSAGES_BY_TYPE = {
    serializers.CharField: {"invalid": gettext_lazy("Giá trị phải là chuỗi ký tự.")},
    serializers.IntegerField: {"invalid": gettext_lazy("Giá trị phải là số nguyên.")},
    serializers.BooleanField: {"invalid": gettext_lazy("Giá trị phải là true hoặc false.")},
    serializers.ListField: {
        "max_length": gettext_lazy("Nhiều quá: tối đa {max_length} mục."),
        "not_a_list": gettext_lazy("Giá trị phải là một danh sách JSON, dạng [...]."),
    },
    serializers.DictField: {
        "not_a_dict": gettext_lazy('Giá trị phải là một đối tượng JSON, dạng {{"khóa": giá trị}}.')
    },
    serializers.FileField: {
        "invalid": gettext_lazy(
            "Không nhận được tệp. Hãy gửi tệp trong một phần multipart/form-data có tên tệp."
        ),
        "required": gettext_lazy(
            "Thiếu tệp. Hãy gửi tệp trong phần multipart/form-data tên “file”, có tên tệp (filename) "
            "mã hóa UTF-8."
        ),
        "no_name": gettext_lazy("Không xác định được tên tệp. Hãy gửi kèm tên tệp (filename)."),
        "max_length": gettext_lazy("Tên tệp dài quá: tối đa {max_length} ký tự."),
        "empty": gettext_lazy("Tệp gửi lên rỗng (0 byte). Hãy chọn đúng tệp."),
    },
}


NUL_MESSAGE = gettext_lazy("Có ký tự NUL (mã 0) không hợp lệ. Hãy bỏ ký tự đó rồi gửi lại.")
SURROGATE_MESSAGE = gettext_lazy(
    "Có ký tự không hợp lệ (U+{code_point:X}, nửa cặp UTF-16). Hãy gửi văn bản mã hóa UTF-8 đúng chuẩn."
)


def _in_vietnamese(field: serializers.Field) -> None:
    messages = dict(FIELD_MESSAGES)
    for field_type, overrides in FIELD_MESSAGES_BY_TYPE.items():
        if isinstance(field, field_type):
            messages.update(overrides)
    for code in field.error_messages:
        if code in messages:
            field.error_messages[code] = messages[code]
    # DRF gives the validators their messages when the field is made, in English.
    bounds = {
        MaxLengthValidator: "max_length",
        MinLengthValidator: "min_length",
        MaxValueValidator: "max_value",
        MinValueValidator: "min_value",
    }
    for validator in field.validators:
        if isinstance(validator, ProhibitNullCharactersValidator):
            validator.message = NUL_MESSAGE
        elif isinstance(validator, ProhibitSurrogateCharactersValidator):
            validator.message = SURROGATE_MESSAGE
        elif (code := bounds.get(type(validator))) and code in field.error_messages:
            validator.message = lazy_format(field.error_messages[code], **{code: validator.limit_value})
    child = getattr(field, "child", None)
    if isinstance(child, serializers.Field):
        _in_vietnamese(child)


class Serializer(serializers.Serializer):
    # The base of every input serializer: DRF's standard validation messages, in Vietnamese.
    # (No docstring: drf-spectacular would publish it as the description of every subclass.)

    default_error_messages = {
        "invalid": gettext_lazy('Nội dung gửi lên phải là một đối tượng JSON, dạng {{"khóa": giá trị}}.'),
        "null": gettext_lazy(
            'Nội dung gửi lên trống (null). Hãy gửi một đối tượng JSON, dạng {{"khóa": giá trị}}.'
        ),
    }

    @property
    def errors(self):
        errors = super().errors
        # DRF words a null body "No data provided", in English, whatever the messages say.
        if [getattr(e, "code", None) for e in errors.get(api_settings.NON_FIELD_ERRORS_KEY, [])] == ["null"]:
            errors[api_settings.NON_FIELD_ERRORS_KEY] = [
                ErrorDetail(str(self.error_messages["null"]).format(), code="null")
            ]
        return errors

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            _in_vietnamese(field)
        return fields


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def _bad_text(value: Any, path: str = "") -> list[str]:
    """Paths of the keys and strings holding a NUL or a lone surrogate: no database can store them."""

    def bad(text: str) -> bool:
        return "\x00" in text or any("\ud800" <= char <= "\udfff" for char in text)

    if isinstance(value, str):
        return [path] if bad(value) else []
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            found += [where] if bad(str(key)) else _bad_text(item, where)
        return found
    if isinstance(value, list):
        return [where for index, item in enumerate(value) for where in _bad_text(item, f"{path}.{index}")]
    return []


def check_form_data(value: Any) -> dict[str, Any]:
    """Accept e-form answers only as a bounded JSON object (size and nesting) of storable text."""
    if not isinstance(value, dict):
        raise serializers.ValidationError(
            _('Dữ liệu tờ khai phải là một đối tượng JSON, dạng {"ho_ten": "Nguyễn Văn A"}.'),
            code="not_a_dict",
        )
    if _depth(value) > MAX_FORM_DATA_DEPTH:
        raise serializers.ValidationError(
            _("Dữ liệu tờ khai lồng nhau quá sâu (tối đa %(depth)s cấp).") % {"depth": MAX_FORM_DATA_DEPTH},
            code="too_deep",
        )
    if bad := _bad_text(value):
        raise serializers.ValidationError(
            [
                _(
                    "Dữ liệu tờ khai ở “%(path)s” có ký tự NUL (\\u0000) hoặc nửa cặp UTF-16 (\\ud800–\\udfff). "
                    "Hãy bỏ các ký tự đó rồi gửi lại."
                )
                % {"path": path.replace("\x00", "\\u0000").encode("utf-8", "backslashreplace").decode()}
                for path in bad[:20]
            ],
            code="invalid_characters",
        )
    size = len(json.dumps(value, ensure_ascii=False).encode())
    if size > MAX_FORM_DATA_BYTES:
        raise serializers.ValidationError(
            _("Dữ liệu tờ khai quá lớn (%(size)s byte, tối đa %(max)s byte). Tệp đính kèm hãy gửi riêng.")
            % {"size": size, "max": MAX_FORM_DATA_BYTES},
            code="too_large",
        )
    return value


# --------------------------------------------------------------------------------------------------
# Errors (documentation of the one error shape; errors.py builds the bodies)


class ProblemSerializer(serializers.Serializer):
    """One thing to fix."""

    field = serializers.CharField(
        allow_null=True,
        help_text="Where the problem is: a request field (“form_data”), an e-form field (“form.ho_ten”), "
        "a dossier component (“component.to-khai”), or null when it concerns the whole request.",
    )
    code = serializers.CharField(
        help_text="Machine-readable problem code, e.g. required, missing, file_rejected."
    )
    message = serializers.CharField(help_text="What is wrong and how to fix it, in Vietnamese.")


class ErrorSerializer(serializers.Serializer):
    """The one shape of every error answer (4xx and 5xx)."""

    status = serializers.IntegerField(help_text="The HTTP status, repeated.")
    code = serializers.CharField(
        help_text="Machine-readable error code, e.g. submission_rejected, not_found."
    )
    message = serializers.CharField(help_text="A summary in Vietnamese.")
    errors = ProblemSerializer(
        many=True, help_text="Every problem found (empty when the error is about the request as a whole)."
    )


# --------------------------------------------------------------------------------------------------
# Catalog


class ProcedureQuerySerializer(Serializer):
    """Search words and filters."""

    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Words of the name or the code, accents optional.",
    )
    field = serializers.CharField(
        required=False, allow_blank=True, max_length=40, help_text="Field (lĩnh vực) code."
    )
    agency = serializers.CharField(required=False, allow_blank=True, max_length=40, help_text="Agency code.")


class AgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["code", "name", "level", "one_stop_name", "one_stop_address", "phone", "email"]


class ComponentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Component
        fields = [
            "code",
            "name",
            "required",
            "copies",
            "accepted_formats",
            "max_size_mb",
            "signature_requirement",
            "document_type",
            "note",
        ]

    # Plain integers: model-derived bounds differ between SQLite and PostgreSQL, and so would the schema.
    copies = serializers.IntegerField(help_text="Number of copies.")
    max_size_mb = serializers.IntegerField(help_text="Largest accepted file, in MB.")
    accepted_formats = serializers.ListField(child=serializers.CharField(), help_text='e.g. ["pdf", "jpg"]')


class FeeSerializer(serializers.ModelSerializer):
    amount = serializers.IntegerField(help_text="Đồng (VND).")

    class Meta:
        model = FeeItem
        fields = ["name", "amount", "note"]


class ProcedureSerializer(serializers.ModelSerializer):
    field_code = serializers.CharField(source="field.code")
    field_name = serializers.CharField(source="field.name")
    processing_days = serializers.IntegerField(help_text="Working days; 0 means within the same working day.")

    class Meta:
        model = Procedure
        fields = ["code", "name", "field_code", "field_name", "online_level", "processing_days"]


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^[0-2][0-9]:[0-5][0-9]:[0-5][0-9]$",
        "nullable": True,
        "example": "15:00:00",
    }
)
class LocalTimeField(serializers.TimeField):
    """A time of day in Vietnam (Asia/Ho_Chi_Minh) as "HH:MM:SS", without offset (not RFC 3339 full-time)."""


class ProcedureDetailSerializer(ProcedureSerializer):
    same_day_cutoff = LocalTimeField(
        allow_null=True,
        help_text="Same-day procedures: dossiers received after this local time (Vietnam) are handled the "
        "next working day; null otherwise.",
    )
    agencies = AgencySerializer(many=True)
    components = ComponentSerializer(many=True)
    fees = FeeSerializer(many=True, source="fee_items")
    eform_schema = serializers.JSONField(
        help_text='The e-form: {"fields": [{"key", "type", "label", "required", ...}]}; '
        "form_data of a dossier is an object keyed by these keys."
    )

    class Meta(ProcedureSerializer.Meta):
        fields = [
            *ProcedureSerializer.Meta.fields,
            "same_day_cutoff",
            "description",
            "applicants",
            "result_type",
            "legal_basis",
            "agencies",
            "components",
            "fees",
            "eform_schema",
        ]


# --------------------------------------------------------------------------------------------------
# Authentication


class CredentialsSerializer(Serializer):
    """The username and password of an account (for citizens the username is the personal ID number)."""

    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, style={"input_type": "password"}, trim_whitespace=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        user = authenticate(
            self.context.get("request"), username=attrs["username"], password=attrs["password"]
        )
        if user is None:
            raise serializers.ValidationError(
                _("Sai tên đăng nhập hoặc mật khẩu, hoặc tài khoản đã bị khóa. Hãy kiểm tra lại."),
                code="invalid_credentials",
            )
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    """An API token."""

    token = serializers.CharField(help_text="Send it as “Authorization: Token <token>”.")


# --------------------------------------------------------------------------------------------------
# Dossiers: input


@extend_schema_field({"type": "object", "additionalProperties": True})
class FormDataField(serializers.JSONField):
    """E-form answers: a JSON object keyed by the field keys of the procedure's e-form."""


class DossierCreateSerializer(Serializer):
    """What a new draft needs: the procedure, the agency if there is a choice, and any answers so far."""

    procedure = serializers.CharField(max_length=20, help_text="National procedure code, e.g. 1.001193.")
    agency = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        help_text="Receiving agency code; may be left out when the procedure has one agency.",
    )
    form_data = FormDataField(
        required=False,
        help_text="E-form answers so far, keyed by the e-form's field keys (may be incomplete).",
    )

    def validate_form_data(self, value: Any) -> dict[str, Any]:
        return check_form_data(value)


class DossierUpdateSerializer(Serializer):
    """Answers to save into a draft."""

    form_data = FormDataField(
        help_text="Answers to save: the keys given replace those keys; other keys and prefilled values stay."
    )

    def validate_form_data(self, value: Any) -> dict[str, Any]:
        return check_form_data(value)


class FileUploadSerializer(Serializer):
    """One file for one dossier component."""

    component = serializers.CharField(max_length=60, help_text="Code of the procedure's dossier component.")
    file = serializers.FileField(allow_empty_file=True, max_length=255)


class SubmitSerializer(Serializer):
    """Optional body of a submission: what the applicant agrees to keep in their data warehouse (R-PRIV-1).

    The consent is recorded with the wording of `consent_wording` in the request's language (Accept-Language)
    and can be withdrawn in the portal; without it nothing enters the warehouse."""

    consent_components = serializers.ListField(
        child=serializers.CharField(max_length=60),
        max_length=100,
        required=False,
        default=list,
        help_text="Codes of components whose files, once verified by the receiving agency, may be kept in the "
        "applicant's warehouse. Components with no document type, or whose file already comes from a verified "
        "warehouse document, are ignored.",
    )
    consent_result = serializers.BooleanField(
        required=False, default=False, help_text="The result of the dossier may be kept in the warehouse."
    )


class SubmissionSerializer(Serializer):
    """The text parts of a one-shot submission; the file parts are named by component code."""

    procedure = serializers.CharField(max_length=20)
    agency = serializers.CharField(max_length=40, required=False, allow_blank=True)
    form_data = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)

    def validate_form_data(self, value: str) -> dict[str, Any]:
        if not value.strip():
            return {}
        try:
            parsed = json.loads(value)
        except (ValueError, RecursionError):
            raise serializers.ValidationError(
                _('form_data phải là một chuỗi JSON hợp lệ, dạng {"ho_ten": "Nguyễn Văn A"}.'),
                code="invalid_json",
            ) from None
        return check_form_data(parsed)


# --------------------------------------------------------------------------------------------------
# Dossiers: output


class SignerSerializer(Serializer):
    verdict = serializers.CharField(help_text="valid, invalid or indeterminate.")
    reason = serializers.CharField(source="text", help_text="Why, in the reader's language.")
    signer_name = serializers.CharField()
    signer_id = serializers.CharField(help_text='"CCCD:…", "MST:…" where the certificate carries it.')
    organization = serializers.CharField()
    issuer_name = serializers.CharField()
    signing_time = serializers.CharField(allow_null=True, help_text="Claimed by the signer (ISO 8601).")
    timestamp_time = serializers.CharField(allow_null=True, help_text="From a trusted timestamp (ISO 8601).")


class SignatureSummarySerializer(Serializer):
    """The kept verdict on a file's signatures (R-SIG-3); the full report with evidence is for officials."""

    verdict = serializers.CharField(help_text="valid, invalid, indeterminate or none.")
    verdict_label = serializers.SerializerMethodField()
    reason = serializers.SerializerMethodField()
    verified_at = serializers.DateTimeField()
    signatures = serializers.SerializerMethodField()

    def get_verdict_label(self, obj) -> str:
        return obj.parsed.verdict_label

    def get_reason(self, obj) -> str:
        return obj.parsed.text

    @extend_schema_field(SignerSerializer(many=True))
    def get_signatures(self, obj) -> list[dict[str, Any]]:
        return SignerSerializer(obj.parsed.signatures, many=True).data


class DossierFileSerializer(serializers.ModelSerializer):
    component = serializers.CharField(source="component.code", help_text="Component code.")
    component_name = serializers.CharField(source="component.name")
    name = serializers.CharField(source="original_name")
    sha256 = serializers.CharField(source="stored_file.sha256", help_text="SHA-256 of the stored bytes, hex.")
    size = serializers.IntegerField(source="stored_file.size", help_text="Bytes.")
    content_type = serializers.CharField(
        source="stored_file.content_type", help_text="Recognised from the content, not the name."
    )
    signature = serializers.SerializerMethodField(
        help_text="The verdict on the file's digital signatures, when it carries any or its component "
        "requires one (R-SIG-3); null otherwise."
    )

    class Meta:
        model = DossierFile
        fields = [
            "id",
            "component",
            "component_name",
            "name",
            "sha256",
            "size",
            "content_type",
            "uploaded_at",
            "signature",
        ]

    @extend_schema_field(SignatureSummarySerializer(allow_null=True))
    def get_signature(self, obj: DossierFile) -> dict[str, Any] | None:
        verification = getattr(obj, "signature", None)
        return SignatureSummarySerializer(verification).data if verification is not None else None


class EventSerializer(serializers.ModelSerializer):
    label = serializers.CharField(source="get_kind_display", help_text="The event as the applicant reads it.")

    class Meta:
        model = DossierEvent
        fields = ["kind", "label", "at"]


class DossierSerializer(serializers.ModelSerializer):
    """A dossier as listed: what, where, its status and its times."""

    id = serializers.UUIDField(source="public_id")
    procedure = serializers.CharField(source="procedure.code")
    procedure_name = serializers.CharField(source="procedure.name")
    agency = serializers.CharField(source="agency.code")
    agency_name = serializers.CharField(source="agency.name")
    status_label = serializers.CharField(source="get_status_display")
    reference = serializers.CharField(allow_null=True, help_text="Tracking reference, given at submission.")
    code = serializers.CharField(
        allow_null=True, help_text="Dossier code, given by the agency at acceptance."
    )

    class Meta:
        model = Dossier
        fields = [
            "id",
            "procedure",
            "procedure_name",
            "agency",
            "agency_name",
            "status",
            "status_label",
            "reference",
            "code",
            "created_at",
            "updated_at",
            "submitted_at",
            "official_receipt_at",
            "check_due_at",
        ]


class UserRefSerializer(serializers.Serializer):
    """An official named on a record (who assigned, handed over, decided)."""

    username = serializers.CharField()
    name = serializers.CharField(source="display_name")


def _moment(value: Any) -> str | None:
    """An ISO moment kept in a JSON record, in the API's format (Vietnam's offset); None if absent."""
    moment = parse_datetime(value) if isinstance(value, str) and value else None
    return serializers.DateTimeField().to_representation(moment) if moment else None


class SupplementItemOutSerializer(serializers.Serializer):
    target = serializers.CharField(help_text="“component.<code>” or “form.<key>”.")
    label = serializers.CharField(help_text="The component's or the field's name.")
    note = serializers.CharField(help_text="What is wrong and exactly what to provide (R-SUP-1).")


class DecisionSerializer(serializers.ModelSerializer):
    """A decision on the dossier and the form it produced, as sent to the applicant."""

    label = serializers.CharField(source="get_kind_display")
    form = serializers.SerializerMethodField(help_text="Form of Circular 03/2025/TT-VPCP (01–05).")
    number = serializers.CharField(help_text="“Số: 12/PBS”, the form's number; empty if the form has none.")
    items = serializers.SerializerMethodField(help_text="Supplement request: everything to supplement.")
    closes_at = serializers.DateTimeField(
        allow_null=True, help_text="Supplement request: when it closes the dossier if unanswered (R-SUP-6)."
    )
    competent_agency = serializers.SerializerMethodField(help_text="Refusal: the competent agency, if known.")
    previous_due_at = serializers.SerializerMethodField(help_text="Apology: the appointment it replaced.")
    new_due_at = serializers.SerializerMethodField(help_text="Apology: the new appointment (R-LATE-1).")

    class Meta:
        model = Decision
        fields = [
            "kind",
            "label",
            "form",
            "number",
            "at",
            "reason",
            "items",
            "closes_at",
            "competent_agency",
            "previous_due_at",
            "new_due_at",
        ]

    def get_form(self, decision: Decision) -> str:
        return Decision.FORMS.get(decision.kind, ("", ""))[0]

    @extend_schema_field(SupplementItemOutSerializer(many=True))
    def get_items(self, decision: Decision) -> list[dict]:
        return SupplementItemOutSerializer(decision.data.get("items", []), many=True).data

    def get_competent_agency(self, decision: Decision) -> str:
        return str(decision.data.get("competent_agency", ""))

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_previous_due_at(self, decision: Decision) -> str | None:
        return _moment(decision.data.get("previous_due_at"))

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_new_due_at(self, decision: Decision) -> str | None:
        return _moment(decision.data.get("new_due_at"))


class MarkOutSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    note = serializers.CharField()


class OfficialDecisionSerializer(DecisionSerializer):
    """A decision with what only officials see: who took it, on which revision, the check marks."""

    by = UserRefSerializer(allow_null=True)
    revision = serializers.IntegerField(help_text="The revision of the dossier the decision was taken on.")
    is_repeat = serializers.BooleanField(help_text="A supplement request beyond the first (R-SUP-2).")
    marks = serializers.SerializerMethodField(help_text="Acceptance: the per-component check marks.")

    class Meta(DecisionSerializer.Meta):
        fields = [*DecisionSerializer.Meta.fields, "by", "revision", "is_repeat", "legal_basis", "marks"]

    @extend_schema_field(serializers.DictField(child=MarkOutSerializer()))
    def get_marks(self, decision: Decision) -> dict:
        marks = decision.data.get("marks", {})
        return marks if isinstance(marks, dict) else {}


class ResultSerializer(serializers.ModelSerializer):
    """An electronic result, coded `<dossier code>-KQ<n>` (R-CODE-5), with the link to download it."""

    # The view names the download route in the context ("result_route").
    name = serializers.CharField(source="original_name")
    sha256 = serializers.CharField(source="stored_file.sha256", help_text="SHA-256 of the file, hex.")
    size = serializers.IntegerField(source="stored_file.size", help_text="Bytes.")
    content_type = serializers.CharField(source="stored_file.content_type")
    download = serializers.SerializerMethodField(help_text="GET this URL (same credentials) for the file.")

    class Meta:
        model = ResultDocument
        fields = ["id", "code", "name", "sha256", "size", "content_type", "attached_at", "download"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_download(self, result: ResultDocument) -> str:
        path = reverse(
            self.context["result_route"],
            kwargs={"public_id": result.dossier.public_id, "result_id": result.pk},
        )
        return self.context["request"].build_absolute_uri(path)


class DossierDetailSerializer(DossierSerializer):
    """A dossier with its answers, files, timeline, decisions and (once returned) results."""

    # The view passes the files, the timeline, the decisions and the results (from the selectors) in the
    # context, with the request for the download links.
    form_data = FormDataField()
    prefilled = serializers.SerializerMethodField(help_text="Keys of form_data filled from the account.")
    revision = serializers.IntegerField(help_text="1 at submission, one more at each supplement (R-SUP-4).")
    stage_label = serializers.CharField(source="get_stage_display", help_text="The current processing step.")
    open_targets = serializers.ListField(
        child=serializers.CharField(),
        help_text="While a supplement is requested: the only parts that may change (“form.<key>”, "
        "“component.<code>”); then PATCH answers, POST files and POST …/resubmit/.",
    )
    files = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    decisions = serializers.SerializerMethodField()
    results = serializers.SerializerMethodField(
        help_text="The electronic results, listed once issued (status result_ready or done)."
    )

    class Meta(DossierSerializer.Meta):
        fields = [
            *DossierSerializer.Meta.fields,
            "revision",
            "stage",
            "stage_label",
            "accepted_at",
            "due_at",
            "result_ready_at",
            "ended_at",
            "form_data",
            "prefilled",
            "open_targets",
            "files",
            "timeline",
            "decisions",
            "results",
        ]

    def get_prefilled(self, dossier: Dossier) -> list[str]:
        return sorted(dossier.prefilled)

    @extend_schema_field(DossierFileSerializer(many=True))
    def get_files(self, dossier: Dossier) -> list[dict]:
        return DossierFileSerializer(self.context["files"], many=True).data

    @extend_schema_field(EventSerializer(many=True))
    def get_timeline(self, dossier: Dossier) -> list[dict]:
        return EventSerializer(self.context["timeline"], many=True).data

    @extend_schema_field(DecisionSerializer(many=True))
    def get_decisions(self, dossier: Dossier) -> list[dict]:
        return DecisionSerializer(self.context["decisions"], many=True).data

    @extend_schema_field(ResultSerializer(many=True))
    def get_results(self, dossier: Dossier) -> list[dict]:
        return ResultSerializer(self.context["results"], many=True, context=self.context).data


def _at(moment) -> str:
    local = timezone.localtime(moment)
    return _("%(time)s ngày %(date)s") % {"time": f"{local:%H:%M}", "date": f"{local:%d/%m/%Y}"}


class AcknowledgementSerializer(serializers.Serializer):
    """What the applicant is told at once on submission (R-ACK-2)."""

    # Serializes a dossiers.services.Acknowledgement; the view passes the files in the context.
    id = serializers.UUIDField(source="dossier.public_id")
    reference = serializers.CharField(source="dossier.reference", help_text="Tracking reference.")
    status = serializers.CharField(source="dossier.status")
    submitted_at = serializers.DateTimeField(help_text="When the system received the dossier.")
    official_receipt_at = serializers.DateTimeField(
        help_text="The official receipt time: the submission time in working hours, else the start of the next "
        "working session (R-RCV-1)."
    )
    check_due_at = serializers.DateTimeField(
        help_text="When the one-stop official must answer at the latest."
    )
    replayed = serializers.BooleanField(help_text="True when this answers a repeated submission (same key).")
    message = serializers.SerializerMethodField(help_text="The acknowledgement as a sentence, in Vietnamese.")
    files = serializers.SerializerMethodField()

    def get_message(self, ack: Acknowledgement) -> str:
        return _(
            "Hồ sơ đã được gửi thành công lúc %(submitted)s, mã tra cứu %(reference)s. "
            "Thời điểm tiếp nhận chính thức: %(official)s. "
            "Cán bộ Một cửa sẽ trả lời chậm nhất lúc %(due)s."
        ) % {
            "submitted": _at(ack.submitted_at),
            "reference": ack.dossier.reference,
            "official": _at(ack.official_receipt_at),
            "due": _at(ack.check_due_at),
        }

    @extend_schema_field(DossierFileSerializer(many=True))
    def get_files(self, ack: Acknowledgement) -> list[dict]:
        return DossierFileSerializer(self.context["files"], many=True).data


# --------------------------------------------------------------------------------------------------
# Back office: input

# Free text an official writes into a decision (reasons, guidance, notes): a page at most.
MAX_TEXT = 4000
MAX_MARKS = 200
MAX_SUPPLEMENT_ITEMS = 100
# A new appointment outside these years is a typing mistake (and beyond them a moment may not convert).
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


def _text(*, required: bool = True, help_text: str = "", max_length: int = MAX_TEXT) -> serializers.CharField:
    return serializers.CharField(
        required=required,
        allow_blank=True,
        max_length=max_length,
        help_text=help_text,
        **({} if required else {"default": ""}),
    )


def _expected_revision() -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=32767,
        help_text="The dossier's `revision` the official looked at. If the applicant has resubmitted since, "
        "or another official has decided first, the answer is 409 dossier_changed and nothing changes.",
    )


@extend_schema_field({"type": "string", "format": "date-time", "example": "2026-12-04T17:00:00+07:00"})
class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 moment that states its offset; a moment without one would be read in some time zone."""

    default_error_messages = {
        "not_a_moment": gettext_lazy(
            "Hãy ghi thời điểm theo ISO 8601 kèm múi giờ, ví dụ 2026-12-04T17:00:00+07:00."
        ),
        "naive": gettext_lazy(
            "Thời điểm thiếu múi giờ. Hãy ghi kèm múi giờ, ví dụ 2026-12-04T17:00:00+07:00."
        ),
        "out_of_range": gettext_lazy("Năm phải trong khoảng {earliest}–{latest}."),
    }

    def to_internal_value(self, value: Any):
        try:
            moment = parse_datetime(value.strip()) if isinstance(value, str) and len(value) <= 40 else None
        except ValueError:
            moment = None
        if moment is None:
            self.fail("not_a_moment")
        if moment.tzinfo is None:
            self.fail("naive")
        if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
            self.fail("out_of_range", earliest=EARLIEST_YEAR, latest=LATEST_YEAR)
        return moment


class MarkSerializer(Serializer):
    """The official's check mark on one component or field."""

    ok = serializers.BooleanField(help_text="True when the part is in order.")
    note = _text(required=False, help_text="What is wrong, if anything.", max_length=2000)


class AcceptSerializer(Serializer):
    """Accept a submitted dossier: the dossier code and the appointment are issued (R-CHK-1, R-CODE-1)."""

    marks = serializers.DictField(
        child=MarkSerializer(),
        required=False,
        help_text="The per-component check marks, kept as the record of the check, keyed by "
        "“component.<code>” or “form.<key>”.",
    )
    expected_revision = _expected_revision()

    def validate_marks(self, value: dict[str, Any]) -> dict[str, Any]:
        if len(value) > MAX_MARKS:
            raise serializers.ValidationError(
                _("Nhiều quá: tối đa %(max)s dấu kiểm.") % {"max": MAX_MARKS}, code="max_length"
            )
        if any(len(key) > 100 for key in value) or _bad_text(list(value)):
            raise serializers.ValidationError(
                _(
                    "Khóa của dấu kiểm phải là “component.<mã>” hoặc “form.<khóa>”: tối đa 100 ký tự, không có "
                    "ký tự NUL (\\u0000) hay nửa cặp UTF-16."
                ),
                code="invalid_key",
            )
        return value


class SupplementItemSerializer(Serializer):
    """One part to supplement and the guidance for it."""

    target = serializers.CharField(
        max_length=100, help_text="“component.<code>” or “form.<key>” of the dossier's procedure."
    )
    note = _text(
        help_text="What is wrong and exactly what to provide (at least 10 characters).", max_length=2000
    )


class RequestSupplementSerializer(Serializer):
    """Ask the applicant, once, for everything missing (R-SUP-1, R-SUP-2; form 02)."""

    items = serializers.ListField(
        child=SupplementItemSerializer(),
        max_length=MAX_SUPPLEMENT_ITEMS,
        help_text="Every deficient component and field, each with specific guidance.",
    )
    reason = _text(required=False, help_text="Why the dossier is incomplete, in general.")
    legal_basis = _text(
        required=False,
        help_text="Required for a second request on the same dossier: the legal basis allowing it (R-SUP-2).",
    )
    expected_revision = _expected_revision()


class RefuseSerializer(Serializer):
    """Refuse a submitted dossier (R-REF-1; form 03)."""

    reason = _text(help_text="The specific reasons (at least 10 characters).")
    competent_agency = _text(required=False, help_text="The competent agency, if known.", max_length=255)
    expected_revision = _expected_revision()


class AssignSerializer(Serializer):
    """Assign the processing step to a specialist of the agency (a specialist may take it themselves)."""

    assignee = serializers.CharField(max_length=150, help_text="The specialist's username.")


class ConsultSerializer(Serializer):
    """Ask another agency's opinion (liên thông, R-PROC-4)."""

    agency = serializers.CharField(max_length=40, help_text="The consulted agency's code.")
    question = _text(help_text="What the opinion is needed on (at least 10 characters).")
    hours = serializers.IntegerField(
        min_value=1, max_value=2000, default=16, help_text="Working hours the agency has to answer."
    )


class ResultUploadSerializer(Serializer):
    """The result document, a PDF of at most 50 MB."""

    file = serializers.FileField(allow_empty_file=True, max_length=255)


class NoteSerializer(Serializer):
    """An optional note recorded on the control sheet with the hand-over."""

    note = _text(required=False, help_text="Recorded on the control sheet (form 06).")


class SendBackSerializer(Serializer):
    """Send the draft result back to the specialist."""

    note = _text(help_text="What must be done again (at least 5 characters).")


class RejectSerializer(Serializer):
    """End the dossier as not eligible, found at processing (R-PROC-5; form 03)."""

    reason = _text(help_text="The specific reasons (at least 10 characters).")


class ApologiseSerializer(Serializer):
    """Apologise for a late result and set the new appointment, once (R-LATE-1, R-LATE-2; form 04)."""

    reason = _text(help_text="Why the result is late (at least 10 characters).")
    new_due_at = AwareDateTimeField(help_text="The new appointment, later than the current one, with offset.")


class SuspendSerializer(Serializer):
    """Pause the processing clock while the dossier waits for the applicant as the rules allow (R-PROC-6)."""

    ground = _text(help_text="Why the clock may pause: `fee`, `applicant` or `verification`.", max_length=20)
    reason = _text(
        help_text="What the dossier waits for, as the applicant will read it (at least 10 characters)."
    )


class ResumeSerializer(Serializer):
    """Restart the clock; the step's deadline and the appointment move by the working time paused."""

    note = _text(required=False, help_text="Optional note.")


class AnswerSerializer(Serializer):
    """The consulted agency's opinion."""

    answer = _text(help_text="The opinion.")


class WithdrawSerializer(Serializer):
    """Stop a dossier on which nothing has been decided yet (R-STOP-1; form 05)."""

    reason = _text(required=False, help_text="Why, if the applicant wishes to say.", max_length=2000)


class QueueQuerySerializer(Serializer):
    """Filters and the page of the queue."""

    procedure = serializers.CharField(
        required=False, allow_blank=True, max_length=20, help_text="Only this procedure (code)."
    )
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="Dossier code, tracking reference, applicant's name (part of it) or personal ID number.",
    )
    cursor = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="From the `next` link of the page before."
    )
    limit = serializers.IntegerField(required=False, min_value=1, max_value=200, default=50)


# --------------------------------------------------------------------------------------------------
# Back office: output


class QueueRowSerializer(DossierSerializer):
    """A dossier awaiting check, with the working time left to decide on it (R-CHK-1, R-CHK-3)."""

    # The view passes the selector's rows, by dossier id, in the context ("rows").
    applicant_name = serializers.CharField(source="applicant.display_name")
    remaining_seconds = serializers.SerializerMethodField(
        help_text="Working seconds left until check_due_at on the agency's calendar; negative once overdue."
    )
    check_state = serializers.SerializerMethodField(help_text="overdue, due_soon (≤ 2 working hours) or ok.")
    check_state_label = serializers.SerializerMethodField()

    class Meta(DossierSerializer.Meta):
        fields = [
            *DossierSerializer.Meta.fields,
            "applicant_name",
            "remaining_seconds",
            "check_state",
            "check_state_label",
        ]

    def get_remaining_seconds(self, dossier: Dossier) -> int:
        return int(self.context["rows"][dossier.pk].remaining.total_seconds())

    def get_check_state(self, dossier: Dossier) -> str:
        return self.context["rows"][dossier.pk].state

    def get_check_state_label(self, dossier: Dossier) -> str:
        return str(CHECK_STATE_LABELS[self.context["rows"][dossier.pk].state])


CHECK_STATE_LABELS = {
    "overdue": gettext_lazy("Quá hạn"),
    "due_soon": gettext_lazy("Sắp đến hạn"),
    "ok": gettext_lazy("Còn hạn"),
}


class QueueCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    due_soon = serializers.IntegerField()
    overdue = serializers.IntegerField()


class QueuePageSerializer(serializers.Serializer):
    """One page of the queue awaiting check, most urgent first."""

    next = serializers.URLField(allow_null=True, help_text="The next page; null on the last.")
    counts = QueueCountsSerializer(help_text="Across the whole queue, whatever the filters.")
    results = QueueRowSerializer(many=True)


class WorkQueueQuerySerializer(QueueQuerySerializer):
    """Filters and the page of one of the officials' work queues."""

    status = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=32,
        help_text="my-work: the step's kind (specialist, result); overdue: the dossier's status (submitted, "
        "processing). Ignored elsewhere.",
    )
    due_by = serializers.DateField(
        required=False, help_text="Only deadlines on or before this day (YYYY-MM-DD)."
    )


class WorkRowSerializer(serializers.Serializer):
    """A dossier in a work queue, with the deadline that puts it there and the working time left."""

    dossier = DossierSerializer()
    applicant_name = serializers.CharField(source="dossier.applicant.display_name")
    deadline = serializers.DateTimeField(
        help_text="The step's, the appointment's or the consultation's deadline."
    )
    remaining_seconds = serializers.SerializerMethodField(
        help_text="Working seconds left until the deadline on the agency's calendar; negative once passed."
    )
    state = serializers.CharField(help_text="overdue, due_soon or ok.")
    step = serializers.CharField(
        source="step.kind", default=None, allow_null=True, help_text="The open step's kind."
    )
    assignee = serializers.CharField(source="step.assignee.username", default=None, allow_null=True)
    consultation = serializers.IntegerField(source="consultation.pk", default=None, allow_null=True)

    def get_remaining_seconds(self, row) -> int:
        return int(row.remaining.total_seconds())


class WorkPageSerializer(serializers.Serializer):
    """One page of a work queue, most urgent first."""

    next = serializers.URLField(allow_null=True, help_text="The next page; null on the last.")
    counts = serializers.DictField(
        child=serializers.IntegerField(), help_text="Every queue's size for this official."
    )
    results = WorkRowSerializer(many=True)


class ApplicantSerializer(serializers.Serializer):
    """Who submitted the dossier (reading it is audited, R-PRIV-2)."""

    name = serializers.CharField(source="display_name")
    kind = serializers.CharField(help_text="citizen or organisation.")
    identifier = serializers.CharField(
        source="username", help_text="Personal ID number, or the enterprise code of an organisation."
    )
    phone = serializers.CharField()
    email = serializers.CharField()
    address = serializers.CharField()


class StepSerializer(serializers.ModelSerializer):
    """One row of the control sheet (form 06): who gave, who holds, when, early / on time / late (R-PROC-3)."""

    order = serializers.IntegerField()
    kind_label = serializers.CharField(source="get_kind_display")
    budget_hours = serializers.FloatField(help_text="Working hours allotted to the step (R-PROC-2).")
    giver = UserRefSerializer(allow_null=True)
    assignee = UserRefSerializer(allow_null=True)
    handed_over_by = UserRefSerializer(allow_null=True)
    outcome_label = serializers.CharField(source="get_outcome_display")

    class Meta:
        model = ProcessingStep
        fields = [
            "order",
            "kind",
            "kind_label",
            "role",
            "department",
            "budget_hours",
            "giver",
            "assignee",
            "received_at",
            "due_at",
            "handed_over_at",
            "handed_over_by",
            "outcome",
            "outcome_label",
            "note",
        ]


class ConsultationSerializer(serializers.ModelSerializer):
    """A request for another agency's opinion, with its own deadline (R-PROC-4)."""

    dossier_code = serializers.CharField(source="dossier.code", allow_null=True)
    procedure = serializers.CharField(source="dossier.procedure.code")
    procedure_name = serializers.CharField(source="dossier.procedure.name")
    requesting_agency = serializers.CharField(source="dossier.agency.code")
    requesting_agency_name = serializers.CharField(source="dossier.agency.name")
    agency = serializers.CharField(source="agency.code", help_text="The consulted agency.")
    agency_name = serializers.CharField(source="agency.name")
    requested_by = UserRefSerializer()
    answered_by = UserRefSerializer(allow_null=True)
    answer_url = serializers.SerializerMethodField(help_text="POST the answer here (consulted agency).")

    class Meta:
        model = Consultation
        fields = [
            "id",
            "dossier_code",
            "procedure",
            "procedure_name",
            "requesting_agency",
            "requesting_agency_name",
            "agency",
            "agency_name",
            "question",
            "requested_by",
            "requested_at",
            "due_at",
            "answer",
            "answered_by",
            "answered_at",
            "answer_url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_answer_url(self, consultation: Consultation) -> str:
        path = reverse("v1:backoffice-consultation-answer", kwargs={"consultation_id": consultation.pk})
        return self.context["request"].build_absolute_uri(path)


class AllowedActionSerializer(serializers.Serializer):
    action = serializers.CharField(help_text="The action's name in its URL, e.g. request-supplement.")
    label = serializers.CharField(help_text="The button's text.")
    url = serializers.URLField(help_text="POST here to take the action.")


class WarehouseProvenanceSerializer(Serializer):
    """Where a file reused from the applicant's personal data warehouse came from (R-WH-2)."""

    provenance = serializers.ChoiceField(
        choices=["uploaded", "verified", "certified_copy", "result"],
        help_text="uploaded: by the owner, unverified; verified: by an agency while accepting a dossier; "
        "certified_copy; result: of a dossier.",
    )
    provenance_label = serializers.CharField(source="get_provenance_display")
    document_type = serializers.CharField()
    title = serializers.CharField()
    agency = serializers.CharField(source="agency.code", default=None, allow_null=True)
    agency_name = serializers.CharField(source="agency.name", default=None, allow_null=True)
    dossier_code = serializers.SerializerMethodField()
    verified_by = serializers.CharField(source="verified_by.display_name", default=None, allow_null=True)
    verified_at = serializers.DateTimeField(allow_null=True)

    def get_dossier_code(self, document) -> str | None:
        return (document.dossier.code or document.dossier.reference) if document.dossier else None


class OfficialFileSerializer(DossierFileSerializer):
    download = serializers.SerializerMethodField(help_text="GET this URL for the file (the read is audited).")
    warehouse = serializers.SerializerMethodField(
        help_text="Set when the applicant reused this file from their data warehouse: its provenance. Each read "
        "is shown to the owner in their access log (R-PRIV-2)."
    )

    class Meta(DossierFileSerializer.Meta):
        fields = [*DossierFileSerializer.Meta.fields, "download", "warehouse"]

    @extend_schema_field(WarehouseProvenanceSerializer(allow_null=True))
    def get_warehouse(self, dossier_file) -> dict[str, Any] | None:
        document = self.context.get("provenance", {}).get(dossier_file.pk)
        return WarehouseProvenanceSerializer(document).data if document is not None else None

    @extend_schema_field(OpenApiTypes.URI)
    def get_download(self, dossier_file) -> str:
        path = reverse(
            "v1:backoffice-dossier-file",
            kwargs={"public_id": self.context["dossier"].public_id, "file_id": dossier_file.pk},
        )
        return self.context["request"].build_absolute_uri(path)


class OfficialDossierSerializer(DossierSerializer):
    """A dossier as an official of its agency sees it: what was submitted, where it is, what was decided,
    and the actions this official may take now."""

    # The view passes the selectors' ProcessingRecord ("record") and the allowed actions in the context.
    applicant = ApplicantSerializer()
    revision = serializers.IntegerField(help_text="The revision officials see: 1, then +1 per supplement.")
    revisions = serializers.SerializerMethodField(help_text="How many revisions are kept (R-SUP-4).")
    stage_label = serializers.CharField(source="get_stage_display")
    form_data = FormDataField()
    prefilled = serializers.JSONField(help_text="Fields filled from a state source, and the source.")
    open_targets = serializers.ListField(child=serializers.CharField())
    files = serializers.SerializerMethodField()
    steps = serializers.SerializerMethodField(help_text="The control sheet (form 06), in order.")
    decisions = serializers.SerializerMethodField()
    consultations = serializers.SerializerMethodField()
    results = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField(
        help_text="Exactly the actions this official may take now, for their roles and the dossier's state."
    )

    class Meta(DossierSerializer.Meta):
        fields = [
            *DossierSerializer.Meta.fields,
            "applicant",
            "revision",
            "revisions",
            "stage",
            "stage_label",
            "accepted_at",
            "due_at",
            "original_due_at",
            "result_ready_at",
            "ended_at",
            "form_data",
            "prefilled",
            "open_targets",
            "files",
            "steps",
            "decisions",
            "consultations",
            "results",
            "allowed_actions",
        ]

    def get_revisions(self, dossier: Dossier) -> int:
        return self.context["record"].revisions

    @extend_schema_field(OfficialFileSerializer(many=True))
    def get_files(self, dossier: Dossier) -> list[dict]:
        return OfficialFileSerializer(self.context["record"].files, many=True, context=self.context).data

    @extend_schema_field(StepSerializer(many=True))
    def get_steps(self, dossier: Dossier) -> list[dict]:
        return StepSerializer(self.context["record"].steps, many=True).data

    @extend_schema_field(OfficialDecisionSerializer(many=True))
    def get_decisions(self, dossier: Dossier) -> list[dict]:
        return OfficialDecisionSerializer(self.context["record"].decisions, many=True).data

    @extend_schema_field(ConsultationSerializer(many=True))
    def get_consultations(self, dossier: Dossier) -> list[dict]:
        return ConsultationSerializer(
            self.context["record"].consultations, many=True, context=self.context
        ).data

    @extend_schema_field(ResultSerializer(many=True))
    def get_results(self, dossier: Dossier) -> list[dict]:
        return ResultSerializer(self.context["record"].results, many=True, context=self.context).data

    @extend_schema_field(AllowedActionSerializer(many=True))
    def get_allowed_actions(self, dossier: Dossier) -> list[dict]:
        request = self.context["request"]
        return [
            {
                "action": action.replace("_", "-"),
                "label": str(ACTION_LABELS[action]),
                "url": request.build_absolute_uri(
                    reverse(
                        f"v1:backoffice-{action.replace('_', '-')}", kwargs={"public_id": dossier.public_id}
                    )
                ),
            }
            for action in self.context["allowed_actions"]
        ]


# Public tracking (R-TRK-1): no personal data in any of these.


class TrackingQuerySerializer(Serializer):
    """The second factor, optional: it adds the timeline."""

    phone_last4 = serializers.RegexField(
        r"^[0-9]{4}$",
        required=False,
        error_messages={
            "invalid": gettext_lazy("Hãy gửi đúng 4 chữ số cuối của số điện thoại người nộp, ví dụ 5678.")
        },
        help_text="The last 4 digits of the applicant's phone number. When they match, the answer carries "
        "the timeline; wrong ones are limited harder than lookups.",
    )


class PublicEventSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DossierEvent.Kind.choices)
    label = serializers.CharField(help_text="The event in Vietnamese.")
    at = serializers.DateTimeField()


class TrackingSerializer(serializers.Serializer):
    """Where a dossier stands, as anyone with its code may see it; every key is always present."""

    # Serializes a dossiers.tracking.PublicTracking.
    code = serializers.CharField(
        help_text="The dossier code once the agency accepted the dossier, the tracking reference before."
    )
    is_dossier_code = serializers.BooleanField(help_text="True when `code` is the dossier code.")
    procedure = serializers.CharField(source="procedure_code", help_text="National procedure code.")
    procedure_name = serializers.CharField()
    agency = serializers.CharField(source="agency_code", help_text="Receiving agency code.")
    agency_name = serializers.CharField()
    status = serializers.ChoiceField(choices=Dossier.Status.choices)
    status_label = serializers.CharField()
    stage = serializers.ChoiceField(
        choices=Dossier.Stage.choices,
        allow_null=True,
        help_text="The current processing step, once accepted.",
    )
    stage_label = serializers.CharField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True, help_text="Null until the agency accepts it.")
    due_at = serializers.DateTimeField(allow_null=True, help_text="The appointment for the result.")
    timeliness = serializers.ChoiceField(
        choices=[("on_time", "on_time"), ("late", "late")],
        allow_null=True,
        help_text="Whether the appointment is kept (an appointment moved by an apology counts late); "
        "null while there is no appointment.",
    )
    timeliness_label = serializers.CharField(allow_null=True)
    second_factor = serializers.ChoiceField(
        choices=[("not_given", "not_given"), ("verified", "verified"), ("mismatch", "mismatch")],
        help_text="What became of phone_last4.",
    )
    timeline = PublicEventSerializer(
        many=True, allow_null=True, help_text="Event kinds and times, oldest first; null unless verified."
    )
