"""Public verification of issued documents over the API (R-RES-3): the portal's /xac-thuc/ for machines."""

from __future__ import annotations

from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, Throttled, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.api.views import error_responses
from motcua.ratelimit import client_address
from motcua.signatures.models import IssuedDocument
from motcua.signatures.public import MAX_BYTES, VerificationLimited, verify_token, verify_upload
from motcua.signatures.report import Verdict


class VerificationUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The PDF to check, at most 50 MB.")


class IssuedDocumentSerializer(serializers.Serializer):
    """An issued document as anyone may see it: no personal data."""

    # Serializes a signatures.public.PublicDocument.
    token = serializers.CharField(help_text="The verification token printed as the QR code's link.")
    kind = serializers.ChoiceField(choices=IssuedDocument.Kind.choices)
    kind_label = serializers.CharField()
    agency = serializers.CharField(source="agency_code", help_text="Issuing agency code.")
    agency_name = serializers.CharField()
    dossier_code = serializers.CharField()
    document_code = serializers.CharField(
        help_text="E.g. the result's code <dossier code>-KQ1; may be empty."
    )
    issued_at = serializers.DateTimeField()
    leader_signed = serializers.BooleanField(help_text="A leader signed it personally besides the seal.")
    revoked = serializers.BooleanField(help_text="Revoked documents stay on record (R-RES-2).")
    revoked_at = serializers.DateTimeField(allow_null=True)
    revoked_ground = serializers.CharField(
        help_text="The public ground of a revocation, in the reader's language; empty if not revoked."
    )
    sha256 = serializers.CharField(help_text="SHA-256 of the document as issued, hex.")


class SignatureNowSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=[v.value for v in Verdict])
    reason = serializers.CharField(source="text")
    signer_name = serializers.CharField()
    organization = serializers.CharField()
    issuer_name = serializers.CharField()


class SignaturesNowSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=[v.value for v in Verdict])
    reason = serializers.CharField(source="text")
    signatures = SignatureNowSerializer(many=True)


class VerificationSerializer(serializers.Serializer):
    # Serializes a signatures.public.PublicVerification.
    outcome = serializers.ChoiceField(
        choices=["match", "extended", "modified", "unknown", "qr_code"],
        help_text="match: byte for byte a document motcua issued; extended: that document intact with "
        "additions appended; modified: names an issued document but differs from it; unknown: not issued "
        "by motcua; qr_code: looked up by its token.",
    )
    outcome_label = serializers.CharField()
    document = IssuedDocumentSerializer(allow_null=True)
    sha256 = serializers.CharField(help_text="SHA-256 of the file checked, hex.")
    signatures = SignaturesNowSerializer(
        allow_null=True, help_text="The file's signatures as valid now; null when they could not be checked."
    )


def _answer(found) -> Response:
    response = Response(VerificationSerializer(found).data)
    add_never_cache_headers(response)
    return response


class VerificationUploadView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [MultiPartParser]

    @extend_schema(
        tags=["verification"],
        summary="Check whether a PDF is, unmodified, a document motcua issued (public, no personal data)",
        description="Says which agency issued it, for which dossier code, the kind and code of the document, "
        "when, whether it was revoked, and whether its signatures are valid now (R-RES-3). Limited per client "
        "address together with the portal's page: 429 with Retry-After.",
        request={"multipart/form-data": VerificationUploadSerializer},
        responses={200: VerificationSerializer, **error_responses(400, 429)},
        auth=[],
    )
    def post(self, request):
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": [_("Hãy gửi tệp PDF cần xác thực trong trường file.")]})
        if upload.size is not None and upload.size > MAX_BYTES:
            raise ValidationError(
                {"file": [_("Tệp lớn hơn 50 MB; văn bản do motcua ban hành không lớn như vậy.")]}
            )
        try:
            return _answer(verify_upload(data=upload.read(), client=client_address(request)))
        except VerificationLimited as limited:
            raise Throttled(wait=limited.retry_after) from None


class VerificationTokenView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["verification"],
        summary="The issued document a QR code names (public, no personal data)",
        description="Revoked documents are found too, marked revoked (R-RES-2). An unknown token is a 404.",
        responses={200: VerificationSerializer, **error_responses(404, 429)},
        auth=[],
    )
    def get(self, request, token: str):
        try:
            found = verify_token(token=token[:64], client=client_address(request))
        except VerificationLimited as limited:
            raise Throttled(wait=limited.retry_after) from None
        if found is None:
            raise NotFound()
        return _answer(found)
