#!/usr/bin/env python3
"""Latency of the back-office queue and of public tracking on a PostgreSQL database of many dossiers.

    .venv/bin/python bench/queues.py [--dossiers 1000000] [--quick] [--agencies 50] [--requests 100]
                                    [--backlog 0] [--pg postgres://postgres@127.0.0.1:5432]
                                    [--keep] [--reuse] [--explain]

Creates its own database (motcua_bench_queue), migrates it, and seeds it fast with COPY: the catalog
(--agencies agencies, 20 procedures), one applicant per 5 dossiers (Vietnamese names, citizen IDs,
phones), --dossiers dossiers spread over the last two years and over agencies of very different sizes
(the k-th largest gets a share of about 1/k: the largest 22 % with 50 agencies; about 5 % of each agency's
awaiting check, 2 % drafts, the rest mostly done with a dossier code; about 5 % still in progress, from
the last weeks, and a few refused, rejected, withdrawn or closed), their timeline events, and the open
processing step of each dossier in processing. Then VACUUM ANALYZE, as autovacuum would have done.

Then it measures, in this process, through the Django test client (the full middleware stack, session
login, template rendering; no network, no web server):

1. the queue page /mot-cua/ for a receptionist of the largest agency (the longest queue): the first page,
   the next pages through the "Trang sau" keyset link, search by citizen ID, by applicant name (a full
   name, one given name, a name nobody has), by reference, and the procedure filter;
2. the tracking selector dossier_for_tracking (a dossier code, a reference, an unknown code), the page
   /tra-cuu/?ma=… (status only, and with the phone digits, the timeline), and GET /api/v1/tracking/…/.

Prints p50/p95/p99/max per kind and over each group, against the targets (queue p99 <= 150 ms, tracking
p99 <= 30 ms), then drops the database (unless --keep). Not a test: nothing here asserts a figure.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import json
import math
import os
import platform
import random
import re
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg

REPO = Path(__file__).resolve().parent.parent
DB_NAME = "motcua_bench_queue"
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
QUEUE_TARGET_MS = 150.0
TRACKING_TARGET_MS = 30.0
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

SURNAMES = [("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 4), ("Phan", 4),
            ("Vũ", 4), ("Võ", 3), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 2), ("Ngô", 2), ("Dương", 1),
            ("Lý", 1), ("Đinh", 1), ("Trương", 1), ("Lương", 1)]  # fmt: skip
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quang", "Xuân", "Thu", "Hoài", "Gia", "Bảo",
          "Kim", "Anh", "Quốc", "Thùy", "Đình", "Công", "Mỹ"]  # fmt: skip
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Hương", "Lan", "Linh", "Long",
         "Mai", "Minh", "Nam", "Nga", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vy", "Yến",
         "Khang", "Huy", "Ngân", "Thắng", "Tú", "Việt", "Nhung", "Khôi", "Phúc", "Duy", "Hiếu", "Châu",
         "Giang", "Đạt"]  # fmt: skip
PROVINCES = ["001", "079", "031", "048", "092", "038", "036", "040", "022", "026"]

# Status mix of the dossiers that are not awaiting check: (status, share, accepted?, stage).
# Those still in progress were submitted in the last weeks; the ended ones at any time in the two years.
LATER = [
    ("processing", 0.025, True, "specialist"),
    ("processing", 0.005, True, "approval"),
    ("processing", 0.003, True, "result"),
    ("result_ready", 0.01, True, "return"),
    ("supplement_requested", 0.01, False, ""),
    ("done", 0.827, True, "return"),
    ("rejected", 0.02, True, "specialist"),
    ("withdrawn", 0.01, True, "specialist"),
    ("refused", 0.015, False, ""),
    ("closed", 0.005, False, ""),
]
IN_PROGRESS = {"processing", "result_ready", "supplement_requested"}
AWAITING_SHARE = 0.05
DRAFT_SHARE = 0.02


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--dossiers", type=int, default=1_000_000, help="dossiers to seed (default 1,000,000)"
    )
    parser.add_argument("--quick", action="store_true", help="20,000 dossiers and 30 requests per kind")
    parser.add_argument("--agencies", type=int, default=50)
    parser.add_argument("--requests", type=int, default=100, help="measured requests per kind (default 100)")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server")
    parser.add_argument("--keep", action="store_true", help=f"keep the database {DB_NAME} afterwards")
    parser.add_argument("--reuse", action="store_true", help=f"measure an existing {DB_NAME} (from --keep)")
    parser.add_argument(
        "--explain", action="store_true", help="print the plans of the queue's search queries"
    )
    parser.add_argument(
        "--backlog",
        type=int,
        default=0,
        help="this many more dossiers awaiting check at the receptionist's agency (a backlog; default none)",
    )
    parser.add_argument("--seed", type=int, default=45)
    args = parser.parse_args()
    if args.quick:
        args.dossiers = min(args.dossiers, 20_000) if "--dossiers" in sys.argv else 20_000
        args.requests = min(args.requests, 30)
    if args.dossiers < 1000 or args.agencies < 1 or args.agencies > 99:
        parser.error("--dossiers must be at least 1000, --agencies between 1 and 99")
    return args


# --------------------------------------------------------------------------------------------------
# The database


def admin_connection(url: str) -> psycopg.Connection:
    try:
        return psycopg.connect(url.rstrip("/") + "/postgres", autocommit=True)
    except psycopg.OperationalError as error:
        sys.exit(f"PostgreSQL is not reachable at {url}: {error}")


def setup_django(url: str, work: Path) -> None:
    """Point motcua at the bench database (before Django reads its settings) and start Django."""
    os.environ["DATABASE_URL"] = f"{url.rstrip('/')}/{DB_NAME}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "motcua.settings"
    os.environ["MOTCUA_VAR_DIR"] = str(work)
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")
    sys.path.insert(0, str(REPO / "src"))
    import logging

    import django

    django.setup()
    logging.getLogger("django.request").setLevel(logging.ERROR)  # the tracking misses are logged 404s


def copy_rows(model, columns: list[str], rows: Iterable[tuple]) -> int:
    """COPY rows into the model's table; columns not given get the model's defaults (loudly if none)."""
    from django.db import connection, models

    now = dt.datetime.now(tz=HANOI)
    fill_columns, fill_values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.column in columns:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        elif field.has_default():
            value = field.get_default()
            value = json.dumps(value) if isinstance(field, models.JSONField) else value
        elif field.null:
            value = None
        elif field.empty_strings_allowed and not isinstance(field, models.JSONField):
            value = ""
        else:
            sys.exit(f"bench/queues.py does not know how to fill {model.__name__}.{field.name}: add it")
        fill_columns.append(field.column)
        fill_values.append(value)
    names = ", ".join(f'"{c}"' for c in [*columns, *fill_columns])
    extra = tuple(fill_values)
    count = 0
    connection.ensure_connection()
    with (
        connection.connection.cursor() as cursor,
        cursor.copy(f'COPY "{model._meta.db_table}" ({names}) FROM STDIN') as copy,
    ):
        for row in rows:
            copy.write_row(row + extra)
            count += 1
    return count


# --------------------------------------------------------------------------------------------------
# Seeding


class Seed:
    """What the measurements need to know about the seeded data."""

    def __init__(self) -> None:
        self.agency_id = 0
        self.receptionist_id = 0
        self.procedure_codes: list[str] = []
        # Of the measured agency's dossiers awaiting check:
        self.awaiting_citizen_ids: list[str] = []
        self.awaiting_names: list[str] = []
        self.awaiting_references: list[str] = []
        # Anywhere:
        self.codes: list[tuple[str, str]] = []  # (dossier code, the applicant's phone)
        self.references: list[str] = []  # of dossiers before acceptance
        self.unused_citizen_ids: list[str] = []


def full_name(rng: random.Random) -> str:
    surname = rng.choices([s for s, _w in SURNAMES], weights=[w for _s, w in SURNAMES])[0]
    return f"{surname} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def seed_catalog(args: argparse.Namespace, seed: Seed) -> tuple[list[int], list[str], list[int], int]:
    from motcua.catalog.models import Agency, Field, Procedure, RuleSet
    from motcua.identity.models import OfficialRole, User

    rule_set = RuleSet.objects.create(
        code="D118-2025",
        name="Nghị định 118/2025/NĐ-CP",
        effective_from=dt.date(2025, 7, 1),
        params={"check_hours": 8, "receipt_outside_hours": "next_session", "same_day_cutoff": "15:00"},
    )
    agencies = Agency.objects.bulk_create(
        Agency(
            code=f"000.00.{n + 1:02d}.H26",
            name=f"Ủy ban nhân dân phường Thử Nghiệm {n + 1}",
            level=Agency.Level.COMMUNE,
            province_code=1,
            one_stop_name=f"Bộ phận Một cửa phường Thử Nghiệm {n + 1}",
        )
        for n in range(args.agencies)
    )
    field = Field.objects.create(code="ho_tich", name="Hộ tịch")
    procedures = Procedure.objects.bulk_create(
        Procedure(
            code=f"9.{n:06d}",
            name=f"Thủ tục thử nghiệm số {n}",
            field=field,
            online_level=Procedure.OnlineLevel.FULL,
            processing_days=3 + n % 10,
            result_type="Giấy xác nhận",
            legal_basis="Nghị định 45/2020/NĐ-CP",
        )
        for n in range(20)
    )
    for procedure in procedures:
        procedure.agencies.set(agencies)
    official = User.objects.create(
        kind=User.Kind.OFFICIAL, username="tiepnhan.bench", full_name="Cán Bộ Tiếp Nhận", agency=agencies[0]
    )
    OfficialRole.objects.create(user=official, agency=agencies[0], role=OfficialRole.Role.RECEPTIONIST)
    seed.agency_id, seed.receptionist_id = agencies[0].pk, official.pk
    seed.procedure_codes = [p.code for p in procedures]
    return [a.pk for a in agencies], [a.code for a in agencies], [p.pk for p in procedures], rule_set.pk


def seed_applicants(count: int, rng: random.Random) -> tuple[list[str], list[str], list[str]]:
    """COPY `count` citizens; returns their citizen IDs, names and phones by position (id = position + first)."""
    from motcua.identity.models import User

    citizen_ids, names, phones = [], [], []
    joined = dt.datetime(2024, 1, 1, tzinfo=HANOI)

    def rows() -> Iterator[tuple]:
        for n in range(count):
            born = dt.date(1950 + n % 55, 1 + n % 12, 1 + n % 28)
            century = 2 * ((born.year - 1900) // 100) + n % 2
            citizen_id = f"{PROVINCES[n % len(PROVINCES)]}{century}{born.year % 100:02d}{n:06d}"
            name = full_name(rng)
            phone = f"09{rng.randrange(10**8):08d}"
            citizen_ids.append(citizen_id)
            names.append(name)
            phones.append(phone)
            yield (
                citizen_id,
                "!",
                "citizen",
                name,
                citizen_id,
                born,
                phone,
                f"{citizen_id}@example.vn",
                joined,
            )

    columns = ["username", "password", "kind", "full_name", "citizen_id", "date_of_birth", "phone", "email",
               "date_joined"]  # fmt: skip
    copy_rows(User, columns, rows())
    return citizen_ids, names, phones


def seed_dossiers(args, seed, rng, agency_ids, agency_codes, procedure_ids, rule_set_id, applicants):
    """COPY the dossiers and their events; fills `seed` with what the measurements look for."""
    from django.db import connection

    from motcua.dossiers.models import Dossier, DossierEvent
    from motcua.workflow.models import ProcessingStep

    first_applicant, citizen_ids, names, phones = applicants
    now = dt.datetime.now(tz=HANOI).replace(microsecond=0)
    span = dt.timedelta(days=730)
    references: set[str] = set()
    sequences: dict[tuple[int, dt.date], int] = {}
    events: list[tuple] = []
    steps: list[tuple] = []  # the open processing step of each dossier in processing
    awaiting_applicants: set[int] = set()

    def reference(day: dt.date) -> str:
        while True:
            ref = f"{day:%y%m%d}-" + "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(6))
            if ref not in references:
                references.add(ref)
                return ref

    # Agencies are of very different sizes: the k-th largest receives a share of about 1/k (Zipf). The
    # receptionist measured works at the largest, where the queue is longest.
    agency_weights = list(itertools.accumulate(1 / (k + 1) for k in range(len(agency_ids))))
    later = [(status, share / (1 - AWAITING_SHARE - DRAFT_SHARE), accepted, stage)
             for status, share, accepted, stage in LATER]  # fmt: skip
    weights = [share for _s, share, _a, _st in later]

    def rows() -> Iterator[tuple]:
        for n in range(args.dossiers + args.backlog):
            backlog = n >= args.dossiers  # the extra dossiers awaiting check at the receptionist's agency
            agency = 0 if backlog else bisect.bisect(agency_weights, rng.random() * agency_weights[-1])
            applicant = rng.randrange(len(citizen_ids))
            procedure = procedure_ids[rng.randrange(len(procedure_ids))]
            roll = DRAFT_SHARE if backlog else rng.random()
            code = ref = submitted = receipt = check_due = accepted_at = due = original_due = None
            result_ready = ended = None
            stage = ""
            if roll < DRAFT_SHARE:
                status = "draft"
                created = now - rng.random() * dt.timedelta(days=60)
            elif roll < DRAFT_SHARE + AWAITING_SHARE:
                status = "submitted"
                check_due = now + dt.timedelta(hours=rng.uniform(-40, 72))
                submitted = check_due - dt.timedelta(hours=rng.uniform(8, 30))
                receipt, created = submitted, submitted - dt.timedelta(hours=1)
                ref = reference(submitted.date())
                if agency == 0:
                    awaiting_applicants.add(applicant)
                    seed.awaiting_references.append(ref)
            else:
                status, _share, accepted, stage = rng.choices(later, weights=weights)[0]
                if status in IN_PROGRESS and accepted:
                    # Appointments from 2 days ago (late) to 12 days ahead; received 3-15 days before them.
                    due = now + dt.timedelta(days=rng.uniform(-2, 12))
                    accepted_at = min(
                        due - dt.timedelta(days=rng.randint(3, 15)), now - dt.timedelta(hours=1)
                    )
                    submitted = accepted_at - dt.timedelta(hours=rng.uniform(1, 8))
                elif status in IN_PROGRESS:
                    submitted = now - dt.timedelta(days=rng.uniform(1, 15))
                else:
                    submitted = now - span * rng.random() - dt.timedelta(days=1)
                    if accepted:
                        accepted_at = submitted + dt.timedelta(hours=rng.uniform(1, 8))
                        due = accepted_at + dt.timedelta(days=rng.randint(3, 15))
                receipt, created = submitted, submitted - dt.timedelta(hours=2)
                check_due = submitted + dt.timedelta(hours=8)
                ref = reference(submitted.date())
                if accepted_at is not None and due is not None:
                    day = accepted_at.date()
                    seq = sequences[(agency, day)] = sequences.get((agency, day), 0) + 1
                    code = f"{agency_codes[agency]}-{day:%y%m%d}-{seq:04d}"
                    original_due = due
                    if rng.random() < 0.03:
                        due = original_due + dt.timedelta(days=3)  # an apology moved it
                    if status in ("result_ready", "done"):
                        ready = accepted_at + (due - accepted_at) * rng.uniform(0.3, 1.15)
                        result_ready = min(ready, now - dt.timedelta(minutes=30))
                    if status == "done":
                        ended = min(result_ready + dt.timedelta(days=rng.uniform(0, 3)), now)
                    elif status in ("rejected", "withdrawn"):
                        ended = min(accepted_at + dt.timedelta(days=rng.uniform(1, 5)), now)
                    if len(seed.codes) < 5000 and rng.random() < 0.01:
                        seed.codes.append((code, phones[applicant]))
                elif status in ("refused", "closed"):
                    ended = min(submitted + dt.timedelta(days=rng.uniform(0.2, 20)), now)
                elif len(seed.references) < 2000:
                    seed.references.append(ref)
            pk = n + 1
            if status == "processing":
                order = {"specialist": 1, "approval": 2, "result": 3}[stage]
                role = "leader" if stage == "approval" else "specialist"
                steps.append((pk, order, stage, role, 8, accepted_at, due))
            for kind, at in (("created", created), ("submitted", submitted), ("accepted", accepted_at),
                             ("result_ready", result_ready), (status, ended)):  # fmt: skip
                if at is not None and kind in ("created", "submitted", "accepted", "result_ready", "done",
                                               "rejected", "withdrawn", "refused", "closed"):  # fmt: skip
                    events.append((pk, kind, at))
            yield (pk, uuid.UUID(int=rng.getrandbits(128), version=4), first_applicant + applicant, procedure,
                   agency_ids[agency], status, rule_set_id if submitted else None, ref, submitted, receipt,
                   check_due, code, stage, accepted_at, due, original_due, result_ready, ended, created,
                   created)  # fmt: skip

    columns = ["id", "public_id", "applicant_id", "procedure_id", "agency_id", "status", "rule_set_id",
               "reference", "submitted_at", "official_receipt_at", "check_due_at", "code", "stage",
               "accepted_at", "due_at", "original_due_at", "result_ready_at", "ended_at", "created_at",
               "updated_at"]  # fmt: skip
    copy_rows(Dossier, columns, rows())
    with connection.cursor() as cursor:  # the ids were given: move the sequence past them
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('dossiers_dossier', 'id'), %s)",
            [args.dossiers + args.backlog],
        )
    copy_rows(DossierEvent, ["dossier_id", "kind", "at"], iter(events))
    step_columns = ["dossier_id", "order", "kind", "role", "budget_hours", "received_at", "due_at"]
    copy_rows(ProcessingStep, step_columns, iter(steps))
    # The measured agency's awaiting applicants, and citizens who have nothing awaiting there.
    for applicant in sorted(awaiting_applicants):
        seed.awaiting_citizen_ids.append(citizen_ids[applicant])
        seed.awaiting_names.append(names[applicant])
    seed.unused_citizen_ids = [
        citizen_ids[a] for a in range(len(citizen_ids)) if a not in awaiting_applicants
    ][:500]
    return len(events)


def seed_all(args: argparse.Namespace) -> Seed:
    from django.db import connection

    rng = random.Random(args.seed)
    seed = Seed()
    started = time.perf_counter()
    agency_ids, agency_codes, procedure_ids, rule_set_id = seed_catalog(args, seed)
    applicant_count = max(1000, args.dossiers // 5)
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM identity_user")
        first_applicant = cursor.fetchone()[0] + 1
    citizen_ids, names, phones = seed_applicants(applicant_count, rng)
    users_done = time.perf_counter()
    event_count = seed_dossiers(
        args, seed, rng, agency_ids, agency_codes, procedure_ids, rule_set_id,
        (first_applicant, citizen_ids, names, phones),
    )  # fmt: skip
    copied = time.perf_counter()
    connection.close()
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as raw:
        raw.execute("VACUUM ANALYZE")
    done = time.perf_counter()
    print(
        f"seeded {args.dossiers + args.backlog:,} dossiers, {event_count:,} events, {applicant_count:,} applicants, "
        f"{args.agencies} agencies in {done - started:.0f} s (applicants {users_done - started:.0f} s, "
        f"dossiers and events {copied - users_done:.0f} s, VACUUM ANALYZE {done - copied:.0f} s)",
        flush=True,
    )
    return seed


def load_seed(args: argparse.Namespace) -> Seed:
    """What the measurements need, read back from a database kept by an earlier run (--reuse)."""
    from django.db.models import F

    from motcua.dossiers.models import Dossier
    from motcua.identity.models import OfficialRole, User

    seed = Seed()
    role = OfficialRole.objects.select_related("user").get(user__username="tiepnhan.bench")
    seed.agency_id, seed.receptionist_id = role.agency_id, role.user_id
    from motcua.catalog.models import Procedure

    seed.procedure_codes = list(Procedure.objects.values_list("code", flat=True))
    awaiting = Dossier.objects.filter(agency_id=seed.agency_id, status="submitted").select_related(
        "applicant"
    )
    for dossier in awaiting:
        seed.awaiting_citizen_ids.append(dossier.applicant.citizen_id or "")
        seed.awaiting_names.append(dossier.applicant.full_name)
        seed.awaiting_references.append(dossier.reference or "")
    seed.codes = list(
        Dossier.objects.annotate(sample=F("id") % 211)
        .filter(code__isnull=False, sample=0)
        .values_list("code", "applicant__phone")[:3000]
    )
    seed.references = list(
        Dossier.objects.filter(status="supplement_requested").values_list("reference", flat=True)[:2000]
    )
    seed.unused_citizen_ids = list(
        User.objects.filter(kind="citizen").exclude(citizen_id__in=seed.awaiting_citizen_ids)
        .values_list("citizen_id", flat=True)[:500]
    )  # fmt: skip
    return seed


# --------------------------------------------------------------------------------------------------
# Measuring


def percentile(values: list[float], p: float) -> float:
    """Nearest rank: of 100 requests, p99 is the second slowest."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


