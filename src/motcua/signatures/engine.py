"""The verification engine behind `motcua.signatures.verify`: one function per format, one per signer.

PDF (pyHanko), detached CMS (pyHanko's CMS tools) and XML (signxml) each find their signatures and the
signed data; every signer certificate then goes through the same checks (`_check_signer`): algorithms,
trust path, validity at signing time, key usage, revocation, timestamp — with pyhanko-certvalidator,
against the trust store, with revocation data from `revocation`. Callers get a `Report`; inputs are hostile.

Decisions, all visible in the report:
- Validity and revocation are judged at the signing time: the trusted RFC 3161 timestamp when there is a
  valid one, else the time the signer claims, else now.
- A certificate revoked after the signing time keeps the signature valid (warning "revoked_after_signing")
  only when a trusted timestamp proves the time; a merely claimed time can be backdated, so then it is
  "revoked" (invalid).
- Revocation that could not be checked is never a silent "valid". Policy "hard": the revocation check
  fails and the verdict is indeterminate. Policy "soft": the check is "unknown", the signature's verdict is
  valid but its reason — shown beside the verdict and carried up to the file — is "revocation_unavailable".
- An unknown CA ("untrusted") or unavailable revocation makes a verdict indeterminate; every other failed
  check makes it invalid.
- Annotations added after a signature count as a content change: a free-text annotation can cover text.
"""

from __future__ import annotations

import asyncio
import bisect
import datetime as dt
import hashlib
import io
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from asn1crypto import cms, keys
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from pyhanko.pdf_utils.decode_limits import DecodeLimits, DocumentDecodeBudget, StreamDecodeLimits
from pyhanko.pdf_utils.misc import PdfDecodeLimitError, PdfReadError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, DiffResult, ModificationLevel
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import generic_cms
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import CertificateValidator, ValidationContext, errors
from pyhanko_certvalidator.authority import CertTrustAnchor
from pyhanko_certvalidator.registry import SimpleTrustManager

from motcua.signatures import revocation, selectors, speedups
from motcua.signatures.aio import run_sync
from motcua.signatures.report import (
    Check,
    CheckKind,
    CheckStatus,
    Evidence,
    Report,
    SignatureResult,
    Verdict,
    now_iso,
    overall,
)

speedups.install()

WEAK_HASHES = {"md2", "md5", "sha1"}
MIN_RSA_BITS = 2048
MIN_EC_BITS = 256
# Reasons that leave the verdict undecided rather than negative.
INDETERMINATE_REASONS = {"untrusted", "revocation_unavailable", "too_large", "encrypted"}
UID_OID = "0.9.2342.19200300.100.1.1"


class TooLarge(Exception):
    def __init__(self, limit: str):
        super().__init__(limit)
        self.limit = limit


# ---------------------------------------------------------------------------------------------- trust


@dataclass(frozen=True)
class Trust:
    """The active trust store, parsed once per process and reused until the store changes."""

    version: tuple[int, str]
    roots: list[asn1_x509.Certificate]
    intermediates: list[asn1_x509.Certificate]
    trust_manager: SimpleTrustManager
    root_fingerprints: frozenset[bytes]


_trust: Trust | None = None


def current_trust() -> Trust:
    global _trust
    version = selectors.trust_store_version()
    if _trust is None or _trust.version != version:
        roots, intermediates = [], []
        for kind, der in selectors.trust_store_active():
            (roots if kind == "root" else intermediates).append(asn1_x509.Certificate.load(der))
        manager = SimpleTrustManager.build(trust_roots=[CertTrustAnchor(c) for c in roots])
        _trust = Trust(version, roots, intermediates, manager, frozenset(c.sha256 for c in roots))
    return _trust


def forget_trust() -> None:
    global _trust
    _trust = None
    forget_chains()


def validation_context(
    trust: Trust, *, moment: dt.datetime | None, log: revocation.FetchLog, extra_certs: list
) -> ValidationContext:
    return ValidationContext(
        trust_manager=trust.trust_manager,
        other_certs=[*trust.intermediates, *extra_certs],
        moment=moment,
        time_tolerance=TIME_TOLERANCE,
        allow_fetching=True,
        fetchers=revocation.fetchers(log),
        revocation_mode="soft-fail",  # we judge missing revocation data ourselves, per MOTCUA_REVOCATION_POLICY
        retroactive_revinfo=True,  # a CRL issued after the signing time still tells whether it was revoked then
    )


# ---------------------------------------------------------------------------------------------- chains
#
# Validating a certificate path (building it, checking every certificate's signature, the CRLs' signatures,
# validity and revocation at the signing time) costs tens of milliseconds, and real traffic is many files
# signed under few CAs. So the outcome is kept, keyed on everything it depends on:
#
# - the signer's certificate and the other certificates the file carries (they may offer another path);
# - the trust store's version (any change to it: added, removed, (de)activated CA);
# - the revocation data the validation could consult: for every CRL URL and OCSP key of those
#   certificates and of the trust store's CAs, the SHA-256 of the cached CRL / response, or None when
#   there is none (so a newer CRL, or one that went past its nextUpdate, is a different key);
# - where the validation time falls among the times it is compared with: every certificate's notBefore
#   and notAfter, every CRL's / OCSP response's thisUpdate, nextUpdate and revocation times, each also
#   shifted by the time tolerance. Between two consecutive such times every comparison certvalidator
#   makes comes out the same, so the outcome is the same for every signing time in that interval; and
#   whether the time was given at all (no time: "now", which certvalidator treats differently).
#
# An outcome that saw a fetch fail is used only while that URL is not tried again (revocation.DOWN_FOR):
# until then a fresh validation would not try it either, so it would give the same answer.

TIME_TOLERANCE = dt.timedelta(seconds=1)
MAX_CHAIN_CACHE = 4096


