#!/usr/bin/env python
"""Benchmark: the public service search with 20,000 services.

Target from the issue: p95 under 100 ms for a directory search (here: a 25-mile
search with a level-of-care filter, from a place drawn at random from the places
table). The script builds (once) a database holding N services spread over the UK
and the US with a deterministic RNG, starts a real server (gunicorn, one sync
worker), sends public searches to it over HTTP with no cookie and no token, and
reports p50/p95/max per scenario. It exits 1 when the target scenario's p95 is
100 ms or more, or when a request does not return 200. See bench/README.md.

    .venv/bin/python bench/directory.py                     # SQLite, var/bench/
    .venv/bin/python bench/directory.py --services 5000     # quicker
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/carepath_bench_directory \
        .venv/bin/python bench/directory.py
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

# Shared with the other benchmarks (bench/ is on sys.path when this file is run).
from caseload import REPO, SqlTimer, configure_environment, git_revision, redact_url
from responses import ensure_postgres_database, free_port, machine, statement_shape, summary

TARGET_P95_MS = 100.0
TARGET = "page: 25 mi + level, random place"
LEVELS = ["withdrawal", "residential", "intensive_outpatient", "outpatient", "aftercare"]
LEVEL_SHARE = {"offers_withdrawal": 0.10, "offers_residential": 0.15,
               "offers_intensive_outpatient": 0.30, "offers_outpatient": 0.60,
               "offers_aftercare": 0.35}
# Where services cluster (town key in the places table, weight); the rest are scattered
# over each country's land box, so rural searches find few and city ones many.
CLUSTERS = {
    "GB": [("london", 20), ("manchester", 8), ("birmingham", 6), ("leeds", 5),
           ("bristol", 4), ("liverpool", 4), ("newcastle", 3), ("nottingham", 3),
           ("sheffield", 3), ("glasgow", 4), ("edinburgh", 3), ("cardiff", 3),
           ("brighton", 2), ("oxford", 1), ("cambridge", 1), ("leicester", 2),
           ("coventry", 1), ("york", 1), ("bradford", 2), ("reading", 1)],
    "US": [("new york", 20), ("boston", 6), ("philadelphia", 6), ("chicago", 10),
           ("los angeles", 12), ("san francisco", 6), ("seattle", 5), ("austin", 4),
           ("miami", 5), ("denver", 4), ("washington dc", 6)],
}
SCATTER = {"GB": (50.2, 57.5, -5.3, 1.6), "US": (29.0, 48.5, -123.0, -70.0)}
SPREAD_MILES = 10  # standard deviation of a clustered service's distance from the centre


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--services", type=int, default=20_000,
                   help="services to ensure before measuring (default 20000); only the "
                        "missing ones are inserted")
    p.add_argument("--requests", type=int, default=200,
                   help="measured requests per scenario (default 200)")
    p.add_argument("--warmup", type=int, default=10,
                   help="unmeasured requests per scenario first (default 10)")
    p.add_argument("--uk-share", type=float, default=0.6,
                   help="share of services in the UK; the rest are in the US (default 0.6)")
    p.add_argument("--database-url", default=None,
                   help="database to use (default: $DATABASE_URL if set, else "
                        "sqlite:///<var>/bench/directory-<N>.sqlite3). A PostgreSQL database "
                        "is created if it does not exist. Never the demo database.")
    p.add_argument("--workers", type=int, default=1, help="gunicorn sync workers (default 1)")
    p.add_argument("--profile", type=int, default=5,
                   help="after the HTTP run, this many in-process requests per scenario to "
                        "count queries (default 5; 0 to skip)")
    p.add_argument("--only", default="", help="run only scenarios whose name contains this")
    p.add_argument("--analyze", action="store_true",
                   help="run ANALYZE before measuring (always on PostgreSQL after inserting)")
    p.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    p.add_argument("--output", default=None,
                   help="JSON results file (default <var>/bench/directory-results.json)")
    args = p.parse_args(argv)
    if args.requests < 1 or args.services < 1 or not 0 <= args.uk_share <= 1:
        p.error("--requests and --services must be at least 1; --uk-share within 0..1")
    return args


def build_services(count: int, *, seed: int, uk_share: float, now) -> list:
    """``count`` synthetic services (unsaved), deterministic for ``seed``."""
    import math

    from carepath.directory import places
    from carepath.directory.models import Service

    rng = random.Random(seed)
    centres = {country: [(places.resolve(town), weight) for town, weight in rows]
               for country, rows in CLUSTERS.items()}
    rows = []
    for i in range(count):
        country = "GB" if rng.random() < uk_share else "US"
        if rng.random() < 0.8:
            places_, weights = zip(*centres[country], strict=True)
            centre = rng.choices(places_, weights=weights)[0]
            miles = abs(rng.gauss(0, SPREAD_MILES))
            bearing = rng.uniform(0, 2 * math.pi)
            lat = centre.latitude + miles * math.cos(bearing) / 69.09
            lon = centre.longitude + miles * math.sin(bearing) / (
                69.09 * math.cos(math.radians(centre.latitude)))
            town = centre.label
        else:
            lat0, lat1, lon0, lon1 = SCATTER[country]
            lat, lon, town = rng.uniform(lat0, lat1), rng.uniform(lon0, lon1), "Countryside"
        levels = {name: rng.random() < share for name, share in LEVEL_SHARE.items()}
        if not any(levels.values()):
            levels["offers_outpatient"] = True
        confirmed = None if rng.random() < 0.1 else now - timedelta(
            days=rng.randint(0, 120), minutes=rng.randint(0, 1440))
        young = rng.random() < 0.15
        rows.append(Service(
            name=f"Bench service {i + 1:05d}", provider=f"Bench provider {rng.randint(1, 800)}",
            address_line1=f"{rng.randint(1, 400)} High Street", town=town,
            postcode="M1 1AA" if country == "GB" else "10001", country=country,
            latitude=round(lat, 5), longitude=round(lon, 5), **levels,
            urology_liaison=rng.random() < 0.2, young_adult_programme=young,
            dual_diagnosis=rng.random() < 0.3, min_age=16 if young else 18,
            max_age=25 if young else None,
            accepts_nhs=country == "GB" and rng.random() < 0.7,
            accepts_insurance=country == "US" and rng.random() < 0.8,
            accepts_self_pay=rng.random() < 0.4, free_of_charge=rng.random() < 0.1,
            languages=rng.choice(["English", "English", "English", "English, Polish",
                                  "English, Spanish", "English, Urdu", "English, Bengali"]),
            places_available=rng.choice([None, 0, 0, 1, 2, 4, 8]),
            waiting_days=rng.choice([None, 0, 3, 7, 14, 28, 56]),
            capacity_confirmed_at=confirmed, created_at=now, updated_at=now))
    return rows


def main(argv=None) -> int:
    args = parse_args(argv)
    var_dir = Path(os.environ.get("CAREPATH_VAR_DIR") or REPO / "var")
    bench_dir = var_dir / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    if not args.database_url and not os.environ.get("DATABASE_URL"):
        args.database_url = f"sqlite:///{bench_dir / f'directory-{args.services}.sqlite3'}"
    configure_environment(args)  # DATABASE_URL, DEBUG, CAREPATH_DEMO, ALLOWED_HOSTS, sys.path
    # The public search is rate-limited per client; the bench is one client sending
    # thousands of requests, so lift the limit for this server (never in production).
    os.environ["CAREPATH_PUBLIC_SEARCH_RATE"] = "1000000/min"
    url = os.environ["DATABASE_URL"]
    created_db = ensure_postgres_database(url)

    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.utils import timezone
    from rich.console import Console
    from rich.table import Table

    from carepath.directory import places
    from carepath.directory.models import Service

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

    # -- Populate (idempotent: only what is missing) ----------------------------------------
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    stored = Service.objects.count()
    missing = args.services - stored
    build_seconds = 0.0
    if missing > 0:
        console.print(f"Inserting {missing:,} services ({stored:,} already stored)…")
        t0 = time.perf_counter()
        rows = build_services(missing, seed=args.seed + stored, uk_share=args.uk_share,
                              now=timezone.now())
        with override_settings(DEBUG=False), transaction.atomic():
            Service.objects.bulk_create(rows, batch_size=2000)
        build_seconds = time.perf_counter() - t0
        console.print(f"Inserted {missing:,} services in {build_seconds:.1f} s")
    if (missing > 0 and vendor == "postgresql") or args.analyze:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    stored = Service.objects.count()
    sample = list(Service.objects.order_by("pk").values_list("uuid", flat=True)[:500])
    console.print(f"Stored: {stored:,} services (setup {time.perf_counter() - started:.1f} s)")
    connection.close()  # the server is the only one using the database while measuring

    # -- Scenarios ----------------------------------------------------------------------------
    rng = random.Random()  # fresh places on every run
    districts, zips, _ = places._table()
    origins = [*districts, *zips]

    def page(query: dict) -> str:
        return "/services/?" + urlencode(query, doseq=True)

    def api(query: dict) -> str:
        return "/api/v1/services?" + urlencode(query, doseq=True)

    scenarios = {
        TARGET: lambda: page({"near": rng.choice(origins), "radius": 25,
                              "level": rng.choice(LEVELS)}),
        "api: 25 mi + level, random place": lambda: api({"near": rng.choice(origins),
                                                         "radius": 25,
                                                         "level": rng.choice(LEVELS)}),
        "page: 25 mi + IOP, M1 (Manchester)": lambda: page(
            {"near": "M1 1AE", "radius": 25, "level": "intensive_outpatient"}),
        "page: 25 mi + IOP, SW1A (central London)": lambda: page(
            {"near": "SW1A", "radius": 25, "level": "intensive_outpatient"}),
        "page: 25 mi + outpatient, 10001 (New York)": lambda: page(
            {"near": "10001", "radius": 25, "level": "outpatient"}),
        "page: 50 mi, no filter, SW1A": lambda: page({"near": "SW1A", "radius": 50}),
        "page: 25 mi + level + 3 filters, random": lambda: page(
            {"near": rng.choice(origins), "radius": 25, "level": rng.choice(LEVELS),
             "payment": ["nhs", "insurance"], "competence": "dual_diagnosis", "age": 20}),
        "page: no place, residential, by name": lambda: page({"level": "residential"}),
        "page: no place, language Polish, by name": lambda: page({"language": "polish"}),
        "page: one service": lambda: f"/services/{rng.choice(sample)}/",
    }
    if args.only:
        scenarios = {k: v for k, v in scenarios.items() if args.only in k}

    # -- Real server ---------------------------------------------------------------------------
    port = free_port()
    log_path = bench_dir / "directory-server.log"
    command = [sys.executable, "-m", "gunicorn", "carepath.wsgi:application",
               "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
               "--worker-class", "sync", "--timeout", "120", "--log-level", "warning"]
    console.print(f"Server: gunicorn, {args.workers} sync worker(s), http://127.0.0.1:{port} "
                  f"(log {log_path})")
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, cwd=REPO, env=dict(os.environ),  # noqa: S603
                                  stdout=log, stderr=subprocess.STDOUT)

    def get(path: str):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            t0 = time.perf_counter()
            conn.request("GET", path)
            resp = conn.getresponse()
            body = resp.read()
            elapsed = (time.perf_counter() - t0) * 1000
            cookie = resp.getheader("Set-Cookie")
        finally:
            conn.close()
        if resp.status != 200:
            raise SystemExit(f"FAIL: GET {path} returned {resp.status}: {body[:300]!r}")
        if cookie:
            raise SystemExit(f"FAIL: GET {path} set a cookie: {cookie[:80]}")
        return body, elapsed

    results: dict[str, list[float]] = {name: [] for name in scenarios}
    found: dict[str, list[int]] = {name: [] for name in scenarios}
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise SystemExit(f"FAIL: the server exited ({server.returncode}); see "
                                 f"{log_path}:\n{log_path.read_text()[-2000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"FAIL: the server did not answer /healthz within 60 s; see "
                                 f"{log_path}")
            time.sleep(0.2)

        for name, make in scenarios.items():
            for _ in range(args.warmup):
                get(make())
            for _ in range(args.requests):
                body, ms = get(make())
                results[name].append(ms)
                if name.startswith("api"):
                    total = json.loads(body).get("total")
                    if total is not None:
                        found[name].append(total)
                else:
                    found[name].append(body.count(b'data-testid="service-result"'))
            console.print(f"  {name}: done")
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

    # -- Queries per request, in-process (not timed against the target) ----------------------
    profile: dict[str, dict] = {}
    if args.profile > 0:
        client = Client()
        for name, make in scenarios.items():
            counts, sql_ms, statements = Counter(), [], Counter()
            for _ in range(args.profile):
                timer = SqlTimer()
                with CaptureQueriesContext(connection) as captured, \
                        connection.execute_wrapper(timer):
                    r = client.get(make())
                if r.status_code != 200:
                    raise SystemExit(f"FAIL: in-process {name} returned {r.status_code}")
                counts[len(captured)] += 1
                sql_ms.append(sum(ms for _, ms in timer.queries))
                for q in captured.captured_queries:
                    statements[statement_shape(q["sql"])] += 1
            profile[name] = {"queries_seen": {str(k): v for k, v in sorted(counts.items())},
                             "sql_ms_median": round(sorted(sql_ms)[len(sql_ms) // 2], 1),
                             "statements": [{"sql": s, "count": n / args.profile}
                                            for s, n in statements.most_common()]}

    # -- Report ----------------------------------------------------------------------------------
    stats = {name: summary(ts) for name, ts in results.items() if ts}
    info = machine()
    table = Table(title=f"Public service search: {stored:,} services on {vendor} {db_version}, "
                        f"over HTTP to gunicorn ({args.workers} worker)")
    for col, just in [("scenario", "left"), ("n", "right"), ("p50 ms", "right"),
                      ("p95 ms", "right"), ("max ms", "right"), ("shown (median)", "right"),
                      ("queries", "right"), ("SQL ms (median)", "right")]:
        table.add_column(col, justify=just)
    for name, row in stats.items():
        prof = profile.get(name)
        shown = sorted(found[name])[len(found[name]) // 2] if found[name] else ""
        colour = "green" if row["p95_ms"] < TARGET_P95_MS else "red"
        table.add_row(name, str(row["n"]), f"{row['p50_ms']:.1f}",
                      f"[{colour}]{row['p95_ms']:.1f}[/]", f"{row['max_ms']:.1f}", str(shown),
                      ",".join(prof["queries_seen"]) if prof else "",
                      f"{prof['sql_ms_median']:.1f}" if prof else "")
    console.print(table)
    console.print("'shown' is the number of results on the page (at most 20); for the API, "
                  "the total within the radius.")
    console.print(f"Machine: {info['cpus']} cores, {info['cpu'] or 'unknown CPU'}, "
                  f"{info['memory_gb']} GB, {info['platform']}, Python {info['python']}; "
                  f"load average {' '.join(map(str, info['load_average']))}")
    ok = True
    if TARGET in stats:
        p95 = stats[TARGET]["p95_ms"]
        ok = p95 < TARGET_P95_MS
        console.print(f"{'[green]YES[/]' if ok else '[red]NO[/]'}  p95 of '{TARGET}' "
                      f"{p95:.1f} ms {'<' if ok else '>='} {TARGET_P95_MS:.0f} ms "
                      f"({stored:,} services, {vendor})")

    output = Path(args.output) if args.output else bench_dir / "directory-results.json"
    output.write_text(json.dumps({
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "database": {"vendor": vendor, "version": db_version, "url": redact_url(url)},
        "services": stored, "build_seconds": round(build_seconds, 1),
        "server": {"command": " ".join(command[1:]), "DEBUG": os.environ.get("DEBUG")},
        "requests": args.requests, "warmup": args.warmup, "target_p95_ms": TARGET_P95_MS,
        "results": stats, "shown": {k: v for k, v in found.items() if v},
        "queries": profile, "ok": ok, "machine": info, "git": revision,
    }, indent=2, default=str))
    console.print(f"JSON written to {output}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
