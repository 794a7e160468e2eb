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
