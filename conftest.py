"""The shared cast of every test, and settings that keep tests fast and isolated.

Who may see what:
- `citizen` (Nguyễn Văn An) owns the dossiers the tests create; `other_citizen` (Trần Thị Bình) must
  never see them.
- `organisation_user` acts for a company (enterprise code as username).
- `receptionist` works at the one-stop shop of `agency` (phường Ba Đình); `other_receptionist` works at
  `other_agency` (Sở Tư pháp Hà Nội) and must not see Ba Đình's dossiers.
- `specialist` processes and `leader` approves Ba Đình's dossiers; neither decides at reception.
- `submit(procedure)` submits a dossier of `citizen` through the real submission path.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    # PBKDF2 is slow on purpose; tests create and log in many accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Every test gets its own file store, so no test sees another's files.
    settings.MOTCUA_STORAGE_DIR = tmp_path / "storage"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Agencies made by the factories hold no signing key: results of tests about other things go out
    # unsealed. Tests of sealing install a key (signatures/tests/conftest.py) and set this back on.
    settings.MOTCUA_SEAL_REQUIRED = False
    # Signature verification in the test process (the worker pool has its own tests).
    settings.MOTCUA_VERIFY_WORKERS = 0
    # Rate-limit counters live in the cache: every test starts with none.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def agency(db):
    from motcua.identity.tests.factories import default_agency

    return default_agency()


@pytest.fixture
def other_agency(db):
    from motcua.catalog.models import Agency

    return Agency.objects.get_or_create(
        code="000.00.13.H26",
        defaults={
            "name": "Sở Tư pháp thành phố Hà Nội",
            "level": Agency.Level.PROVINCE,
            "one_stop_name": "Bộ phận Một cửa Sở Tư pháp",
        },
    )[0]


@pytest.fixture
def citizen(db):
    import datetime as dt

    from motcua.identity.tests.factories import CitizenFactory

    return CitizenFactory(
        username="001090012345",
        citizen_id="001090012345",
        full_name="Nguyễn Văn An",
        date_of_birth=dt.date(1990, 5, 17),
        phone="0912345678",
        email="an@example.com",
    )


@pytest.fixture
def other_citizen(db):
    import datetime as dt

    from motcua.identity.tests.factories import CitizenFactory

    return CitizenFactory(
        username="079195001234",
        citizen_id="079195001234",
        full_name="Trần Thị Bình",
        date_of_birth=dt.date(1995, 3, 2),
        email="binh@example.com",
    )


@pytest.fixture
def organisation_user(db):
    from motcua.identity.tests.factories import OrganisationUserFactory

    return OrganisationUserFactory()


@pytest.fixture
def receptionist(agency):
    from motcua.identity.tests.factories import OfficialFactory

    return OfficialFactory(agency=agency, username="tiepnhan.test")


@pytest.fixture
def other_receptionist(other_agency):
    from motcua.identity.tests.factories import OfficialFactory

    return OfficialFactory(agency=other_agency, username="tiepnhan.sotuphap.test")


@pytest.fixture
def specialist(agency):
    from motcua.identity.models import OfficialRole
    from motcua.identity.tests.factories import OfficialFactory

    return OfficialFactory(agency=agency, username="chuyenvien.test", roles=[OfficialRole.Role.SPECIALIST])


@pytest.fixture
def leader(agency):
    from motcua.identity.models import OfficialRole
    from motcua.identity.tests.factories import OfficialFactory

    return OfficialFactory(agency=agency, username="lanhdao.test", roles=[OfficialRole.Role.LEADER])


@pytest.fixture
def submit(citizen, pdf_bytes):
    """submit(procedure): a dossier of `citizen` submitted through dossiers.services.submission_create."""
    import uuid

    from motcua.catalog.tests.factories import SMALL_EFORM_ANSWERS
    from motcua.dossiers.services import submission_create

    def make(procedure, applicant=None):
        ack = submission_create(
            applicant=applicant or citizen,
            submission_key=uuid.uuid4().hex,
            procedure=procedure,
            agency=None,
            form_data={**SMALL_EFORM_ANSWERS, "ghi_chu": "Nộp lần đầu"},
            files=[("don", "don.pdf", [pdf_bytes])],
        )
        return ack.dossier

    return make


@pytest.fixture
def rule_set(db):
    import datetime as dt

    from motcua.catalog.models import RuleSet

    return RuleSet.objects.get_or_create(
        code="D118-2025",
        defaults={
            "name": "Nghị định 118/2025/NĐ-CP",
            "effective_from": dt.date(2025, 7, 1),
            "params": {"check_hours": 8, "receipt_outside_hours": "next_session", "same_day_cutoff": "15:00"},
        },
    )[0]


@pytest.fixture
def procedure(agency, rule_set):
    """A procedure of `agency` with a small e-form and two components: required PDF "don", optional "giay_to_khac"."""
    from motcua.catalog.tests.factories import ProcedureFactory

    return ProcedureFactory(agencies=[agency])


# -- Warehouse (R-WH-2): two procedures of `agency` that ask for the same kind of document, so a document
# verified in a dossier of one is reused in the other.

LAND = "giay_chung_nhan_qsdd"


@pytest.fixture
def land_type(db):
    from motcua.catalog.models import DocumentType

    return DocumentType.objects.create(code=LAND, name="Giấy chứng nhận quyền sử dụng đất")


def _with_land_component(procedure, code: str, name: str):
    from motcua.catalog.tests.factories import ComponentFactory

    ComponentFactory(
        procedure=procedure,
        code=code,
        name=name,
        required=False,
        accepted_formats=["pdf", "jpg", "png"],
        document_type=LAND,
        order=2,
    )
    return procedure


@pytest.fixture
def building_permit(agency, rule_set, land_type):
    """A procedure of `agency` asking for "don" and a land-use certificate "giay_to_dat"."""
    from motcua.catalog.tests.factories import ProcedureFactory

    return _with_land_component(
        ProcedureFactory(agencies=[agency], name="Cấp giấy phép xây dựng"), "giay_to_dat", "Giấy tờ về đất"
    )


@pytest.fixture
def business_registration(agency, rule_set, land_type):
    """Another procedure of `agency` whose component "dia_diem" asks for the same kind of document."""
    from motcua.catalog.tests.factories import ProcedureFactory

    return _with_land_component(
        ProcedureFactory(agencies=[agency], name="Đăng ký hộ kinh doanh"), "dia_diem", "Giấy tờ về địa điểm"
    )


SEAL_PASSWORD_ENV = "MOTCUA_TEST_SEAL_PASSWORD"  # noqa: S105 - the variable's name, not a password


@pytest.fixture
def seal_password(monkeypatch, settings, tmp_path):
    """The demo PKCS#12 password in the environment variable keys name, and a key folder of this test."""
    from motcua.signatures import pki

    monkeypatch.setenv(SEAL_PASSWORD_ENV, pki.P12_PASSWORD)
    settings.MOTCUA_KEYS_DIR = tmp_path / "keys"
    return SEAL_PASSWORD_ENV


