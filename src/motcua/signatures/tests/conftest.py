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