@dataclass(frozen=True)
class ChainOutcome:
    """What certvalidator said about one certificate at one time, replayable for the next file."""

    path_certs: tuple[asn1_x509.Certificate, ...] | None  # the validated path, root included
    error: Exception | None  # why there is no path (revoked, expired, untrusted, …)
    soft_failures: tuple[Exception, ...]  # what certvalidator had to ignore (soft-fail revocation)
    used: tuple[tuple[str, revocation.Entry], ...]  # the revocation data it relied on: evidence


# key -> (outcome, the URLs it could not reach)
_chains: OrderedDict[tuple, tuple[ChainOutcome, tuple[str, ...]]] = OrderedDict()
_cert_times: dict[bytes, tuple[dt.datetime, ...]] = {}


def forget_chains() -> None:
    _chains.clear()


def _still_down(urls: tuple[str, ...]) -> bool:
    """Whether a validation now would skip every one of these URLs, as the one that could not reach them."""
    now = time.monotonic()
    return all(revocation.down_until(url) > now for url in urls)


def _expand(times: tuple[dt.datetime, ...]) -> list[dt.datetime]:
    return sorted({t + shift for t in times for shift in (-TIME_TOLERANCE, dt.timedelta(0), TIME_TOLERANCE)})


def _cell(times: list[dt.datetime], moment: dt.datetime) -> tuple[int, int]:
    """Which interval between the (sorted) times holds `moment`; equal to one of them is its own cell."""
    return bisect.bisect_left(times, moment), bisect.bisect_right(times, moment)


def _validity_times(cert: asn1_x509.Certificate) -> list[dt.datetime]:
    found = _cert_times.get(cert.sha256)
    if found is None:
        validity = cert["tbs_certificate"]["validity"]
        found = tuple(_expand((validity["not_before"].native, validity["not_after"].native)))
        if len(_cert_times) >= MAX_CHAIN_CACHE:
            _cert_times.clear()
        _cert_times[cert.sha256] = found
    return found  # type: ignore[return-value]


def _chain_key(
    cert: asn1_x509.Certificate,
    embedded: list[asn1_x509.Certificate],
    trust: Trust,
    moment: dt.datetime | None,
) -> tuple:
    at = moment or dt.datetime.now(dt.UTC)
    certs = [cert, *embedded, *trust.intermediates, *trust.roots]
    validity = tuple((c.sha256, _cell(_validity_times(c), at)) for c in certs)
    data = []
    for c in certs:
        crl_keys, ocsp_keys = revocation.sources(c)
        for key in (*crl_keys, *ocsp_keys):
            entry = revocation.fresh_entry(key)
            if entry is None:
                data.append((key, None))
            else:
                data.append((key, entry.digest, _cell(_entry_times(entry), at)))
    return (
        cert.sha256,
        tuple(sorted(c.sha256 for c in embedded)),
        trust.version,
        moment is None,
        validity,
        tuple(data),
    )


def _entry_times(entry: revocation.Entry) -> list[dt.datetime]:
    expanded = entry.__dict__.get("_expanded_times")
    if expanded is None:
        expanded = entry.__dict__["_expanded_times"] = _expand(entry.times)
    return expanded


async def validate_chain(
    cert: asn1_x509.Certificate,
    embedded: list[asn1_x509.Certificate],
    trust: Trust,
    moment: dt.datetime | None,
    log: revocation.FetchLog,
) -> ChainOutcome:
    """certvalidator's verdict on the signer's certificate at `moment`, from the cache when it is known."""
    key = _chain_key(cert, embedded, trust, moment)
    cached = _chains.get(key)
    if cached is not None and _still_down(cached[1]):
        _chains.move_to_end(key)
        log.used.update(cached[0].used)
        return cached[0]
    own = revocation.FetchLog()
    context = validation_context(trust, moment=moment, log=own, extra_certs=embedded)
    path_certs = error = None
    try:
        path = await CertificateValidator(cert, validation_context=context).async_validate_path()
        path_certs = tuple(path.iter_certs(include_root=True))
    except Exception as exc:  # judged by _chain_checks, like every other outcome
        error = exc
    outcome = ChainOutcome(path_certs, error, tuple(context.soft_fail_exceptions), tuple(own.used.items()))
    log.merge(own)
    # Kept under the key of the revocation data as it is now, if what changed since is only what this
    # validation fetched itself (another thread may have brought something newer); after a failed fetch,
    # only while that URL is not tried again.
    failed = tuple(own.failures)
    after = _chain_key(cert, embedded, trust, moment)
    fetched = {entry.key: entry.digest for entry in own.fetched}
    if (
        _still_down(failed)
        and after[:-1] == key[:-1]
        and all(
            old == new or (len(new) == 3 and fetched.get(new[0]) == new[1])
            for old, new in zip(key[-1], after[-1], strict=True)
        )
    ):
        _chains[after] = (outcome, failed)
        if len(_chains) > MAX_CHAIN_CACHE:
            _chains.popitem(last=False)
    return outcome


# ---------------------------------------------------------------------------------------------- results


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _verdict(checks: list[Check]) -> tuple[str, str, dict[str, Any]]:
    failed = [c for c in checks if c.status == CheckStatus.FAILED]
    unknown = [c for c in checks if c.status == CheckStatus.UNKNOWN]
    for check in failed:
        if check.reason not in INDETERMINATE_REASONS:
            return Verdict.INVALID, check.reason, check.params
    if failed:
        return Verdict.INDETERMINATE, failed[0].reason, failed[0].params
    if unknown:
        # only a soft-fail revocation check ends up here: valid, but the reason says what was not checked
        verdict = (
            Verdict.VALID
            if all(c.reason == "revocation_unavailable" for c in unknown)
            else Verdict.INDETERMINATE
        )
        return verdict, unknown[0].reason, unknown[0].params
    return Verdict.VALID, "ok", {}


