"""Revocation data (R-SIG-1): CRLs and OCSP responses fetched from the URLs in the certificates, cached.

Each fetched CRL / OCSP response is kept until its nextUpdate, in the database (`RevocationCacheEntry`:
survives restarts, shared by every worker) and in this process's memory (no query on the hot path). The
validation itself is pyhanko-certvalidator's, which runs in an event loop where the ORM may not be used;
so the database is read before it (`preload`, for every certificate the file carries) and written after
it (`store_fetched`). Fetching uses urllib with MOTCUA_REVOCATION_TIMEOUT seconds per request; only
http(s) URLs are followed and issuer certificates are never fetched from the network (AIA): a chain must
be built from the file's certificates and the trust store.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import time
import urllib.error
import urllib.request
from collections.abc import AsyncGenerator, Iterable
from dataclasses import dataclass, field
from functools import cached_property

from asn1crypto import crl, ocsp, x509
from django.conf import settings
from pyhanko_certvalidator import errors
from pyhanko_certvalidator.authority import Authority
from pyhanko_certvalidator.fetchers.api import CertificateFetcher, CRLFetcher, Fetchers, OCSPFetcher
from pyhanko_certvalidator.fetchers.common_utils import (
    enumerate_delivery_point_urls,
    format_ocsp_request,
    process_ocsp_response_data,
)
from pyhanko_certvalidator.policy_decl import FRESHNESS_FALLBACK_VALIDITY_DEFAULT
from pyhanko_certvalidator.util import get_ocsp_urls, issuer_serial

MAX_RESPONSE_BYTES = 20 * 1024 * 1024  # a national CA's CRL is a few MB; more is hostile
OCSP_DEFAULT_LIFETIME = dt.timedelta(minutes=5)  # for a response without nextUpdate


@dataclass
class Entry:
    key: str
    kind: str  # "crl" | "ocsp"
    url: str
    der: bytes
    next_update: dt.datetime
    fetched_at: dt.datetime

    @cached_property
    def digest(self) -> bytes:
        """Identifies the data itself: a cached verdict that relied on it is reused only with the same data."""
        return hashlib.sha256(self.der).digest()

    @cached_property
    def revocations(self) -> dict[int, dt.datetime]:
        """Serial number -> revocation time of every certificate it lists as revoked (parsed once)."""
        if self.kind == "crl":
            revoked = crl.CertificateList.load(self.der)["tbs_cert_list"]["revoked_certificates"]
            return {r["user_certificate"].native: r["revocation_date"].native for r in revoked}
        found = {}
        for single in _ocsp_singles(self.der):
            status = single["cert_status"]
            if status.name == "revoked":
                found[single["cert_id"]["serial_number"].native] = status.chosen["revocation_time"].native
        return found

    @cached_property
    def times(self) -> tuple[dt.datetime, ...]:
        """Every time in it a validation compares its moment with (issue and update times, revocations)."""
        if self.kind == "crl":
            tbs = crl.CertificateList.load(self.der)["tbs_cert_list"]
            this_update, next_update = tbs["this_update"].native, tbs["next_update"].native
            moments = [this_update, next_update or this_update + FRESHNESS_FALLBACK_VALIDITY_DEFAULT]
        else:
            basic = ocsp.OCSPResponse.load(self.der)["response_bytes"]["response"].parsed
            moments = [basic["tbs_response_data"]["produced_at"].native]
            for single in basic["tbs_response_data"]["responses"]:
                this_update, next_update = single["this_update"].native, single["next_update"].native
                # certvalidator gives a response without nextUpdate a fixed lifetime
                moments += [this_update, next_update or this_update + FRESHNESS_FALLBACK_VALIDITY_DEFAULT]
        moments.extend(self.revocations.values())
        return tuple(m for m in moments if m is not None)


def _ocsp_singles(der: bytes) -> list:
    return list(
        ocsp.OCSPResponse.load(der)["response_bytes"]["response"].parsed["tbs_response_data"]["responses"]
    )


# key -> Entry; filled from the database and from fetches, dropped once past nextUpdate.
_memo: dict[str, Entry] = {}
# URL -> monotonic time until which it is not tried again: a dead responder costs one timeout, not one per file.
_down: dict[str, float] = {}
DOWN_FOR = 30.0
# key -> monotonic time until which the database is not asked again for it (it had no fresh row).
_absent: dict[str, float] = {}


def clear_memory_cache() -> None:
    _memo.clear()
    _down.clear()
    _absent.clear()


# certificate SHA-256 -> (its CRL URLs, its OCSP cache keys): read from the extensions once per certificate
_sources: dict[bytes, tuple[tuple[str, ...], tuple[str, ...]]] = {}
MAX_SOURCES = 10_000


def sources(cert: x509.Certificate) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The cache keys of the revocation data that can answer for this certificate: CRL URLs, OCSP keys."""
    found = _sources.get(cert.sha256)
    if found is None:
        urls: list[str] = []
        for point in cert.crl_distribution_points or ():
            urls.extend(enumerate_delivery_point_urls(point))
        found = (tuple(urls), tuple(f"ocsp:{url}:{issuer_serial(cert).hex()}" for url in get_ocsp_urls(cert)))
        if len(_sources) >= MAX_SOURCES:
            _sources.clear()
        _sources[cert.sha256] = found
    return found


