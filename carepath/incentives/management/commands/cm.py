"""``carepath cm simulate``: run a contingency-management schedule over a list of results.

    carepath cm simulate --schedule higgins --results N,N,P,M
    carepath cm simulate --schedule fishbowl --seed 7 --results N,N,N --cap 75
    carepath cm simulate --schedule path/to/schedule.json --results N,N

Prints one JSON object: {"schedule", "kind", "steps": [{"result", "earned", "balance",
"next_value"} ...], "total"}; prize-draw steps add "draws" ([{"value", "label"}]) and
"next_draws"; with --cap each step adds "capped". Money is a string with two decimals
("2.50") so no float rounding creeps in. Bad input exits with status 2 and one line on
stderr. No database: the same engine the ledger uses, on nothing stored.
"""

import json
import random

from django.core.management.base import BaseCommand, CommandError

from carepath.incentives import engine, schedules

RESULT_NAMES = "N (negative), P (positive) or M (missed)"


def _fail(message: str):
    return CommandError(message.replace("\n", " "), returncode=2)


def parse_results(raw: str | None) -> list[str]:
    if not raw or not raw.strip():
        raise _fail(f"--results: give a comma-separated list of {RESULT_NAMES}, e.g. N,N,P,M.")
    results = [item.strip().upper() for item in raw.split(",")]
    for position, item in enumerate(results, start=1):
        if item not in engine.RESULTS:
            raise _fail(f"--results: item {position} is {item!r}; each result must be "
                        f"{RESULT_NAMES}.")
    return results


def parse_cap(raw: str | None):
    if raw is None:
        return None
    try:
        return schedules.parse_money("--cap", raw)
    except ValueError as exc:
        raise _fail(str(exc)) from None


def parse_seed(raw: str | None, kind: str):
    if raw is None:
        return None
    if kind != "fishbowl":
        raise _fail("--seed: only prize-draw (fishbowl) schedules draw at random.")
    try:
        return int(raw)
    except ValueError:
        raise _fail(f"--seed: must be a whole number; got {raw!r}.") from None


def step_json(step: engine.Step, kind: str, with_cap: bool) -> dict:
    row = {"result": step.result, "earned": str(step.earned), "balance": str(step.balance),
           "next_value": str(step.next_value)}
    if kind == "fishbowl":
        row["draws"] = [{"value": str(slip.value), "label": slip.label} for slip in step.draws]
        row["next_draws"] = step.next_draws
    if with_cap:
        row["capped"] = step.capped
    return row


def simulate(schedule: str, results_raw: str | None, *, seed_raw=None, cap_raw=None) -> dict:
    if not schedule:
        raise _fail("--schedule: name higgins or fishbowl, or give a schedule file's path.")
    try:
        kind, params = schedules.resolve(schedule)
    except ValueError as exc:
        raise _fail(f"--schedule: {exc}") from None
    results = parse_results(results_raw)
    cap = parse_cap(cap_raw)
    seed = parse_seed(seed_raw, kind)
    if kind == "vouchers":
        steps = engine.vouchers(results, params, cap=cap)
    else:
        # A seed makes a simulation repeatable; without one, the real CSPRNG draws.
        rng = random.Random(seed) if seed is not None else engine.system_rng()
        steps = engine.fishbowl(results, params, rng=rng, cap=cap)
    total = steps[-1].balance if steps else engine.money(0)
    out = {"schedule": schedule, "kind": kind,
           "steps": [step_json(s, kind, cap is not None) for s in steps], "total": str(total)}
    if cap is not None:
        out["cap"] = str(cap)
    if seed is not None:
        out["seed"] = seed
    return out


class Command(BaseCommand):
    help = "Contingency-management tools. `cm simulate` runs a schedule over N/P/M results."
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sim = sub.add_parser("simulate", help="Print what each result earns, as JSON.")
        # Checked here, not by argparse, so every mistake is one clear line.
        sim.add_argument("--schedule", help="higgins, fishbowl or a schedule file (JSON)")
        sim.add_argument("--results", help="comma-separated N, P or M, oldest first")
        sim.add_argument("--seed", help="fishbowl only: a whole number for repeatable draws")
        sim.add_argument("--cap", help="a cap on the total earned, e.g. 75")

    def handle(self, *args, subcommand, **options):
        out = simulate(options.get("schedule"), options.get("results"),
                       seed_raw=options.get("seed"), cap_raw=options.get("cap"))
        self.stdout.write(json.dumps(out, indent=2))