@pytest.fixture
def seal_key(agency, pki_dir, seal_password):
    """`agency` holds the demo PKI's agency-seal as its active seal key."""
    from motcua.signatures.issuing import signing_key_install

    return signing_key_install(
        agency=agency, p12=(pki_dir / "agency-seal.p12").read_bytes(), password_env=seal_password
    )


@pytest.fixture
def leader_key(agency, leader, pki_dir, seal_password):
    """`leader` holds the demo PKI's official-leader certificate as their personal key at `agency`."""
    from motcua.signatures.issuing import signing_key_install

    return signing_key_install(
        agency=agency,
        holder=leader,
        p12=(pki_dir / "official-leader.p12").read_bytes(),
        password_env=seal_password,
    )


@pytest.fixture
def issued_result(seal_key, submit, procedure, receptionist, specialist, leader, pdf_bytes):
    """A sealed result of a dossier of `citizen`, issued through the workflow (R-RES-1), in the register."""
    from motcua.signatures.models import IssuedDocument
    from motcua.workflow import services

    dossier = submit(procedure)
    services.accept(dossier=dossier, official=receptionist)
    services.assign(dossier=dossier, official=leader, assignee=specialist)
    services.attach_result(dossier=dossier, official=specialist, original_name="kq.pdf", chunks=[pdf_bytes])
    services.submit_for_approval(dossier=dossier, official=specialist)
    services.approve(dossier=dossier, official=leader)
    services.issue_result(dossier=dossier, official=specialist)
    return IssuedDocument.objects.get(dossier=dossier, kind=IssuedDocument.Kind.RESULT)


@pytest.fixture
def signed_procedure(agency, rule_set):
    """A procedure of `agency` with signed components beside "don": "cam_ket" (signed by the applicant),
    "ban_sao" (certified copy, optional), "ky_rieng" (PDF or its detached .p7s, signed, optional)."""
    from motcua.catalog.models import Component
    from motcua.catalog.tests.factories import ProcedureFactory

    procedure = ProcedureFactory(agencies=[agency])
    for order, (code, name, formats, requirement, required) in enumerate(
        [
            ("cam_ket", "Bản cam kết", ["pdf"], Component.Signature.APPLICANT_SIGNED, True),
            ("ban_sao", "Bản sao giấy khai sinh", ["pdf"], Component.Signature.CERTIFIED_COPY, False),
            ("ky_rieng", "Văn bản ký tách rời", ["pdf", "p7s"], Component.Signature.APPLICANT_SIGNED, False),
        ],
        start=10,
    ):
        Component.objects.create(
            procedure=procedure, code=code, name=name, accepted_formats=formats, required=required,
            signature_requirement=requirement, order=order,
        )  # fmt: skip
    return procedure