def crl_urls(cert: x509.Certificate) -> list[str]:
    return list(sources(cert)[0])


def ocsp_key(url: str, cert: x509.Certificate) -> str:
    return f"ocsp:{url}:{issuer_serial(cert).hex()}"


def fresh_entry(key: str) -> Entry | None:
    """The cached CRL / OCSP response under this key, if it is still before its nextUpdate."""
    return _fresh(_memo.get(key))


def down_until(url: str) -> float:
    """Monotonic time until which `url` is not tried again (0.0 when it may be tried now)."""
    return _down.get(url, 0.0)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _fresh(entry: Entry | None) -> Entry | None:
    if entry is None or entry.next_update <= _now():
        return None
    return entry


def preload(certs: Iterable[x509.Certificate]) -> None:
    """Bring the database's still-fresh entries for these certificates into memory (one query)."""
    from motcua.signatures.models import RevocationCacheEntry

    keys: set[str] = set()
    for cert in certs:
        crls, ocsps = sources(cert)
        keys.update(crls)
        keys.update(ocsps)
    now = time.monotonic()
    wanted = [k for k in keys if _fresh(_memo.get(k)) is None and _absent.get(k, 0.0) <= now]
    if not wanted:
        return
    for row in RevocationCacheEntry.objects.filter(key__in=wanted, next_update__gt=_now()):
        _memo[row.key] = Entry(row.key, row.kind, row.url, bytes(row.der), row.next_update, row.fetched_at)
    if len(_absent) > MAX_SOURCES:
        _absent.clear()
    for key in wanted:
        if key not in _memo:
            # e.g. the OCSP response of a responder that never answers: not asked for again at every file
            _absent[key] = now + DOWN_FOR


def store_fetched(entries: Iterable[Entry]) -> None:
    """Write what this verification fetched to the database, for the other workers and after a restart."""
    from motcua.signatures.models import RevocationCacheEntry

    for entry in entries:
        RevocationCacheEntry.objects.update_or_create(
            key=entry.key,
            defaults={
                "kind": entry.kind,
                "url": entry.url,
                "der": entry.der,
                "fetched_at": entry.fetched_at,
                "next_update": entry.next_update,
            },
        )


def _http(url: str, *, data: bytes | None = None, content_type: str = "") -> bytes:
    if _down.get(url, 0.0) > time.monotonic():
        raise OSError(f"{url} did not answer a moment ago")
    try:
        return _request(url, data=data, content_type=content_type)
    except OSError:
        _down[url] = time.monotonic() + DOWN_FOR
        raise


def _request(url: str, *, data: bytes | None = None, content_type: str = "") -> bytes:
    if not url.lower().startswith(("http://", "https://")):
        raise OSError(f"unsupported URL scheme: {url}")
    headers = {"User-Agent": "motcua-signature-verifier"}
    if content_type:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310 - scheme checked above
    timeout = settings.MOTCUA_REVOCATION_TIMEOUT
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        body = response.read(MAX_RESPONSE_BYTES + 1)
    if len(body) > MAX_RESPONSE_BYTES:
        raise OSError(f"response from {url} too large")
    return body


@dataclass
class FetchLog:
    """What one verification used and fetched: the evidence (R-SIG-4) and the rows to write back."""

    used: dict[str, Entry] = field(default_factory=dict)  # key -> entry, memo hits and fetches alike
    fetched: list[Entry] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # URLs that could not be fetched

    def merge(self, other: FetchLog) -> None:
        self.used.update(other.used)
        self.fetched.extend(other.fetched)
        self.failures.extend(other.failures)

    def crls(self) -> list[bytes]:
        return [e.der for e in self.used.values() if e.kind == "crl"]

    def ocsp_responses(self) -> list[bytes]:
        return [e.der for e in self.used.values() if e.kind == "ocsp"]


