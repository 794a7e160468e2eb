"""The public verification page (R-RES-3): upload a PDF, or follow the QR code printed on it. No login."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from motcua.ratelimit import client_address
from motcua.signatures.public import MAX_BYTES, VerificationLimited, verify_token, verify_upload


def _limited(request: HttpRequest, limited: VerificationLimited) -> HttpResponse:
    response = render(
        request, "portal/verify_limited.html", {"minutes": -(-limited.retry_after // 60)}, status=429
    )
    response["Retry-After"] = str(limited.retry_after)
    return response


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Upload a PDF and learn whether it is, unmodified, a document motcua issued; no personal data."""
    context: dict[str, object] = {"error": ""}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("tep")
        if upload is None:
            context["error"] = _("Hãy chọn tệp PDF cần xác thực.")
        elif upload.size is not None and upload.size > MAX_BYTES:
            context["error"] = _("Tệp lớn hơn 50 MB; văn bản do motcua ban hành không lớn như vậy.")
        else:
            try:
                context["verification"] = verify_upload(data=upload.read(), client=client_address(request))
            except VerificationLimited as limited:
                return _limited(request, limited)
        status = 400 if context["error"] else 200
    response = render(request, "portal/verify.html", context, status=status)
    add_never_cache_headers(response)
    return response


@require_GET
def verify_token_page(request: HttpRequest, token: str) -> HttpResponse:
    """/xac-thuc/<token>/, where the QR code printed on a sealed document leads."""
    try:
        found = verify_token(token=token[:64], client=client_address(request))
    except VerificationLimited as limited:
        return _limited(request, limited)
    response = render(
        request,
        "portal/verify.html",
        {"verification": found, "token": token[:64], "not_found": found is None, "error": ""},
        status=200 if found is not None else 404,
    )
    add_never_cache_headers(response)
    return response
