"""One test per placement rule: it fires on the values it names and not otherwise. Plus
the combination: most intensive level wins, the outpatient floor, the fallback, and the
cautions for instruments not given. Pure: no database."""

from datetime import date, timedelta
from types import SimpleNamespace

from carepath.intake import placement
from carepath.intake.placement import RULES, RULES_VERSION, recommend
from carepath.patients.models import LevelOfCare as L

TODAY = date(2026, 3, 14)


def assessment(**values):
    base = {"days_per_week": 2, "binges": False, "k_holes": False,
            "last_use": TODAY - timedelta(days=3), "other_substances": {},
            "red_flags": [], "dimensions": {d: {"rating": 1, "notes": ""}
                                            for d in "123456"}}
    base.update(values)
    return SimpleNamespace(**base)


def dims(**ratings):
    d = {str(n): {"rating": 1, "notes": ""} for n in range(1, 7)}
    for key, rating in ratings.items():
        d[key.lstrip("d")] = {"rating": rating, "notes": ""}
    return d


def results(**by_instrument):
    return {k.replace("_", "-"): v for k, v in by_instrument.items()}


DSM = {"dsm5_ketamine": {"total": 3, "band": "mild", "flags": []}}


def fired(a, res=None):
    return {f.rule: f for f in recommend(a, res, today=TODAY).fired}


def test_the_rules_carry_a_version_and_every_rule_has_a_test():
    assert RULES_VERSION == "carepath-placement-1"
    ids = [r.id for r in RULES]
    assert ids == [f"P{n}" for n in range(1, len(ids) + 1)]
    tested = {name.split("_")[1].upper() for name in globals() if name.startswith("test_p")}
    assert tested == set(ids)
    for r in RULES:
        assert r.title and r.source and (r.level is None or r.level in placement.LEVEL_NAMES)


def test_p1_co_dependence_needing_its_own_withdrawal_management():
    daily = assessment(other_substances={"alcohol": {"frequency": "daily", "notes": ""}})
    f = fired(daily)["P1"]
    assert f.level == L.WITHDRAWAL
    assert f.reason == ("Alcohol used daily: this co-dependence needs its own withdrawal "
                        "scale and level of care.")
    assert "P1" in fired(assessment(other_substances={
        "ghb": {"frequency": "most_days"}, "opioids": {"frequency": "daily"}}))
    # Weekly alcohol, most-days opioids, daily cannabis or stimulants: no.
    for substance, frequency in [("alcohol", "weekly"), ("opioids", "most_days"),
                                 ("cannabis", "daily"), ("stimulants", "daily"),
                                 ("benzodiazepines", "less_than_weekly")]:
        assert "P1" not in fired(assessment(other_substances={
            substance: {"frequency": frequency}})), (substance, frequency)


def test_p2_dimension_1_rated_3_or_more():
    f = fired(assessment(dimensions=dims(d1=3)))["P2"]
    assert f.level == L.WITHDRAWAL
    assert "Dimension 1 (Intoxication, withdrawal and addiction medications) rated 3 of 4" \
        in f.reason
    assert "P2" in fired(assessment(dimensions=dims(d1=4)))
    assert "P2" not in fired(assessment(dimensions=dims(d1=2)))


def test_p3_dimension_2_rated_3_or_more():
    f = fired(assessment(dimensions=dims(d2=4)))["P3"]
    assert f.level == L.WITHDRAWAL and "Dimension 2 (Biomedical conditions) rated 4" in f.reason
    assert "P3" not in fired(assessment(dimensions=dims(d2=2)))


def test_p4_bladder_or_physical_red_flag():
    f = fired(assessment(red_flags=["blood_in_urine", "flank_pain"]))["P4"]
    assert f.level == L.WITHDRAWAL
    assert "visible blood in urine, flank pain" in f.reason
    assert "urgent medical assessment" in f.caution
    assert "P4" not in fired(assessment(red_flags=[]))
    assert "P4" not in fired(assessment(red_flags=["hallucinations"]))  # that is P6


