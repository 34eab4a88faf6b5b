"""``carepath cm simulate``: the JSON contract (issue 8 §5) and one-line refusals, through
call_command and once through the real entry point in a subprocess."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[3]


def simulate(*args) -> dict:
    out = io.StringIO()
    call_command("cm", "simulate", *args, stdout=out)
    return json.loads(out.getvalue())


def refusal(*args) -> CommandError:
    with pytest.raises(CommandError) as refused:
        call_command("cm", "simulate", *args, stdout=io.StringIO())
    assert refused.value.returncode == 2
    assert "\n" not in str(refused.value)
    return refused.value


def cli(*args):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "carepath.settings"}
    return subprocess.run([sys.executable, "-m", "carepath.cli", "cm", "simulate", *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
                          check=False)


def test_higgins_prints_each_step_and_the_total():
    out = simulate("--schedule", "higgins", "--results", "N,N,P,M,N")
    assert out["schedule"] == "higgins" and out["kind"] == "vouchers"
    assert out["steps"] == [
        {"result": "N", "earned": "2.50", "balance": "2.50", "next_value": "3.75"},
        {"result": "N", "earned": "3.75", "balance": "6.25", "next_value": "15.00"},
        {"result": "P", "earned": "0.00", "balance": "6.25", "next_value": "2.50"},
        {"result": "M", "earned": "0.00", "balance": "6.25", "next_value": "2.50"},
        {"result": "N", "earned": "2.50", "balance": "8.75", "next_value": "3.75"},
    ]
    assert out["total"] == "8.75"


def test_36_negatives_total_997_50_through_the_command():
    assert simulate("--schedule", "higgins", "--results", ",".join("N" * 36))["total"] == \
        "997.50"


def test_fishbowl_with_a_seed_lists_the_draws_and_repeats():
    first = simulate("--schedule", "fishbowl", "--seed", "7", "--results", "N,N,P,N")
    again = simulate("--schedule", "fishbowl", "--seed", "7", "--results", "N,N,P,N")
    assert first == again
    steps = first["steps"]
    assert [len(s["draws"]) for s in steps] == [1, 2, 0, 1]
    assert [s["next_draws"] for s in steps] == [2, 3, 1, 2]
    for step in steps:
        assert set(step) == {"result", "earned", "balance", "next_value", "draws",
                             "next_draws"}
        assert step["earned"] == f"{sum(float(d['value']) for d in step['draws']):.2f}"
        assert all(set(d) == {"value", "label"} for d in step["draws"])
    assert first["total"] == steps[-1]["balance"]


def test_a_cap_limits_the_total_and_marks_the_capped_steps():
    out = simulate("--schedule", "higgins", "--cap", "75", "--results", ",".join("N" * 12))
    assert out["total"] == "75.00" and out["cap"] == "75.00"
    assert out["steps"][-1]["capped"] is True and out["steps"][0]["capped"] is False


def test_a_schedule_file_is_accepted(tmp_path):
    path = tmp_path / "flat.json"
    path.write_text(json.dumps({"kind": "vouchers", "parameters": {
        "start": "5", "increment": 0, "bonus": 0}}))
    out = simulate("--schedule", str(path), "--results", "N,N,N")
    assert [s["earned"] for s in out["steps"]] == ["5.00", "5.00", "5.00"]
    assert out["total"] == "15.00"


@pytest.mark.parametrize(("args", "says"), [
    (["--schedule", "higgins", "--results", "N,X,P"],
     "--results: item 2 is 'X'; each result must be N (negative), P (positive) or M"),
    (["--schedule", "higgins", "--results", "N,,P"], "--results: item 2 is ''"),
    (["--schedule", "higgins"], "--results: give a comma-separated list"),
    (["--schedule", "lottery", "--results", "N"], "--schedule: unknown schedule 'lottery'"),
    (["--results", "N"], "--schedule: name higgins or fishbowl"),
    (["--schedule", "higgins", "--results", "N", "--cap", "-5"], "--cap: must be 0 or more"),
    (["--schedule", "higgins", "--results", "N", "--cap", "lots"], "--cap: must be a sum"),
    (["--schedule", "higgins", "--results", "N", "--seed", "3"], "--seed: only prize-draw"),
    (["--schedule", "fishbowl", "--results", "N", "--seed", "x"], "--seed: must be a whole"),
])
def test_bad_input_is_refused_in_one_line(args, says):
    assert says in str(refusal(*args))


def test_a_malformed_schedule_file_is_refused_naming_the_file(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"kind": "fishbowl", "parameters": {"max_draws": 0}}')
    message = str(refusal("--schedule", str(path), "--results", "N"))
    assert message.startswith(f"--schedule: {path}: parameters.max_draws: must be from 1")


def test_the_real_entry_point_prints_json_and_exits_zero():
    done = cli("--schedule", "higgins", "--results", "N,N,N")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert [s["earned"] for s in out["steps"]] == ["2.50", "3.75", "15.00"]
    assert out["total"] == "21.25"


def test_the_real_entry_point_refuses_bad_input_with_one_line_and_no_traceback(tmp_path):
    bad_file = tmp_path / "bad.json"
    bad_file.write_text("{nope")
    for args in (["--schedule", "higgins", "--results", "N,Q"],
                 ["--schedule", str(bad_file), "--results", "N"]):
        done = cli(*args)
        assert done.returncode == 2
        assert done.stdout == ""
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1, done.stderr
        assert "Traceback" not in done.stderr
    assert "not valid JSON" in lines[0]
