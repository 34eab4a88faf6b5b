#!/usr/bin/env python
"""Benchmark: what a supporter sees under consent, and the patient's "who saw my
information", for a patient with a long history and a large audit log.

No target in issue 7; this reports p50/p95/max and the queries per page, and the ratio of
each page's p50 to the public guidance page served by the same stack (a page with no data
and no audit write), so a slow query shows up as a ratio however fast the machine is.

The script builds (once) in its own database: the demo, one patient with ``--sessions``
attended sessions (a signed note each), a consent naming the demo supporter for every
supporter category, and ``--looks`` supporter looks plus ``--other-events`` staff reads on
that patient in the audit log. Each page is requested through the whole Django stack
in-process (middleware, session, consent check, audit write, template). It exits 1 only
if a page does not return 200. See bench/README.md.

    .venv/bin/python bench/family_sharing.py
    .venv/bin/python bench/family_sharing.py \\
        --database-url postgres://postgres@127.0.0.1:5432/carepath_bench_family
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from caseload import REPO, SqlTimer, configure_environment, git_revision, redact_url
from responses import ensure_postgres_database, machine, summary

MARKER = "Bench Sharedpatient"
SUPPORTER_PAGES = [("record", "/family/people/{p}/"),
                   ("attendance", "/family/people/{p}/attendance/"),
                   ("appointments", "/family/people/{p}/appointments/"),
                   ("milestones", "/family/people/{p}/milestones/"),
                   ("notes", "/family/people/{p}/clinical_notes/")]
PATIENT_PAGES = [("who saw", "/my/sharing/who-saw/"), ("my sharing", "/my/sharing/")]
BASELINE = ("guide (baseline)", "/family/guide/")


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sessions", type=int, default=150, help="attended sessions (default 150)")
    p.add_argument("--looks", type=int, default=5000,
                   help="supporter looks already in the audit log (default 5000)")
    p.add_argument("--other-events", type=int, default=50000,
                   help="other audit events on the patient (default 50000)")
    p.add_argument("--requests", type=int, default=100,
                   help="measured requests per page (default 100)")
    p.add_argument("--warmup", type=int, default=5, help="unmeasured requests first (default 5)")
    p.add_argument("--database-url", default=None,
                   help="database (default $DATABASE_URL, else "
                        "sqlite:///<var>/bench/family-sharing.sqlite3); a PostgreSQL "
                        "database is created if missing. Never the demo database.")
    p.add_argument("--output", default=None,
                   help="JSON results (default <var>/bench/family-sharing-results.json)")
    args = p.parse_args(argv)
    if min(args.sessions, args.requests) < 1 or min(args.looks, args.other_events) < 0:
        p.error("--sessions and --requests must be at least 1; counts not negative")
    return args


def build(args):
    """The patient, their history, the consent and the audit log (once per database)."""
    from datetime import date, timedelta

    from django.db import connection
    from django.utils import timezone

    from carepath.accounts.models import User
    from carepath.audit import log as audit
    from carepath.audit.models import Action
    from carepath.patients import actions as patient_actions
    from carepath.patients.models import SUPPORTER_CATEGORIES, Consent, LevelOfCare, Patient
    from carepath.treatment.tests.long_history import build_history

    clinician = User.objects.get(username="clinician")
    nurse = User.objects.get(username="nurse")
    supporter = User.objects.get(username="supporter")
    given, family = MARKER.split()
    patient = Patient.objects.filter(legal_given_name=given, legal_family_name=family).first()
    if patient is not None:
        return patient, supporter
    ctx = audit.Context(user=clinician, purpose="benchmark", via="bench")
    patient = patient_actions.create_patient(ctx, {
        "legal_given_name": given, "legal_family_name": family,
        "date_of_birth": date(2000, 3, 1)})
    episode = patient_actions.open_episode(ctx, patient, reason="Benchmark",
                                           level_of_care=LevelOfCare.OUTPATIENT)
    build_history(clinician.organisation, patient, episode, clinician=clinician, nurse=nurse,
                  days=7, sessions=args.sessions)
    patient_user = User.objects.create_user(username="bench-shared-patient",
                                            account_type="patient",
                                            organisation=clinician.organisation)
    patient.user = patient_user
    patient.save(update_fields=["user"])
    today = timezone.localdate()
    Consent.objects.create(patient=patient, regime="uk_gdpr", recipient=supporter.display_name,
                           recipient_user=supporter, purpose="To support my recovery",
                           data_categories=SUPPORTER_CATEGORIES, starts_on=today,
                           expires_on=today + timedelta(days=300), recorded_by=patient_user)
    looks = audit.Context(user=supporter, via="bench")
    categories = ["attendance", "milestones", "appointments"]
    audit.record_many(looks, Action.READ, (
        (patient.uuid, f"family.shared_{categories[i % 3]}", "", {"basis": "supporter_consent"})
        for i in range(args.looks)))
    audit.record_many(ctx, Action.READ, (
        (patient.uuid, "patients.patient", "", {"basis": "care_team"})
        for _ in range(args.other_events)))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return patient, supporter


def measure(client, name, path, args, failed_pages):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(args.warmup):
        if client.get(path).status_code != 200:
            failed_pages.append(f"{name}: GET {path}")
            return None
    timings, counts = [], set()
    for _ in range(args.requests):
        with CaptureQueriesContext(connection) as captured, \
                connection.execute_wrapper(SqlTimer()):
            t0 = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - t0) * 1000)
        if response.status_code != 200:
            failed_pages.append(f"{name}: GET {path} returned {response.status_code}")
            return None
        counts.add(len(captured))
    return {"page": name, **summary(timings), "queries": sorted(counts)}


def main(argv=None) -> int:
    args = parse_args(argv)
    bench_dir = Path(os.environ.get("CAREPATH_VAR_DIR") or REPO / "var") / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    if not args.database_url and not os.environ.get("DATABASE_URL", "").strip():
        args.database_url = f"sqlite:///{bench_dir / 'family-sharing.sqlite3'}"
    configure_environment(args)
    if os.environ["DATABASE_URL"].startswith("postgres"):
        ensure_postgres_database(os.environ["DATABASE_URL"])

    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from carepath.audit.models import AuditEvent

    print(f"Database: {connection.vendor} {redact_url(os.environ['DATABASE_URL'])}")
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("demo", seed=2026)
    patient, supporter = build(args)
    print(f"Patient ready: {patient.attendances.count():,} sessions, "
          f"{AuditEvent.objects.filter(patient_uuid=patient.uuid).count():,} audit events on "
          f"them, {AuditEvent.objects.count():,} in all "
          f"(setup {time.perf_counter() - started:.1f} s)")

    as_supporter, as_patient, anonymous = Client(), Client(), Client()
    as_supporter.force_login(supporter)
    as_patient.force_login(patient.user)
    plan = [(anonymous, *BASELINE)]
    plan += [(as_supporter, n, t.format(p=patient.uuid)) for n, t in SUPPORTER_PAGES]
    plan += [(as_patient, n, t) for n, t in PATIENT_PAGES]
    results, failed = [], []
    print(f"{'page':<18}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'queries':>9}{'x baseline':>12}")
    for client, name, path in plan:
        row = measure(client, name, path, args, failed)
        if row is None:
            print(failed[-1])
            return 1
        base = results[0]["p50_ms"] if results else row["p50_ms"]
        row["ratio_to_baseline_p50"] = round(row["p50_ms"] / base, 2) if base else None
        results.append(row)
        print(f"{name:<18}{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}{row['max_ms']:>9.1f}"
              f"{'/'.join(map(str, row['queries'])):>9}{row['ratio_to_baseline_p50']:>12}")
    output = args.output or bench_dir / "family-sharing-results.json"
    with open(output, "w") as fh:
        json.dump({"revision": git_revision(), "machine": machine(),
                   "database": connection.vendor, "sessions": args.sessions,
                   "looks": args.looks, "other_events": args.other_events,
                   "requests": args.requests, "pages": results}, fh, indent=2)
    print(f"Results written to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
