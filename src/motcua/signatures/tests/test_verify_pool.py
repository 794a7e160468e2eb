"""The worker pool (MOTCUA_VERIFY_WORKERS > 0) verifying real files: the workers read the trust store and
the revocation cache from the database, and see a change to the trust store at the next file.

PostgreSQL only: the workers are forked processes with their own database connections, and the SQLite
test database lives in the test process's memory.
"""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from motcua.signatures import engine, revocation, services, testing, verify
from motcua.signatures.models import TrustedCertificate
from motcua.signatures.report import Verdict

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the workers need a database of their own; run with DATABASE_URL=postgres://…",
)


def pdf_report(path):
    return verify.verify_file(path, content_type="application/pdf")


@pytest.fixture
def pool(settings, monkeypatch):
    settings.MOTCUA_VERIFY_WORKERS = 2
    pool = verify.WorkerPool(2, settings.MOTCUA_VERIFY_MEMORY_MB * 1024 * 1024)
    monkeypatch.setattr(verify, "_pool", pool)
    yield pool
    pool.close()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_r_sig_1_workers_verify_real_files_from_the_database_trust_store_and_crls(
    pool, demo_pki, pki_dir, tmp_path
):
    services.trust_store_load_folder(folder=pki_dir)
    testing.cache_crls(demo_pki, pki_dir)
    # Nothing in this process's memory for the workers to inherit: they must read the database.
    engine.forget_trust()
    revocation.clear_memory_cache()
    files = {}
    for name, signer in (("valid", "signer-citizen"), ("revoked", "signer-revoked")):
        files[name] = tmp_path / f"{name}.pdf"
        files[name].write_bytes(testing.sign_pdf(testing.make_pdf(name), pki_dir, signer))
    files["changed"] = tmp_path / "changed.pdf"
    files["changed"].write_bytes(testing.change_content(files["valid"].read_bytes()))

    with ThreadPoolExecutor(3) as clients:  # at once, so that both workers take files
        reports = dict(zip(files, clients.map(pdf_report, files.values()), strict=True))

    assert (reports["valid"].verdict, reports["valid"].reason) == (Verdict.VALID, "ok")
    assert reports["valid"].signatures[0].signer_id == "CCCD:001090012345"
    assert len(reports["valid"].evidence.crls) == 2
    assert (reports["revoked"].verdict, reports["revoked"].reason) == (Verdict.INVALID, "revoked")
    assert (reports["changed"].verdict, reports["changed"].reason) == (Verdict.INVALID, "modified_content")
    assert engine._trust is None  # the verifications ran in the workers, not here

    # The workers' cached trust store and chains give way to a change made here.
    root = TrustedCertificate.objects.get(kind=TrustedCertificate.Kind.ROOT)
    root.active = False
    root.save()
    with ThreadPoolExecutor(2) as clients:
        for report in clients.map(pdf_report, [files["valid"]] * 4):
            assert (report.verdict, report.reason) == (Verdict.INDETERMINATE, "untrusted")
