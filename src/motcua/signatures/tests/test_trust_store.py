"""The trust store as data: loaded from a folder or the admin; changes take effect at once (R-SIG-1)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from motcua.audit.models import AuditEvent
from motcua.signatures import engine, testing, verify
from motcua.signatures.models import TrustedCertificate
from motcua.signatures.report import Verdict


def test_load_trust_store_loads_the_cas_and_skips_end_entities(db, pki_dir):
    out = io.StringIO()
    call_command("load_trust_store", str(pki_dir), stdout=out)
    kinds = sorted(TrustedCertificate.objects.values_list("kind", flat=True))
    assert kinds == ["intermediate", "root"]
    assert all(t.source == "folder" and t.active for t in TrustedCertificate.objects.all())
    assert AuditEvent.objects.filter(action="signatures.trust_certificate_add").count() == 2


def test_load_trust_store_twice_changes_nothing(db, pki_dir):
    call_command("load_trust_store", str(pki_dir), stdout=io.StringIO())
    before = list(TrustedCertificate.objects.values_list("fingerprint_sha256", "updated_at"))
    out = io.StringIO()
    call_command("load_trust_store", str(pki_dir), stdout=out)
    assert list(TrustedCertificate.objects.values_list("fingerprint_sha256", "updated_at")) == before
    assert "thêm 0" in out.getvalue()


def test_deactivating_the_root_makes_signatures_untrusted_at_once(trust_store, cached_crls, pki_dir):
    signed = testing.sign_pdf(testing.make_pdf(), pki_dir)
    assert verify.verify_pdf_bytes(signed).verdict == Verdict.VALID
    TrustedCertificate.objects.filter(kind="root").update(
        active=False, updated_at=engine.dt.datetime.now(engine.dt.UTC)
    )
    report = verify.verify_pdf_bytes(signed)
    assert (report.verdict, report.reason) == (Verdict.INDETERMINATE, "untrusted")


def test_validation_context_material_is_built_once_while_the_store_is_unchanged(trust_store):
    first = engine.current_trust()
    assert engine.current_trust() is first


@pytest.fixture
def admin_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser("quantri", "quantri@example.com", "x")
    client.force_login(admin)
    return client


def test_admin_adds_a_ca_from_an_uploaded_file_and_shows_it(admin_client, pki_dir):
    upload = SimpleUploadedFile("root.pem", (pki_dir / "root-ca.pem").read_bytes())
    response = admin_client.post(reverse("admin:signatures_trustedcertificate_add"), {"upload": upload})
    assert response.status_code == 302
    trusted = TrustedCertificate.objects.get()
    assert (trusted.kind, trusted.source) == ("root", "admin")
    page = admin_client.get(reverse("admin:signatures_trustedcertificate_change", args=[trusted.pk]))
    assert trusted.fingerprint_sha256 in page.content.decode()
    assert "Motcua Demo Root CA" in page.content.decode()


def test_admin_refuses_an_end_entity_certificate_with_the_reason(admin_client, pki_dir):
    upload = SimpleUploadedFile("an.cer", (pki_dir / "signer-citizen.cer").read_bytes())
    response = admin_client.post(reverse("admin:signatures_trustedcertificate_add"), {"upload": upload})
    assert response.status_code == 200
    assert "không phải chứng thư của CA" in response.content.decode()
    assert not TrustedCertificate.objects.exists()