def measure(kind: str, count: int, call: Callable[[int], object], results: dict[str, list[float]]) -> None:
    for n in range(3):  # warm the path: imports, template loading, the plan cache
        call(n)
    timings = []
    for n in range(count):
        started = time.perf_counter()
        call(n)
        timings.append((time.perf_counter() - started) * 1000)
    results[kind] = timings


NEXT_LINK = re.compile(r'<a href="([^"]+)" rel="next">')


def measure_queue(args: argparse.Namespace, seed: Seed) -> dict[str, list[float]]:
    from django.test import Client

    from motcua.identity.models import User

    client = Client()
    client.force_login(User.objects.get(pk=seed.receptionist_id))
    rng = random.Random(args.seed + 1)
    results: dict[str, list[float]] = {}

    def get(path: str, params: dict | None = None, status: int = 200) -> str:
        response = client.get(path, params or {})
        if response.status_code != status:
            sys.exit(f"{path} {params}: {response.status_code}, expected {status}")
        return response.content.decode()

    first = get("/mot-cua/")
    rows = first.count("<tr class=")
    pages = [first]
    chain = []
    while (match := NEXT_LINK.search(pages[-1])) and len(chain) < 10:
        chain.append("/mot-cua/" + match.group(1).replace("&amp;", "&"))
        pages.append(get(chain[-1]))
    print(f"queue: {rows} rows on the first page, {len(chain)} next-page links followed", flush=True)
    if not chain:
        print("  (only one page: the next-page figures are missing; seed more dossiers)")

    names = seed.awaiting_names or ["Nguyễn Văn An"]
    given = sorted({name.split()[-1] for name in names})
    measure("first page", args.requests, lambda n: get("/mot-cua/"), results)
    if chain:
        measure("next page (keyset link)", args.requests, lambda n: get(chain[n % len(chain)]), results)
    measure(
        "search: citizen ID (has one)",
        args.requests,
        lambda n: get("/mot-cua/", {"q": seed.awaiting_citizen_ids[n % len(seed.awaiting_citizen_ids)]}),
        results,
    )
    measure(
        "search: citizen ID (has none)",
        args.requests,
        lambda n: get("/mot-cua/", {"q": seed.unused_citizen_ids[n % len(seed.unused_citizen_ids)]}),
        results,
    )
    measure("search: full name", args.requests, lambda n: get("/mot-cua/", {"q": rng.choice(names)}), results)
    measure(
        "search: one given name", args.requests, lambda n: get("/mot-cua/", {"q": rng.choice(given)}), results
    )
    measure(
        "search: nobody's name", args.requests, lambda n: get("/mot-cua/", {"q": "Xyzabc Không Có"}), results
    )
    measure(
        "search: reference",
        args.requests,
        lambda n: get(
            "/mot-cua/", {"q": seed.awaiting_references[n % len(seed.awaiting_references)].lower()}
        ),
        results,
    )
    measure(
        "procedure filter",
        args.requests,
        lambda n: get("/mot-cua/", {"thu_tuc": seed.procedure_codes[n % len(seed.procedure_codes)]}),
        results,
    )
    return results