def _name_attr(name: asn1_x509.Name, attr: str) -> str:
    native = name.native
    value = native.get(attr, "")
    if isinstance(value, list):
        value = value[-1] if value else ""
    return str(value)


def _uid(cert: asn1_x509.Certificate) -> str:
    for rdn in cert.subject.chosen:
        for type_value in rdn:
            if type_value["type"].dotted == UID_OID:
                return str(type_value["value"].native)
    return ""


@dataclass
class Signer:
    """One signature's raw material, whatever the format."""

    index: int
    field_name: str
    cert: asn1_x509.Certificate | None
    embedded_certs: list[asn1_x509.Certificate]
    signer_info: cms.SignerInfo | None  # None for XML
    digest_algorithm: str
    signature_algorithm: str  # hash part, e.g. "sha256"
    checks: list[Check]  # format-specific checks made so far (format, integrity, coverage, modification)
    claimed_time: dt.datetime | None = None
    raw_digest: Callable[[str], bytes] | None = None


@dataclass
class Collected:
    certificates: dict[bytes, bytes] = field(default_factory=dict)  # sha256 -> DER, in order of use
    timestamps: list[bytes] = field(default_factory=list)
    log: revocation.FetchLog = field(default_factory=revocation.FetchLog)

    def add_cert(self, cert: asn1_x509.Certificate) -> None:
        self.certificates.setdefault(cert.sha256, cert.dump())

    def evidence(self) -> Evidence:
        return Evidence(
            certificates=[Evidence.encode(d) for d in self.certificates.values()],
            crls=[Evidence.encode(d) for d in self.log.crls()],
            ocsp_responses=[Evidence.encode(d) for d in self.log.ocsp_responses()],
            timestamps=[Evidence.encode(d) for d in self.timestamps],
        )


def _failed_result(index: int, field_name: str, reason: str, params: dict | None = None) -> SignatureResult:
    check = Check(CheckKind.FORMAT, CheckStatus.FAILED, reason, params or {})
    verdict, reason, params = _verdict([check])
    return SignatureResult(
        index=index,
        verdict=verdict,
        reason=reason,
        reason_params=params,
        field_name=field_name,
        checks=[check],
    )


def make_report(
    fmt: str, data: bytes, signatures: list[SignatureResult], collected: Collected, sha256: str | None = None
) -> Report:
    verdict, reason, params = overall(signatures)
    return Report(
        format=fmt,
        file_sha256=sha256 or hashlib.sha256(data).hexdigest(),
        verified_at=now_iso(),
        policy=settings.MOTCUA_REVOCATION_POLICY,
        verdict=verdict,
        reason=reason,
        reason_params=params,
        signatures=signatures,
        evidence=collected.evidence(),
    )


def file_report(fmt: str, data: bytes, verdict: str, reason: str, params: dict | None = None) -> Report:
    """A report about the file as a whole (encrypted, too large, unreadable), with no signature results."""
    return Report(
        format=fmt,
        file_sha256=hashlib.sha256(data).hexdigest(),
        verified_at=now_iso(),
        policy=settings.MOTCUA_REVOCATION_POLICY,
        verdict=verdict,
        reason=reason,
        reason_params=params or {},
    )


# ---------------------------------------------------------------------------------------------- checks


_self_issued_memo: dict[bytes, bool] = {}


def _self_issued(cert: asn1_x509.Certificate) -> bool:
    """cert.self_issued, remembered per certificate: it compares two names the slow RFC 5280 way."""
    found = _self_issued_memo.get(cert.sha256)
    if found is None:
        if len(_self_issued_memo) >= MAX_CHAIN_CACHE:
            _self_issued_memo.clear()
        found = _self_issued_memo[cert.sha256] = bool(cert.self_issued)
    return found


def _chain(cert: asn1_x509.Certificate, pool: list[asn1_x509.Certificate]) -> list[asn1_x509.Certificate]:
    """The certificate and its issuers as far as the pool goes (by name), for the algorithm check."""
    chain = [cert]
    by_subject = {c.subject.dump(): c for c in pool}
    current = cert
    while not _self_issued(current) and len(chain) < 10:
        issuer = by_subject.get(current.issuer.dump())
        if issuer is None or issuer in chain:
            break
        chain.append(issuer)
        current = issuer
    return chain


def _key_bits(cert: asn1_x509.Certificate) -> tuple[str, int]:
    public_key: keys.PublicKeyInfo = cert.public_key
    algorithm = public_key.algorithm
    if algorithm in ("rsa", "rsassa_pss"):
        return "RSA", public_key.bit_size
    if algorithm == "ec":
        return "ECDSA", public_key.bit_size
    return algorithm.upper(), public_key.bit_size


def _algorithm_check(signer: Signer, chain: list[asn1_x509.Certificate]) -> Check:
    hashes = [signer.digest_algorithm, signer.signature_algorithm]
    for cert in chain:
        if _self_issued(cert):
            continue  # a root's signature on itself is not relied upon
        hashes.append(cert.hash_algo)
    for name in hashes:
        if name and name.lower() in WEAK_HASHES:
            return Check(
                CheckKind.ALGORITHM,
                CheckStatus.FAILED,
                "weak_hash",
                {"algorithm": name.upper().replace("SHA1", "SHA-1")},
            )
    for cert in chain:
        algorithm, bits = _key_bits(cert)
        minimum = {"RSA": MIN_RSA_BITS, "ECDSA": MIN_EC_BITS}.get(algorithm)
        if minimum and bits < minimum:
            return Check(
                CheckKind.ALGORITHM, CheckStatus.FAILED, "weak_key", {"algorithm": algorithm, "bits": bits}
            )
    return Check(CheckKind.ALGORITHM, CheckStatus.OK)


