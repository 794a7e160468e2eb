#!/usr/bin/env python3
"""Signature verifications per second on 1 MB single-signature PDFs, against a naive baseline and the raw cost.

    .venv/bin/python bench/signatures.py [--files 8] [--size 1000000] [--duration 10] [--workers 0,2]
                                         [--quick] [--no-pki-services] [--profile] [--fail-on-errors]

Sets up, in a temporary folder (MOTCUA_VAR_DIR, a SQLite file database that the pool's worker processes
see too): migrations, a fresh demo PKI (`pki.build_demo_pki`), its root and intermediate in the trust store
(`trust_store_load_folder`, as `load_trust_store` does), and its two CRLs where the engine normally finds
them: served by the loopback PKI services when `motcua.signatures.pkiserver` exists (the engine fetches
them once and keeps them in the revocation cache), else put straight into the revocation cache, as if
fetched. Then --files distinct PDFs of about --size bytes (`testing.make_pdf` with padding, each with its
own text, so every file has different bytes and a different signature), each signed by "signer-citizen".

Measures, one after the other in the same run, each for --duration seconds, cycling over the files:

- **engine**, in this process (`verify.verify_file` with MOTCUA_VERIFY_WORKERS=0): what a dossier check
  does with a stored file. Every report must say "valid"; any other verdict is counted as an error.
- **engine, pool of N** (`verify.verify_file` with MOTCUA_VERIFY_WORKERS=N, N client threads): the same
  through the worker processes (the path goes over the pipe, the report comes back as JSON).
- **naive baseline**: per file a fresh `PdfFileReader` and a fresh pyHanko `ValidationContext` (the same
  trust root, the intermediate, the same two CRLs passed in, no fetching, hard-fail revocation), then
  pyHanko's own `validate_pdf_signature`; must come out intact, valid and trusted.
- **raw cost**: SHA-256 of the file, plus one RSA verification for the signature (over its signed
  attributes) and one per certificate of the chain (signer, intermediate, root): the cryptography a
  verification cannot avoid, with the keys already loaded.

Prints verifications/s and ms per verification for each, the ratios engine / naive (target >= 5) and
raw / engine (target <= 5), and the machine's load while it ran. Not a test: nothing here asserts a
figure; --fail-on-errors exits 1 when a verification gave the wrong answer (CI's smoke check).
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ENGINE_TARGET = 5.0  # engine at least this many times the naive baseline
RAW_TARGET = 5.0  # engine within this factor of the raw cost


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=8, help="distinct signed PDFs (default 8)")
    parser.add_argument("--size", type=int, default=1_000_000, help="bytes per PDF (default 1,000,000)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measurement (default 10)")
    parser.add_argument(
        "--warmup", type=float, default=1.0, help="seconds of warm-up before each (default 1)"
    )
    parser.add_argument(
        "--workers",
        default="0,2",
        help="pool sizes to measure, comma-separated; 0 = in this process (default 0,2)",
    )
    parser.add_argument("--quick", action="store_true", help="3 files, 0.3 s warm-up, 2 s per measurement")
    parser.add_argument(
        "--no-pki-services",
        action="store_true",
        help="CRLs straight into the revocation cache even where the loopback PKI services exist",
    )
    parser.add_argument("--profile", action="store_true", help="print the engine's cProfile (in-process)")
    parser.add_argument(
        "--fail-on-errors", action="store_true", help="exit 1 if any verification gave the wrong answer"
    )
    args = parser.parse_args()
    if args.quick:
        args.files = min(args.files, 3)
        args.duration = min(args.duration, 2.0)
        args.warmup = min(args.warmup, 0.3)
    try:
        args.pools = [int(n) for n in args.workers.split(",") if n.strip()]
    except ValueError:
        parser.error("--workers takes numbers, e.g. 0,2")
    if args.files < 1 or args.size < 10_000 or args.duration <= 0 or any(n < 0 for n in args.pools):
        parser.error("--files >= 1, --size >= 10000, --duration > 0, --workers >= 0")
    return args


# --------------------------------------------------------------------------------------------------
# Setting up


def setup_django(work: Path) -> None:
    """A SQLite file database in `work` (worker processes open it too), before Django reads its settings."""
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "motcua.settings"
    os.environ["MOTCUA_VAR_DIR"] = str(work)
    os.environ["MOTCUA_PKI_DIR"] = str(work / "pki")
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--no-input", "-v", "0")


class Setup:
    """The PKI, where its CRLs come from, and the signed files."""

    def __init__(self, work: Path):
        self.work = work
        self.folder = work / "pki"
        self.services = None
        self.crl_source = ""
        self.files: list[Path] = []

    def pki(self, use_services: bool = True) -> None:
        from motcua.signatures import pki, services

        try:
            from motcua.signatures import pkiserver
        except ImportError:
            pkiserver = None
        if not use_services:
            pkiserver = None
        if pkiserver is not None:
            self.services = pkiserver.start_demo_services(folder=self.folder)
            self.demo = self.services.pki
            self.crl_source = f"loopback PKI services at {self.services.base_url} (fetched once, then cached)"
        else:
            # Nothing listens on port 9 (discard) on loopback: an OCSP attempt fails at once, as a
            # responder that is down; the CRLs are in the revocation cache, as after a first fetch.
            self.demo = pki.build_demo_pki("http://127.0.0.1:9/")
            pki.write_demo_pki(self.demo, self.folder)
            self._cache_crls()
            self.crl_source = "revocation cache (RevocationCacheEntry, as if fetched; no OCSP responder)"
        services.trust_store_load_folder(folder=self.folder)

    def _cache_crls(self) -> None:
        import datetime as dt

        from motcua.signatures import pki
        from motcua.signatures.models import RevocationCacheEntry

        urls = pki.urls(self.demo.base_url)
        for name, crl, url in (
            (pki.ROOT, self.demo.root_crl, urls["root_crl"]),
            (pki.INTERMEDIATE, self.demo.intermediate_crl, urls["intermediate_crl"]),
        ):
            RevocationCacheEntry.objects.create(
                key=url,
                kind="crl",
                url=url,
                der=(self.folder / f"{name}.crl").read_bytes(),
                fetched_at=dt.datetime.now(dt.UTC),
                next_update=crl.next_update_utc,
            )

    def sign(self, count: int, size: int) -> None:
        from motcua.signatures import testing

        def make(index: int, padding: int) -> bytes:
            pdf = testing.make_pdf(f"Ho so so {index} - bench chu ky", padding=padding)
            return testing.sign_pdf(pdf, self.folder, "signer-citizen")

        padding = size
        probe = make(0, padding)
        padding = max(0, int(padding * size / len(probe)))  # the padding costs more than a byte per byte
        folder = self.work / "files"
        folder.mkdir()
        for index in range(count):
            path = folder / f"signed-{index}.pdf"
            path.write_bytes(make(index, padding))
            self.files.append(path)

    def crls(self) -> list[bytes]:
        return [(self.folder / f"{ca}.crl").read_bytes() for ca in ("root-ca", "intermediate-ca")]

    def close(self) -> None:
        if self.services is not None:
            self.services.stop()


# --------------------------------------------------------------------------------------------------
# The four ways to verify


def engine_verifier(setup: Setup, errors: list[str]) -> Callable[[Path], None]:
    """What a dossier check does with a stored file; every answer must be "valid"."""
    from motcua.signatures import verify

    def run(path: Path) -> None:
        report = verify.verify_file(path, content_type="application/pdf")
        if report.verdict != "valid" or report.reason != "ok":
            errors.append(f"{path.name}: {report.verdict} {report.reason}")

    return run


def naive_verifier(setup: Setup, errors: list[str]) -> Callable[[Path], None]:
    from asn1crypto import crl, x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from motcua.signatures import speedups

    root = x509.Certificate.load((setup.folder / "root-ca.cer").read_bytes())
    intermediate = x509.Certificate.load((setup.folder / "intermediate-ca.cer").read_bytes())
    crls = setup.crls()

    def run(path: Path) -> None:
        speedups.uninstall()  # the naive baseline runs stock pyHanko and asn1crypto
        try:
            validate(path)
        finally:
            speedups.install()

    def validate(path: Path) -> None:
        reader = PdfFileReader(io.BytesIO(path.read_bytes()), strict=False)
        context = ValidationContext(
            trust_roots=[root],
            other_certs=[intermediate],
            crls=[crl.CertificateList.load(der) for der in crls],
            allow_fetching=False,
            revocation_mode="hard-fail",
        )
        status = validate_pdf_signature(reader.embedded_signatures[0], context)
        if not (status.intact and status.valid and status.trusted):
            errors.append(f"{path.name}: naive {status.summary()}")

    return run


def raw_verifier(setup: Setup, errors: list[str]) -> Callable[[Path], None]:
    """SHA-256 of the file, then RSA: the signature over its signed attributes and each certificate."""
    import hashlib

    from asn1crypto import cms
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding
    from pyhanko.pdf_utils.reader import PdfFileReader

    chain = [
        x509.load_der_x509_certificate((setup.folder / f"{name}.cer").read_bytes())
        for name in ("signer-citizen", "intermediate-ca", "root-ca")
    ]
    issued_by = [(chain[0], chain[1]), (chain[1], chain[2]), (chain[2], chain[2])]
    # The signature of each file, taken out once beforehand: the raw cost has no parsing in it.
    signatures: dict[Path, tuple[bytes, bytes]] = {}
    for path in setup.files:
        emb = PdfFileReader(io.BytesIO(path.read_bytes()), strict=False).embedded_signatures[0]
        info: cms.SignerInfo = emb.signer_info
        signatures[path] = (info["signed_attrs"].untag().dump(), info["signature"].native)
    signer_key = chain[0].public_key()

    def run(path: Path) -> None:
        hashlib.sha256(path.read_bytes()).digest()
        signed_attrs, signature = signatures[path]
        signer_key.verify(signature, signed_attrs, padding.PKCS1v15(), hashes.SHA256())
        for cert, issuer in issued_by:
            issuer.public_key().verify(
                cert.signature, cert.tbs_certificate_bytes, padding.PKCS1v15(), cert.signature_hash_algorithm
            )

    return run


# --------------------------------------------------------------------------------------------------
# Measuring


def cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies over all CPUs, from /proc/stat."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


class Measurement:
    def __init__(self, name: str, count: int, seconds: float, busy: float, own: float, threads: int = 1):
        self.name = name
        self.threads = threads
        self.count = count
        self.seconds = seconds
        self.busy = busy  # share of all CPUs busy during the window
        self.own = own  # CPU seconds of this process (and its children that ended) per wall second

    @property
    def rate(self) -> float:
        return self.count / self.seconds

    @property
    def ms(self) -> float:
        return 1000 * self.seconds / self.count

    @property
    def cpu_ms(self) -> float:
        """CPU time of this process per verification (meaningless for the pool: the work is in its workers)."""
        return 1000 * self.own * self.seconds / self.count


def measure(
    name: str, verify: Callable[[Path], None], files: list[Path], args: argparse.Namespace, threads: int = 1
) -> Measurement:
    """Verify files round-robin for --warmup, then for --duration, from `threads` client threads."""

    def loop(seconds: float, counts: list[int], offset: int) -> None:
        deadline = time.perf_counter() + seconds
        index = offset
        while time.perf_counter() < deadline:
            verify(files[index % len(files)])
            index += 1
        counts[offset] = index - offset

    def run(seconds: float) -> tuple[int, float]:
        counts = [0] * threads
        started = time.perf_counter()
        if threads == 1:
            loop(seconds, counts, 0)
        else:
            workers = [threading.Thread(target=loop, args=(seconds, counts, i)) for i in range(threads)]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
        return sum(counts), time.perf_counter() - started

    run(args.warmup)
    busy0, total0 = cpu_ticks()
    own0 = os.times()
    count, seconds = run(args.duration)
    busy1, total1 = cpu_ticks()
    own1 = os.times()
    own = (own1.user + own1.system - own0.user - own0.system) / seconds
    busy = (busy1 - busy0) / max(1, total1 - total0)
    return Measurement(name, count, seconds, busy, own, threads)


def machine() -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{platform.node()}: {os.cpu_count()} CPUs, load average {load}, Python {platform.python_version()}"
    )


def profile_engine(verify: Callable[[Path], None], files: list[Path]) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(5):
        for path in files:
            verify(path)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(30)


def main() -> None:
    args = parse_args()
    work = Path(tempfile.mkdtemp(prefix="motcua-bench-signatures-"))
    setup = Setup(work)
    errors: list[str] = []
    try:
        started = time.perf_counter()
        setup_django(work)
        from django.conf import settings

        setup.pki(use_services=not args.no_pki_services)
        setup.sign(args.files, args.size)
        sizes = [p.stat().st_size for p in setup.files]
        print(f"set up in {time.perf_counter() - started:.1f} s; {machine()}")
        print(
            f"{len(setup.files)} distinct signed PDFs of {min(sizes):,}–{max(sizes):,} bytes, one signature each "
            f"(signer-citizen ← intermediate-ca ← root-ca, RSA-2048, SHA-256)"
        )
        print(f"CRLs: {setup.crl_source}; policy {settings.MOTCUA_REVOCATION_POLICY}")
        print(f"{args.warmup:g} s warm-up, then {args.duration:g} s per measurement\n", flush=True)

        results: list[Measurement] = []
        engine = engine_verifier(setup, errors)
        for workers in args.pools:
            settings.MOTCUA_VERIFY_WORKERS = workers
            name = "engine, in process" if workers == 0 else f"engine, pool of {workers} (+{workers} threads)"
            results.append(measure(name, engine, setup.files, args, threads=max(1, workers)))
            print_row(results[-1])
            if workers:
                from motcua.signatures import verify

                verify.pool().close()
                verify._pool = None
        if args.profile:
            settings.MOTCUA_VERIFY_WORKERS = 0
            profile_engine(engine, setup.files)
        naive = measure("naive pyHanko baseline", naive_verifier(setup, errors), setup.files, args)
        print_row(naive)
        raw = measure("raw cost (SHA-256 + 4 RSA)", raw_verifier(setup, errors), setup.files, args)
        print_row(raw)

        print()
        in_process = next((r for r in results if r.name == "engine, in process"), None)
        if in_process is not None:
            over_naive = in_process.rate / naive.rate
            over_raw = raw.rate / in_process.rate
            print(
                f"engine in process: {over_naive:.1f}× the naive baseline (target ≥ {ENGINE_TARGET:g}: "
                f"{'met' if over_naive >= ENGINE_TARGET else 'NOT met'}); the raw cost is {over_raw:.1f}× "
                f"faster (target ≤ {RAW_TARGET:g}: {'met' if over_raw <= RAW_TARGET else 'NOT met'})"
            )
            print(
                f"  by CPU time (steadier when other work shares the CPUs): "
                f"{naive.cpu_ms / in_process.cpu_ms:.1f}× the naive baseline, raw cost "
                f"{in_process.cpu_ms / raw.cpu_ms:.1f}× faster"
            )
        for result in results:
            if result is in_process:
                continue
            versus = f", {result.rate / in_process.rate:.2f}× in process" if in_process else ""
            print(
                f"{result.name}: {result.rate:.1f}/s{versus} (uses up to {result.threads} CPUs, the "
                f"baselines one); {result.cpu_ms:.2f} ms of this process's CPU per file for the pipe and "
                f"the report's JSON"
            )
        print(f"\n{machine()}")
        busy = statistics.mean(r.busy for r in [*results, naive, raw])
        print(f"all CPUs {busy:.0%} busy on average during the measurements (this bench and anything else)")
        if errors:
            print(f"\n{len(errors)} wrong answers, e.g.: {errors[:3]}")
    finally:
        setup.close()
        shutil.rmtree(work, ignore_errors=True)
    if errors and args.fail_on_errors:
        sys.exit(1)


def print_row(result: Measurement) -> None:
    print(
        f"{result.name:<34} {result.rate:9.1f} verifications/s {result.ms:8.2f} ms each, "
        f"{result.cpu_ms:6.2f} ms CPU here   ({result.count} in {result.seconds:.1f} s; all CPUs "
        f"{result.busy:.0%} busy)",
        flush=True,
    )


if __name__ == "__main__":
    main()
