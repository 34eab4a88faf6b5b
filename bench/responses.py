#!/usr/bin/env python
"""Benchmark: POST /api/v1/patients/{id}/responses with 1,000,000 stored responses.

Target from the issue: p95 under 100 ms for a new submission. The script builds
(once) a database holding N submitted responses, starts a real server
(gunicorn, one sync worker), submits PHQ-9 responses to it over HTTP with a
bearer token, and reports p50/p95/max for new submissions, for those that raise
an alert, and for idempotent retries. It exits 1 when the p95 of new
submissions is 100 ms or more (and on any unexpected status code). See
bench/README.md.

    .venv/bin/python bench/responses.py                    # SQLite, var/bench/
    .venv/bin/python bench/responses.py --responses 50000  # quicker
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/carepath_bench \
        .venv/bin/python bench/responses.py
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

# Shared with the caseload benchmark (bench/ is on sys.path when this file is run).
from caseload import REPO, SqlTimer, configure_environment, git_revision, percentile, redact_url

TARGET_P95_MS = 100.0
INSTRUMENT = "phq-9"
ENDPOINT = "/api/v1/patients/{}/responses"
YEARS = 3


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--responses", type=int, default=1_000_000,
                   help="stored submitted responses to ensure before measuring (default "
                        "1000000); only the missing ones are inserted")
    p.add_argument("--patients", type=int, default=10_000,
                   help="patients the stored and the new responses are spread over, all on "
                        "clinician's care team (default 10000)")
    p.add_argument("--requests", type=int, default=300,
                   help="measured new submissions (default 300)")
    p.add_argument("--warmup", type=int, default=20,
                   help="unmeasured new submissions first (default 20)")
    p.add_argument("--retries", type=int, default=100,
                   help="measured retries with a reused Idempotency-Key (default 100)")
    p.add_argument("--alert-every", type=int, default=20,
                   help="1 new submission in this many answers item 9 with 1 and raises an "
                        "alert (default 20)")
    p.add_argument("--batch", type=int, default=20_000,
                   help="rows per bulk_create transaction when building (default 20000)")
    p.add_argument("--database-url", default=None,
                   help="database to use (default: $DATABASE_URL if set, else "
                        "sqlite:///<var>/bench/responses-<N>.sqlite3). A PostgreSQL database "
                        "is created if it does not exist. Never the demo database.")
    p.add_argument("--workers", type=int, default=1,
                   help="gunicorn sync workers (default 1; requests are sent one at a time)")
    p.add_argument("--profile", type=int, default=5,
                   help="after the HTTP run, this many unmeasured in-process requests of each "
                        "kind to count their queries (default 5; 0 to skip)")
    p.add_argument("--analyze", action="store_true",
                   help="run ANALYZE before measuring (always done on PostgreSQL after "
                        "inserting; on SQLite only with this flag, as Django never does it)")
    p.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    p.add_argument("--output", default=None,
                   help="JSON results file (default <var>/bench/responses-results.json)")
    args = p.parse_args(argv)
    if args.requests < 1 or args.responses < 0 or args.patients < 1 or args.batch < 1:
        p.error("--requests, --patients and --batch must be at least 1")
    return args


def ensure_postgres_database(url: str) -> bool:
    """Create the PostgreSQL database named in ``url`` if it is missing. True if created."""
    import environ

    config = environ.Env.db_url_config(url)
    if "postgresql" not in config.get("ENGINE", ""):
        return False
    import psycopg
    from psycopg import sql

    connect = {"dbname": "postgres", "host": config.get("HOST") or None,
               "port": config.get("PORT") or None, "user": config.get("USER") or None,
               "password": config.get("PASSWORD") or None, "autocommit": True}
    with psycopg.connect(**{k: v for k, v in connect.items() if v is not None}) as conn:
        name = config["NAME"]
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


def machine() -> dict:
    info = {"python": platform.python_version(), "platform": platform.platform(),
            "cpus": os.cpu_count(), "cpu": "", "memory_gb": None,
            "load_average": [round(x, 2) for x in os.getloadavg()]}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["memory_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    except OSError:
        pass
    return info


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def statement_shape(sql: str) -> str:
    """A statement without its values, so that the same statement counts once."""
    sql = re.sub(r'"s\d+_x\d+"', '"s…"', sql)  # savepoint names
    for cut in (" WHERE ", " SET ", " VALUES ", " RETURNING "):
        sql = sql.split(cut, 1)[0]
    return sql[:120]


def summary(timings: list[float]) -> dict:
    ordered = sorted(timings)
    return {"n": len(ordered), "p50_ms": round(percentile(ordered, 50), 1),
            "p95_ms": round(percentile(ordered, 95), 1), "max_ms": round(ordered[-1], 1)}


def main(argv=None) -> int:
    args = parse_args(argv)
    var_dir = Path(os.environ.get("CAREPATH_VAR_DIR") or REPO / "var")
    bench_dir = var_dir / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    if not args.database_url and not os.environ.get("DATABASE_URL"):
        args.database_url = f"sqlite:///{bench_dir / f'responses-{args.responses}.sqlite3'}"
    configure_environment(args)  # DATABASE_URL, DEBUG, CAREPATH_DEMO, ALLOWED_HOSTS, sys.path
    url = os.environ["DATABASE_URL"]
    created_db = ensure_postgres_database(url)

    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.table import Table

    from carepath.accounts.models import User
    from carepath.accounts.tokens import create_token
    from carepath.alerts.models import Alert
    from carepath.audit.log import Context
    from carepath.measures import catalogue
    from carepath.measures.models import Response
    from carepath.patients.models import CareTeamMember, Patient

    console = Console() if sys.stdout.isatty() else Console(width=150)
    vendor = connection.vendor
    revision = git_revision()
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if vendor == "sqlite" else "SHOW server_version")
        db_version = cursor.fetchone()[0]
    console.print(f"[bold]Commit[/]: {revision['commit'][:12] or 'unknown'}"
                  f"{' (app code modified)' if revision['app_code_modified'] else ''}")
    console.print(f"[bold]Database[/]: {vendor} {db_version} {redact_url(url)}"
                  f"{' (created)' if created_db else ''}")

    # -- Populate (idempotent: only what is missing) ------------------------------------
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("demo", seed=2026)
    clinician = User.objects.get(username="clinician")
    have = CareTeamMember.objects.filter(user=clinician).count()
    if have < args.patients:
        # The generator alternates clinician and clinician2 as key worker.
        console.print(f"Adding {2 * (args.patients - have):,} patients so that clinician's "
                      f"caseload reaches {args.patients:,}…")
        call_command("demo", patients=2 * (args.patients - have))
    patients = list(Patient.objects.filter(care_team__user=clinician).order_by("pk")
                    .values_list("pk", "uuid", "organisation_id")[:args.patients])
    organisation_id = patients[0][2]
    defn = catalogue.get(INSTRUMENT)
    parameters = defn.parameters(None)

    stored = Response.objects.filter(status=Response.Status.SUBMITTED).count()
    missing = args.responses - stored
    inserted_rows, build_seconds = 0, 0.0
    if missing > 0:
        console.print(f"Inserting {missing:,} submitted responses in batches of "
                      f"{args.batch:,} ({stored:,} already stored)…")
        build_started = time.perf_counter()
        inserted_rows = bulk_responses(
            missing, patients=[pk for pk, _, _ in patients], organisation_id=organisation_id,
            clinician_id=clinician.pk, defn=defn, parameters=parameters, seed=args.seed + stored,
            batch=args.batch, now=timezone.now(),
            progress=Progress(TextColumn("[progress.description]{task.description}"),
                              BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                              TimeRemainingColumn(), console=console, transient=True))
        build_seconds = time.perf_counter() - build_started
        console.print(f"Inserted {inserted_rows:,} responses in {build_seconds:.1f} s "
                      f"({inserted_rows / build_seconds:,.0f} rows/s)")
    elif stored > args.responses * 1.1:
        console.print(f"[yellow]Note[/]: the database already holds {stored:,} responses, "
                      f"more than --responses {args.responses:,}; measuring with those.")
    if (inserted_rows and vendor == "postgresql") or args.analyze:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    stored = Response.objects.filter(status=Response.Status.SUBMITTED).count()
    console.print(f"Stored: {stored:,} submitted responses over {len(patients):,} patients "
                  f"(setup {time.perf_counter() - started:.1f} s)")

    _, raw_token = create_token(Context.system("bench"), clinician, "bench responses")
    auth = {"Authorization": f"Bearer {raw_token}", "Content-Type": "application/json"}
    connection.close()  # the server is the only one using the database while measuring

    # -- The requests ----------------------------------------------------------------------
    rng = random.Random()  # fresh answers, patients and keys on every run

    def new_request(alerting: bool) -> dict:
        level = rng.random() * 2.2
        answers = [max(0, min(3, round(level + rng.gauss(0, 0.6)))) for _ in range(8)]
        answers.append(1 if alerting else 0)
        patient_uuid = rng.choice(patients)[1]
        return {"path": ENDPOINT.format(patient_uuid), "key": f"bench-{uuid.uuid4()}",
                "body": json.dumps({"instrument": INSTRUMENT, "answers": answers}).encode(),
                "alerting": alerting, "total": sum(answers)}

    def plan(count: int) -> list[dict]:
        alerting = set(rng.sample(range(count), count // args.alert_every)) \
            if args.alert_every > 0 else set()
        return [new_request(i in alerting) for i in range(count)]

    def check_new(req: dict, status: int, body: dict) -> None:
        if status != 201:
            raise SystemExit(f"FAIL: POST {req['path']} (new key) returned {status}, not 201: "
                             f"{json.dumps(body)[:500]}")
        if body.get("alert_raised") is not req["alerting"] or body.get("total") != req["total"]:
            raise SystemExit(f"FAIL: POST {req['path']} scored wrongly: expected total "
                             f"{req['total']} and alert_raised {req['alerting']}, got "
                             f"{body.get('total')} and {body.get('alert_raised')}")

    def check_retry(req: dict, status: int, body: dict) -> None:
        if status != 200:
            raise SystemExit(f"FAIL: POST {req['path']} (retry, reused key) returned {status}, "
                             f"not 200: {json.dumps(body)[:500]}")
        if body.get("id") != req["id"]:
            raise SystemExit(f"FAIL: retry of {req['key']} returned {body.get('id')}, "
                             f"not the first result {req['id']}")

    # -- Real server -----------------------------------------------------------------------
    port = free_port()
    log_path = bench_dir / "responses-server.log"
    command = [sys.executable, "-m", "gunicorn", "carepath.wsgi:application",
               "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
               "--worker-class", "sync", "--timeout", "120", "--log-level", "warning"]
    console.print(f"Server: gunicorn, {args.workers} sync worker(s), http://127.0.0.1:{port} "
                  f"(log {log_path})")
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, cwd=REPO, env=dict(os.environ),  # noqa: S603
                                  stdout=log, stderr=subprocess.STDOUT)

    def request(method: str, path: str, body: bytes | None = None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            t0 = time.perf_counter()
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            elapsed = (time.perf_counter() - t0) * 1000
        finally:
            conn.close()
        try:
            payload = json.loads(data) if data else {}
        except ValueError:
            payload = {"raw": data[:300].decode(errors="replace")}
        return resp.status, payload, elapsed

    def post(req: dict):
        return request("POST", req["path"], req["body"],
                       {**auth, "Idempotency-Key": req["key"]})

    results: dict[str, list[float]] = {"new": [], "new, no alert": [], "new, alert raised": [],
                                       "retry (same key)": []}
    made: list[dict] = []
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise SystemExit(f"FAIL: the server exited ({server.returncode}); see "
                                 f"{log_path}:\n{log_path.read_text()[-2000:]}")
            try:
                if request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"FAIL: the server did not answer /healthz within 60 s; see "
                                 f"{log_path}")
            time.sleep(0.2)

        for req in plan(args.warmup):
            status, body, _ = post(req)
            check_new(req, status, body)
        console.print(f"Warm-up: {args.warmup} new submissions (201)")
        for req in plan(args.requests):
            status, body, ms = post(req)
            check_new(req, status, body)
            req["id"] = body["id"]
            made.append(req)
            results["new"].append(ms)
            results["new, alert raised" if req["alerting"] else "new, no alert"].append(ms)
        for req in (rng.choice(made) for _ in range(args.retries)):
            status, body, ms = post(req)
            check_retry(req, status, body)
            results["retry (same key)"].append(ms)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

    alerting_ids = [r["id"] for r in made if r["alerting"]]
    raised = Alert.objects.filter(source_uuid__in=alerting_ids).count()
    if raised != len(alerting_ids):
        raise SystemExit(f"FAIL: {len(alerting_ids)} alerting submissions raised {raised} "
                         "alerts")

    # -- Queries per request, in-process (not timed against the target) --------------------
    profile: dict[str, dict] = {}
    if args.profile > 0:
        client = Client(headers={"Authorization": auth["Authorization"]})

        def run_in_process(kind: str, reqs: list[dict], expected: int) -> None:
            counts, sql_ms, statements = Counter(), [], Counter()
            for req in reqs:
                timer = SqlTimer()
                with CaptureQueriesContext(connection) as captured, \
                        connection.execute_wrapper(timer):
                    r = client.post(req["path"], req["body"], content_type="application/json",
                                    headers={"Idempotency-Key": req["key"]})
                if r.status_code != expected:
                    raise SystemExit(f"FAIL: in-process {kind} returned {r.status_code}")
                counts[len(captured)] += 1
                sql_ms.append(sum(ms for _, ms in timer.queries))
                for q in captured.captured_queries:
                    statements[statement_shape(q["sql"])] += 1
            profile[kind] = {"queries_seen": {str(k): v for k, v in sorted(counts.items())},
                             "sql_ms_median": round(statistics.median(sql_ms), 1),
                             "statements": [{"sql": s, "count": n / len(reqs)}
                                            for s, n in statements.most_common()]}

        run_in_process("new, no alert", [new_request(False) for _ in range(args.profile)], 201)
        run_in_process("new, alert raised", [new_request(True) for _ in range(args.profile)],
                       201)
        run_in_process("retry (same key)", [rng.choice(made) for _ in range(args.profile)], 200)

    # -- Report ----------------------------------------------------------------------------
    stats = {name: summary(ts) for name, ts in results.items() if ts}
    info = machine()
    table = Table(title=f"POST {ENDPOINT.format('{id}')}: {stored:,} stored responses on "
                        f"{vendor} {db_version}, over HTTP to gunicorn ({args.workers} worker)")
    for col, just in [("case", "left"), ("n", "right"), ("p50 ms", "right"),
                      ("p95 ms", "right"), ("max ms", "right"), ("queries", "right"),
                      ("SQL ms (median)", "right")]:
        table.add_column(col, justify=just)
    if "new, no alert" in profile and "new, alert raised" in profile:
        profile_new = {"queries_seen": {**profile["new, no alert"]["queries_seen"],
                                        **profile["new, alert raised"]["queries_seen"]},
                       "sql_ms_median": profile["new, no alert"]["sql_ms_median"]}
    else:
        profile_new = None
    for name, row in stats.items():
        prof = profile.get(name) if name != "new" else profile_new
        colour = "green" if row["p95_ms"] < TARGET_P95_MS else "red"
        table.add_row(name, str(row["n"]), f"{row['p50_ms']:.1f}",
                      f"[{colour}]{row['p95_ms']:.1f}[/]", f"{row['max_ms']:.1f}",
                      ",".join(prof["queries_seen"]) if prof else "",
                      f"{prof['sql_ms_median']:.1f}" if prof else "")
    console.print(table)
    console.print(f"Machine: {info['cpus']} cores, {info['cpu'] or 'unknown CPU'}, "
                  f"{info['memory_gb']} GB, {info['platform']}, Python {info['python']}; "
                  f"load average {' '.join(map(str, info['load_average']))} (others' work "
                  "on the machine shows up in p95 and max)")
    if profile:
        console.print("Queries per request counted in-process (django.test.Client, "
                      f"{args.profile} each, after the HTTP run); statements in the JSON.")
    p95 = stats["new"]["p95_ms"]
    ok = p95 < TARGET_P95_MS
    console.print(f"{'[green]YES[/]' if ok else '[red]NO[/]'}  p95 of new submissions "
                  f"{p95:.1f} ms {'<' if ok else '>='} {TARGET_P95_MS:.0f} ms "
                  f"({stored:,} stored responses, {vendor})")

    output = Path(args.output) if args.output else bench_dir / "responses-results.json"
    output.write_text(json.dumps({
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "database": {"vendor": vendor, "version": db_version, "url": redact_url(url)},
        "stored_responses": stored, "patients": len(patients),
        "build": {"inserted": inserted_rows, "seconds": round(build_seconds, 1)},
        "server": {"command": " ".join(command[1:]), "DEBUG": os.environ.get("DEBUG")},
        "requests": args.requests, "warmup": args.warmup, "retries": args.retries,
        "alert_every": args.alert_every, "target_p95_ms": TARGET_P95_MS,
        "results": stats, "queries": profile, "ok": ok,
        "machine": info, "git": revision,
    }, indent=2, default=str))
    console.print(f"JSON written to {output}")
    return 0 if ok else 1


def bulk_responses(count: int, *, patients: list[int], organisation_id: int, clinician_id: int,
                   defn, parameters: dict, seed: int, batch: int, now, progress) -> int:
    """Insert ``count`` submitted PHQ-9 responses with bulk_create, oldest first.

    Not through actions.submit (about 1,000 times slower: permission check, audit
    event and one transaction per response); no audit events or alerts are written
    for these rows. Scores come from the real engine, so total, band and flags are
    what the app would have stored. Each patient has a severity that drifts from one
    response to the next; some patients answer much more often than others.
    """
    from django.db import connection, transaction
    from django.test.utils import override_settings

    from carepath.measures import engine
    from carepath.measures.models import Mode, Response

    rng = random.Random(seed)
    weights = [rng.uniform(0.2, 1.8) for _ in patients]
    cumulative, running = [], 0.0
    for w in weights:
        running += w
        cumulative.append(running)
    severity = {pk: rng.uniform(0.0, 2.4) for pk in patients}
    scored: dict[tuple, tuple] = {}
    start = now - timedelta(days=365 * YEARS)
    span = (now - timedelta(hours=1) - start).total_seconds()
    item_ids = defn.item_ids
    done = 0
    if connection.vendor == "sqlite":
        # For this connection only (closed below): a bigger page cache, and no fsync on
        # checkpoints (a crash mid-build can only spoil this rebuildable bench file).
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")  # 256 MB
            cursor.execute("PRAGMA synchronous = OFF")
    # DEBUG keeps the text of every statement (here megabytes per batch): not while building.
    with progress, override_settings(DEBUG=False):
        task = progress.add_task("Inserting responses", total=count)
        while done < count:
            size = min(batch, count - done)
            # This batch covers its own slice of the three years, so rows go in oldest first.
            low, high = span * done / count, span * (done + size) / count
            seconds = sorted(rng.uniform(low, high) for _ in range(size))
            chosen = rng.choices(patients, cum_weights=cumulative, k=size)
            rows = []
            for pk, offset in zip(chosen, seconds, strict=True):
                level = severity[pk] = min(2.8, max(0.0, severity[pk] + rng.gauss(0, 0.12)))
                values = [max(0, min(3, round(level + rng.gauss(0, 0.6)))) for _ in range(8)]
                values.append((2 if rng.random() < 0.2 else 1)
                              if rng.random() < 0.02 + 0.02 * level else 0)
                key = tuple(values)
                if key not in scored:
                    answers = dict(zip(item_ids, values, strict=True))
                    result = engine.score(defn, answers, parameters)
                    scored[key] = (answers, result)
                answers, result = scored[key]
                submitted = start + timedelta(seconds=offset)
                by_link = rng.random() < 0.15
                rows.append(Response(
                    uuid=uuid.UUID(int=rng.getrandbits(128), version=4),
                    organisation_id=organisation_id, patient_id=pk, instrument_id=defn.id,
                    instrument_version=defn.version, status=Response.Status.SUBMITTED,
                    mode=Mode.LINK if by_link else Mode.CLINICIAN, answers=answers,
                    parameters=parameters, total=result.total, band=result.band or "",
                    subscales=result.subscales, flags=result.flags, codes=result.codes,
                    entered_by_id=None if by_link else clinician_id,
                    created_at=submitted - timedelta(seconds=rng.randint(30, 900)),
                    submitted_at=submitted))
            with transaction.atomic():
                Response.objects.bulk_create(rows)
            done += size
            progress.advance(task, size)
    connection.close()  # the next query reconnects with the app's own settings
    return done


if __name__ == "__main__":
    sys.exit(main())