@pytest.fixture
def signed_draft(citizen, signed_procedure):
    """A draft of `citizen` for `signed_procedure` with its e-form answered and no file yet."""
    from motcua.catalog.tests.factories import SMALL_EFORM_ANSWERS
    from motcua.dossiers.services import draft_create, draft_update

    draft = draft_create(applicant=citizen, procedure=signed_procedure)
    draft_update(dossier=draft, applicant=citizen, form_data=SMALL_EFORM_ANSWERS)
    return draft


# -- Digital signatures: the demo PKI, trusted, with its CRLs as if fetched ----------------------------
@pytest.fixture(scope="session")
def demo_pki():
    """Built once per test run: ten RSA keys take about a second."""
    from motcua.signatures import pki

    return pki.build_demo_pki()


@pytest.fixture(scope="session")
def pki_dir(demo_pki, tmp_path_factory):
    from motcua.signatures import pki

    folder = tmp_path_factory.mktemp("pki")
    pki.write_demo_pki(demo_pki, folder)
    return folder


@pytest.fixture
def trust_store(db, pki_dir):
    """The demo PKI's root and intermediate in the trust store, as `load_trust_store` puts them there."""
    from motcua.signatures import engine, services

    services.trust_store_load_folder(folder=pki_dir)
    engine.forget_trust()
    yield
    engine.forget_trust()


@pytest.fixture
def cached_crls(db, demo_pki, pki_dir):
    """The demo CRLs in the revocation cache, as if fetched: tests without the loopback CRL server."""
    import datetime as dt

    from motcua.signatures import pki, revocation
    from motcua.signatures.models import RevocationCacheEntry

    revocation.clear_memory_cache()
    urls = pki.urls(demo_pki.base_url)
    for name, url in ((pki.ROOT, urls["root_crl"]), (pki.INTERMEDIATE, urls["intermediate_crl"])):
        crl = demo_pki.root_crl if name == pki.ROOT else demo_pki.intermediate_crl
        RevocationCacheEntry.objects.create(
            key=url,
            kind="crl",
            url=url,
            der=(pki_dir / f"{name}.crl").read_bytes(),
            fetched_at=dt.datetime.now(dt.UTC),
            next_update=crl.next_update_utc,
        )
    yield
    revocation.clear_memory_cache()


