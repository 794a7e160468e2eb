"""The demo's sample files say what their names promise, so people trying the demo see each verdict."""

import pytest

from motcua.signatures import testing, verify

EXPECTED = {
    "chua-ky.pdf": ("none", "no_signature"),
    "da-ky-hop-le.pdf": ("valid", "ok"),
    "to-chuc-ky.pdf": ("valid", "ok"),
    "ban-sao-chung-thuc.pdf": ("valid", "ok"),
    "chung-thu-bi-thu-hoi.pdf": ("invalid", "revoked"),
    "chung-thu-het-han.pdf": ("invalid", "expired"),
    "khoa-yeu.pdf": ("invalid", "weak_key"),
}


@pytest.mark.usefixtures("trust_store", "cached_crls")
def test_each_demo_sample_gets_the_verdict_its_name_promises(pki_dir):
    """R-SIG-1, R-SIG-2 as a tester meets them in the demo."""
    written = testing.write_demo_samples(pki_dir)

    assert {path.name for path in written} == set(testing.DEMO_SAMPLES) == set(EXPECTED)
    for path in written:
        report = verify.verify_file(path, content_type="application/pdf")
        assert (report.verdict, report.reason) == EXPECTED[path.name], path.name