class _CRLFetcher(CRLFetcher):
    def __init__(self, log: FetchLog):
        self.log = log
        self._by_cert: dict[bytes, list[crl.CertificateList]] = {}

    async def fetch(self, cert, *, use_deltas=None) -> Iterable[crl.CertificateList]:
        results = []
        for url in crl_urls(cert):
            entry = _fresh(_memo.get(url))
            if entry is None:
                try:
                    der = await asyncio.to_thread(_http, url)
                    parsed = crl.CertificateList.load(der)
                    next_update = parsed["tbs_cert_list"]["next_update"].native
                except (OSError, urllib.error.URLError, ValueError, TypeError, KeyError):
                    self.log.failures.append(url)
                    continue
                now = _now()
                entry = Entry(url, "crl", url, der, next_update or now, now)
                if entry.next_update > now:
                    _memo[url] = entry
                self.log.fetched.append(entry)
            self.log.used[url] = entry
            results.append(crl.CertificateList.load(entry.der))
        if not results:
            raise errors.CRLFetchError("no CRL could be fetched")
        self._by_cert[issuer_serial(cert)] = results
        return results

    def fetched_crls(self) -> Iterable[crl.CertificateList]:
        return [c for crls in self._by_cert.values() for c in crls]

    def fetched_crls_for_cert(self, cert) -> Iterable[crl.CertificateList]:
        return self._by_cert[issuer_serial(cert)]


class _OCSPFetcher(OCSPFetcher):
    def __init__(self, log: FetchLog):
        self.log = log
        self._by_cert: dict[bytes, ocsp.OCSPResponse] = {}

    async def fetch(self, cert, authority: Authority) -> ocsp.OCSPResponse:
        for url in get_ocsp_urls(cert):
            key = ocsp_key(url, cert)
            entry = _fresh(_memo.get(key))
            if entry is None:
                # No nonce: a response is cached and reused until its nextUpdate.
                request = format_ocsp_request(
                    cert, authority, certid_hash_algo="sha256", request_nonces=False
                )
                try:
                    der = await asyncio.to_thread(
                        _http, url, data=request.dump(), content_type="application/ocsp-request"
                    )
                    response = process_ocsp_response_data(der, ocsp_request=request, ocsp_url=url)
                    single = response["response_bytes"]["response"].parsed["tbs_response_data"]["responses"][
                        0
                    ]
                    next_update = single["next_update"].native
                except (
                    OSError,
                    urllib.error.URLError,
                    ValueError,
                    TypeError,
                    KeyError,
                    errors.OCSPValidationError,
                ):
                    self.log.failures.append(url)
                    continue
                now = _now()
                entry = Entry(key, "ocsp", url, der, next_update or now + OCSP_DEFAULT_LIFETIME, now)
                _memo[key] = entry
                self.log.fetched.append(entry)
            self.log.used[key] = entry
            response = ocsp.OCSPResponse.load(entry.der)
            self._by_cert[issuer_serial(cert)] = response
            return response
        raise errors.OCSPFetchError("no OCSP response could be fetched")

    def fetched_responses(self) -> Iterable[ocsp.OCSPResponse]:
        return list(self._by_cert.values())

    def fetched_responses_for_cert(self, cert) -> Iterable[ocsp.OCSPResponse]:
        found = self._by_cert.get(issuer_serial(cert))
        return [found] if found is not None else []


class _NoCertificateFetcher(CertificateFetcher):
    """Issuer certificates come from the file and the trust store, never from URLs an attacker chose."""

    async def fetch_cert_issuers(self, cert) -> AsyncGenerator[x509.Certificate, None]:  # type: ignore[override]
        return
        yield

    async def fetch_crl_issuers(self, certificate_list) -> AsyncGenerator[x509.Certificate, None]:  # type: ignore[override]
        return
        yield

    def fetched_certs(self) -> Iterable[x509.Certificate]:
        return []


def fetchers(log: FetchLog) -> Fetchers:
    return Fetchers(
        ocsp_fetcher=_OCSPFetcher(log), crl_fetcher=_CRLFetcher(log), cert_fetcher=_NoCertificateFetcher()
    )
