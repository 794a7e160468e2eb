#!/usr/bin/env python3
"""The latency prefill from the population database adds to starting a dossier, with the sandbox on loopback.

    .venv/bin/python bench/prefill.py [--drafts 300] [--warmup 20] [--quick] [--keep]

In a temporary folder (its own SQLite database, migrated) it creates one agency, the citizen Nguyễn Văn An
(001090012345) and two procedures with the same e-form: one whose name, birth date, sex and permanent
residence come from the population database (`prefill: population.*`, one component satisfied by it), and
one whose fields come from the account only (`identity.*`) or are typed. It starts the connector sandbox
(motcua.connectors.sandbox) on a loopback port, points the population connector at it, and then, in this
process, times `dossiers.services.draft_create` (what a form load does when the applicant presses "Nộp hồ
sơ trực tuyến": the lookup over the signed wire, its log rows and audit event, the draft, its event and
audit event), alternating the two procedures.

Prints p50/p95/p99/max per procedure and the difference of the medians and of the 99th percentiles: the
latency prefill adds. Not a test: nothing here asserts a figure.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SECRET_ENV = "MOTCUA_BENCH_CONNECTOR_SECRET"
SECRET = "bench-connector-secret"

FIELDS = [
    {"key": "ho_ten", "type": "text", "label": "Họ và tên", "required": True},
    {"key": "ngay_sinh", "type": "date", "label": "Ngày sinh", "required": True},
    {"key": "gioi_tinh", "type": "choice", "label": "Giới tính", "required": True,
     "choices": [{"value": "nam", "label": "Nam"}, {"value": "nu", "label": "Nữ"}]},
    {"key": "so_dinh_danh", "type": "citizen_id", "label": "Số định danh", "required": True,
     "prefill": "identity.citizen_id"},
    {"key": "thuong_tru", "type": "address", "label": "Nơi thường trú", "required": True},
    {"key": "dien_thoai", "type": "phone", "label": "Số điện thoại", "prefill": "identity.phone"},
]  # fmt: skip
POPULATION = {
    "ho_ten": "population.full_name",
    "ngay_sinh": "population.date_of_birth",
    "gioi_tinh": "population.sex",
    "thuong_tru": "population.permanent_residence",
}
IDENTITY = {"ho_ten": "identity.full_name", "ngay_sinh": "identity.date_of_birth"}


def schema(prefills: dict[str, str]) -> dict:
    return {
        "fields": [{**f, **({"prefill": prefills[f["key"]]} if f["key"] in prefills else {})} for f in FIELDS]
    }


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--drafts", type=int, default=300, help="drafts timed per procedure")
    parser.add_argument("--warmup", type=int, default=20, help="drafts per procedure before timing")
    parser.add_argument("--quick", action="store_true", help="50 drafts per procedure, 5 of warm-up")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    if args.quick:
        args.drafts, args.warmup = 50, 5

    sys.path.insert(0, str(REPO / "src"))
    folder = Path(tempfile.mkdtemp(prefix="motcua-bench-prefill-"))
    from motcua.connectors.sandbox import SandboxService

    sandbox = SandboxService(clients={"motcua-bench": SECRET}).start()
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "motcua.settings",
            "MOTCUA_VAR_DIR": str(folder),
            "DATABASE_URL": "",
            "LOG_LEVEL": "ERROR",
            SECRET_ENV: SECRET,
            "MOTCUA_CONNECTOR_POPULATION_URL": sandbox.base_url,
            "MOTCUA_CONNECTOR_POPULATION_CLIENT_ID": "motcua-bench",
            "MOTCUA_CONNECTOR_POPULATION_SECRET_ENV": SECRET_ENV,
        }
    )
    try:
        run(args, sandbox)
    finally:
        sandbox.stop()
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def run(args: argparse.Namespace, sandbox) -> None:
    import datetime as dt

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)

    from motcua.catalog.models import Agency, Component, Field, Procedure, RuleSet
    from motcua.connectors.models import ConnectorExchange
    from motcua.dossiers.services import draft_create
    from motcua.identity.models import User

    RuleSet.objects.get_or_create(
        code="D118-2025",
        defaults={"name": "Nghị định 118/2025/NĐ-CP", "effective_from": dt.date(2025, 7, 1), "params": {}},
    )
    agency = Agency.objects.create(
        code="000.00.31.H26", name="Ủy ban nhân dân phường Ba Đình", level="commune", province_code=1,
        one_stop_name="Bộ phận Một cửa phường Ba Đình",
    )  # fmt: skip
    field = Field.objects.create(code="ho_tich", name="Hộ tịch")
    procedures = {}
    for name, prefills in (("population", POPULATION), ("identity", IDENTITY)):
        procedure = Procedure.objects.create(
            code=f"9.00000{len(procedures) + 1}", name=f"Thủ tục thử ({name})", field=field,
            online_level="full", processing_days=3, result_type="Giấy xác nhận", legal_basis="NĐ 45/2020",
            eform_schema=schema(prefills),
        )  # fmt: skip
        procedure.agencies.set([agency])
        Component.objects.create(procedure=procedure, code="don", name="Đơn", accepted_formats=["pdf"])
        if name == "population":
            Component.objects.create(
                procedure=procedure, code="cu_tru", name="Xác nhận cư trú", accepted_formats=["pdf"],
                satisfied_by="population", order=1,
            )  # fmt: skip
        procedures[name] = procedure
    citizen = User.objects.create_user(
        username="001090012345", citizen_id="001090012345", full_name="Nguyễn Văn An",
        date_of_birth=dt.date(1990, 5, 17), phone="0912345678", password=None,
    )  # fmt: skip

    def once(name: str) -> float:
        started = time.perf_counter()
        draft = draft_create(applicant=citizen, procedure=procedures[name])
        elapsed = (time.perf_counter() - started) * 1000
        if name == "population" and draft.prefilled.get("ho_ten") != "population":
            raise SystemExit("the population database did not answer: is the sandbox reachable?")
        return elapsed

    for _ in range(args.warmup):
        once("population")
        once("identity")
    timings: dict[str, list[float]] = {"population": [], "identity": []}
    for index in range(args.drafts * 2):
        name = ("population", "identity")[index % 2]
        timings[name].append(once(name))

    print(f"motcua prefill bench: {args.drafts} drafts per procedure after {args.warmup} of warm-up, SQLite,")
    print(
        f"sandbox on loopback {sandbox.base_url}; Python {platform.python_version()}, {os.cpu_count()} cores"
    )
    print()
    print(f"{'draft_create with prefill from':<34}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for name, label in (
        ("identity", "the account only (identity.*)"),
        ("population", "the population database"),
    ):
        values = timings[name]
        print(
            f"{label:<34}{statistics.median(values):>9.2f}{percentile(values, 95):>9.2f}"
            f"{percentile(values, 99):>9.2f}{max(values):>9.2f}"
        )
    added50 = statistics.median(timings["population"]) - statistics.median(timings["identity"])
    added99 = percentile(timings["population"], 99) - percentile(timings["identity"], 99)
    print()
    print(f"added by prefill per form load: p50 {added50:.2f} ms, p99 {added99:.2f} ms")
    wire = [e.duration_ms for e in ConnectorExchange.objects.all()]
    print(
        f"of which the signed request itself (ConnectorExchange.duration_ms, {len(wire)} requests): "
        f"p50 {statistics.median(wire):.0f} ms, p99 {percentile(wire, 99):.0f} ms"
    )
    print(
        f"requests the sandbox logged: {len(sandbox.log)}; all asked only {sorted(sandbox.log[-1].fields_asked)}"
    )


if __name__ == "__main__":
    main()
