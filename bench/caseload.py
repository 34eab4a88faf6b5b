#!/usr/bin/env python
"""Benchmark: the caseload page and ``GET /api/v1/patients`` over a large population.

A measurement, not a test: it prints a table, writes JSON and exits 0 whatever
the figures are (it exits non-zero only if something errors, e.g. a request
does not return 200). Target from the issue: p95 under 150 ms with 100,000
patients, and the same number of queries for page sizes 20 and 100.

Requests go through the whole Django stack in-process (``django.test.Client``):
middleware, session, authentication, OTP check, the view, the template or the
API schema, and the audit-log write. See bench/README.md.

    make bench                                   # SQLite, var/bench.sqlite3
    make bench BENCH_ARGS="--requests 50"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/carepath_bench make bench
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_P95_MS = 150.0
SEARCH_TERM = "Smi"  # a common family-name prefix in the en_GB Faker population


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--patients", type=int, default=100_000,
                   help="population size to ensure before measuring (default 100000); the "
                        "database is only filled when it holds fewer patients than this")
    p.add_argument("--requests", type=int, default=200,
                   help="measured requests per scenario (default 200)")
    p.add_argument("--warmup", type=int, default=10,
                   help="unmeasured requests per scenario first (default 10)")
    p.add_argument("--deep-page", type=int, default=500,
                   help="the 'deep' page number measured (default 500)")
    p.add_argument("--database-url", default=None,
                   help="database to use (default: $DATABASE_URL if set, else "
                        "sqlite:///<var>/bench.sqlite3). Never the demo database.")
    p.add_argument("--only", default="",
                   help="run only scenarios whose name contains this text")
    p.add_argument("--analyze", action="store_true",
                   help="run ANALYZE before measuring (always done on PostgreSQL after "
                        "filling; on SQLite only with this flag, as Django never does it)")
    p.add_argument("--output", default=None,
                   help="JSON results file (default <var>/bench-results.json)")
    return p.parse_args(argv)


def configure_environment(args) -> Path:
    """Set the environment before Django is imported. Returns the var directory."""
    var_dir = Path(os.environ.get("CAREPATH_VAR_DIR") or REPO / "var")
    var_dir.mkdir(parents=True, exist_ok=True)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{var_dir / 'bench.sqlite3'}")
    url = os.environ["DATABASE_URL"]
    if url.startswith("sqlite:") and Path(url.split("sqlite://", 1)[-1]).resolve() == (
            var_dir / "carepath.sqlite3").resolve():
        sys.exit("Refusing to benchmark the demo database; use another DATABASE_URL.")
    hosts = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
    if "testserver" not in hosts:
        hosts.insert(0, "testserver")
    os.environ["ALLOWED_HOSTS"] = ",".join(hosts)
    # The Makefile exports these; set them when the script is run directly.
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("CAREPATH_DEMO", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carepath.settings")
    sys.path.insert(0, str(REPO))
    return var_dir


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    rank = max(1, math.ceil(pct / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


class SqlTimer:
    """An execute wrapper timing each query with perf_counter (the debug log rounds to 1 ms)."""

    def __init__(self):
        self.queries: list[tuple[str, float]] = []

    def __call__(self, execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((sql, (time.perf_counter() - t0) * 1000))


def git_revision() -> dict:
    """The commit measured, and whether the app's code differed from it."""
    import subprocess

    def git(*cmd):
        try:
            return subprocess.run(  # noqa: S603 (fixed arguments, no user input)
                ["git", *cmd], cwd=REPO, capture_output=True, text=True,  # noqa: S607
                timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    return {"commit": git("rev-parse", "HEAD"),
            "app_code_modified": bool(git("status", "--porcelain", "--", "carepath"))}


def redact_url(url: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        parts = parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@"))
    return urlunsplit(parts)


def main(argv=None) -> int:
    args = parse_args(argv)
    var_dir = configure_environment(args)

    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from rich.console import Console
    from rich.table import Table

    from carepath.accounts.models import User
    from carepath.accounts.tokens import create_token
    from carepath.audit.log import Context
    from carepath.patients.models import CareTeamMember, Patient
    from carepath.ui.views import SEARCH_KEY

    # Wide enough for the table when the output is a file or a pipe.
    console = Console() if sys.stdout.isatty() else Console(width=150)
    vendor = connection.vendor
    revision = git_revision()  # at start-up, when the app's modules are imported
    console.print(f"[bold]Commit[/]: {revision['commit'][:12] or 'unknown'}"
                  f"{' (app code modified)' if revision['app_code_modified'] else ''}")
    console.print(f"[bold]Database[/]: {vendor} {redact_url(os.environ['DATABASE_URL'])}")

    # -- Populate (idempotent: only what is missing) ------------------------------------
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("demo", seed=2026)
    have = Patient.objects.count()
    filled = False
    if have < args.patients:
        console.print(f"Adding {args.patients - have:,} patients to reach {args.patients:,} "
                      "(a few minutes for 100,000)…")
        call_command("demo", patients=args.patients - have)
        filled = True
    if (filled and vendor == "postgresql") or args.analyze:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    total = Patient.objects.count()
    console.print(f"Population: {total:,} patients (setup {time.perf_counter() - started:.1f} s)")

    # -- Signed-in clients ---------------------------------------------------------------
    def web_client(username: str) -> Client:
        user = User.objects.get(username=username)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        client = Client()
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    def api_headers(username: str) -> dict:
        user = User.objects.get(username=username)
        _, raw = create_token(Context.system("bench"), user, "bench")
        return {"Authorization": f"Bearer {raw}"}

    def caseload_of(username: str) -> int:
        user = User.objects.get(username=username)
        if user.role == "supervisor":
            return (CareTeamMember.objects.filter(user__supervisor=user)
                    .values("patient_id").distinct().count())
        return CareTeamMember.objects.filter(user=user).count()

    web = {u: web_client(u) for u in ("clinician", "supervisor")}
    searching = web_client("clinician")
    resp = searching.post("/", {"q": SEARCH_TERM})
    if resp.status_code != 302 or searching.session.get(SEARCH_KEY) != SEARCH_TERM:
        raise SystemExit(f"Setting the caseload search failed (POST / returned {resp.status_code})")
    web["clinician (search)"] = searching
    api = {u: api_headers(u) for u in ("clinician", "supervisor")}
    sizes = {u: caseload_of(u) for u in ("clinician", "supervisor")}
    console.print("Caseload sizes: " + ", ".join(f"{u} {n:,}" for u, n in sizes.items()))

    # -- Scenarios -------------------------------------------------------------------------
    deep = args.deep_page
    scenarios = []  # (name, group key for the 20-vs-100 check, page size, callable)

    def add_page(who, page, size):
        client = web[who]
        path = f"/?page={page}&page_size={size}"
        user = who.split()[0]
        name = f"page {who} page={page} size={size}"
        scenarios.append((name, name.rsplit(" size=", 1)[0], size, path,
                          lambda: client.get(path), user))

    def add_api(who, page, size, q=""):
        client = Client(headers=api[who])
        path = f"/api/v1/patients?page={page}&page_size={size}" + (f"&q={q}" if q else "")
        name = f"api {who}{f' q={q}' if q else ''} page={page} size={size}"
        scenarios.append((name, name.rsplit(" size=", 1)[0], size, path,
                          lambda: client.get(path), who))

    for size in (20, 100):
        add_page("clinician", 1, size)
    for size in (20, 100):
        add_page("clinician", deep, size)
    for size in (20, 100):
        add_page("clinician (search)", 1, size)
    for size in (20, 100):
        add_page("supervisor", 1, size)
    for size in (20, 100):
        add_api("clinician", 1, size)
    for size in (20, 100):
        add_api("clinician", deep, size)
    for size in (20, 100):
        add_api("clinician", 1, size, q=SEARCH_TERM)
    for size in (20, 100):
        add_api("supervisor", 1, size)
    if args.only:
        scenarios = [s for s in scenarios if args.only in s[0]]

    # -- Measure ---------------------------------------------------------------------------
    results = []
    for name, group, size, path, request, user in scenarios:
        for _ in range(args.warmup):
            r = request()
            if r.status_code != 200:
                raise SystemExit(f"{name}: GET {path} returned {r.status_code}")
        timings, counts, runs = [], Counter(), []
        for _ in range(args.requests):
            timer = SqlTimer()
            with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
                t0 = time.perf_counter()
                r = request()
                elapsed = (time.perf_counter() - t0) * 1000
            if r.status_code != 200:
                raise SystemExit(f"{name}: GET {path} returned {r.status_code}")
            timings.append(elapsed)
            counts[len(captured)] += 1  # includes BEGIN/COMMIT, unlike the timer
            runs.append(timer.queries)
        timings.sort()
        # The SQL breakdown comes from the requests running the usual statements; any
        # request running others (e.g. a once-a-minute "last used" touch) is listed apart.
        usual = Counter(tuple(sql for sql, _ in run) for run in runs).most_common(1)[0][0]
        per_statement = [[] for _ in usual]
        occasional = Counter()
        for run in runs:
            statements = tuple(sql for sql, _ in run)
            if statements == usual:
                for slot, (_, ms) in zip(per_statement, run, strict=True):
                    slot.append(ms)
            else:
                occasional.update("+ " + sql for sql in (Counter(statements) - Counter(usual))
                                  .elements())
                occasional.update("- " + sql for sql in (Counter(usual) - Counter(statements))
                                  .elements())
        breakdown = sorted(({"sql": sql, "median_ms": round(statistics.median(ts), 2)}
                            for sql, ts in zip(usual, per_statement, strict=True)),
                           key=lambda q: -q["median_ms"])
        row = {"name": name, "group": group,
               "user": user, "path": path, "page_size": size, "n": len(timings),
               "p50_ms": round(percentile(timings, 50), 1),
               "p95_ms": round(percentile(timings, 95), 1),
               "max_ms": round(timings[-1], 1),
               "queries": counts.most_common(1)[0][0],
               "query_counts_seen": {str(k): v for k, v in sorted(counts.items())},
               "occasional_sql": [{"sql": sql, "requests": n} for sql, n in occasional.items()],
               "sql_ms_median": round(sum(q["median_ms"] for q in breakdown), 1),
               "sql_breakdown": breakdown,
               "items_on_last_response": (len(r.json().get("items", []))
                                          if path.startswith("/api/") else None)}
        results.append(row)
        seen = ", ".join(f"{k}×{v}" for k, v in row["query_counts_seen"].items())
        console.print(f"  {row['name']:<44} p50 {row['p50_ms']:7.1f}  p95 {row['p95_ms']:7.1f}"
                      f"  max {row['max_ms']:7.1f} ms  queries {seen}")

    # -- Report ----------------------------------------------------------------------------
    table = Table(title=f"Caseload benchmark: {total:,} patients on {vendor}, "
                        f"{args.requests} requests per row after {args.warmup} warm-up")
    for col, just in [("scenario", "left"), ("n", "right"), ("p50 ms", "right"),
                      ("p95 ms", "right"), ("max ms", "right"), ("SQL ms (median)", "right"),
                      ("queries", "right")]:
        table.add_column(col, justify=just)
    for row in results:
        ok = row["p95_ms"] < TARGET_P95_MS
        varied = len(row["query_counts_seen"]) > 1
        table.add_row(row["name"], str(row["n"]), f"{row['p50_ms']:.1f}",
                      f"[{'green' if ok else 'red'}]{row['p95_ms']:.1f}[/]",
                      f"{row['max_ms']:.1f}", f"{row['sql_ms_median']:.1f}",
                      f"{row['queries']}{'*' if varied else ''}")
    console.print(table)
    occasional_rows = [row for row in results if row["occasional_sql"]]
    if occasional_rows:
        console.print("* the usual count; some requests ran other statements:")
        for row in occasional_rows:
            for item in row["occasional_sql"]:
                console.print(f"    {row['name']:<44} {item['requests']:>4} requests: "
                              f"{item['sql'][:80]}…", markup=False, highlight=False)
    console.print("[bold]Slowest statement per scenario[/] (median ms; all in the JSON):")
    for row in results:
        if row["sql_breakdown"]:
            slow = row["sql_breakdown"][0]
            console.print(f"  {row['name']:<44} {slow['median_ms']:7.2f}  {slow['sql'][:90]}…",
                          markup=False, highlight=False)

    checks = []
    groups: dict[str, dict[int, int]] = {}
    for row in results:
        groups.setdefault(row["group"], {})[row["page_size"]] = row["queries"]
    for group, by_size in groups.items():
        if 20 in by_size and 100 in by_size:
            checks.append({"check": f"same query count for page sizes 20 and 100: {group}",
                           "ok": by_size[20] == by_size[100],
                           "detail": f"20 → {by_size[20]}, 100 → {by_size[100]}"})
    over = [r["name"] for r in results if r["p95_ms"] >= TARGET_P95_MS]
    checks.append({"check": f"p95 < {TARGET_P95_MS:.0f} ms in every scenario", "ok": not over,
                   "detail": f"over target: {', '.join(over)}" if over else "all under"})
    for c in checks:
        mark = "[green]YES[/]" if c["ok"] else "[red]NO[/]"
        console.print(f"{mark}  {c['check']}  ({c['detail']})")

    output = Path(args.output) if args.output else var_dir / "bench-results.json"
    output.write_text(json.dumps({
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "database": {"vendor": vendor, "url": redact_url(os.environ["DATABASE_URL"])},
        "patients": total, "caseload_sizes": sizes, "requests": args.requests,
        "warmup": args.warmup, "target_p95_ms": TARGET_P95_MS,
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count()},
        "settings": {"DEBUG": os.environ.get("DEBUG")},
        "git": revision,
        "results": results,
        "checks": checks,
    }, indent=2, default=str))
    console.print(f"JSON written to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
