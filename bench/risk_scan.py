#!/usr/bin/env python
"""Benchmark: the nightly risk scan over 100,000 people with 90 days of check-ins each.

Target from the issue: the scan (``carepath.recovery.scan.scan_all``) over 100,000
active patients with 90 days of check-ins each (9,000,000 rows) in under 2 minutes on
this machine, on PostgreSQL. A measurement, not a test: it prints JSON and writes it to
``var/bench/risk-scan-<vendor>.json``; it exits 1 only when the PostgreSQL full-size
scan misses the target or something errors.

The script builds a fresh database each run (PostgreSQL: the database named in the URL,
created if missing and emptied first, and only if its name starts with
``carepath_bench``; SQLite: its own file under var/bench/): minimal patients, a recovery
profile each, check-ins for the last ``--days`` days (PostgreSQL COPY with the table's
indexes dropped and rebuilt after, as a bulk load would; SQLite executemany in batches),
a realistic mix of people (steady, rising craving, reported use, blood in urine, silent
for a few days, stopped long ago, not expected to check in, worse on BAM and PHQ-9), and
last night's scan record (so tonight's is the usual nightly run). Then it times
``scan_all()`` twice: the first raises the signals, the second shows it idempotent.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/carepath_bench_scan \\
        .venv/bin/python bench/risk_scan.py                      # 100,000 x 90
    .venv/bin/python bench/risk_scan.py --patients 10000         # SQLite, smaller
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path

from caseload import REPO, configure_environment, redact_url
from responses import ensure_postgres_database, machine

TARGET_SECONDS = 120.0
SAFE_PREFIX = "carepath_bench"

# The mix of people (shares of the population). Steady people also report a lapse on
# about 1 day in 200, as in life; the others are the cases the rules look for.
MIX = [("steady", 0.835), ("rising_craving", 0.03), ("recent_use", 0.02),
       ("silent_days", 0.05), ("blood_in_urine", 0.002), ("stopped_long_ago", 0.023),
       ("not_expected", 0.03), ("measures_worse", 0.01)]
HISTORY_MEASURES_SHARE = 0.05  # steady people with a weekly BAM history


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--patients", type=int, default=100_000, help="people (default 100000)")
    p.add_argument("--days", type=int, default=90, help="days of check-ins (default 90)")
    p.add_argument("--database-url", default=None,
                   help="default: $DATABASE_URL, else sqlite:///var/bench/risk-scan-N-D.sqlite3")
    p.add_argument("--batch", type=int, default=2000, help="people per insert batch")
    p.add_argument("--layout", choices=["by-day", "by-patient"], default="by-day",
                   help="order the check-ins are loaded in: by-day (as a live table fills "
                        "in; default) or by-patient (the worst case for the scan: the last "
                        "days' rows spread over the whole table)")
    p.add_argument("--reuse", action="store_true",
                   help="measure again on the population built earlier today (its signals, "
                        "tasks and scan records are removed first; the audit log stays)")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--output", default=None, help="JSON results file")
    args = p.parse_args(argv)
    if args.patients < 10 or args.days < 7 or args.batch < 1:
        p.error("--patients at least 10, --days at least 7, --batch at least 1")
    return args


def bench_only(url: str) -> dict:
    """The database's settings; exits unless it is named for this bench (it is emptied)."""
    import environ

    config = environ.Env.db_url_config(url)
    name = Path(config["NAME"]).name if "sqlite" in config["ENGINE"] else config["NAME"]
    if not name.startswith("risk-scan" if "sqlite" in config["ENGINE"] else SAFE_PREFIX):
        sys.exit(f"Refusing to use {name!r}: the bench empties its database, so its name "
                 f"must start with {SAFE_PREFIX!r} (PostgreSQL) or 'risk-scan' (SQLite).")
    return config


def fresh_database(url: str) -> None:
    """Start from nothing: drop and recreate the bench database (PostgreSQL), or delete
    the file (SQLite)."""
    config = bench_only(url)
    if "sqlite" in config["ENGINE"]:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{config['NAME']}{suffix}").unlink(missing_ok=True)
        return
    name = config["NAME"]
    if ensure_postgres_database(url):
        return
    import psycopg
    from psycopg import sql

    connect = {"dbname": "postgres", "host": config.get("HOST") or None,
               "port": config.get("PORT") or None, "user": config.get("USER") or None,
               "password": config.get("PASSWORD") or None, "autocommit": True}
    with psycopg.connect(**{k: v for k, v in connect.items() if v is not None}) as conn:
        conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def choose_kinds(count: int, rng: random.Random) -> list[str]:
    kinds = []
    for kind, share in MIX:
        kinds += [kind] * round(count * share)
    kinds += ["steady"] * (count - len(kinds))
    rng.shuffle(kinds)
    return kinds[:count]


