import hashlib

import pytest

from motcua.dossiers import sniff, storage


def chunked(data: bytes, size: int = 1000):
    for start in range(0, len(data), size):
        yield data[start : start + size]


def test_a_file_is_stored_under_its_sha256_and_only_once(settings):
    data = b"%PDF-1.7\n" + b"x" * 5000
    first = storage.store_chunks(chunked(data), max_bytes=10_000)
    second = storage.store_chunks(chunked(data), max_bytes=10_000)
    assert first.sha256 == second.sha256 == hashlib.sha256(data).hexdigest()
    assert first.path.read_bytes() == data
    assert first.size == len(data)
    stored = [p for p in storage.root().rglob("*") if p.is_file()]
    assert stored == [first.path]  # no duplicate, no leftover temporary file


def test_an_upload_over_the_limit_is_stopped_and_leaves_nothing_behind():
    with pytest.raises(storage.TooLarge):
        storage.store_chunks(chunked(b"a" * 5000), max_bytes=4096)
    assert [p for p in storage.root().rglob("*") if p.is_file()] == []


def test_the_stream_is_read_chunk_by_chunk_and_stops_at_the_limit():
    served = []

    def endless():
        while True:
            served.append(1)
            yield b"z" * 1024

    with pytest.raises(storage.TooLarge):
        storage.store_chunks(endless(), max_bytes=10 * 1024)
    assert len(served) == 11  # never more than one chunk past the limit is read


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.4\n%\xe2\xe3", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"<?xml version='1.0'?><a/>", "application/xml"),
        (b"MZ\x90\x00", "application/octet-stream"),
        (b"", "application/octet-stream"),
    ],
)
def test_the_type_comes_from_the_content(head, expected):
    assert sniff.sniff(head) == expected
