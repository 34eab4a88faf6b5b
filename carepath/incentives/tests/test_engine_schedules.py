"""Schedule parameters from JSON (a programme's CMSchedule.parameters or a schedule file):
defaults, round trips and refusals that name the field."""

import json
from decimal import Decimal

import pytest

from carepath.incentives import schedules
from carepath.incentives.engine import CLASSIC_BOWL, HIGGINS, FishbowlParams, VoucherParams
from carepath.incentives.schedules import ScheduleError, load_schedule_file, params_for


def test_empty_parameters_are_the_published_defaults():
    assert params_for("vouchers", {}) == HIGGINS
    assert params_for("fishbowl", {}) == CLASSIC_BOWL


@pytest.mark.parametrize("params", [HIGGINS, CLASSIC_BOWL, VoucherParams(maximum=Decimal("30")),
                                    FishbowlParams(max_draws=4)])
def test_parameters_round_trip_through_json(params):
    as_json = json.loads(json.dumps(schedules.as_parameters(params)))
    assert params_for(schedules.kind_of(params), as_json) == params


def test_money_may_be_a_number_or_a_string():
    params = params_for("vouchers", {"start": "3", "increment": 1.5, "maximum": 20})
    assert (params.start, params.increment, params.maximum) == \
        (Decimal("3.00"), Decimal("1.50"), Decimal("20.00"))


@pytest.mark.parametrize(("kind", "parameters", "field"), [
    ("vouchers", {"start": "two"}, "parameters.start"),
    ("vouchers", {"start": 0}, "parameters.start"),
    ("vouchers", {"increment": -1}, "parameters.increment"),
    ("vouchers", {"increment": "1.255"}, "parameters.increment"),
    ("vouchers", {"bonus": True}, "parameters.bonus"),
    ("vouchers", {"bonus_every": 2.5}, "parameters.bonus_every"),
    ("vouchers", {"restore_after": 0}, "parameters.restore_after"),
    ("vouchers", {"maximum": 1}, "parameters.maximum"),
    ("vouchers", {"incremnet": 1}, "parameters.incremnet"),
    ("fishbowl", {"bowl": []}, "parameters.bowl"),
    ("fishbowl", {"bowl": [{"value": 1, "count": 0, "label": "x"}]}, "parameters.bowl"),
    ("fishbowl", {"bowl": [{"value": 1, "count": 2}]}, "parameters.bowl[0].label"),
    ("fishbowl", {"bowl": [{"value": "NaN", "count": 2, "label": "x"}]},
     "parameters.bowl[0].value"),
    ("fishbowl", {"bowl": [{"value": 1, "count": -2, "label": "x"}]},
     "parameters.bowl[0].count"),
    ("fishbowl", {"start_draws": 0}, "parameters.start_draws"),
    ("fishbowl", {"start_draws": 3, "max_draws": 2}, "parameters.max_draws"),
    ("fishbowl", {"max_draws": 8000}, "parameters.max_draws"),
    ("fishbowl", "not a dict", "parameters"),
    ("lottery", {}, "kind"),
])
def test_bad_parameters_are_refused_naming_the_field(kind, parameters, field):
    with pytest.raises(ValueError) as refused:
        params_for(kind, parameters)
    assert str(refused.value).startswith(f"{field}:")


def test_a_schedule_file_is_read(tmp_path):
    path = tmp_path / "bowl.json"
    path.write_text(json.dumps({"name": "Small bowl", "kind": "fishbowl", "parameters": {
        "bowl": [{"value": 0, "count": 1, "label": "Good job"},
                 {"value": "5", "count": 1, "label": "Voucher"}], "max_draws": 3}}))
    kind, params = load_schedule_file(path)
    assert kind == "fishbowl"
    assert params.bowl == ((Decimal("0.00"), 1, "Good job"), (Decimal("5.00"), 1, "Voucher"))
    assert params.max_draws == 3 and params.mean_draw == Decimal("2.5")


@pytest.mark.parametrize(("text", "says"), [
    ("{not json", "not valid JSON (line 1"),
    ('{"kind": "vouchers", "parameters": {"start": NaN}}', "NaN is not a number"),
    ("[1, 2]", "schedule: must be a JSON object"),
    ('{"parameters": {}}', "kind: missing"),
    ('{"kind": "lottery"}', "kind: must be one of vouchers, fishbowl"),
    ('{"kind": "vouchers", "extra": 1}', "schedule.extra: not a field here"),
    ('{"kind": "vouchers", "parameters": {"start": -1}}', "parameters.start: must be"),
])
def test_a_malformed_file_is_refused_naming_the_file_and_the_field(tmp_path, text, says):
    path = tmp_path / "schedule.json"
    path.write_text(text)
    with pytest.raises(ScheduleError) as refused:
        load_schedule_file(path)
    assert str(refused.value).startswith(f"{path}: ")
    assert says in str(refused.value)


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(ScheduleError, match="cannot read the schedule file"):
        load_schedule_file(tmp_path / "absent.json")


def test_built_in_names_resolve_and_unknown_names_are_refused():
    assert schedules.resolve("higgins") == ("vouchers", HIGGINS)
    assert schedules.resolve("fishbowl") == ("fishbowl", CLASSIC_BOWL)
    with pytest.raises(ScheduleError, match="unknown schedule 'lottery'"):
        schedules.resolve("lottery")


def test_a_directory_is_not_read_as_a_schedule(tmp_path):
    with pytest.raises(ScheduleError, match="not a schedule file"):
        load_schedule_file(tmp_path)
