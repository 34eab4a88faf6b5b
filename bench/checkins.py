#!/usr/bin/env python
"""Benchmark: check-in POST throughput and latency at 32 concurrent clients, beside a
bare "hello" endpoint on the same server, reported as a ratio.

A measurement, not a test: it starts a real server (gunicorn) on a benchmark database,
sends ``POST /api/v1/checkins`` from 32 client threads (each request a new check-in with
its own Idempotency-Key, as the patients' phones would), then ``GET /bench/hello/`` (a
view that does nothing, behind the same middleware: bench/hello_urls.py, served only
here through bench/bench_settings.py) the same way, and prints throughput (requests a
second), p50 and p99 for both and the ratio. It exits 1 only when a request fails.

    .venv/bin/python bench/checkins.py                       # SQLite, var/bench/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/carepath_bench_checkins \\
        .venv/bin/python bench/checkins.py
    .venv/bin/python bench/checkins.py --requests 500 --workers 3 --threads 4

The clients run on the same machine as the server and the database and take their share
of its CPU: compare figures from one machine, and read the ratio, not the absolutes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import threading
import time
import uuid
from pathlib import Path

# bench/ is on sys.path when this file is run: shared with the other benchmarks.
from caseload import REPO, configure_environment, percentile, redact_url
from responses import ensure_postgres_database, machine

HELLO = "/bench/hello/"
CHECKINS = "/api/v1/checkins"


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--clients", type=int, default=32, help="concurrent clients (default 32)")
    p.add_argument("--requests", type=int, default=2000,
                   help="measured requests per endpoint (default 2000)")
    p.add_argument("--warmup", type=int, default=100,
                   help="unmeasured requests per endpoint first (default 100)")
    p.add_argument("--patients", type=int, default=500,
                   help="patients with portal accounts and tokens the check-ins are spread "
                        "over (default 500; made once, kept in the bench database)")
    p.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1,
                   help="gunicorn worker processes (default 2 x cores + 1)")
    p.add_argument("--threads", type=int, default=1,
                   help="threads per worker (default 1: sync workers; more: gthread)")
    p.add_argument("--database-url", default=None,
                   help="database (default: $DATABASE_URL if set, else sqlite:///<var>/bench/"
                        "checkins.sqlite3). A PostgreSQL database is created if missing. "
                        "Never the demo database.")
    p.add_argument("--seed", type=int, default=2026, help="random seed for the answers")
    p.add_argument("--output", default=None,
                   help="JSON results file (default <var>/bench/checkins-results.json)")
    args = p.parse_args(argv)
    if min(args.clients, args.requests, args.patients, args.workers, args.threads) < 1:
        p.error("--clients, --requests, --patients, --workers and --threads must be >= 1")
    return args


def ensure_population(count: int) -> list[str]:
    """``count`` patients with portal accounts in a bench organisation; a fresh token for
    each (raw tokens are never stored, so they are made again on every run)."""
    from datetime import date

    from carepath.accounts.models import AccountType, Organisation, Role, User
    from carepath.accounts.tokens import create_token
    from carepath.audit import log as audit
    from carepath.patients.actions import create_patient
    from carepath.patients.models import Patient

    org, _ = Organisation.objects.get_or_create(name="Bench: check-ins",
                                                defaults={"mrn_prefix": "BC"})
    clinician, _ = User.objects.get_or_create(
        username="bench-checkins-clinician",
        defaults={"organisation": org, "role": Role.CLINICIAN})
    ctx = audit.Context(user=clinician, via="bench", purpose="check-in benchmark set-up")
    have = Patient.objects.filter(organisation=org, user__isnull=False).count()
    for n in range(have, count):
        patient = create_patient(ctx, {"legal_given_name": "Bench",
                                       "legal_family_name": f"Patient{n:06d}",
                                       "date_of_birth": date(1990, 1, 1 + n % 28)},
                                 confirm_duplicate=True)
        user = User(username=f"bench-checkins-{n:06d}", organisation=org,
                    account_type=AccountType.PATIENT)
        user.set_unusable_password()  # bearer tokens only
        user.save()
        patient.user = user
        patient.save(update_fields=["user"])
    users = User.objects.filter(organisation=org, account_type=AccountType.PATIENT,
                                patient_record__isnull=False).order_by("username")[:count]
    return [create_token(ctx, user, "bench checkins", expires_days=1)[1] for user in users]


def body(rng: random.Random) -> bytes:
    return json.dumps({
        "craving": rng.randint(0, 10), "mood": rng.randint(0, 10),
        "sleep_hours": rng.choice([None, 5.5, 7, 8.5]), "used_ketamine": rng.random() < 0.1,
        "other_substances": ["Alcohol"] if rng.random() < 0.1 else [],
        "triggers": ["Payday"] if rng.random() < 0.2 else [], "bladder_pain": rng.randint(0, 4),
        "blood_in_urine": rng.random() < 0.02, "note": ""}).encode()


def run(port: int, clients: int, total: int, make_request) -> tuple[list[float], float, list]:
    """``total`` requests from ``clients`` threads; returns latencies (ms), wall seconds
    and any failures."""
    import http.client

    latencies: list[float] = []
    failures: list = []
    counter = iter(range(total))
    lock = threading.Lock()

    def client():
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            method, path, data, headers, expected = make_request(n)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            try:
                started = time.perf_counter()
                conn.request(method, path, body=data, headers=headers)
                response = conn.getresponse()
                payload = response.read()
                ms = (time.perf_counter() - started) * 1000
            except OSError as exc:
                with lock:
                    failures.append(repr(exc))
                continue
            finally:
                conn.close()
            with lock:
                latencies.append(ms)
                if response.status != expected:
                    failures.append((response.status, payload[:300].decode(errors="replace")))

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, time.perf_counter() - started, failures


def summary(latencies: list[float], seconds: float) -> dict:
    ordered = sorted(latencies)
    return {"requests": len(ordered), "seconds": round(seconds, 2),
            "throughput_rps": round(len(ordered) / seconds, 1),
            "p50_ms": round(percentile(ordered, 50), 1),
            "p99_ms": round(percentile(ordered, 99), 1), "max_ms": round(ordered[-1], 1)}


def main(argv=None) -> int:
    args = parse_args(argv)
    var_dir = Path(os.environ.get("CAREPATH_VAR_DIR") or REPO / "var")
    bench_dir = var_dir / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    if not args.database_url and not os.environ.get("DATABASE_URL"):
        args.database_url = f"sqlite:///{bench_dir / 'checkins.sqlite3'}"
    configure_environment(args)
    url = os.environ["DATABASE_URL"]
    ensure_postgres_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from carepath.recovery.tests.real_server import gunicorn, server_environment

    vendor = connection.vendor
    call_command("migrate", interactive=False, verbosity=0)
    print(f"Database: {vendor} {redact_url(url)}; making {args.patients} bench patients "
          "(first run only) and their tokens…", file=sys.stderr)
    tokens = ensure_population(args.patients)
    connection.close()  # while measuring, the server is the database's only user

    rng = random.Random(args.seed)
    bodies = [body(rng) for _ in range(args.requests + args.warmup)]
    run_id = uuid.uuid4().hex[:8]

    def checkin(n):
        token = tokens[n % len(tokens)]
        return ("POST", CHECKINS, bodies[n % len(bodies)],
                {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                 "Idempotency-Key": f"bench-{run_id}-{n}"}, 201)

    def hello(n):
        return "GET", HELLO, None, {}, 200

    env = server_environment(url, DJANGO_SETTINGS_MODULE="bench_settings",
                             PYTHONPATH=os.pathsep.join(
                                 [str(REPO / "bench"), str(REPO),
                                  os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    log_path = bench_dir / "checkins-server.log"
    results, failures = {}, []
    print(f"Server: gunicorn, {args.workers} worker(s) x {args.threads} thread(s); "
          f"{args.clients} clients; log {log_path}", file=sys.stderr)
    with gunicorn(env, workers=args.workers, threads=args.threads, log_path=log_path) as port:
        for name, make in (("hello", hello), ("checkin_post", checkin)):
            offset = args.warmup

            def shifted(n, make=make, offset=offset):
                return make(n + offset)

            _, _, warm_failures = run(port, args.clients, args.warmup, make)
            latencies, seconds, measured_failures = run(port, args.clients, args.requests,
                                                        shifted)
            failures += warm_failures + measured_failures
            results[name] = summary(latencies, seconds)
            print(f"{name}: {results[name]}", file=sys.stderr)

    report = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "database": {"vendor": vendor, "url": redact_url(url)},
        "server": {"workers": args.workers, "threads": args.threads,
                   "settings": "bench_settings (carepath.settings + bench/hello/)",
                   "DEBUG": "0"},
        "clients": args.clients, "patients": args.patients,
        "hello": results["hello"], "checkin_post": results["checkin_post"],
        "ratio": {
            "throughput_checkin_over_hello": round(results["checkin_post"]["throughput_rps"]
                                                   / results["hello"]["throughput_rps"], 3),
            "p50_checkin_over_hello": round(results["checkin_post"]["p50_ms"]
                                            / results["hello"]["p50_ms"], 2),
            "p99_checkin_over_hello": round(results["checkin_post"]["p99_ms"]
                                            / results["hello"]["p99_ms"], 2)},
        "failures": failures[:20], "failed": len(failures), "machine": machine(),
    }
    output = Path(args.output) if args.output else bench_dir / "checkins-results.json"
    output.write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
