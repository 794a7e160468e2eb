#!/usr/bin/env python3
"""Submission throughput of motcua's one-shot API, against the framework floor, measured in one run.

    .venv/bin/python bench/submit.py [--db sqlite,postgres] [--workers sync,gthread] [--clients 16]
                                     [--duration 20] [--warmup 3] [--repeats 3] [--unique] [--quick]

For each repeat, database and gunicorn worker class, it runs motcua and the framework floor
(../shared/bench-floor, the bare Django app that does the least a submission needs) one after the
other, each on fresh tables and an empty storage dir, under the same gunicorn flags on a loopback port.

motcua: N closed-loop aiohttp clients each POST /api/v1/submissions/ (token auth, a fresh
Idempotency-Key per request, the e-form answers of the chosen demo procedure, one 1 MiB PDF: the same
one the floor's load.py sends). A request counts as OK only if it returns 200 and the file's sha256.
The floor is driven by its own load.py --variant full with the same clients, warm-up and duration.

Prints submissions/s, p50/p95/p99 latency and errors per (database, worker class, app), medians over
the repeats, and the motcua / floor ratios; writes every run as a JSON line to bench/results/.
Not a test: nothing here asserts a figure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import hashlib
import importlib.util
import itertools
import json
import os
import platform
import random
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import aiohttp
import psycopg

REPO = Path(__file__).resolve().parent.parent
FLOOR_DIR = REPO.parent / "shared" / "bench-floor"
RESULTS_DIR = REPO / "bench" / "results"
HOST = "127.0.0.1"  # loopback only: the servers are ours and so is the load
ENDPOINT = "/api/v1/submissions/"
PG_DATABASES = {"motcua": "motcua_bench", "template": "motcua_bench_template", "floor": "floor_bench"}
NONCE_SLOT = b"%nonce " + b"0" * 32 + b"\n"  # a PDF comment line, rewritten per request with --unique
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
FLOOR_LOAD = None  # ../shared/bench-floor/load.py as a module, once load_floor_client() ran


def make_pdf(side=1024, seed=45):
    """A copy of make_pdf from ../shared/bench-floor/load.py (main() checks they still agree).

    A valid one-page PDF whose page shows a side x side 8-bit grey noise image: 1,049,475 bytes.
    """
    noise = random.Random(seed).randbytes(side * side)
    content = (
        b"BT /F1 16 Tf 72 800 Td (Ho so mau - framework floor benchmark) Tj ET\n"
        b"q 451 0 0 451 72 320 cm /Im1 Do Q\n"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> /XObject << /Im1 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray"
        b" /BitsPerComponent 8 /Length %d >>\nstream\n%s\nendstream" % (side, side, len(noise), noise),
    ]
    out, offsets = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    out += NONCE_SLOT  # fixed length, so the offsets below hold whatever it says
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# --------------------------------------------------------------------------------------------------
# Measuring (the same window, percentiles and CPU accounting as the floor's load.py)


def cpu_ticks():
    """(busy, total) jiffies over all CPUs, from /proc/stat."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def multipart(fields, file_field, filename, content):
    """Encode the multipart body once; the client then spends no CPU on it per request."""
    boundary = "motcua-bench-" + hashlib.sha256(repr(fields).encode()).hexdigest()[:32]
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    assert boundary.encode() not in content
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
    parts.append(f"{head}Content-Type: application/pdf\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def motcua_request(setup, pdf):
    """The one-shot body, and a maker of fresh headers (Content-Type, token, key) for each request."""
    fields = {
        "procedure": setup["procedure"],
        "agency": setup["agency"],
        "form_data": json.dumps(setup["form_data"], ensure_ascii=False),
    }
    body, content_type = multipart(fields, setup["component"], "giay-to-dinh-kem.pdf", pdf)

    def headers():
        return {
            "Content-Type": content_type,
            "Authorization": "Token " + setup["token"],
            "Idempotency-Key": uuid.uuid4().hex,  # a new submission each time
        }

    return body, headers


async def prime(url, body, headers, concurrency):
    """Before the measured load: twice, `concurrency` requests at once, so that every gunicorn worker has
    imported and warmed up what a request needs (a cold worker's first request takes seconds).

    Returns the slowest first-round latency (ms), a cold-start figure, and the statuses seen."""
    timeout = aiohttp.ClientTimeout(total=120)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:

        async def one():
            sent = time.perf_counter()
            try:
                async with session.post(url, data=body, headers=headers()) as response:
                    await response.read()
                    status = response.status
            except (TimeoutError, aiohttp.ClientError) as error:
                status = type(error).__name__
            return (time.perf_counter() - sent) * 1000, status

        first = await asyncio.gather(*(one() for _ in range(concurrency)))
        second = await asyncio.gather(*(one() for _ in range(concurrency)))
    return max(ms for ms, _status in first), sorted({str(status) for _ms, status in first + second})


async def drive_motcua(base, setup, args):
    """Closed loop: each client POSTs one-shot submissions back to back; returns load.py's figures."""
    pdf = make_pdf()
    body, fresh_headers = motcua_request(setup, pdf)
    head, tail = body.split(NONCE_SLOT)
    pdf_head, pdf_tail = pdf.split(NONCE_SLOT)
    pdf_head_hash = hashlib.sha256(pdf_head)
    same_sha = hashlib.sha256(pdf).hexdigest()
    counter = itertools.count(1)

    def next_request():
        if not args.unique:
            return body, same_sha
        slot = b"%%nonce %032x\n" % next(counter)
        digest = pdf_head_hash.copy()
        digest.update(slot + pdf_tail)
        return head + slot + tail, digest.hexdigest()

    url = base + ENDPOINT
    start = time.perf_counter()
    window_start, window_end = start + args.warmup, start + args.warmup + args.duration
    samples = []  # (finished_at, latency_s, ok)
    failures = {}  # (status, first 300 bytes of the answer) -> count, to say why requests failed
    marks = {}

    async def mark_window():
        await asyncio.sleep(max(0.0, window_start - time.perf_counter()))
        marks["start"] = cpu_ticks(), os.times()
        await asyncio.sleep(max(0.0, window_end - time.perf_counter()))
        marks["end"] = cpu_ticks(), os.times()

    async def client(session):
        while time.perf_counter() < window_end and len(samples) < args.max_requests:
            data, sha256 = next_request()
            headers = fresh_headers()
            sent = time.perf_counter()
            status, payload = None, b""
            try:
                async with session.post(url, data=data, headers=headers) as response:
                    status, payload = response.status, await response.read()
                files = json.loads(payload).get("files", []) if status == 200 else []
                ok = any(isinstance(f, dict) and f.get("sha256") == sha256 for f in files)
            except (TimeoutError, aiohttp.ClientError, ValueError, AttributeError) as error:
                ok, payload = False, payload or repr(error).encode()
            done = time.perf_counter()
            samples.append((done, done - sent, ok))
            if not ok:
                key = (status, payload[:300].decode("utf-8", "replace"))
                failures[key] = failures.get(key, 0) + 1
                await asyncio.sleep(0.05)  # no tight loop against a failing server

    timeout = aiohttp.ClientTimeout(total=30)
    connector = aiohttp.TCPConnector(limit=args.clients)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        await asyncio.gather(mark_window(), *(client(session) for _ in range(args.clients)))

    window = [s for s in samples if window_start <= s[0] <= window_end]
    latencies = sorted(s[1] * 1000 for s in window if s[2])
    cuts = (
        statistics.quantiles(latencies, n=100, method="inclusive")
        if len(latencies) > 1
        else [float("nan")] * 99
    )
    (busy0, total0), t0 = marks["start"]
    (busy1, total1), t1 = marks["end"]
    return {
        "variant": "oneshot" + ("+unique" if args.unique else ""),
        "clients": args.clients,
        "duration_s": args.duration,
        "body_bytes": len(body),
        "requests": len(latencies),
        "rps": len(latencies) / args.duration,
        "p50_ms": cuts[49],
        "p95_ms": cuts[94],
        "p99_ms": cuts[98],
        "errors": len(window) - len(latencies),
        "errors_total": sum(not s[2] for s in samples),
        "machine_cpu_pct": 100 * (busy1 - busy0) / max(1, total1 - total0),
        "loadgen_cpu_pct": 100 * ((t1.user + t1.system) - (t0.user + t0.system)) / args.duration,
        "failure_samples": [
            {"status": status, "count": count, "body": text}
            for (status, text), count in sorted(failures.items(), key=lambda item: -item[1])[:5]
        ],
    }


# --------------------------------------------------------------------------------------------------
# Processes: setup commands, gunicorn, PostgreSQL databases


def run(cmd, env, cwd=REPO, capture=False):
    result = subprocess.run(cmd, env=env, cwd=cwd, text=True, capture_output=True, check=False)
    if result.returncode != 0:
        sys.exit(f"failed ({result.returncode}): {' '.join(map(str, cmd))}\n{result.stdout}{result.stderr}")
    return result.stdout if capture else None


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """One gunicorn master (in its own session) on a free loopback port; stop() ends it and its workers."""

    def __init__(self, target, kind, args, env, log, *, ready_path, chdir=None):
        self.port, self.kind = free_port(), kind
        self.base = f"http://{HOST}:{self.port}"
        cmd = [sys.executable, "-m", "gunicorn", *(["--chdir", str(chdir)] if chdir else []), target]
        cmd += ["-b", f"{HOST}:{self.port}", "-w", str(args.processes), "-k", kind]
        cmd += ["--threads", str(args.threads)] if kind == "gthread" else []
        cmd += ["--no-control-socket", "--error-logfile", str(log), "--log-level", "warning"]
        self.log = log
        with log.open("ab") as stderr:  # Django's request warnings, beside gunicorn's error log
            self.process = subprocess.Popen(
                cmd,
                env=env,
                cwd=REPO,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                urllib.request.urlopen(self.base + ready_path, timeout=5).close()
                return
            except urllib.error.HTTPError:
                return  # any HTTP answer (404, 405, 401) means it is up
            except OSError:
                time.sleep(0.1)
        self.stop()
        sys.exit(f"gunicorn did not come up ({' '.join(cmd)}); see {log}:\n{Path(log).read_text()[-3000:]}")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # its own session: the master and its workers
                self.process.wait()


class Postgres:
    def __init__(self, url):
        self.url = url.rstrip("/")
        try:
            self.admin = psycopg.connect(self.url + "/postgres", autocommit=True)
        except psycopg.OperationalError as error:
            sys.exit(f"PostgreSQL is not reachable at {self.url}: {error}\nStart it, or use --db sqlite.")
        self.version = self.admin.execute("SHOW server_version").fetchone()[0]

    def recreate(self, name, template=None):
        self.drop(name)
        clause = f' TEMPLATE "{template}"' if template else ""
        self.admin.execute(f'CREATE DATABASE "{name}"{clause}')

    def scalar(self, name, sql):
        with psycopg.connect(f"{self.url}/{name}", autocommit=True) as connection:
            return connection.execute(sql).fetchone()[0]

    def drop(self, name):
        self.admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self):
        for name in PG_DATABASES.values():
            self.drop(name)
        self.admin.close()


def base_env(work):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOTCUA_", "FLOOR_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env |= {"PYTHONPYCACHEPREFIX": str(work / "pycache"), "PYTHONUNBUFFERED": "1"}
    return env


class Motcua:
    """motcua's state per database: a migrated template (catalog, citizen, token) copied for every run."""

    name = "motcua"
    sqlite_file, pg_name = "motcua.sqlite3", PG_DATABASES["motcua"]
    count_sql = "SELECT count(*) FROM dossiers_dossier WHERE status = 'submitted'"

    def __init__(self, db, work, args, pg):
        self.db, self.work, self.args, self.pg = db, work / f"motcua-{db}", args, pg
        self.template = self.work / "template"
        self.template.mkdir(parents=True)
        self.env = base_env(work) | {
            "DJANGO_SETTINGS_MODULE": "motcua.settings",
            "MOTCUA_TASKS_BACKEND": args.tasks,
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "LOG_LEVEL": "WARNING",
        }
        self.setup = self._prepare()

    def _env(self, var_dir, database):
        return self.env | {
            "MOTCUA_VAR_DIR": str(var_dir),
            "MOTCUA_STORAGE_DIR": str(var_dir / "storage"),
            "DATABASE_URL": database,
        }

    def _database(self, var_dir, template=False):
        if self.db == "sqlite":
            return ""  # the embedded default: $MOTCUA_VAR_DIR/motcua.sqlite3
        return f"{self.pg.url}/{PG_DATABASES['template' if template else 'motcua']}"

    def _prepare(self):
        env = self._env(self.template, self._database(self.template, template=True))
        if self.db == "postgres":
            self.pg.recreate(PG_DATABASES["template"])
        manage = [sys.executable, "manage.py"]
        run([*manage, "migrate", "--no-input", "-v", "0"], env)
        run([*manage, "load_catalog", "src/motcua/catalog/demo"], env)
        picked = [*(["--procedure", self.args.procedure] if self.args.procedure else [])]
        out = run([sys.executable, "bench/setup_motcua.py", *picked], env, capture=True)
        if self.db == "sqlite":  # fold the WAL into the main file, so copying that one file is enough
            with contextlib.closing(sqlite3.connect(self.template / self.sqlite_file)) as connection:
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return json.loads(out.strip().splitlines()[-1])

    def start(self, kind, run_dir):
        """Fresh tables (a copy of the template) and an empty storage dir, then gunicorn."""
        (run_dir / "static").mkdir(parents=True)  # STATIC_ROOT: whitenoise warns when it is missing
        if self.db == "sqlite":
            shutil.copyfile(self.template / self.sqlite_file, run_dir / self.sqlite_file)
        else:
            self.pg.recreate(PG_DATABASES["motcua"], template=PG_DATABASES["template"])
        os.sync()
        env = self._env(run_dir, self._database(run_dir))
        log = run_dir / "gunicorn.log"
        return Server("motcua.wsgi:application", kind, self.args, env, log, ready_path=ENDPOINT)

    def sample_request(self):
        body, headers = motcua_request(self.setup, make_pdf())
        return ENDPOINT, body, headers

    def drive(self, server):
        return asyncio.run(drive_motcua(server.base, self.setup, self.args))


class Floor:
    """The framework floor app, reset the way its run.sh does: migrate, flush, empty storage, sync."""

    name = "floor"
    sqlite_file, pg_name = "floor.sqlite3", PG_DATABASES["floor"]
    count_sql = "SELECT count(*) FROM floor_dossier"

    def __init__(self, db, work, args, pg):
        self.db, self.work, self.args, self.pg = db, work / f"floor-{db}", args, pg
        self.work.mkdir(parents=True)
        self.env = base_env(work) | {"DJANGO_SETTINGS_MODULE": "floor.settings"}
        if db == "postgres":
            self.pg.recreate(PG_DATABASES["floor"])
            self.env["DATABASE_URL"] = f"{pg.url}/{PG_DATABASES['floor']}"

    def start(self, kind, run_dir):
        run_dir.mkdir(parents=True)
        self.run_env = self.env | {"FLOOR_WORK_DIR": str(run_dir)}
        manage = [sys.executable, str(FLOOR_DIR / "manage.py")]
        run([*manage, "migrate", "-v0"], self.run_env, cwd=FLOOR_DIR)
        run([*manage, "flush", "--no-input", "-v0"], self.run_env, cwd=FLOOR_DIR)
        os.sync()
        log = run_dir / "gunicorn.log"
        target = "floor.wsgi:application"
        return Server(target, kind, self.args, self.run_env, log, ready_path="/submit", chdir=FLOOR_DIR)

    def sample_request(self):
        body, content_type = FLOOR_LOAD.multipart(FLOOR_LOAD.FORM, ("giay-to-dinh-kem.pdf", make_pdf()))
        return "/submit", body, lambda: {"Content-Type": content_type}

    def drive(self, server):
        """The floor's own load generator, unchanged."""
        args = self.args
        cmd = [sys.executable, str(FLOOR_DIR / "load.py"), "--base", server.base, "--variant", "full"]
        cmd += ["-c", str(args.clients), "-d", str(args.duration), "--warmup", str(args.warmup)]
        cmd += ["--max-requests", str(args.max_requests), "--json", *(["--unique"] if args.unique else [])]
        return json.loads(run(cmd, self.run_env, cwd=FLOOR_DIR, capture=True))


def measure(app, server, run_dir):
    """Prime every worker, then the closed-loop load, metering CPU over the load.

    server_core_ms: CPU time (user + system) of the gunicorn processes and of the PostgreSQL backends
    serving them, per request handled during the load (warm-up included; requests counted as rows in
    the database). It moves less than req/s when something else on the machine takes CPU too.
    others_cores: how many cores, on average, went to anything but the server and the load generator
    during the load; well above 0.1, the run was disturbed by something else on the machine.
    """
    path, body, headers = app.sample_request()
    width = app.args.processes * (app.args.threads if server.kind == "gthread" else 1)
    cold_ms, statuses = asyncio.run(prime(server.base + path, body, headers, width))
    before = count_rows(app, run_dir), server_cpu(app, server), own_cpu(), cpu_ticks(), time.monotonic()
    load = app.drive(server)
    after = count_rows(app, run_dir), server_cpu(app, server), own_cpu(), cpu_ticks(), time.monotonic()
    rows = after[0] - before[0]
    server_s = sum(seconds - before[1].get(pid, 0.0) for pid, seconds in after[1].items())
    machine_s = (after[3][0] - before[3][0]) / CLOCK_TICKS
    others = (machine_s - server_s - (after[2] - before[2])) / (after[4] - before[4])
    return load | {
        "cold_ms": cold_ms,
        "prime_statuses": statuses,
        "server_core_ms": 1000 * server_s / rows if rows else float("nan"),
        "others_cores": others,
    }


def own_cpu():
    """CPU seconds of this process and its finished children (the floor's load.py)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def count_rows(app, run_dir):
    if app.db == "sqlite":
        with contextlib.closing(sqlite3.connect(run_dir / app.sqlite_file, timeout=30)) as connection:
            return connection.execute(app.count_sql).fetchone()[0]
    return app.pg.scalar(app.pg_name, app.count_sql)


def server_cpu(app, server):
    """CPU seconds so far of each gunicorn process (its own process group) and, on PostgreSQL, of each
    backend connected to the app's database, by pid."""
    pids = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()]
    if app.db == "postgres":
        backends = app.pg.admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", [app.pg_name]
        ).fetchall()
    else:
        backends = []
    wanted = {pid for (pid,) in backends}
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # it ended meanwhile
        # after the ")": state ppid pgrp ... utime is field 14 and stime 15 of the whole line
        if int(fields[2]) == server.process.pid or pid in wanted:
            seconds[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return seconds


# --------------------------------------------------------------------------------------------------
# Reporting


def median_row(loads):
    rps = [load["rps"] for load in loads]
    return {
        "rps": statistics.median(rps),
        "rps_min": min(rps),
        "rps_max": max(rps),
        **{key: statistics.median(load[key] for load in loads) for key in ("p50_ms", "p95_ms", "p99_ms")},
        "cpu": statistics.median(load["machine_cpu_pct"] for load in loads),
        "cold_ms": statistics.median(load["cold_ms"] for load in loads),
        "core_ms": statistics.median(load["server_core_ms"] for load in loads),
        "others": max(load["others_cores"] for load in loads),
        "errors": sum(load["errors"] for load in loads),
        "n": len(loads),
    }


def table(records):
    groups = {}
    for record in records:
        groups.setdefault((record["db"], record["worker"], record["app"]), []).append(record["load"])
    lines = [
        "| db | worker | app | req/s median (min–max) | p50 ms | p95 ms | p99 ms | errors | machine CPU % "
        "| server core-ms/req | cold ms | others, cores (max) | runs |",
        "|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    ratios = [
        "| db | worker | motcua ÷ floor req/s | motcua ÷ floor p50 | motcua ÷ floor p95 "
        "| motcua ÷ floor server core-ms |",
        "|---|---|--:|--:|--:|--:|",
    ]
    for db, worker in dict.fromkeys((db, worker) for db, worker, _app in groups):
        rows = {
            app: median_row(groups[db, worker, app])
            for app in ("motcua", "floor")
            if (db, worker, app) in groups
        }
        for app, row in rows.items():
            lines.append(
                f"| {db} | {worker} | {app} | {row['rps']:.1f} ({row['rps_min']:.0f}–{row['rps_max']:.0f}) | "
                f"{row['p50_ms']:.1f} | {row['p95_ms']:.1f} | {row['p99_ms']:.1f} | {row['errors']} | "
                f"{row['cpu']:.0f} | {row['core_ms']:.1f} | {row['cold_ms']:.0f} | {row['others']:.2f} | "
                f"{row['n']} |"
            )
        if len(rows) == 2 and rows["floor"]["rps"]:
            m, f = rows["motcua"], rows["floor"]
            ratios.append(
                f"| {db} | {worker} | {m['rps'] / f['rps']:.2f} | {m['p50_ms'] / f['p50_ms']:.2f} | "
                f"{m['p95_ms'] / f['p95_ms']:.2f} | {m['core_ms'] / f['core_ms']:.2f} |"
            )
    return "\n".join(lines) + ("\n\n" + "\n".join(ratios) if len(ratios) > 2 else "")


def summary_line(record):
    load = record["load"]
    line = (
        f"{record['rep']} {record['db']:8} {record['worker']:7} {record['app']:6} {load['rps']:6.1f} req/s  "
        f"p50 {load['p50_ms']:6.1f}  p95 {load['p95_ms']:6.1f}  p99 {load['p99_ms']:6.1f} ms  "
        f"errors {load['errors']} ({load['errors_total']} incl. warm-up)  "
        f"CPU {load['machine_cpu_pct']:.0f}%  server {load['server_core_ms']:.1f} core-ms/req  "
        f"others {load['others_cores']:.2f} cores  "
        f"cold {load['cold_ms']:.0f} ms"
    )
    if load["prime_statuses"] != ["200"]:
        line += f"\n    priming requests answered HTTP {load['prime_statuses']}"
    for failure in load.get("failure_samples", []):  # why requests failed, so a broken run explains itself
        line += f"\n    {failure['count']}× HTTP {failure['status']}: {failure['body'][:200]}"
    return line


def revision():
    """The commit measured, and whether the working tree differs from it."""
    git = ["git", "-C", str(REPO)]
    head = subprocess.run(
        [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        [*git, "status", "--porcelain", "--", "src"], capture_output=True, text=True
    ).stdout
    return (head or "?") + (" + uncommitted changes in src/" if dirty.strip() else "")


def versions():
    import django
    import gunicorn

    return (
        f"Python {platform.python_version()}, Django {django.__version__}, gunicorn {gunicorn.__version__}, "
        f"psycopg {psycopg.__version__}, aiohttp {aiohttp.__version__}, SQLite {sqlite3.sqlite_version}"
    )


def load_floor_client():
    """Import the floor's load.py (for its request body) and check our make_pdf still makes its PDF."""
    global FLOOR_LOAD
    spec = importlib.util.spec_from_file_location("floor_load", FLOOR_DIR / "load.py")
    FLOOR_LOAD = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(FLOOR_LOAD)
    if FLOOR_LOAD.make_pdf() != make_pdf() or FLOOR_LOAD.NONCE_SLOT != NONCE_SLOT:
        sys.exit("bench/submit.py's make_pdf differs from ../shared/bench-floor/load.py's: copy it again")


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument(
        "--workers", default="sync", help="gunicorn worker classes, comma-separated: sync, gthread"
    )
    parser.add_argument(
        "--processes", type=int, default=2 * os.cpu_count() + 1, help="gunicorn workers (2×nproc+1)"
    )
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, help="measured seconds per run (default 20; --quick 4)")
    parser.add_argument("--warmup", type=float, help="warm-up seconds per run (default 3; --quick 1)")
    parser.add_argument("--repeats", type=int, help="runs per (db, worker, app) (default 3; --quick 1)")
    parser.add_argument("--max-requests", type=int, default=200_000, help="per run, a bound on requests")
    parser.add_argument("--unique", action="store_true", help="a different PDF in every request (both apps)")
    parser.add_argument("--quick", action="store_true", help="short runs, one repeat: a smoke check")
    parser.add_argument("--no-floor", action="store_true", help="measure motcua only")
    parser.add_argument(
        "--procedure", help="demo procedure code to submit (default: the simplest usable one)"
    )
    parser.add_argument(
        "--tasks",
        choices=("database", "immediate"),
        default="database",
        help="MOTCUA_TASKS_BACKEND; database: tasks are queued rows, as deployed (no worker runs)",
    )
    parser.add_argument(
        "--pg", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server (trust auth)"
    )
    parser.add_argument("--table", type=Path, metavar="JSONL", help="only print the table of a results file")
    parser.add_argument(
        "--fail-on-errors", action="store_true", help="exit 1 if any request failed (a smoke check for CI)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs, databases, storage)")
    args = parser.parse_args()
    args.duration = args.duration or (4.0 if args.quick else 20.0)
    args.warmup = args.warmup if args.warmup is not None else (1.0 if args.quick else 3.0)
    args.repeats = args.repeats or (1 if args.quick else 3)
    args.dbs = [d.strip() for d in args.db.split(",") if d.strip()]
    args.kinds = [k.strip() for k in args.workers.split(",") if k.strip()]
    for value, allowed in ((args.dbs, {"sqlite", "postgres"}), (args.kinds, {"sync", "gthread"})):
        if not value or not set(value) <= allowed:
            parser.error(f"expected a comma-separated list of {', '.join(sorted(allowed))}")
    return args


def main():
    args = parse_args()
    if args.table:
        print(table([json.loads(line) for line in args.table.read_text().splitlines() if line.strip()]))
        return
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    floor = not args.no_floor and FLOOR_DIR.is_dir()
    if not args.no_floor and not floor:
        print(f"# {FLOOR_DIR} is absent: the framework floor is skipped, motcua is measured alone")
    if floor:
        load_floor_client()
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    results = RESULTS_DIR / f"submit-{stamp}.jsonl"
    work = Path(tempfile.mkdtemp(prefix="motcua-bench-"))
    pg = Postgres(args.pg) if "postgres" in args.dbs else None
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "?")
    print(f"# {stamp}  {os.cpu_count()} cores, {cpu}, Linux {platform.release()}")
    rev = revision()
    print(f"# {versions()}" + (f", PostgreSQL {pg.version}" if pg else "") + f"; motcua {rev}")
    print(
        f"# gunicorn -w {args.processes} (gthread: {args.threads} threads each), {args.clients} clients, "
        f"{args.warmup:g}s warm-up + {args.duration:g}s measured, {args.repeats} repeat(s), "
        f"{'a different' if args.unique else 'the same'} 1 MiB PDF per request, tasks backend {args.tasks}"
    )
    records, servers = [], []
    try:
        apps = {}
        for db in args.dbs:
            apps[db] = [Motcua(db, work, args, pg)] + ([Floor(db, work, args, pg)] if floor else [])
            setup = apps[db][0].setup
            print(
                f"# {db}: procedure {setup['procedure']} ({setup['procedure_name']}), "
                f"agency {setup['agency']}, component {setup['component']}, "
                f"{len(setup['form_data'])} e-form answers"
            )
        runs = itertools.product(range(1, args.repeats + 1), args.dbs, args.kinds)
        for n, (rep, db, kind) in enumerate(runs):
            order = apps[db] if n % 2 == 0 else apps[db][::-1]  # alternate who goes first
            for app in order:
                run_dir = work / "runs" / f"{rep}-{db}-{kind}-{app.name}"
                server = app.start(kind, run_dir)
                servers.append(server)
                try:
                    load = measure(app, server, run_dir)
                finally:
                    server.stop()
                record = {"at": stamp, "rev": rev, "rep": rep, "db": db, "worker": kind, "app": app.name}
                record["load"] = load
                records.append(record)
                with results.open("a") as f:
                    f.write(json.dumps(record, ensure_ascii=False) + "\n")
                print(summary_line(record), flush=True)
    finally:
        for server in servers:
            server.stop()
        if pg:
            pg.close()
        if args.keep:
            print(f"# kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
        if records:  # also after a failure: what was measured until then
            print(f"\n{table(records)}\n\n# results: {results.relative_to(REPO)}")
    failed = [r for r in records if r["load"]["errors_total"] or not r["load"]["requests"]]
    if args.fail_on_errors and failed:
        sys.exit(f"{len(failed)} run(s) had failed requests or none that succeeded (--fail-on-errors)")


if __name__ == "__main__":
    main()