def _key_usage_check(cert: asn1_x509.Certificate) -> Check:
    usage = cert.key_usage_value
    if usage is None or {"digital_signature", "non_repudiation"} & set(usage.native):
        return Check(CheckKind.KEY_USAGE, CheckStatus.OK)
    return Check(CheckKind.KEY_USAGE, CheckStatus.FAILED, "bad_key_usage")


def _revocation_entry(
    cert: asn1_x509.Certificate, log: revocation.FetchLog
) -> tuple[bool, dt.datetime | None]:
    """(revocation data was found for it, its revocation time if listed) from what this verification used."""
    crl_keys, ocsp_keys = revocation.sources(cert)
    found = False
    for key in (*crl_keys, *ocsp_keys):
        entry = log.used.get(key)
        if entry is None:
            continue
        found = True
        revoked_at = entry.revocations.get(cert.serial_number)
        if revoked_at is not None:
            return True, revoked_at
    return found, None


async def _check_signer(signer: Signer, trust: Trust, collected: Collected) -> SignatureResult:
    checks = list(signer.checks)
    cert = signer.cert
    details: dict[str, Any] = {"index": signer.index, "field_name": signer.field_name}
    if cert is None:
        checks.append(Check(CheckKind.FORMAT, CheckStatus.FAILED, "corrupt"))
        verdict, reason, params = _verdict(checks)
        return SignatureResult(verdict=verdict, reason=reason, reason_params=params, checks=checks, **details)
    details.update(
        signer_name=_name_attr(cert.subject, "common_name"),
        signer_id=_uid(cert),
        organization=_name_attr(cert.subject, "organization_name"),
        issuer_name=_name_attr(cert.issuer, "common_name"),
        certificate_sha256=cert.sha256.hex(),
    )
    collected.add_cert(cert)

    # Algorithms, before anything asks cryptography to verify a SHA-1 signature it cannot check.
    chain = _chain(cert, [*signer.embedded_certs, *trust.intermediates, *trust.roots])
    algorithm = _algorithm_check(signer, chain)
    checks.append(algorithm)

    # Timestamp: validated at now, against the same trust store.
    ts_time: dt.datetime | None = None
    if signer.signer_info is not None:
        try:
            # a validation context is costly to build: only when there is a timestamp token to validate
            ts_context = (
                validation_context(trust, moment=None, log=collected.log, extra_certs=[])
                if _has_timestamp(signer.signer_info)
                else None
            )
            timing = await generic_cms.collect_timing_info(
                signer.signer_info, ts_context, raw_digest=signer.raw_digest or (lambda _algo: b"")
            )
        except Exception:  # a broken token is a verdict, not a crash
            timing = {"timestamp_validity": None, "_broken": True}
        if timing.get("signer_reported_dt") and signer.claimed_time is None:
            signer.claimed_time = timing["signer_reported_dt"]
        tst = timing.get("timestamp_validity")
        unsigned = signer.signer_info["unsigned_attrs"]
        if unsigned.native is not None:
            for attr in unsigned:
                if attr["type"].native == "signature_time_stamp_token":
                    collected.timestamps.extend(v.dump() for v in attr["values"])
        if tst is not None and tst.intact and tst.valid and tst.trusted:
            ts_time = tst.timestamp
            details["timestamp_time"] = _iso(ts_time)
            details["timestamp_authority"] = _name_attr(tst.signing_cert.subject, "common_name")
            checks.append(Check(CheckKind.TIMESTAMP, CheckStatus.OK))
        elif tst is not None or timing.get("_broken"):
            checks.append(Check(CheckKind.TIMESTAMP, CheckStatus.FAILED, "timestamp_invalid"))
        else:
            checks.append(Check(CheckKind.TIMESTAMP, CheckStatus.WARNING, "no_timestamp"))
    details["signing_time"] = _iso(signer.claimed_time)

    moment = ts_time or signer.claimed_time
    hard = settings.MOTCUA_REVOCATION_POLICY == "hard"
    outcome = await validate_chain(cert, signer.embedded_certs, trust, moment, collected.log)
    trust_check, validity_check, revocation_check = _chain_checks(outcome, algorithm)
    if outcome.path_certs is not None:
        for c in outcome.path_certs:
            collected.add_cert(c)
        revocation_check = _revocation_check(
            list(outcome.path_certs), trust, collected.log, outcome.soft_failures, ts_time, hard
        )
    else:
        for c in chain:
            collected.add_cert(c)
    if (
        algorithm.status == CheckStatus.FAILED
        and trust_check is not None
        and trust_check.status == CheckStatus.FAILED
    ):
        trust_check = Check(CheckKind.TRUST, CheckStatus.UNKNOWN, algorithm.reason, algorithm.params)
    checks.append(trust_check or Check(CheckKind.TRUST, CheckStatus.UNKNOWN, "untrusted"))
    checks.append(validity_check or _plain_validity(cert, moment))
    checks.append(_key_usage_check(cert))
    checks.append(
        revocation_check or Check(CheckKind.REVOCATION, CheckStatus.UNKNOWN, "revocation_unavailable")
    )
    verdict, reason, params = _verdict(checks)
    return SignatureResult(verdict=verdict, reason=reason, reason_params=params, checks=checks, **details)


