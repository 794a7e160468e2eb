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


SEAL_PASSWORD_ENV = "MOTCUA_TEST_SEAL_PASSWORD"


@pytest.fixture
def seal_password(monkeypatch, settings, tmp_path):
    monkeypatch.setenv(SEAL_PASSWORD_ENV, pki.P12_PASSWORD)
    settings.MOTCUA_KEYS_DIR = tmp_path / "keys"
    return SEAL_PASSWORD_ENV


@pytest.fixture
def seal_key(agency, pki_dir, seal_password):
    """`agency` holds the demo PKI's agency-seal as its active seal key."""
    from motcua.signatures.services import signing_key_install

    return signing_key_install(
        agency=agency, p12=(pki_dir / "agency-seal.p12").read_bytes(), password_env=seal_password
    )


@pytest.fixture
def leader_key(agency, leader, pki_dir, seal_password):
    """`leader` holds the demo PKI's official-leader certificate as their personal key at `agency`."""
    from motcua.signatures.services import signing_key_install

    return signing_key_install(
        agency=agency,
        holder=leader,
        p12=(pki_dir / "official-leader.p12").read_bytes(),
        password_env=seal_password,
    )
