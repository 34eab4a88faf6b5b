#!/usr/bin/env python
"""Benchmark: a patient's chart pages with a year of observations and 150 sessions.

Target from issue 5: p95 under 200 ms for the chart of a patient with a year of
withdrawal observations and 150 sessions, and a number of queries that does not grow
with that history (the tests assert the counts; this script reports them).

The script builds (once) one patient in its own database with ``--days`` of
observations every 4 hours, ``--sessions`` attended sessions with a signed note each,
a medication note a day and an active treatment plan, then requests each chart tab
through the whole Django stack in-process (middleware, session, OTP check, access
guard, audit write, template) and prints p50/p95/max and queries per page. It exits 1
if a page does not return 200 or a p95 reaches the target. See bench/README.md.

    .venv/bin/python bench/treatment_chart.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/carepath_bench_chart \
        .venv/bin/python bench/treatment_chart.py
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

# Shared with the other benchmarks (bench/ is on sys.path when this file is run).
from caseload import REPO, SqlTimer, configure_environment, git_revision, redact_url
from responses import ensure_postgres_database, machine, summary

TARGET_P95_MS = 200.0
MARKER = "Bench Chartpatient"  # the benchmark patient's name, to find it again
PAGES = [("summary", "/patients/{p}/"), ("withdrawal", "/patients/{p}/withdrawal/"),
         ("sessions", "/patients/{p}/sessions/"), ("notes", "/patients/{p}/notes/"),
         ("plan", "/patients/{p}/plans/"), ("discharge", "/patients/{p}/discharge/")]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--days", type=int, default=365, help="days of observations (default 365)")
    p.add_argument("--sessions", type=int, default=150, help="sessions (default 150)")
    p.add_argument("--requests", type=int, default=100,
                   help="measured requests per page (default 100)")
    p.add_argument("--warmup", type=int, default=5, help="unmeasured requests first (default 5)")
    p.add_argument("--database-url", default=None,
                   help="database (default $DATABASE_URL, else "
                        "sqlite:///<var>/bench/treatment-chart.sqlite3); a PostgreSQL "
                        "database is created if missing. Never the demo database.")
    p.add_argument("--output", default=None,
                   help="JSON results (default <var>/bench/treatment-chart-results.json)")
    args = p.parse_args(argv)
    if min(args.days, args.sessions, args.requests) < 1:
        p.error("--days, --sessions and --requests must be at least 1")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    bench_dir = Path(os.environ.get("CAREPATH_VAR_DIR") or REPO / "var") / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    if not args.database_url and not os.environ.get("DATABASE_URL", "").strip():
        args.database_url = f"sqlite:///{bench_dir / 'treatment-chart.sqlite3'}"
    configure_environment(args)
    if os.environ["DATABASE_URL"].startswith("postgres"):
        ensure_postgres_database(os.environ["DATABASE_URL"])

    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from carepath.accounts.models import User
    from carepath.audit.log import Context
    from carepath.patients import actions as patient_actions
    from carepath.patients.models import LevelOfCare, Patient

    print(f"Database: {connection.vendor} {redact_url(os.environ['DATABASE_URL'])}")
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("demo", seed=2026)
    clinician = User.objects.get(username="clinician")
    nurse = User.objects.get(username="nurse")
    given, family = MARKER.split()
    patient = Patient.objects.filter(legal_given_name=given, legal_family_name=family).first()
    if patient is None:
        from datetime import date

        ctx = Context(user=clinician, purpose="benchmark", via="bench")
        patient = patient_actions.create_patient(ctx, {
            "legal_given_name": given, "legal_family_name": family,
            "date_of_birth": date(1999, 5, 1)})
        episode = patient_actions.open_episode(ctx, patient, reason="Benchmark",
                                               level_of_care=LevelOfCare.WITHDRAWAL)
        patient_actions.add_care_team_member(ctx, patient, nurse, "nurse")
        from carepath.treatment.tests.long_history import build_history

        build_history(clinician.organisation, patient, episode, clinician=clinician,
                      nurse=nurse, days=args.days, sessions=args.sessions)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    print(f"Patient ready: {patient.observations.count():,} observations, "
          f"{patient.attendances.count():,} sessions (setup {time.perf_counter() - started:.1f} s)")

    client = Client()
    client.force_login(clinician)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.filter(
        user=clinician, confirmed=True).first().persistent_id
    session.save()

    results, failed = [], False
    print(f"{'page':<12}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'queries':>9}  p95 < target")
    for name, template in PAGES:
        path = template.format(p=patient.uuid)
        for _ in range(args.warmup):
            r = client.get(path)
            if r.status_code != 200:
                print(f"{name}: GET {path} returned {r.status_code}")
                return 1
        timings, counts = [], set()
        for _ in range(args.requests):
            timer = SqlTimer()
            with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
                t0 = time.perf_counter()
                r = client.get(path)
                timings.append((time.perf_counter() - t0) * 1000)
            if r.status_code != 200:
                print(f"{name}: GET {path} returned {r.status_code}")
                return 1
            counts.add(len(captured))
        stats = summary(timings)
        ok = stats["p95_ms"] < TARGET_P95_MS
        failed |= not ok
        print(f"{name:<12}{stats['p50_ms']:>9.1f}{stats['p95_ms']:>9.1f}{stats['max_ms']:>9.1f}"
              f"{'/'.join(map(str, sorted(counts))):>9}  {'YES' if ok else 'NO'}")
        results.append({"page": name, **stats, "queries": sorted(counts)})
    output = args.output or bench_dir / "treatment-chart-results.json"
    with open(output, "w") as fh:
        json.dump({"revision": git_revision(), "machine": machine(),
                   "database": connection.vendor, "days": args.days,
                   "sessions": args.sessions, "requests": args.requests,
                   "target_p95_ms": TARGET_P95_MS, "pages": results}, fh, indent=2)
    print(f"Results written to {output}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