def _chain_checks(outcome: ChainOutcome, algorithm: Check) -> tuple[Check | None, Check | None, Check | None]:
    """(trust, validity, revocation) checks from what certvalidator said; None where it did not get that far."""
    exc = outcome.error
    if exc is None:
        return Check(CheckKind.TRUST, CheckStatus.OK), Check(CheckKind.VALIDITY, CheckStatus.OK), None
    if isinstance(exc, errors.RevokedError):
        return (
            Check(CheckKind.TRUST, CheckStatus.OK),
            Check(CheckKind.VALIDITY, CheckStatus.OK),
            Check(
                CheckKind.REVOCATION, CheckStatus.FAILED, "revoked", {"revoked_at": _iso(exc.revocation_dt)}
            ),
        )
    if isinstance(exc, errors.ExpiredError):
        return (
            Check(CheckKind.TRUST, CheckStatus.OK),
            Check(CheckKind.VALIDITY, CheckStatus.FAILED, "expired", {"not_after": _iso(exc.expired_dt)}),
            None,
        )
    if isinstance(exc, errors.NotYetValidError):
        return (
            Check(CheckKind.TRUST, CheckStatus.OK),
            Check(
                CheckKind.VALIDITY, CheckStatus.FAILED, "not_yet_valid", {"not_before": _iso(exc.valid_from)}
            ),
            None,
        )
    if isinstance(exc, errors.DisallowedAlgorithmError):
        return Check(CheckKind.TRUST, CheckStatus.UNKNOWN, "weak_hash", algorithm.params), None, None
    if isinstance(exc, errors.InsufficientRevinfoError):
        hard = settings.MOTCUA_REVOCATION_POLICY == "hard"
        status = CheckStatus.FAILED if hard else CheckStatus.UNKNOWN
        return None, None, Check(CheckKind.REVOCATION, status, "revocation_unavailable")
    if isinstance(
        exc,
        (
            errors.PathBuildingError,
            errors.PathValidationError,
            errors.InvalidCertificateError,
            errors.ValidationError,
        ),
    ):
        return Check(CheckKind.TRUST, CheckStatus.FAILED, "untrusted"), None, None
    # e.g. cryptography refusing an algorithm: not trusted, not a crash
    if algorithm.status == CheckStatus.FAILED:
        return Check(CheckKind.TRUST, CheckStatus.UNKNOWN, algorithm.reason, algorithm.params), None, None
    return Check(CheckKind.TRUST, CheckStatus.FAILED, "untrusted"), None, None


def _has_timestamp(signer_info: cms.SignerInfo) -> bool:
    return any(
        True
        for signed in (False, True)
        for _ in generic_cms.extract_tst_data_iter(signer_info, signed=signed)
    )


def _plain_validity(cert: asn1_x509.Certificate, moment: dt.datetime | None) -> Check:
    """Validity window of the signer's certificate, when path validation stopped before judging it."""
    moment = moment or dt.datetime.now(dt.UTC)
    validity = cert["tbs_certificate"]["validity"]
    not_before, not_after = validity["not_before"].native, validity["not_after"].native
    if moment > not_after:
        return Check(CheckKind.VALIDITY, CheckStatus.FAILED, "expired", {"not_after": _iso(not_after)})
    if moment < not_before:
        return Check(
            CheckKind.VALIDITY, CheckStatus.FAILED, "not_yet_valid", {"not_before": _iso(not_before)}
        )
    return Check(CheckKind.VALIDITY, CheckStatus.OK)


def _revocation_check(
    path_certs: list[asn1_x509.Certificate],
    trust: Trust,
    log: revocation.FetchLog,
    soft_failures: tuple[Exception, ...],
    ts_time: dt.datetime | None,
    hard: bool,
) -> Check:
    # A source that could not be reached is fine when another one answered for the same certificate
    # (e.g. the CRL when the OCSP responder is down); anything else certvalidator had to ignore is not.
    unavailable = any(
        not isinstance(
            exc,
            (
                errors.OCSPFetchError,
                errors.CRLFetchError,
                errors.OCSPValidationError,
                errors.CRLValidationError,
            ),
        )
        for exc in soft_failures
    )
    for cert in path_certs:
        if cert.sha256 in trust.root_fingerprints:
            continue
        found, revoked_at = _revocation_entry(cert, log)
        if revoked_at is not None:
            if ts_time is not None and revoked_at > ts_time:
                return Check(
                    CheckKind.REVOCATION,
                    CheckStatus.WARNING,
                    "revoked_after_signing",
                    {"revoked_at": _iso(revoked_at)},
                )
            return Check(
                CheckKind.REVOCATION, CheckStatus.FAILED, "revoked", {"revoked_at": _iso(revoked_at)}
            )
        if not found:
            unavailable = True
    if unavailable:
        return Check(
            CheckKind.REVOCATION,
            CheckStatus.FAILED if hard else CheckStatus.UNKNOWN,
            "revocation_unavailable",
        )
    return Check(CheckKind.REVOCATION, CheckStatus.OK)


# ---------------------------------------------------------------------------------------------- CMS bits


def _signature_hash(signer_info: cms.SignerInfo) -> str:
    algorithm = signer_info["signature_algorithm"]
    try:
        return algorithm.hash_algo
    except (ValueError, KeyError):
        return ""  # e.g. plain "rsassa_pkcs1v15": the digest algorithm decides


def _integrity_check(
    signer_info: cms.SignerInfo, cert: asn1_x509.Certificate, digest: bytes, weak: bool
) -> Check:
    try:
        intact, valid = generic_cms.validate_sig_integrity(signer_info, cert, "data", digest)
    except Exception:  # cryptography refuses SHA-1 and odd parameters
        if weak:
            return Check(CheckKind.INTEGRITY, CheckStatus.UNKNOWN, "weak_hash")
        return Check(CheckKind.INTEGRITY, CheckStatus.FAILED, "signature_bad")
    if not intact:
        return Check(CheckKind.INTEGRITY, CheckStatus.FAILED, "digest_mismatch")
    if not valid:
        return Check(CheckKind.INTEGRITY, CheckStatus.FAILED, "signature_bad")
    return Check(CheckKind.INTEGRITY, CheckStatus.OK)


