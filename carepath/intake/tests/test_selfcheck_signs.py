"""The self-check's own list of signs (ketamine-signs): CarePath's, not validated, with two
urgent flags. Scoring is the measures engine's."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from carepath.audit import log as audit
from carepath.measures import catalogue, engine

NO = {link_id: 0 for link_id in ("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11",
                                 "12", "13", "14")} | {"10a": None}


def scored(**answers):
    return engine.score(catalogue.get("ketamine-signs"),
                        NO | {k.removeprefix("i"): v for k, v in answers.items()})


def test_it_says_it_is_carepaths_own_list_and_not_validated():
    defn = catalogue.get("ketamine-signs")
    assert defn.provenance["validated"] is False
    assert "CarePath's own list" in defn.provenance["citation"]
    assert "Not a validated instrument" in defn.provenance["notes"]
    assert "not validated" in defn.title
    assert defn.switchable is False and defn.self_report is True


def test_the_signs_the_issue_names_are_all_asked():
    texts = " ".join(item.text.lower() for item in catalogue.get("ketamine-signs").items)
    for words in ("more ketamine than before", "cravings", "binges", "k-hole",
                  "cut down or stop", "felt unwell", "neglect work", "more often",
                  "urgent", "pain", "blood in your urine", "could not", "low, anxious",
                  "better off dead"):
        assert words in texts


def test_nothing_reported():
    result = scored()
    assert (result.total, result.band, result.flags, result.subscales) == (
        0, "none", [], {"bladder": 0})


def test_the_total_counts_the_seven_signs_only():
    result = scored(i1=1, i2=1, i3=1, i4=1, i5=1, i6=1, i7=1, i8=1, i13=1)
    assert (result.total, result.band, result.subscales) == (7, "some", {"bladder": 1})
    assert result.flags == []  # low mood and frequency alone raise no flag


def test_a_risk_answer_raises_the_urgent_risk_flag():
    result = scored(i14=1)
    assert result.flags == ["risk"] and result.urgent_flags == ["risk"]


@pytest.mark.parametrize("answers", [{"i11": 1}, {"i12": 1}, {"i10": 1, "i10a": 1}],
                         ids=["blood", "retention", "severe-pain"])
def test_the_bladder_red_flag(answers):
    result = scored(**answers)
    assert result.flags == ["bladder_red_flag"] and result.urgent_flags == ["bladder_red_flag"]


def test_mild_pain_is_not_a_red_flag():
    assert scored(i10=1, i10a=0).flags == []


def test_severity_must_be_answered_after_pain_and_not_otherwise():
    defn = catalogue.get("ketamine-signs")
    with pytest.raises(engine.InvalidAnswers, match="item 10a: an answer is required"):
        engine.score(defn, NO | {"10": 1})
    with pytest.raises(engine.InvalidAnswers, match="item 10a"):
        engine.score(defn, NO | {"10a": 1})


def test_an_anonymous_request_gives_an_audit_context_without_a_user():
    request = RequestFactory().post("/self-check/callback/", REMOTE_ADDR="203.0.113.9")
    request.user = AnonymousUser()
    ctx = audit.Context.from_request(request, via="web")
    assert (ctx.user, ctx.client_address, ctx.via) == (None, "203.0.113.9", "web")