def person_days(kind: str, days: int, rng: random.Random):
    """(days ago, craving, used, blood) for each check-in of one person, oldest first;
    and the person's last check-in in days ago (None: none)."""
    base = rng.randint(0, 4)
    last = 0
    if kind == "silent_days":
        last = rng.randint(4, 12)
    elif kind in ("stopped_long_ago", "not_expected"):
        last = rng.randint(20, days - 1)
    rows = []
    for ago in range(days - 1, last - 1, -1):
        if ago > 5 and ago != last and rng.random() < 0.05:
            continue  # a day skipped now and then
        craving = min(10, max(0, base + rng.randint(-1, 1)))
        used = rng.random() < 0.005
        blood = False
        if kind == "rising_craving" and ago <= 2:
            craving = min(10, base + rng.randint(4, 6))
        if kind == "recent_use" and ago == rng.randint(0, 1):
            used = True
        if kind == "blood_in_urine" and ago == 0:
            blood = True
        rows.append((ago, craving, used, blood))
    # Exactly ``days`` check-ins each (100,000 x 90 = 9,000,000 rows): the days skipped
    # are made up by second check-ins on earlier days (an extra one before a risk
    # window), never in the last week, where they would change what the rules see.
    early = [row for row in rows if row[0] > 6]
    while early and len(rows) < days:
        ago, craving, _, _ = rng.choice(early)
        rows.append((ago, craving, False, False))
    return rows, (last if rows else None)


def main(argv=None) -> int:
    args = parse_args(argv)
    var_dir = Path(os.environ.get("CAREPATH_VAR_DIR") or REPO / "var")
    bench_dir = var_dir / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    if not args.database_url and not os.environ.get("DATABASE_URL"):
        args.database_url = (f"sqlite:///{bench_dir}/"
                             f"risk-scan-{args.patients}-{args.days}.sqlite3")
    configure_environment(args)
    url = os.environ["DATABASE_URL"]
    if args.reuse:
        bench_only(url)
    else:
        fresh_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    vendor = connection.vendor
    timings: dict[str, float] = {}
    clock_start = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    timings["migrate_s"] = time.perf_counter() - clock_start

    rows = reuse(args) if args.reuse else build(args, vendor, timings)
    result = measure(vendor)
    report = {
        "benchmark": "nightly risk scan (carepath.recovery.scan.scan_all)",
        "database": f"{vendor} {db_version(connection)}", "url": redact_url(url),
        "patients": args.patients, "days": args.days, "layout": args.layout, "rows": rows,
        "generation_s": {k: round(v, 1) for k, v in timings.items()},
        **result, "target_s": TARGET_SECONDS, "machine": machine(),
    }
    full_size = args.patients >= 100_000 and args.days >= 90
    report["target_met"] = result["scan_s"] < TARGET_SECONDS if full_size else None
    text = json.dumps(report, indent=2)
    print(text)
    out = Path(args.output) if args.output else bench_dir / f"risk-scan-{vendor}.json"
    out.write_text(text + "\n")
    return 1 if (vendor == "postgresql" and full_size and not report["target_met"]) else 0


def db_version(connection) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if connection.vendor == "sqlite"
                       else "SHOW server_version")
        return cursor.fetchone()[0]


def reuse(args) -> dict:
    """The population built earlier today, reset to "last night's scan has run"."""
    from django.db.models import Max
    from django.utils import timezone

    from carepath.accounts.models import Organisation
    from carepath.measures.models import Response
    from carepath.patients.models import Patient
    from carepath.recovery.models import CheckIn, RecoveryProfile, RiskSignal
    from carepath.recovery.models.scan_runs import RiskScanRun
    from carepath.recovery.scan import local_today
    from carepath.treatment.models import OutreachTask

    org = Organisation.objects.filter(name="Risk scan bench").first()
    if org is None:
        sys.exit("--reuse: no bench population here; run without --reuse first.")
    today = local_today(org.time_zone)
    if CheckIn.objects.aggregate(last=Max("checkin_date"))["last"] != today:
        sys.exit("--reuse: the population was built on another day; build it again.")
    RiskSignal.objects.all().delete()
    OutreachTask.objects.all().delete()
    RiskScanRun.objects.all().delete()
    now = timezone.now()
    RiskScanRun.objects.create(scan_date=today - timedelta(days=1),
                               started_at=now - timedelta(days=1),
                               finished_at=now - timedelta(days=1))
    return {"patients": Patient.objects.count(), "profiles": RecoveryProfile.objects.count(),
            "checkins": CheckIn.objects.count(), "responses": Response.objects.count(),
            "reused": True}


