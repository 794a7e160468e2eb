import pytest

from motcua.signatures import pki


@pytest.fixture(scope="session")
def demo_pki() -> pki.DemoPKI:
    """Built once per test run: ten RSA keys take about a second."""
    return pki.build_demo_pki()


@pytest.fixture(scope="session")
def pki_dir(demo_pki, tmp_path_factory):
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

    from motcua.signatures import revocation
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


SEAL_PASSWORD_ENV = "MOTCUA_TEST_SEAL_PASSWORD"


@pytest.fixture
def seal_password(monkeypatch, settings, tmp_path):
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