def make_pdf(text: str = "motcua", pages: int = 1) -> bytes:
    """A small valid PDF."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def pdf_bytes() -> bytes:
    return make_pdf()


# -- Loopback PKI services (CRL, OCSP, CA certificates, RFC 3161 TSA) -------------------------------------


@pytest.fixture(scope="session")
def pki_services_session(tmp_path_factory):
    """The demo PKI served on a free loopback port for the whole run; prefer `pki_services` in tests."""
    from motcua.signatures.pkiserver import start_demo_services

    services = start_demo_services(folder=tmp_path_factory.mktemp("pki"))
    yield services
    services.stop()


@pytest.fixture
def pki_services(pki_services_session, settings):
    """The loopback PKI services, with every switch back to normal before and after the test.

    .base_url, .tsa_url, .ocsp_url, .pki (DemoPKI built for base_url), .folder (its files);
    switches: .set_mode(service, "down" | "reset" | "slow"), .slow_seconds, .set_ocsp_status(name, status),
    .revoke(name, at=...), .unrevoke(name), .tsa_time, .hits (see motcua.signatures.pkiserver.PKIServices).
    Points MOTCUA_PKI_DIR, MOTCUA_PKI_BASE_URL and MOTCUA_TSA_URL at it for the test.
    """
    services = pki_services_session
    services.reset()
    settings.MOTCUA_PKI_DIR = services.folder
    settings.MOTCUA_PKI_BASE_URL = services.base_url
    settings.MOTCUA_TSA_URL = services.tsa_url
    yield services
    services.reset()


@pytest.fixture
def online_trust_store(db, pki_services):
    """`pki_services` with its own root and intermediate trusted, and no revocation data cached yet.

    Signatures made with `testing.sign_pdf(..., pki_services.folder)` then validate over the wire: CRLs and
    OCSP answers come from the loopback server (see `pki_services.hits`), as from a public CA. Yields
    `pki_services`.
    """
    from motcua.signatures import engine, revocation, services

    services.trust_store_load_folder(folder=pki_services.folder)
    engine.forget_trust()
    revocation.clear_memory_cache()
    yield pki_services
    engine.forget_trust()
    revocation.clear_memory_cache()


# -- Connectors (issue 5): the sandbox of state databases on loopback -----------------------------------------
# Everything of the connectors in this file is in this block.

CONNECTOR_SECRET_ENV = "MOTCUA_TEST_CONNECTOR_SECRET"  # noqa: S105 - the variable's name, not a secret
CONNECTOR_CLIENT_ID = "motcua-test"
CONNECTOR_SECRET = "test-connector-secret"  # noqa: S105 - shared with the test sandbox only


@pytest.fixture(scope="session")
def connector_sandbox_session():
    """The connector sandbox on a free loopback port for the whole run; prefer `connector_sandbox` in tests."""
    from motcua.connectors.sandbox import SandboxService

    sandbox = SandboxService(clients={CONNECTOR_CLIENT_ID: CONNECTOR_SECRET}).start()
    yield sandbox
    sandbox.stop()


@pytest.fixture
def connector_sandbox(connector_sandbox_session, settings, monkeypatch):
    """The sandbox, every switch back to normal before and after the test, and every connector pointed at it.

    .base_url, .log / .entries(connector) (what the source saw: purpose, fields asked and returned, status),
    .records; switches: .set_mode("down" | "reset" | "slow" | "normal", connector=None), .slow_seconds,
    .set_record(connector, key, **changes), .remove_record(connector, key), .sign_responses_with
    (see motcua.connectors.sandbox.SandboxService). Connector timeouts are 500 ms here.
    """
    sandbox = connector_sandbox_session
    sandbox.reset()
    monkeypatch.setenv(CONNECTOR_SECRET_ENV, CONNECTOR_SECRET)
    settings.MOTCUA_CONNECTORS = {
        name: {
            "base_url": sandbox.base_url,
            "client_id": CONNECTOR_CLIENT_ID,
            "secret_env": CONNECTOR_SECRET_ENV,
            "timeout_ms": 500,
        }
        for name in ("population", "business", "results")
    }
    yield sandbox
    sandbox.reset()


@pytest.fixture(autouse=True)
def _vietnamese_first():
    """Every test starts in Vietnamese, whatever language the previous test's last request activated.

    Found while adding the connectors: LocaleMiddleware leaves the thread's language as the last request set
    it, so after portal's test_english_is_one_click_away every test without a database (pytest-django runs
    them last) spoke English, and ~50 e-form tests failed whenever portal and catalog ran in one session.
    """
    from django.utils import translation

    translation.activate("vi")
    yield
    translation.deactivate()


# -- end of the connectors block ------------------------------------------------------------------------------


# -- Browser tests: skipped where Chromium is missing, but mandatory in CI --------------------------------
# With MOTCUA_REQUIRE_BROWSER=1 (.ci/run sets it) a skipped test marked `browser` is reported as a failure,
# a module under tests/e2e/ skipped whole fails the run, and so does a run in which no browser test passed.

REQUIRE_BROWSER = os.environ.get("MOTCUA_REQUIRE_BROWSER") == "1"
E2E_DIR = Path("tests", "e2e")
skipped_modules: list[str] = []
browser_passed = 0


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    global browser_passed
    report = (yield).get_result()
    if not REQUIRE_BROWSER or item.get_closest_marker("browser") is None or hasattr(report, "wasxfail"):
        return
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"browser test skipped, but MOTCUA_REQUIRE_BROWSER=1 requires it to run: {reason}"
    elif report.when == "call" and report.passed:
        browser_passed += 1


def pytest_collectreport(report):
    if REQUIRE_BROWSER and report.skipped and Path(report.nodeid.split("::")[0]).is_relative_to(E2E_DIR):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        skipped_modules.append(f"{report.nodeid}: {reason}")


problems: list[str] = []


def pytest_sessionfinish(session, exitstatus):
    if not REQUIRE_BROWSER or session.config.option.collectonly:
        return
    problems.extend(f"browser test module skipped whole: {line}" for line in skipped_modules)
    if browser_passed == 0 and any((session.config.rootpath / E2E_DIR).glob("**/test_*.py")):
        problems.append("tests/e2e/ has test files, but no test marked `browser` passed")
    if problems and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter):
    if not REQUIRE_BROWSER:
        return
    terminalreporter.write_sep("=", "MOTCUA_REQUIRE_BROWSER=1", red=bool(problems), green=not problems)
    terminalreporter.write_line(f"browser tests passed: {browser_passed}")
    for problem in problems:
        terminalreporter.write_line(f"FAILED: {problem}", red=True)
