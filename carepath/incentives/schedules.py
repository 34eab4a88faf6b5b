"""Schedule parameters <-> JSON: what a CMSchedule's ``parameters`` or a schedule file holds,
checked into the engine's VoucherParams / FishbowlParams.

A missing field takes the default (the Higgins schedule, the classic 500-slip bowl), so
``{}`` is the published schedule. Every refusal is a ScheduleError (a ValueError) whose
message names the field, e.g. "parameters.increment: must be a sum of money ...".

A schedule file is JSON: {"kind": "vouchers" | "fishbowl", "parameters": {...}} with an
optional "name". ``resolve`` also knows the built-ins "higgins" and "fishbowl".
"""

from __future__ import annotations

import json
from dataclasses import fields
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .engine import CLASSIC_BOWL, HIGGINS, FishbowlParams, VoucherParams, money

KINDS = ("vouchers", "fishbowl")
BUILT_INS = {"higgins": ("vouchers", HIGGINS), "fishbowl": ("fishbowl", CLASSIC_BOWL)}

# Sanity limits (CarePath design choices, not clinical rules): they stop a typo such as
# 8000 draws or a 1e9 prize from reaching the ledger.
MAX_MONEY = Decimal("10000.00")
MAX_DRAWS = 50
MAX_SLIPS = 100_000
MAX_FILE_BYTES = 100_000


class ScheduleError(ValueError):
    """Bad schedule parameters or file; the message names the field."""


def parse_money(where: str, raw, *, allow_zero=True) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str, Decimal)):
        raise ScheduleError(f"{where}: must be a sum of money such as 2.50; got {raw!r}.")
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ScheduleError(f"{where}: must be a sum of money such as 2.50; got {raw!r}.") \
            from None
    if not value.is_finite():
        raise ScheduleError(f"{where}: must be a sum of money such as 2.50; got {raw!r}.")
    if value != value.quantize(Decimal("0.01")):
        raise ScheduleError(f"{where}: at most two decimal places; got {raw!r}.")
    if value < 0 or (value == 0 and not allow_zero):
        rule = "0 or more" if allow_zero else "more than 0"
        raise ScheduleError(f"{where}: must be {rule}; got {raw!r}.")
    if value > MAX_MONEY:
        raise ScheduleError(f"{where}: at most {MAX_MONEY}; got {raw!r}.")
    return money(value)


def _whole(where: str, raw, *, lowest: int, highest: int) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise ScheduleError(f"{where}: must be a whole number; got {raw!r}.")
    if not lowest <= raw <= highest:
        raise ScheduleError(f"{where}: must be from {lowest} to {highest}; got {raw}.")
    return raw


def _check_keys(where: str, given: dict, allowed) -> None:
    if not isinstance(given, dict):
        raise ScheduleError(f"{where}: must be a JSON object; got {type(given).__name__}.")
    unknown = sorted(set(given) - set(allowed))
    if unknown:
        raise ScheduleError(f"{where}.{unknown[0]}: not a field here; expected one of "
                            f"{', '.join(allowed)}.")


def _vouchers(p: dict) -> VoucherParams:
    _check_keys("parameters", p, [f.name for f in fields(VoucherParams)])
    d = HIGGINS
    start = parse_money("parameters.start", p.get("start", d.start), allow_zero=False)
    maximum = p.get("maximum", d.maximum)
    if maximum is not None:
        maximum = parse_money("parameters.maximum", maximum)
        if maximum < start:
            raise ScheduleError(f"parameters.maximum: must be at least start ({start}); "
                                f"got {maximum}.")
    return VoucherParams(
        start=start,
        increment=parse_money("parameters.increment", p.get("increment", d.increment)),
        bonus=parse_money("parameters.bonus", p.get("bonus", d.bonus)),
        # 0: no bonus.
        bonus_every=_whole("parameters.bonus_every", p.get("bonus_every", d.bonus_every),
                           lowest=0, highest=100),
        restore_after=_whole("parameters.restore_after",
                             p.get("restore_after", d.restore_after), lowest=1, highest=100),
        maximum=maximum,
    )


def _slip(i: int, raw) -> tuple[Decimal, int, str]:
    where = f"parameters.bowl[{i}]"
    _check_keys(where, raw, ["value", "count", "label"])
    for key in ("value", "count", "label"):
        if key not in raw:
            raise ScheduleError(f"{where}.{key}: missing.")
    label = raw["label"]
    if not isinstance(label, str) or not label.strip() or len(label) > 60:
        raise ScheduleError(f"{where}.label: must be text of 1 to 60 characters.")
    return (parse_money(f"{where}.value", raw["value"]),
            _whole(f"{where}.count", raw["count"], lowest=0, highest=MAX_SLIPS),
            label.strip())