def measure_tracking(args: argparse.Namespace, seed: Seed) -> dict[str, list[float]]:
    from django.test import Client

    from motcua.dossiers.selectors import dossier_for_tracking

    results: dict[str, list[float]] = {}
    count = args.requests * 3
    codes = seed.codes or [("000.00.01.H26-000000-0000", "0900000000")]
    references = seed.references or [seed.awaiting_references[0]]

    def found(code: str) -> None:
        if dossier_for_tracking(code=code) is None:
            sys.exit(f"tracking: {code} not found")

    measure("selector: dossier code", count, lambda n: found(codes[n % len(codes)][0]), results)
    measure("selector: reference", count, lambda n: found(references[n % len(references)]), results)
    measure(
        "selector: unknown code",
        count,
        lambda n: dossier_for_tracking(code=f"000.00.01.H26-991231-{n:04d}"),
        results,
    )

    client = Client()

    def page(n: int, status: int, **params: str) -> str:
        # A new client address each time: the bench measures the page, not the limit it would hit.
        response = client.get("/tra-cuu/", params, REMOTE_ADDR=f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}")
        if response.status_code != status:
            sys.exit(f"/tra-cuu/ {params}: {response.status_code}, expected {status}")
        return response.content.decode()

    measure("page: status by code", count, lambda n: page(n, 200, ma=codes[n % len(codes)][0]), results)
    measure(
        "page: with phone, timeline",
        count,
        lambda n: page(n + count, 200, ma=codes[n % len(codes)][0], dien_thoai=codes[n % len(codes)][1][-4:]),
        results,
    )
    measure(
        "page: unknown code",
        count,
        lambda n: page(n + 2 * count, 404, ma=f"000.00.01.H26-991231-{n:04d}"),
        results,
    )

    def api(n: int) -> None:
        code = codes[n % len(codes)][0]
        response = client.get(
            f"/api/v1/tracking/{code}/", REMOTE_ADDR=f"11.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"
        )
        if response.status_code != 200:
            sys.exit(f"/api/v1/tracking/{code}/: {response.status_code}")

    measure("API: status by code", count, api, results)
    return results


