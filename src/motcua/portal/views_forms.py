"""The applicant's copies of the forms issued about their dossier (R-FORM-1): receipt, supplement request,
refusal, apology, stop notice."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.documents.pdf import render_pdf
from motcua.documents.responses import attachment
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_for_applicant
from motcua.signatures.register import issued_receipt, sealed_bytes
from motcua.workflow.documents import decision_document, decision_with_form, form_filename
from motcua.workflow.models import Decision


@login_required
@require_GET
def decision_pdf(request: HttpRequest, public_id: uuid.UUID, decision_id: int) -> HttpResponse:
    try:
        dossier = dossier_for_applicant(user=request.user, public_id=public_id)
        decision = decision_with_form(dossier=dossier, decision_id=decision_id)
    except (Dossier.DoesNotExist, Decision.DoesNotExist):
        raise Http404(_("Không tìm thấy phiếu này.")) from None
    # A sealed form is served as stored, the same bytes every time (R-RES-1); others are rendered.
    sealed = issued_receipt(decision=decision)
    content = sealed_bytes(sealed) if sealed else render_pdf(decision_document(decision))
    return attachment(content, form_filename(decision))