def test_p5_cssrs_high_risk_with_crisis_caution():
    rec = recommend(assessment(), results(c_ssrs_screener={"total": None, "band": "high",
                                                           "flags": ["suicide-risk"]}),
                    today=TODAY)
    f = {x.rule: x for x in rec.fired}["P5"]
    assert f.level == L.RESIDENTIAL
    assert any("immediate evaluation" in c and "comes first" in c for c in rec.cautions)
    for band in ("moderate", "low", "none"):
        assert "P5" not in fired(assessment(), results(c_ssrs_screener={"band": band}))


def test_p6_psychiatric_rating_or_hallucinations():
    f = fired(assessment(dimensions=dims(d3=3)))["P6"]
    assert f.level == L.RESIDENTIAL and "Dimension 3 (Psychiatric and cognitive conditions)" \
        in f.reason and "suicide risk" in f.caution
    assert "Hallucinations or paranoia" in fired(assessment(red_flags=["hallucinations"]))[
        "P6"].reason
    assert "P6" not in fired(assessment(dimensions=dims(d3=2)))


def test_p7_binges_with_k_holes():
    f = fired(assessment(binges=True, k_holes=True))["P7"]
    assert f.level == L.RESIDENTIAL and "seed 004" in f.reason
    assert "P7" not in fired(assessment(binges=True, k_holes=False))
    assert "P7" not in fired(assessment(binges=False, k_holes=True))
    assert "P7" not in fired(assessment(binges=None, k_holes=None))


def test_p8_dimension_4_rated_3_or_more():
    assert fired(assessment(dimensions=dims(d4=3)))["P8"].level == L.RESIDENTIAL
    assert "P8" not in fired(assessment(dimensions=dims(d4=2)))


def test_p9_dimension_5_rated_3_or_more():
    f = fired(assessment(dimensions=dims(d5=4)))["P9"]
    assert f.level == L.RESIDENTIAL and "Recovery environment interactions" in f.reason
    assert "P9" not in fired(assessment(dimensions=dims(d5=0)))


def test_p10_dsm5_severe():
    f = fired(assessment(), results(dsm5_ketamine={"total": 6, "band": "severe"}))["P10"]
    assert f.level == L.INTENSIVE_OUTPATIENT and "6 of 10 criteria" in f.reason
    assert "P10" not in fired(assessment(), results(dsm5_ketamine={"total": 5}))
    assert "P10" not in fired(assessment(), {})


def test_p11_using_5_or_more_days_a_week():
    f = fired(assessment(days_per_week=5))["P11"]
    assert f.level == L.INTENSIVE_OUTPATIENT and "5 days a week" in f.reason
    assert "P11" not in fired(assessment(days_per_week=4))
    assert "P11" not in fired(assessment(days_per_week=None))


def test_p12_dsm5_mild_or_moderate():
    for total, words in [(2, "mild"), (3, "mild"), (4, "moderate"), (5, "moderate")]:
        f = fired(assessment(), results(dsm5_ketamine={"total": total}))["P12"]
        assert f.level == L.OUTPATIENT and words in f.reason
    for total in (0, 1, 6, 10):
        assert "P12" not in fired(assessment(), results(dsm5_ketamine={"total": total}))


def test_p13_no_use_in_90_days_and_at_most_one_criterion():
    long_ago = assessment(last_use=TODAY - timedelta(days=91))
    f = fired(long_ago, results(dsm5_ketamine={"total": 1}))["P13"]
    assert f.level == L.AFTERCARE and "No ketamine use for 91 days" in f.reason
    # Exactly 90 days ago is within the past 90 days.
    assert "P13" not in fired(assessment(last_use=TODAY - timedelta(days=90)),
                              results(dsm5_ketamine={"total": 0}))
    assert "P13" not in fired(long_ago, results(dsm5_ketamine={"total": 2}))
    assert "P13" not in fired(long_ago, {})  # unknown criteria: no
    assert "P13" not in fired(assessment(last_use=None), results(dsm5_ketamine={"total": 0}))