def explain(seed: Seed) -> None:
    """The plans PostgreSQL picks for the queue's searches (EXPLAIN ANALYZE, one run each)."""
    from django.db import connection

    from motcua.backoffice.selectors import awaiting_check
    from motcua.identity.models import User

    official = User.objects.get(pk=seed.receptionist_id)
    queries = {
        "citizen ID": seed.awaiting_citizen_ids[0],
        "full name": seed.awaiting_names[0],
        "given name": seed.awaiting_names[0].split()[-1],
    }
    for label, q in queries.items():
        captured: list[str] = []

        def keep(execute, sql, params, many, context, captured=captured):
            captured.append(connection.ops.compose_sql(sql, params) if params else sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(keep):
            awaiting_check(official=official, q=q)
        main = next(sql for sql in captured if "ORDER BY" in sql and "check_due_at" in sql)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + main)
            print(f"\n-- plan of the queue search by {label} ({q!r}):")
            print("\n".join(row[0] for row in cursor.fetchall()))


def summary(label: str, timings: list[float]) -> str:
    return (
        f"| {label} | {len(timings)} | {percentile(timings, 50):.1f} | {percentile(timings, 95):.1f} | "
        f"{percentile(timings, 99):.1f} | {max(timings):.1f} |"
    )


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class CpuWatch:
    """How many cores went to other processes than this one and its PostgreSQL backend while measuring.

    The machine may be shared: a figure taken while something else kept the cores busy says little."""

    def __init__(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self.backend = cursor.fetchone()[0]
        self.start = self._sample()

    def _sample(self) -> tuple[float, float]:
        """(wall clock, CPU seconds of every other process so far)."""
        with open("/proc/stat") as f:
            values = [int(v) for v in f.readline().split()[1:]]
        busy = (sum(values) - values[3] - values[4]) / CLOCK_TICKS  # all but idle and iowait
        own = os.times()
        try:
            fields = Path(f"/proc/{self.backend}/stat").read_text().rsplit(")", 1)[1].split()
            backend = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime
        except (OSError, IndexError, ValueError):
            backend = 0.0  # PostgreSQL on another machine or user: only this process is subtracted
        return time.monotonic(), busy - own.user - own.system - backend

    def others(self) -> float:
        wall, other = self._sample()
        return (other - self.start[1]) / max(wall - self.start[0], 1e-9)


def report(title: str, results: dict[str, list[float]], target: float, others: float) -> None:
    print(f"\n{title}\n")
    print("| request | n | p50 ms | p95 ms | p99 ms | max ms |")
    print("|---|--:|--:|--:|--:|--:|")
    for kind, timings in results.items():
        print(summary(kind, timings))
    every = [t for timings in results.values() for t in timings]
    print(summary("**all**", every))
    p99 = percentile(every, 99)
    verdict = "met" if p99 <= target else "NOT met"
    print(f"\np99 over all {len(every)} requests: {p99:.1f} ms; target {target:.0f} ms: {verdict}")
    disturbed = " (a disturbed run: its figures say little)" if others > 0.25 else ""
    print(
        f"other processes kept {others:.2f} of the {os.cpu_count()} cores busy meanwhile{disturbed}",
        flush=True,
    )


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()
    return (
        f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, load average "
        f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )


def main() -> None:
    args = parse_args()
    admin = admin_connection(args.pg)
    version = admin.execute("SHOW server_version").fetchone()[0]
    if not args.reuse:
        admin.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{DB_NAME}"')
    print(f"PostgreSQL {version}, database {DB_NAME}; {machine()}", flush=True)
    work = Path(tempfile.mkdtemp(prefix="motcua-bench-queue-"))  # MOTCUA_VAR_DIR: nothing is stored there
    try:
        setup_django(args.pg, work)
        from django.core.management import call_command
        from django.db import connection

        started = time.perf_counter()
        call_command("migrate", "--no-input", "-v", "0")  # with --reuse: only what is new since
        print(f"migrated in {time.perf_counter() - started:.0f} s", flush=True)
        seed = load_seed(args) if args.reuse else seed_all(args)
        awaiting = len(seed.awaiting_references)
        print(f"the receptionist's agency has {awaiting:,} dossiers awaiting check", flush=True)
        if args.explain:
            explain(seed)
        watch = CpuWatch()
        queue = measure_queue(args, seed)
        queue_others = watch.others()
        watch = CpuWatch()
        tracking = measure_tracking(args, seed)
        tracking_others = watch.others()
        from motcua.dossiers.models import Dossier

        total = Dossier.objects.count()
        report(
            f"Queue page /mot-cua/ ({total:,} dossiers, {awaiting:,} awaiting)",
            queue,
            QUEUE_TARGET_MS,
            queue_others,
        )
        report(f"Tracking ({total:,} dossiers)", tracking, TRACKING_TARGET_MS, tracking_others)
        print(f"\n{machine()}")
        connection.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if not args.keep:
            admin.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        admin.close()


if __name__ == "__main__":
    main()