def _signer_cert(
    signed_data: cms.SignedData, signer_info: cms.SignerInfo
) -> tuple[asn1_x509.Certificate | None, list]:
    certs = [c.chosen for c in signed_data["certificates"] if c.name == "certificate"]
    sid = signer_info["sid"]
    for cert in certs:
        if sid.name == "issuer_and_serial_number":
            # serial first, then the issuer's bytes: comparing names the RFC 5280 way (stringprep) is slow
            issuer = sid.chosen["issuer"]
            if cert.serial_number == sid.chosen["serial_number"].native and (
                cert.issuer.dump() == issuer.dump() or cert.issuer == issuer
            ):
                return cert, [c for c in certs if c is not cert]
        elif sid.name == "subject_key_identifier" and cert.key_identifier == sid.chosen.native:
            return cert, [c for c in certs if c is not cert]
    return None, certs


def _weak(name: str) -> bool:
    return bool(name) and name.lower() in WEAK_HASHES


# ---------------------------------------------------------------------------------------------- PDF


def _decode_limits() -> DecodeLimits:
    cap = settings.MOTCUA_VERIFY_MAX_DECODED_BYTES
    return DecodeLimits(
        per_stream=StreamDecodeLimits(max_output_size=cap),
        document_budget=DocumentDecodeBudget(),
    )


def _coverage_checks(emb: EmbeddedPdfSignature) -> list[Check]:
    emb.compute_integrity_info(diff_policy=DEFAULT_DIFF_POLICY)
    coverage = emb.coverage
    if coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return [
            Check(CheckKind.COVERAGE, CheckStatus.OK, "ok", {"scope": "entire_file"}),
            Check(CheckKind.MODIFICATION, CheckStatus.OK, "ok", {"level": "none"}),
        ]
    if coverage != SignatureCoverageLevel.ENTIRE_REVISION:
        return [
            Check(CheckKind.COVERAGE, CheckStatus.FAILED, "partial_coverage", {"scope": "partial"}),
            Check(CheckKind.MODIFICATION, CheckStatus.UNKNOWN, "partial_coverage"),
        ]
    checks = [Check(CheckKind.COVERAGE, CheckStatus.OK, "ok", {"scope": "entire_revision"})]
    diff = emb.diff_result
    level = diff.modification_level if isinstance(diff, DiffResult) else ModificationLevel.OTHER
    docmdp = emb.docmdp_level
    allowed = level in (
        ModificationLevel.NONE,
        ModificationLevel.LTA_UPDATES,
        ModificationLevel.FORM_FILLING,
    ) and (docmdp is None or level.value <= docmdp.value)
    if not allowed:
        checks.append(
            Check(
                CheckKind.MODIFICATION, CheckStatus.FAILED, "modified_content", {"level": "content_changed"}
            )
        )
    elif level == ModificationLevel.NONE:
        checks.append(Check(CheckKind.MODIFICATION, CheckStatus.OK, "ok", {"level": "none"}))
    else:
        checks.append(
            Check(
                CheckKind.MODIFICATION,
                CheckStatus.WARNING,
                "modified_form_filling",
                {"level": "form_filling"},
            )
        )
    return checks


class Digests:
    """The file's SHA-256 and a signature's byte-range digest, hashing their common start only once.

    A signature's /ByteRange is normally [0 a b c]: the file from its start to the signature value, then
    from after it to the end. Both digests begin with the same `a` bytes (nearly all of the file), so
    for the first such SHA-256 signature the hash of that prefix is copied rather than computed twice.
    Other byte ranges and algorithms are left to pyHanko.
    """

    ALGORITHMS = {"sha256", "sha384", "sha512"}

    def __init__(self, data: bytes):
        self.data = data
        self._file: str | None = None

    def file_sha256(self) -> str:
        if self._file is None:
            self._file = hashlib.sha256(self.data).hexdigest()
        return self._file

    def byte_range(self, byte_range: Any, algorithm: str) -> bytes | None:
        try:
            numbers = [int(n) for n in byte_range]
        except (TypeError, ValueError):
            return None
        if algorithm not in self.ALGORITHMS or len(numbers) % 2 or not numbers or min(numbers) < 0:
            return None
        pairs = list(zip(numbers[::2], numbers[1::2], strict=True))
        view = memoryview(self.data)
        if algorithm == "sha256" and self._file is None and pairs[0][0] == 0:
            digest = hashlib.sha256(view[: pairs[0][1]])
            whole = digest.copy()
            whole.update(view[pairs[0][1] :])
            self._file = whole.hexdigest()
            pairs = pairs[1:]
        else:
            digest = hashlib.new(algorithm)
        for start, length in pairs:
            digest.update(view[start : start + length])
        return digest.digest()


def _pdf_signer(reader: PdfFileReader, index: int, name: str, sig_field: Any, digests: Digests) -> Signer:
    emb = EmbeddedPdfSignature(reader, sig_field, name)
    # pyHanko keeps the digests it computed in `external_digests`: it finds this one already there.
    precomputed = digests.byte_range(emb.byte_range, emb.external_md_algorithm)
    if precomputed is not None:
        emb.external_digests[emb.external_md_algorithm] = precomputed
    signer_info = emb.signer_info
    cert, others = _signer_cert(emb.signed_data, signer_info)
    digest_algorithm = emb.md_algorithm
    signature_hash = _signature_hash(signer_info)
    checks = [Check(CheckKind.FORMAT, CheckStatus.OK)]
    checks.extend(_coverage_checks(emb))
    if cert is not None:
        checks.insert(
            1,
            _integrity_check(
                signer_info, cert, emb.compute_digest(), _weak(digest_algorithm) or _weak(signature_hash)
            ),
        )
    return Signer(
        index=index,
        field_name=name,
        cert=cert,
        embedded_certs=others,
        signer_info=signer_info,
        digest_algorithm=digest_algorithm,
        signature_algorithm=signature_hash,
        checks=checks,
        claimed_time=emb.self_reported_timestamp,
        raw_digest=emb.compute_digest,
    )


