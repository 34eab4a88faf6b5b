"""Known answers for every instrument, through the engine and through `manage.py score`.

The published known answers come from /work/shared/CLINICAL.md (awell-score test data and
arithmetic); the rest are worked by hand from each definition's scoring rules. Band edges are
checked at the lowest and highest score of every band. No database is needed: scoring is pure.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carepath.measures import catalogue, engine

ROOT = Path(__file__).resolve().parents[3]

ALL_IDS = {"phq-9", "phq-2", "gad-7", "dast-10", "crafft-2.1", "pc-ptsd-5", "pcl-5", "bam",
           "c-ssrs-screener", "sds", "puf", "readiness-ruler", "craving-nrs", "dsm5-ketamine",
           "ketamine-signs"}


def result(instrument, total, band, subscales=None, flags=(), codes=None):
    return {"instrument": instrument, "total": total, "band": band,
            "subscales": subscales or {}, "flags": list(flags), "codes": codes or {}}


def score(instrument, tokens, parameters=None) -> engine.Result:
    """Score answers given like the CLI's: one token per item in order, '-' when skipped."""
    defn = catalogue.get(instrument)
    answers = engine.answers_in_order(defn, [str(t) for t in tokens])
    return engine.score(defn, answers, parameters)


def cli(*args):
    return subprocess.run([sys.executable, "manage.py", "score", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)


def refusal(instrument, tokens) -> str:
    """The engine's refusal, as text naming every item at fault."""
    with pytest.raises(engine.InvalidAnswers) as caught:
        score(instrument, tokens)
    return str(caught.value)


# --- known answers: (instrument, CLI tokens, whole expected result) ----------------------

PCL5_KNOWN = [4, 3, 1, 0, 3, 3, 4, 1, 2, 0, 3, 1, 0, 0, 1, 2, 4, 0, 0, 3]

KNOWN = [
    # CLINICAL.md: PHQ-9 3,0,1,2,0,0,1,0,3 -> 10 moderate, item-9 flag.
    ("phq-9", [3, 0, 1, 2, 0, 0, 1, 0, 3],
     result("phq-9", 10, "moderate", flags=["suicide-risk"])),
    # CLINICAL.md: PHQ-2 3,0 -> 3 positive.
    ("phq-2", [3, 0], result("phq-2", 3, "positive")),
    # CLINICAL.md: GAD-7 3,0,1,2,0,0,1 -> 7 mild.
    ("gad-7", [3, 0, 1, 2, 0, 0, 1], result("gad-7", 7, "mild")),
    # CLINICAL.md gives DAST-10 with item 3 already inverted (1,0,1,1,0,0,1,0,0,0 -> 4
    # moderate); the person's raw answer to item 3 was therefore "No" (0).
    ("dast-10", [1, 0, 0, 1, 0, 0, 1, 0, 0, 0], result("dast-10", 4, "moderate")),
    # CLINICAL.md: PCL-5 -> 35, clusters 11/7/7/10, provisional DSM-5 criteria met.
    ("pcl-5", PCL5_KNOWN,
     result("pcl-5", 35, "probable-ptsd", subscales={"B": 11, "C": 7, "D": 7, "E": 10},
            flags=["dsm5-provisional"])),
    # Worked by hand from the definitions.
    # BAM: use 0+0+2 = 2; risk 2+3+1+3+2+2 = 13; protective 1+0+4+1+0+3 = 9; no total.
    ("bam", [2, 3, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 6, 3, 1, 0, 2, 4, 1, 0, 2, 3, 1],
     result("bam", None, None, subscales={"use": 2, "risk": 13, "protective": 9})),
    # C-SSRS: thoughts with a method but no intent or plan, no behaviour -> moderate.
    ("c-ssrs-screener", [1, 1, 1, 0, 0, 0, "-"],
     result("c-ssrs-screener", None, "moderate", flags=["suicide-risk"])),
    # CRAFFT: some cannabis use; CAR and RELAX yes -> 2 positive.
    ("crafft-2.1", [0, 3, 0, 1, 1, 0, 0, 0, 0], result("crafft-2.1", 2, "positive")),
    # PC-PTSD-5: trauma yes, 3 of 5 -> positive at the default cut-off of 3.
    ("pc-ptsd-5", [1, 1, 0, 1, 1, 0], result("pc-ptsd-5", 3, "positive")),
    # SDS: 2+1+3+0+2 = 8, score only.
    ("sds", [2, 1, 3, 0, 2], result("sds", 8, None)),
    # PUF: symptom 3+2+1+2+2+1+1 = 12, bother 1+0+2+2 = 5, total 17 -> flag.
    ("puf", [3, 2, 1, 1, 1, 0, 2, 2, 2, 1, 1, 2],
     result("puf", 17, None, subscales={"symptom": 12, "bother": 5}, flags=["puf-above-16"])),
    ("readiness-ruler", [7], result("readiness-ruler", 7, None)),
    ("craving-nrs", [4], result("craving-nrs", 4, None)),
    # DSM-5-TR: 4 criteria -> moderate, F16.20.
    ("dsm5-ketamine", [1, 1, 0, 1, 0, 0, 1, 0, 0, 0],
     result("dsm5-ketamine", 4, "moderate", codes={"icd10cm": "F16.20"})),
    # Ketamine signs (CarePath's own list): signs 1, 2, 5, 7 -> 4, some; bladder 8, 9, 10
    # -> 3; severe pain (10a) fires the bladder red flag; item 14 fires the risk flag.
    ("ketamine-signs", [1, 1, 0, 0, 1, 0, 1, 1, 1, 1, 1, 0, 0, 1, 1],
     result("ketamine-signs", 4, "some", subscales={"bladder": 3},
            flags=["risk", "bladder_red_flag"])),
]


def test_every_instrument_has_a_known_answer():
    assert {instrument for instrument, _, _ in KNOWN} == ALL_IDS == set(catalogue.ids())


@pytest.mark.parametrize(("instrument", "tokens", "expected"), KNOWN,
                         ids=[k[0] for k in KNOWN])
def test_known_answer_through_the_engine(instrument, tokens, expected):
    assert score(instrument, tokens).as_dict() == expected


@pytest.mark.parametrize(("instrument", "tokens", "expected"), KNOWN,
                         ids=[k[0] for k in KNOWN])
def test_known_answer_through_the_cli(instrument, tokens, expected):
    run = cli(instrument, *tokens)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == expected


# --- band edges: the lowest and highest score of every band ------------------------------

def fill(count: int, high: int, total: int) -> list[int]:
    """`count` answers of at most `high` that add up to `total`, filled from the first item."""
    answers = []
    for _ in range(count):
        answers.append(min(high, total))
        total -= answers[-1]
    assert total == 0, "total out of reach"
    return answers


def dast_raw(total: int) -> list[int]:
    """Raw DAST-10 answers scoring `total`: item 3 is reversed, so its raw answer is flipped."""
    scores = fill(10, 1, total)
    scores[2] = 1 - scores[2]
    return scores


BUILDERS = {
    "phq-9": lambda t: fill(9, 3, t),
    "phq-2": lambda t: fill(2, 3, t),
    "gad-7": lambda t: fill(7, 3, t),
    "dast-10": dast_raw,
    "crafft-2.1": lambda t: [1, 0, 0, *fill(6, 1, t)],
    "pc-ptsd-5": lambda t: [1, *fill(5, 1, t)],
    "pcl-5": lambda t: fill(20, 4, t),
    "dsm5-ketamine": lambda t: fill(10, 1, t),
    # Seven signs, then mild bladder pain only (so 10a is asked, and answered no: the CLI
    # and the API then take the same answers), no low mood, no risk: no flag.
    "ketamine-signs": lambda t: [*fill(7, 1, t), 0, 0, 1, 0, 0, 0, 0, 0],
}

EDGES = {
    "phq-9": [(0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"),
              (14, "moderate"), (15, "moderately-severe"), (19, "moderately-severe"),
              (20, "severe"), (27, "severe")],
    "phq-2": [(0, "negative"), (2, "negative"), (3, "positive"), (6, "positive")],
    "gad-7": [(0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"),
              (14, "moderate"), (15, "severe"), (21, "severe")],
    "dast-10": [(0, "none"), (1, "low"), (2, "low"), (3, "moderate"), (5, "moderate"),
                (6, "substantial"), (8, "substantial"), (9, "severe"), (10, "severe")],
    "crafft-2.1": [(0, "negative"), (1, "negative"), (2, "positive"), (6, "positive")],
    "pc-ptsd-5": [(0, "negative"), (2, "negative"), (3, "positive"), (5, "positive")],
    "pcl-5": [(0, "below-threshold"), (32, "below-threshold"), (33, "probable-ptsd"),
              (80, "probable-ptsd")],
    "dsm5-ketamine": [(0, "none"), (1, "none"), (2, "mild"), (3, "mild"), (4, "moderate"),
                      (5, "moderate"), (6, "severe"), (10, "severe")],
    "ketamine-signs": [(0, "none"), (1, "some"), (7, "some")],
}

EDGE_CASES = [(i, t, b) for i, edges in EDGES.items() for t, b in edges]


@pytest.mark.parametrize(("instrument", "total", "band"), EDGE_CASES,
                         ids=[f"{i}-{t}" for i, t, _ in EDGE_CASES])
def test_band_edges(instrument, total, band):
    scored = score(instrument, BUILDERS[instrument](total))
    assert (scored.total, scored.band) == (total, band)


def test_every_banded_instrument_has_its_edges_checked():
    banded = {d.id for d in catalogue.load_all().values() if d.scoring.get("bands")}
    assert banded == set(EDGES)


def test_pc_ptsd_5_no_trauma_skips_the_items_and_scores_zero():
    scored = score("pc-ptsd-5", [0, "-", "-", "-", "-", "-"])
    assert (scored.total, scored.band) == (0, "negative")
    assert "item 1" in refusal("pc-ptsd-5", [0, 1, "-", "-", "-", "-"])
    assert "item 1: an answer is required" in refusal("pc-ptsd-5", [1, "-", 0, 0, 0, 0])


# --- organisation parameters (cut-offs) --------------------------------------------------

@pytest.mark.parametrize(("cut_off", "total", "band"), [
    (3, 3, "positive"), (4, 3, "negative"), (4, 4, "positive"), (4, 5, "positive"),
    (5, 3, "positive"),  # 5 is not an allowed value: the default of 3 applies
])
def test_pc_ptsd_5_cut_off(cut_off, total, band):
    scored = score("pc-ptsd-5", BUILDERS["pc-ptsd-5"](total), {"positive_cut_off": cut_off})
    assert scored.band == band


@pytest.mark.parametrize(("cut_off", "total", "band"), [
    (31, 30, "below-threshold"), (31, 31, "probable-ptsd"),
    (32, 31, "below-threshold"), (32, 32, "probable-ptsd"),
    (33, 32, "below-threshold"), (33, 33, "probable-ptsd"),
    (30, 32, "below-threshold"),  # 30 is not an allowed value: the default of 33 applies
])
def test_pcl_5_cut_off(cut_off, total, band):
    scored = score("pcl-5", BUILDERS["pcl-5"](total), {"probable_cut_off": cut_off})
    assert scored.band == band


def test_pcl_5_provisional_rule_needs_every_cluster():
    # High total but nothing in cluster C rated 2 or more: no provisional diagnosis.
    answers = [4, 4, 4, 4, 4, 1, 1, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4]
    scored = score("pcl-5", answers)
    assert scored.band == "probable-ptsd"
    assert scored.flags == []
    answers[5] = 2
    assert score("pcl-5", answers).flags == ["dsm5-provisional"]
    assert score("pcl-5", answers).urgent_flags == []


# --- C-SSRS screener: every triage path ---------------------------------------------------
# Token order: 1, 2, 3, 4, 5, 6, 6a.

CSSRS_PATHS = [
    ("nothing", [0, 0, "-", "-", "-", 0, "-"], "none"),
    ("wish to be dead", [1, 0, "-", "-", "-", 0, "-"], "low"),
    ("thoughts without method", [0, 1, 0, 0, 0, 0, "-"], "low"),
    ("thoughts with method", [1, 1, 1, 0, 0, 0, "-"], "moderate"),
    ("behaviour over 3 months ago", [0, 0, "-", "-", "-", 1, 0], "moderate"),
    ("intent", [1, 1, 0, 1, 0, 0, "-"], "high"),
    ("plan", [1, 1, 1, 0, 1, 0, "-"], "high"),
    ("behaviour within 3 months", [0, 0, "-", "-", "-", 1, 1], "high"),
    ("intent and old behaviour", [1, 1, 1, 1, 1, 1, 0], "high"),
]


@pytest.mark.parametrize(("tokens", "band"), [(t, b) for _, t, b in CSSRS_PATHS],
                         ids=[name for name, _, _ in CSSRS_PATHS])
def test_c_ssrs_triage(tokens, band):
    scored = score("c-ssrs-screener", tokens)
    assert scored.band == band
    assert scored.total is None
    risky = band in ("moderate", "high")
    assert scored.flags == (["suicide-risk"] if risky else [])
    assert scored.urgent_flags == (["suicide-risk"] if risky else [])


def test_c_ssrs_flag_message_says_high_risk_needs_immediate_evaluation():
    flag = catalogue.get("c-ssrs-screener").scoring["flags"][0]
    assert flag["id"] == "suicide-risk" and flag["urgent"] is True
    assert "immediate evaluation" in flag["message"]
    assert "High risk" in flag["message"]


def test_c_ssrs_skip_logic_is_enforced():
    assert "item 3" in refusal("c-ssrs-screener", [0, 0, 1, "-", "-", 0, "-"])
    assert "item 6a" in refusal("c-ssrs-screener", [0, 0, "-", "-", "-", 0, 1])
    assert "item 6a: an answer is required" in refusal("c-ssrs-screener",
                                                       [0, 0, "-", "-", "-", 1, "-"])
    assert "item 4: an answer is required" in refusal("c-ssrs-screener",
                                                      [0, 1, 0, "-", 0, 0, "-"])


# --- CRAFFT: Part A gates Part B ---------------------------------------------------------

def test_crafft_all_zero_asks_only_car():
    defn = catalogue.get("crafft-2.1")
    asked = engine.enabled_items(defn, {"a1": 0, "a2": 0, "a3": 0})
    assert [k for k, on in asked.items() if on] == ["a1", "a2", "a3", "car"]
    scored = score("crafft-2.1", [0, 0, 0, 1, "-", "-", "-", "-", "-"])
    assert (scored.total, scored.band) == (1, "negative")


def test_crafft_any_part_a_use_asks_all_of_part_b():
    defn = catalogue.get("crafft-2.1")
    for part_a in ({"a1": 1, "a2": 0, "a3": 0}, {"a1": 0, "a2": 0, "a3": 365}):
        assert all(engine.enabled_items(defn, part_a).values())


def test_crafft_refuses_relax_when_part_a_is_all_zero():
    assert "item relax" in refusal("crafft-2.1", [0, 0, 0, 0, 1, "-", "-", "-", "-"])
    run = cli("crafft-2.1", 0, 0, 0, 0, 1, "-", "-", "-", "-")
    assert run.returncode == 2
    assert "item relax" in run.stderr


def test_crafft_part_b_is_required_once_opened():
    assert "item relax: an answer is required" in refusal(
        "crafft-2.1", [0, 0, 5, 0, "-", "-", "-", "-", "-"])
    assert "item a1" in refusal("crafft-2.1", [366, 0, 0, 0, "-", "-", "-", "-", "-"])


# --- DSM-5-TR checklist: bands and ICD-10-CM codes ----------------------------------------

@pytest.mark.parametrize(("count", "band", "codes"), [
    (0, "none", {}), (1, "none", {}), (2, "mild", {"icd10cm": "F16.10"}),
    (3, "mild", {"icd10cm": "F16.10"}), (4, "moderate", {"icd10cm": "F16.20"}),
    (5, "moderate", {"icd10cm": "F16.20"}), (6, "severe", {"icd10cm": "F16.20"}),
    (10, "severe", {"icd10cm": "F16.20"}),
])
def test_dsm5_codes(count, band, codes):
    scored = score("dsm5-ketamine", fill(10, 1, count))
    assert (scored.total, scored.band, scored.codes) == (count, band, codes)
    assert scored.flags == []


# --- BAM ----------------------------------------------------------------------------------
# Token order: 1, 2, 3, 4, 5, 6, 7a-7g, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17.

def test_bam_subscales_by_hand():
    # No use; item 14 "Yes" scores 4 towards Protective; item 17 is not scored.
    tokens = [0, 0, 0, 0, 0, 0, *["-"] * 7, 0, 4, 4, 0, 4, 4, 4, 0, 4, 4]
    scored = score("bam", tokens)
    assert scored.subscales == {"use": 0, "risk": 0, "protective": 24}
    assert (scored.total, scored.band, scored.flags) == (None, None, [])
    # Everything at its worst: use 12, risk 24, protective 0; item 17 changes nothing.
    tokens = [4, 4, 4, 4, 4, 4, *[30] * 7, 4, 0, 0, 4, 0, 0, 0, 4, 0, 0]
    assert score("bam", tokens).subscales == {"use": 12, "risk": 24, "protective": 0}


def test_bam_item_7_follows_item_6():
    no_drugs = [0, 0, 0, 0, 0, 0]
    rest = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert "item 7a" in refusal("bam", [*no_drugs, 3, *["-"] * 6, *rest])
    # With drug use the seven drug lines may be answered or left blank (not required).
    some_drugs = [0, 0, 0, 0, 0, 1]
    assert score("bam", [*some_drugs, *["-"] * 7, *rest]).subscales["use"] == 1
    assert score("bam", [*some_drugs, 2, 0, 0, 0, 0, 0, 0, *rest]).subscales["use"] == 1
    assert "item 7b" in refusal("bam", [*some_drugs, 0, 31, 0, 0, 0, 0, 0, *rest])


def test_bam_takes_23_answers_on_the_cli():
    assert len(catalogue.get("bam").items) == 23


# --- PUF ----------------------------------------------------------------------------------
# Token order: 1, 2a, 2b, 3, 4a, 4b, 5, 6, 7, 8, 9, 10.

def test_puf_flag_starts_above_16():
    at_16 = score("puf", [3, 2, 1, 1, 1, 0, 2, 2, 2, 1, 1, 1])
    assert (at_16.total, at_16.subscales, at_16.flags) == (
        16, {"symptom": 12, "bother": 4}, [])
    at_17 = score("puf", [3, 2, 1, 1, 1, 0, 2, 2, 2, 1, 1, 2])
    assert (at_17.total, at_17.flags, at_17.urgent_flags) == (17, ["puf-above-16"], [])


def test_puf_range_and_skips():
    lowest = score("puf", [0, 0, "-", 0, "-", "-", 0, "-", "-", 0, "-", "-"])
    assert (lowest.total, lowest.subscales) == (0, {"symptom": 0, "bother": 0})
    highest = score("puf", [4, 4, 3, 1, 3, 3, 3, 3, 3, 3, 3, 3])
    assert (highest.total, highest.subscales) == (35, {"symptom": 23, "bother": 12})
    assert "item 2b" in refusal("puf", [0, 0, 1, 0, "-", "-", 0, "-", "-", 0, "-", "-"])
    assert "item 4a" in refusal("puf", [0, 0, "-", 0, 1, "-", 0, "-", "-", 0, "-", "-"])
    assert "item 6:" in refusal("puf", [0, 0, "-", 0, "-", "-", 0, 1, "-", 0, "-", "-"])


# --- single-item and score-only instruments -----------------------------------------------

@pytest.mark.parametrize("instrument", ["sds", "readiness-ruler", "craving-nrs"])
def test_score_only_instruments_have_no_band(instrument):
    defn = catalogue.get(instrument)
    highest = [item.high for item in defn.items]
    scored = score(instrument, highest)
    assert scored.total == sum(highest)
    assert (scored.band, scored.flags, scored.codes) == (None, [], {})


def test_single_items_run_0_to_10():
    for instrument in ("readiness-ruler", "craving-nrs"):
        assert score(instrument, [0]).total == 0
        assert score(instrument, [10]).total == 10
        assert "item 1" in refusal(instrument, [11])
        assert "item 1" in refusal(instrument, [-1])


# --- refusals through the CLI --------------------------------------------------------------

def one_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


def test_cli_refuses_the_wrong_number_of_answers():
    run = cli("phq-9", 1, 2, 3)
    assert run.returncode == 2
    assert run.stdout == ""
    line = one_line(run.stderr)
    assert "item 4" in line and "takes 9 answers" in line


def test_cli_refuses_too_many_answers():
    run = cli("phq-2", 1, 2, 3)
    assert run.returncode == 2
    assert "item 2" in one_line(run.stderr)


def test_cli_refuses_an_out_of_range_value():
    run = cli("phq-9", 0, 0, 4, 0, 0, 0, 0, 0, 0)
    assert run.returncode == 2
    line = one_line(run.stderr)
    assert "item 3" in line and "out of range" in line


def test_cli_refuses_a_non_number():
    run = cli("gad-7", 0, 0, "x", 0, 0, 0, 0)
    assert run.returncode == 2
    line = one_line(run.stderr)
    assert "item 3" in line and "'x' is not a whole number" in line


def test_cli_refuses_an_answer_to_a_skipped_item():
    run = cli("pc-ptsd-5", 0, 1, "-", "-", "-", "-")
    assert run.returncode == 2
    line = one_line(run.stderr)
    assert "item 1" in line and "skipped" in line


def test_cli_refuses_an_unknown_instrument():
    run = cli("phq-10", 1)
    assert run.returncode == 2
    assert "unknown instrument" in one_line(run.stderr)


def test_cli_lists_every_instrument():
    run = cli("--list")
    assert run.returncode == 0, run.stderr
    assert set(run.stdout.split()) == ALL_IDS
    assert len(run.stdout.split()) == 15


# --- a property: PHQ-9 totals and bands ----------------------------------------------------

def published_phq9_band(total: int) -> str:
    """Kroenke 2001: 0-4 minimal, 5-9 mild, 10-14 moderate, 15-19 moderately severe, 20-27."""
    for top, band in ((4, "minimal"), (9, "mild"), (14, "moderate"),
                      (19, "moderately-severe"), (27, "severe")):
        if total <= top:
            return band
    raise AssertionError(total)


@given(st.lists(st.integers(min_value=0, max_value=3), min_size=9, max_size=9))
def test_phq9_total_is_the_sum_and_band_matches_published_ranges(answers):
    scored = score("phq-9", answers)
    assert scored.total == sum(answers)
    assert scored.band == published_phq9_band(sum(answers))
    assert ("suicide-risk" in scored.flags) == (answers[8] > 0)
