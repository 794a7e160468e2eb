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
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.settings import api_settings
from rest_framework.utils.formatting import lazy_format
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from motcua.catalog.models import Agency, Component, FeeItem, Procedure
from motcua.dossiers.models import Dossier, DossierEvent, DossierFile
from motcua.dossiers.services import Acknowledgement

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


class DossierFileSerializer(serializers.ModelSerializer):
    component = serializers.CharField(source="component.code", help_text="Component code.")
    component_name = serializers.CharField(source="component.name")
    name = serializers.CharField(source="original_name")
    sha256 = serializers.CharField(source="stored_file.sha256", help_text="SHA-256 of the stored bytes, hex.")
    size = serializers.IntegerField(source="stored_file.size", help_text="Bytes.")
    content_type = serializers.CharField(
        source="stored_file.content_type", help_text="Recognised from the content, not the name."
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
        ]


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


class DossierDetailSerializer(DossierSerializer):
    """A dossier with its answers, files and timeline."""

    # The view passes the files and the timeline (from the selectors) in the context.
    form_data = FormDataField()
    prefilled = serializers.SerializerMethodField(help_text="Keys of form_data filled from the account.")
    files = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()

    class Meta(DossierSerializer.Meta):
        fields = [*DossierSerializer.Meta.fields, "form_data", "prefilled", "files", "timeline"]

    def get_prefilled(self, dossier: Dossier) -> list[str]:
        return sorted(dossier.prefilled)

    @extend_schema_field(DossierFileSerializer(many=True))
    def get_files(self, dossier: Dossier) -> list[dict]:
        return DossierFileSerializer(self.context["files"], many=True).data

    @extend_schema_field(EventSerializer(many=True))
    def get_timeline(self, dossier: Dossier) -> list[dict]:
        return EventSerializer(self.context["timeline"], many=True).data


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