def verify_pdf(data: bytes) -> Report:
    collected = Collected()
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False, decode_limits=_decode_limits())
        if reader.encrypted:
            return file_report("pdf", data, Verdict.INDETERMINATE, "encrypted")
        fields = [
            # str(): pyHanko's string objects keep the whole parsed file alive (and pickle it along)
            (str(name), sig_field)
            for name, value, sig_field in enumerate_sig_fields(reader, filled_status=True)
            if value.get_object().get("/Type") != "/DocTimeStamp"
        ]
    except PdfDecodeLimitError as exc:
        raise TooLarge(_limit_text()) from exc
    except (PdfReadError, ValueError, TypeError, KeyError, AttributeError, IndexError, AssertionError):
        return file_report("pdf", data, Verdict.INVALID, "corrupt")
    trust = current_trust()
    digests = Digests(data)
    signers: list[Signer | SignatureResult] = []
    for index, (name, sig_field) in enumerate(fields, start=1):
        try:
            signers.append(_pdf_signer(reader, index, name, sig_field, digests))
        except PdfDecodeLimitError as exc:
            raise TooLarge(_limit_text()) from exc
        except Exception:  # a signature we cannot parse is "corrupt", the others still count
            signers.append(_failed_result(index, name, "corrupt"))
    results = _run_checks(signers, trust, collected)
    return make_report("pdf", data, results, collected, digests.file_sha256())


def _limit_text() -> str:
    return f"{settings.MOTCUA_VERIFY_MAX_DECODED_BYTES // (1024 * 1024)} MB"


def _run_checks(
    signers: list[Signer | SignatureResult], trust: Trust, collected: Collected
) -> list[SignatureResult]:
    revocation.preload(_all_certs(signers, trust))

    async def run() -> list[SignatureResult]:
        results = []
        for signer in signers:
            if isinstance(signer, SignatureResult):
                results.append(signer)
                continue
            try:
                results.append(await _check_signer(signer, trust, collected))
            except Exception:  # never a crash: an unreadable structure is "corrupt"
                results.append(_failed_result(signer.index, signer.field_name, "corrupt"))
        return results

    results = run_async(run())
    revocation.store_fetched(collected.log.fetched)
    return results


_loops = threading.local()


