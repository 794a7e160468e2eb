import pytest

from motcua.signatures import pki


@pytest.fixture(scope="session")
def demo_pki(pki_services_session) -> pki.DemoPKI:
    """The demo PKI of the loopback services (root conftest): its CRL and OCSP URLs answer."""
    return pki_services_session.pki


@pytest.fixture(scope="session")
def pki_dir(pki_services_session):
    """The folder `demo_pki` was written to (write_demo_pki)."""
    return pki_services_session.folder