def _fishbowl(p: dict) -> FishbowlParams:
    _check_keys("parameters", p, [f.name for f in fields(FishbowlParams)])
    d = CLASSIC_BOWL
    if "bowl" in p:
        if not isinstance(p["bowl"], list) or not p["bowl"]:
            raise ScheduleError("parameters.bowl: must be a non-empty list of "
                                '{"value", "count", "label"} slips.')
        bowl = tuple(_slip(i, raw) for i, raw in enumerate(p["bowl"]))
    else:
        bowl = d.bowl
    slips = sum(count for _, count, _ in bowl)
    if not 1 <= slips <= MAX_SLIPS:
        raise ScheduleError(f"parameters.bowl: must hold 1 to {MAX_SLIPS} slips; got {slips}.")
    start = _whole("parameters.start_draws", p.get("start_draws", d.start_draws),
                   lowest=1, highest=MAX_DRAWS)
    return FishbowlParams(
        bowl=bowl, start_draws=start,
        draw_increment=_whole("parameters.draw_increment",
                              p.get("draw_increment", d.draw_increment),
                              lowest=0, highest=MAX_DRAWS),
        max_draws=_whole("parameters.max_draws", p.get("max_draws", d.max_draws),
                         lowest=start, highest=MAX_DRAWS),
    )


def params_for(kind: str, parameters: dict | None):
    """The engine's parameters for ``kind`` from a JSON-like dict (missing fields: defaults)."""
    if kind == "vouchers":
        return _vouchers(parameters or {})
    if kind == "fishbowl":
        return _fishbowl(parameters or {})
    raise ScheduleError(f"kind: must be one of {', '.join(KINDS)}; got {kind!r}.")


def as_parameters(params) -> dict:
    """The JSON form of engine parameters (money as strings "2.50"); params_for reads it back."""
    if isinstance(params, VoucherParams):
        return {"start": str(params.start), "increment": str(params.increment),
                "bonus": str(params.bonus), "bonus_every": params.bonus_every,
                "restore_after": params.restore_after,
                "maximum": None if params.maximum is None else str(params.maximum)}
    if isinstance(params, FishbowlParams):
        return {"bowl": [{"value": str(money(v)), "count": c, "label": label}
                         for v, c, label in params.bowl],
                "start_draws": params.start_draws, "draw_increment": params.draw_increment,
                "max_draws": params.max_draws}
    raise TypeError(f"not schedule parameters: {type(params).__name__}")


def kind_of(params) -> str:
    return "vouchers" if isinstance(params, VoucherParams) else "fishbowl"


def load_schedule_file(path) -> tuple[str, VoucherParams | FishbowlParams]:
    """(kind, params) from a schedule file; ScheduleError naming the file and the field."""
    path = Path(path)
    if path.exists() and not path.is_file():  # a directory, or a device such as /dev/zero
        raise ScheduleError(f"{path}: not a schedule file.")
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ScheduleError(f"{path}: larger than {MAX_FILE_BYTES} bytes.")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "not readable as UTF-8 text"
        raise ScheduleError(f"{path}: cannot read the schedule file ({reason}).") from None
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise ScheduleError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: "
                            f"{exc.msg}).") from None
    except ValueError as exc:
        raise ScheduleError(f"{path}: {exc}") from None
    except RecursionError:
        raise ScheduleError(f"{path}: nested too deeply to be a schedule.") from None
    try:
        _check_keys("schedule", data, ["kind", "parameters", "name"])
        if "kind" not in data:
            raise ScheduleError('kind: missing; expected "vouchers" or "fishbowl".')
        return data["kind"], params_for(data["kind"], data.get("parameters", {}))
    except ScheduleError as exc:
        raise ScheduleError(f"{path}: {exc}") from None


def _no_constant(name: str):
    raise ValueError(f"not valid JSON ({name} is not a number).")


def resolve(schedule: str) -> tuple[str, VoucherParams | FishbowlParams]:
    """A built-in name ("higgins", "fishbowl") or the path of a schedule file."""
    if schedule in BUILT_INS:
        return BUILT_INS[schedule]
    if not Path(schedule).exists():
        raise ScheduleError(f"unknown schedule {schedule!r}: use "
                            f"{' or '.join(BUILT_INS)}, or the path of a schedule file.")
    return load_schedule_file(schedule)