def run_async(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Run certvalidator's coroutines on one event loop per thread, kept between verifications.

    asyncio.run would make and tear down a loop (and its thread pool) for every file. A worker process
    forked from a parent that had a loop makes its own: the parent's selector is not the child's. When
    the calling thread is already running a loop (Playwright, an ASGI server), `aio.run_sync` takes over.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        return run_sync(coroutine)
    loop = getattr(_loops, "loop", None)
    if loop is None or loop.is_closed() or _loops.pid != os.getpid():
        loop = _loops.loop = asyncio.new_event_loop()
        _loops.pid = os.getpid()
    return loop.run_until_complete(coroutine)


def _all_certs(signers: list, trust: Trust) -> list[asn1_x509.Certificate]:
    certs = list(trust.intermediates)
    for signer in signers:
        if isinstance(signer, Signer):
            certs.extend(signer.embedded_certs)
            if signer.cert is not None:
                certs.append(signer.cert)
    return certs


# ---------------------------------------------------------------------------------------------- CMS


def verify_cms(data: bytes, content: bytes | None) -> Report:
    """A .p7s: detached CMS over `content` (or with the content encapsulated)."""
    collected = Collected()
    try:
        info = cms.ContentInfo.load(_maybe_pem(data))
        if info["content_type"].native != "signed_data":
            return file_report("cms", data, Verdict.INVALID, "corrupt")
        signed_data: cms.SignedData = info["content"]
        signer_infos = list(signed_data["signer_infos"])
        encapsulated = signed_data["encap_content_info"]["content"].native
    except (ValueError, TypeError, KeyError):
        return file_report("cms", data, Verdict.INVALID, "corrupt")
    if content is None:
        content = encapsulated
    if content is None:
        return file_report("cms", data, Verdict.INVALID, "detached_mismatch")
    trust = current_trust()
    signers: list[Signer | SignatureResult] = []
    for index, signer_info in enumerate(signer_infos, start=1):
        try:
            cert, others = _signer_cert(signed_data, signer_info)
            digest_algorithm = signer_info["digest_algorithm"]["algorithm"].native
            signature_hash = _signature_hash(signer_info)
            checks = [Check(CheckKind.FORMAT, CheckStatus.OK)]
            digest = hashlib.new(digest_algorithm, content).digest()
            if cert is not None:
                integrity = _integrity_check(
                    signer_info, cert, digest, _weak(digest_algorithm) or _weak(signature_hash)
                )
                if integrity.reason == "digest_mismatch":
                    integrity = Check(CheckKind.INTEGRITY, CheckStatus.FAILED, "detached_mismatch")
                checks.append(integrity)
            checks.append(Check(CheckKind.COVERAGE, CheckStatus.OK, "ok", {"scope": "entire_file"}))
            signers.append(
                Signer(
                    index=index,
                    field_name="",
                    cert=cert,
                    embedded_certs=others,
                    signer_info=signer_info,
                    digest_algorithm=digest_algorithm,
                    signature_algorithm=signature_hash,
                    checks=checks,
                    claimed_time=generic_cms.extract_self_reported_ts(signer_info),
                    raw_digest=lambda algo, content=content: hashlib.new(algo, content).digest(),
                )
            )
        except Exception:
            signers.append(_failed_result(index, "", "corrupt"))
    return make_report("cms", data, _run_checks(signers, trust, collected), collected)


def _maybe_pem(data: bytes) -> bytes:
    if data.lstrip().startswith(b"-----BEGIN"):
        from asn1crypto import pem

        _type, _headers, der = pem.unarmor(data)
        return der
    return data


# ---------------------------------------------------------------------------------------------- XML

DS = "{http://www.w3.org/2000/09/xmldsig#}"
XADES = "{http://uri.etsi.org/01903/v1.3.2#}"


def _xml_verifier(xades: bool) -> Any:
    from signxml import XMLVerifier
    from signxml.xades import XAdESVerifier

    class _Verifier(XAdESVerifier if xades else XMLVerifier):  # type: ignore[misc,valid-type]
        # The validity window is judged at the signing time by `_check_signer`, not at "now" by signxml.
        def _check_cert_validity(self, cert: Any, source: Any) -> None:
            return None

    return _Verifier()


def verify_xml(data: bytes) -> Report:
    from cryptography import x509 as crypto_x509
    from lxml import etree
    from signxml.exceptions import InvalidDigest, InvalidSignature, SignXMLException

    collected = Collected()
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except (etree.XMLSyntaxError, ValueError):
        return file_report("xml", data, Verdict.INVALID, "corrupt")
    signatures = root.findall(f".//{DS}Signature")
    if not signatures:
        return make_report("xml", data, [], collected)
    trust = current_trust()
    signers: list[Signer | SignatureResult] = []
    for index, signature in enumerate(signatures, start=1):
        field_name = signature.get("Id", "")
        try:
            cert_texts = [
                e.text or "" for e in signature.findall(f"{DS}KeyInfo/{DS}X509Data/{DS}X509Certificate")
            ]
            certs = [asn1_x509.Certificate.load(_b64(t)) for t in cert_texts]
            method = signature.find(f"{DS}SignedInfo/{DS}SignatureMethod")
            digests = [
                d.get("Algorithm", "")
                for d in signature.findall(f"{DS}SignedInfo/{DS}Reference/{DS}DigestMethod")
            ]
            signature_hash = _uri_hash(method.get("Algorithm", "") if method is not None else "")
            digest_hash = next(
                (h for h in map(_uri_hash, digests) if _weak(h)), _uri_hash(digests[0]) if digests else ""
            )
        except Exception:
            signers.append(_failed_result(index, field_name, "corrupt"))
            continue
        checks = [Check(CheckKind.FORMAT, CheckStatus.OK)]
        signer_cert = None
        xades = signature.find(f".//{XADES}SignedProperties") is not None
        if _weak(signature_hash) or _weak(digest_hash):
            checks.append(Check(CheckKind.INTEGRITY, CheckStatus.UNKNOWN, "weak_hash"))
            signer_cert = certs[0] if certs else None
        else:
            integrity: Check | None = None
            for cert in certs:
                try:
                    results = _xml_verifier(xades).verify(
                        data, x509_cert=crypto_x509.load_der_x509_certificate(cert.dump()), parser=parser
                    )
                except InvalidDigest:
                    integrity, signer_cert = (
                        Check(CheckKind.INTEGRITY, CheckStatus.FAILED, "digest_mismatch"),
                        cert,
                    )
                    break
                except InvalidSignature:
                    continue  # not this certificate's key; try the next one in KeyInfo
                except (SignXMLException, ValueError, TypeError):
                    integrity = Check(CheckKind.INTEGRITY, CheckStatus.FAILED, "corrupt")
                    break
                signer_cert = cert
                results = results if isinstance(results, list) else [results]
                signed = [r.signed_xml for r in results if r.signed_xml is not None]
                # Defence against signature wrapping: what the application reads (the document's root
                # element) must be exactly what the signature covers, not some element elsewhere with a
                # matching Id.
                covers_root = any(_same_element(s, root) for s in signed)
                integrity = Check(CheckKind.INTEGRITY, CheckStatus.OK)
                checks.append(
                    Check(CheckKind.COVERAGE, CheckStatus.OK, "ok", {"scope": "entire_file"})
                    if covers_root
                    else Check(
                        CheckKind.COVERAGE, CheckStatus.FAILED, "wrapped_element", {"scope": "partial"}
                    )
                )
                break
            checks.insert(1, integrity or Check(CheckKind.INTEGRITY, CheckStatus.FAILED, "signature_bad"))
        claimed = _xades_signing_time(signature)
        signers.append(
            Signer(
                index=index,
                field_name=field_name,
                cert=signer_cert,
                embedded_certs=[c for c in certs if c is not signer_cert],
                signer_info=None,
                digest_algorithm=digest_hash,
                signature_algorithm=signature_hash,
                checks=checks,
                claimed_time=claimed,
            )
        )
    return make_report("xml", data, _run_checks(signers, trust, collected), collected)


def _same_element(signed: Any, root: Any) -> bool:
    """signxml hands back a copy of the signed element; compare it with the root, signatures left out."""
    from lxml import etree

    def canonical(element: Any) -> bytes:
        copy = etree.fromstring(etree.tostring(element))
        for sig in copy.findall(f".//{DS}Signature"):
            sig.getparent().remove(sig)
        return etree.tostring(copy, method="c14n")

    return signed.tag == root.tag and canonical(signed) == canonical(root)


def _uri_hash(uri: str) -> str:
    tail = uri.rsplit("#", 1)[-1].lower()
    for name in ("sha1", "sha224", "sha256", "sha384", "sha512", "sha3-256", "sha3-384", "sha3-512", "md5"):
        if tail.endswith(name) or f"-{name}" in tail or tail == name:
            return name
    return tail


def _b64(text: str) -> bytes:
    import base64

    return base64.b64decode("".join(text.split()))


def _xades_signing_time(signature: Any) -> dt.datetime | None:
    element = signature.find(f".//{XADES}SigningTime")
    if element is None or not element.text:
        return None
    try:
        moment = dt.datetime.fromisoformat(element.text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else None