def build(args, vendor: str, timings: dict) -> dict:
    from django.db import connection, transaction
    from django.utils import timezone

    from carepath.accounts.models import Organisation, Role, User
    from carepath.measures.models import Mode, Response
    from carepath.patients.models import Patient
    from carepath.recovery.models import CheckIn, RecoveryProfile
    from carepath.recovery.models.scan_runs import RiskScanRun
    from carepath.recovery.scan import local_today

    rng = random.Random(args.seed)
    org = Organisation.objects.create(name="Risk scan bench", mrn_prefix="RS")
    staff = User.objects.create_user(username="bench-clinician", organisation=org,
                                     role=Role.CLINICIAN, password=None)
    today = local_today(org.time_zone)
    now = timezone.now()
    kinds = choose_kinds(args.patients, rng)

    started = time.perf_counter()
    for first in range(0, args.patients, args.batch):
        Patient.objects.bulk_create([
            Patient(organisation=org, mrn=f"RS{n:07d}", legal_given_name="Bench",
                    legal_family_name=f"Person{n}", date_of_birth=today - timedelta(days=9000),
                    created_at=now, updated_at=now)
            for n in range(first, min(first + args.batch, args.patients))])
    patient_ids = list(Patient.objects.filter(organisation=org).order_by("pk")
                       .values_list("pk", flat=True))
    timings["patients_s"] = time.perf_counter() - started

    started = time.perf_counter()
    histories, profiles = {}, []
    for pid, kind in zip(patient_ids, kinds, strict=True):
        days, last = person_days(kind, args.days, rng)
        histories[pid] = days
        profiles.append(RecoveryProfile(
            organisation=org, patient_id=pid, checkins_expected=kind != "not_expected",
            last_checkin_on=today - timedelta(days=last) if last is not None else None,
            first_checkin_on=today - timedelta(days=args.days - 1), created_at=now,
            updated_at=now))
    RecoveryProfile.objects.bulk_create(profiles, batch_size=args.batch)
    timings["profiles_s"] = time.perf_counter() - started

    started = time.perf_counter()
    columns = [f.column for f in CheckIn._meta.concrete_fields if not f.primary_key]
    if vendor == "postgresql":
        checkins = copy_checkins(connection, CheckIn._meta.db_table, columns, histories,
                                 org.pk, staff.pk, today, rng, args.layout, timings)
    else:
        checkins = insert_checkins(connection, CheckIn._meta.db_table, columns, histories,
                                   org.pk, staff.pk, today, rng, args.layout, args.batch)
    timings["checkins_s"] = time.perf_counter() - started

    started = time.perf_counter()
    responses = []

    def response(pid, instrument, days_ago, total=None, subscales=None):
        moment = timezone.make_aware(datetime.combine(today - timedelta(days=days_ago),
                                                      clock(10)))
        responses.append(Response(
            organisation=org, patient_id=pid, instrument_id=instrument, instrument_version="1",
            status=Response.Status.SUBMITTED, mode=Mode.SELF_REPORT, total=total,
            subscales=subscales or {}, submitted_at=moment, created_at=moment))

    for pid, kind in zip(patient_ids, kinds, strict=True):
        if kind == "measures_worse":
            response(pid, "phq-9", 28, total=6)
            response(pid, "phq-9", 1, total=14)
            response(pid, "bam", 8, subscales={"use": 0, "risk": 5, "protective": 19})
            response(pid, "bam", 1, subscales={"use": 2, "risk": 9, "protective": 14})
        elif kind == "steady" and rng.random() < HISTORY_MEASURES_SHARE:
            for week in range(args.days // 7):
                response(pid, "bam", 7 * week + rng.randint(0, 6),
                         subscales={"use": 0, "risk": rng.randint(3, 6),
                                    "protective": rng.randint(16, 20)})
    Response.objects.bulk_create(responses, batch_size=args.batch)
    timings["responses_s"] = time.perf_counter() - started

    # Last night's scan: tonight's run is the usual nightly one (looks back 2 days).
    RiskScanRun.objects.create(scan_date=today - timedelta(days=1),
                               started_at=now - timedelta(days=1),
                               finished_at=now - timedelta(days=1))
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # statistics, as autovacuum would have by tonight
    timings["analyze_s"] = time.perf_counter() - started
    return {"patients": len(patient_ids), "profiles": len(profiles), "checkins": checkins,
            "responses": len(responses),
            "people_by_kind": {kind: kinds.count(kind) for kind, _ in MIX}}


def _in_order(histories, layout: str):
    if layout == "by-patient":  # the worst case: each person's rows together
        for pid, days in histories.items():
            for ago, craving, used, blood in sorted(days, reverse=True):
                yield ago, pid, craving, used, blood
        return
    by_day: dict[int, list] = {}
    for pid, days in histories.items():
        for ago, craving, used, blood in days:
            by_day.setdefault(ago, []).append((pid, craving, used, blood))
    histories.clear()  # the rows now live in by_day: keep one copy in memory
    for ago in sorted(by_day, reverse=True):
        for pid, craving, used, blood in by_day.pop(ago):
            yield ago, pid, craving, used, blood


def _line_values(histories, org_id, staff_id, today, rng, layout):
    """Each check-in as a dict of column values (text, as COPY and SQLite take them),
    in the layout's order (by day: as a live table fills in, so that the last days'
    rows sit together at the end of the table, as in production)."""
    prefix = rng.getrandbits(64)
    for n, (ago, pid, craving, used, blood) in enumerate(_in_order(histories, layout), 1):
        day = today - timedelta(days=ago)
        yield {"uuid": f"{prefix:016x}{n:016x}", "organisation_id": org_id,
               "patient_id": pid, "checkin_date": day.isoformat(),
               "submitted_at": f"{day.isoformat()} 19:{n % 60:02d}:00+00",
               "craving": craving, "mood": 5 + (n % 3), "sleep_hours": "7.5",
               "used_ketamine": used, "other_substances": "[]", "triggers": "[]",
               "bladder_pain": 0, "blood_in_urine": blood, "support_contact": None,
               "note": "", "source": "web", "entered_by_id": staff_id}


def copy_checkins(connection, table, columns, histories, org_id, staff_id, today, rng,
                  layout, timings) -> int:
    """COPY with the table's indexes dropped (and foreign-key triggers off for this
    session), then the same indexes rebuilt: how a bulk load is done."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                       "WHERE conrelid = %s::regclass AND contype = 'u'", [table])
        uniques = cursor.fetchall()
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                       "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE "
                       "conrelid = %s::regclass)", [table, table])
        indexes = cursor.fetchall()
        for name, _ in uniques:
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        count = 0
        started = time.perf_counter()
        names = ", ".join(f'"{c}"' for c in columns)

        def text(value):
            if value is None:
                return r"\N"
            if value is True or value is False:
                return "t" if value else "f"
            return str(value)

        with cursor.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
            buffer = []
            for row in _line_values(histories, org_id, staff_id, today, rng, layout):
                buffer.append("\t".join(text(row[c]) for c in columns))
                count += 1
                if len(buffer) >= 50_000:
                    copy.write("\n".join(buffer) + "\n")
                    buffer = []
            if buffer:
                copy.write("\n".join(buffer) + "\n")
        timings["checkins_copy_s"] = time.perf_counter() - started
        started = time.perf_counter()
        cursor.execute("SET session_replication_role = DEFAULT")
        for name, definition in uniques:
            cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
        for _, definition in indexes:
            cursor.execute(definition)
        timings["checkins_indexes_s"] = time.perf_counter() - started
    return count


def insert_checkins(connection, table, columns, histories, org_id, staff_id, today, rng,
                    layout, batch) -> int:
    """SQLite: executemany in transactions of ``batch`` people's check-ins."""
    from django.db import transaction

    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'  # noqa: S608 (no input)
    rows, count = [], 0

    def flush():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows)

    for row in _line_values(histories, org_id, staff_id, today, rng, layout):
        row["submitted_at"] = row["submitted_at"].replace("+00", "")
        rows.append([row[c] for c in columns])
        count += 1
        if len(rows) >= batch * 90:
            flush()
            rows = []
    if rows:
        flush()
    return count


def measure(vendor: str) -> dict:
    from django.db import connection

    from carepath.recovery.scan import scan_all

    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        first = scan_all()
        scan_s = time.perf_counter() - started
    first_queries = len(queries)
    started = time.perf_counter()
    second = scan_all()
    again_s = time.perf_counter() - started
    return {"scan_s": round(scan_s, 2), "scan_phases_s": first.phases,
            "scan_queries": first_queries,
            "signals_per_rule": first.new_signals, "tasks_raised": first.tasks_raised,
            "linked_to_open_tasks": first.linked_to_open_tasks,
            "findings": first.findings,
            "second_scan_s": round(again_s, 2),
            "second_scan_new_signals": sum(second.new_signals.values())}


if __name__ == "__main__":
    sys.exit(main())
