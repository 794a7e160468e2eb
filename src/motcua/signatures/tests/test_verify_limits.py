"""Heavy or hostile files cannot hurt the service: size, decoding, time and memory limits (issue 4)."""

import io
import time

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import copy_into_new_writer

from motcua.signatures import testing, verify
from motcua.signatures.report import Verdict


def test_file_over_the_size_limit_is_not_parsed(settings, tmp_path):
    settings.MOTCUA_VERIFY_MAX_BYTES = 1024 * 1024
    path = tmp_path / "big.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 1))
    report = verify.verify_file(path, content_type="application/pdf")
    assert (report.verdict, report.reason, report.reason_params) == (
        Verdict.INDETERMINATE,
        "too_large",
        {"limit": "1 MB"},
    )
    assert report.file_sha256


def test_pdf_whose_streams_decode_past_the_limit_is_too_large(db, settings):
    """The parser stops decoding (pyHanko DecodeLimits): here at a compressed cross-reference stream."""
    writer = copy_into_new_writer(PdfFileReader(io.BytesIO(testing.make_pdf())))
    writer.stream_xrefs = True
    out = io.BytesIO()
    writer.write(out)
    settings.MOTCUA_VERIFY_MAX_DECODED_BYTES = 16
    report = verify.verify_pdf_bytes(out.getvalue())
    assert (report.verdict, report.reason) == (Verdict.INDETERMINATE, "too_large")


def test_file_without_a_known_signature_format_has_no_signature(tmp_path):
    path = tmp_path / "anh.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    report = verify.verify_file(path, content_type="image/jpeg")
    assert (report.verdict, report.reason) == (Verdict.NONE, "no_signature")


@pytest.fixture
def pool():
    pool = verify.WorkerPool(1, 512 * 1024 * 1024)
    yield pool
    pool.close()


def test_worker_pool_runs_jobs_in_a_long_lived_process(pool):
    import os

    first = pool.call(os.getpid, timeout=30)
    assert first != os.getpid()
    assert pool.call(os.getpid, timeout=30) == first  # same worker: its caches survive between files


def test_worker_over_its_time_is_killed_and_replaced(pool):
    import os

    with pytest.raises(verify.WorkerTimeout):
        pool.call(time.sleep, 30, timeout=0.2)
    assert pool.call(os.getpid, timeout=30) != os.getpid()


def test_worker_running_out_of_memory_is_replaced(pool):
    with pytest.raises(verify.WorkerDied):
        pool.call(bytearray, 2 * 1024 * 1024 * 1024, timeout=30)
    assert pool.call(sum, [1, 2], timeout=30) == 3


def sleep_instead_of_verifying(*args):
    time.sleep(30)


def test_verification_over_the_time_limit_reports_too_large(settings, tmp_path, monkeypatch):
    settings.MOTCUA_VERIFY_WORKERS = 1
    settings.MOTCUA_VERIFY_TIMEOUT = 1
    monkeypatch.setattr(verify, "_pool", verify.WorkerPool(1, 512 * 1024 * 1024))
    monkeypatch.setattr(verify, "_verify_as_json", sleep_instead_of_verifying)
    path = tmp_path / "slow.xml"
    path.write_bytes(b"<x/>")
    report = verify.verify_file(path, content_type="application/xml")
    assert (report.verdict, report.reason, report.reason_params) == (
        Verdict.INDETERMINATE,
        "too_large",
        {"limit": "1 s"},
    )
    verify._pool.close()