def test_p14_puf_above_16_is_a_caution_not_a_level():
    rec = recommend(assessment(), results(puf={"total": 17}, **DSM), today=TODAY)
    f = {x.rule: x for x in rec.fired}["P14"]
    assert f.level is None
    assert any("urology review" in c for c in rec.cautions)
    assert rec.level == L.OUTPATIENT  # unchanged by P14
    assert "P14" not in fired(assessment(), results(puf={"total": 16}))


def test_p15_phq9_item_9_asks_for_a_same_day_cssrs():
    f = fired(assessment(), results(phq_9={"total": 10, "band": "moderate",
                                           "flags": ["suicide-risk"]}))["P15"]
    assert f.level is None and "same-day suicide-risk assessment" in f.caution
    assert "P15" not in fired(assessment(), results(phq_9={"total": 10, "flags": []}))


def test_p16_cssrs_moderate_is_a_caution():
    f = fired(assessment(), results(c_ssrs_screener={"band": "moderate"}))["P16"]
    assert f.level is None and "prompt clinical review" in f.caution
    assert "P16" not in fired(assessment(), results(c_ssrs_screener={"band": "high"}))


# --- The combination ---------------------------------------------------------------------

def test_the_most_intensive_level_among_fired_rules_wins_and_every_rule_is_listed():
    a = assessment(binges=True, k_holes=True, days_per_week=6,
                   other_substances={"benzodiazepines": {"frequency": "daily"}})
    rec = recommend(a, results(dsm5_ketamine={"total": 7, "band": "severe"}), today=TODAY)
    assert rec.level == L.WITHDRAWAL
    assert [f.rule for f in rec.fired] == ["P1", "P7", "P10", "P11"]
    assert "P1" in rec.explanation
    assert any("After withdrawal management, re-assess" in c and "residential" in c
               for c in rec.cautions)
    assert rec.version == RULES_VERSION

    rec = recommend(assessment(days_per_week=6),
                    results(dsm5_ketamine={"total": 3}), today=TODAY)
    assert rec.level == L.INTENSIVE_OUTPATIENT  # P11 over P12


def test_outpatient_is_the_floor_when_use_disorder_criteria_are_met():
    facts = placement.facts_for(assessment(), results(dsm5_ketamine={"total": 2}), TODAY)
    aftercare = placement.Fired("PX", "x", L.AFTERCARE, "x")
    level, why = placement.combine([aftercare], facts)
    assert level == L.OUTPATIENT and "floor" in why
    no_disorder = placement.facts_for(assessment(), results(dsm5_ketamine={"total": 1}), TODAY)
    assert placement.combine([aftercare], no_disorder)[0] == L.AFTERCARE


def test_recovery_support_when_no_recent_use_and_no_disorder():
    rec = recommend(assessment(last_use=TODAY - timedelta(days=200), days_per_week=0),
                    results(dsm5_ketamine={"total": 0}), today=TODAY)
    assert rec.level == L.AFTERCARE


def test_nothing_fired_shows_outpatient_as_a_starting_point_and_says_so():
    rec = recommend(assessment(), {}, today=TODAY)
    assert rec.fired == [] and rec.level == L.OUTPATIENT
    assert "No rule recommended a level" in rec.explanation


def test_missing_instruments_are_cautions_not_blocks():
    rec = recommend(assessment(), {}, today=TODAY)
    text = " ".join(rec.cautions)
    assert "suicide risk was not screened" in text
    assert "No DSM-5 ketamine checklist" in text and "No PUF bladder screen" in text
    for name in ("PHQ-9", "GAD-7", "PC-PTSD-5", "Readiness ruler"):
        assert f"No {name} since the assessment was booked" in text
    given = {i: {"total": 0, "band": "none" if i == "c-ssrs-screener" else "", "flags": []}
             for i, _ in placement.INSTRUMENTS}
    assert not [c for c in recommend(assessment(), given, today=TODAY).cautions
                if "since the assessment was booked" in c]


def test_dimension_6_is_recorded_but_never_read_by_the_rules():
    low = recommend(assessment(dimensions=dims(d6=0)), results(**DSM), today=TODAY)
    high = recommend(assessment(dimensions=dims(d6=4)), results(**DSM), today=TODAY)
    assert low.level == high.level and [f.rule for f in low.fired] == \
        [f.rule for f in high.fired]
