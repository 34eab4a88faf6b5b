"""The trend page: the series, reliable change, the chart specification and the view."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from carepath.accounts.models import AccountType
from carepath.conftest import verified_client
from carepath.measures import catalogue, trends
from carepath.measures.models import Response

T0 = datetime(2025, 1, 6, 10, 0, tzinfo=UTC)
# The trend page, measured: session, user and OTP device; the guard (patient, care team,
# audit write in a savepoint: 6); the instrument setting; the series (one query
# whatever its length); the chart header (episodes, care team, consents); the session
# save (3).
TREND_QUERIES = 18


def submitted(patient, total, day, *, instrument="phq-9", band="", amends=None, **fields):
    return Response.objects.create(
        organisation_id=patient.organisation_id, patient=patient, instrument_id=instrument,
        instrument_version="1", status=Response.Status.SUBMITTED, mode="clinician",
        total=total, band=band, submitted_at=T0 + timedelta(days=day), amends=amends,
        amendment_reason="Corrected item 3" if amends else "", **fields)


@pytest.fixture
def phq9_course(patient):
    """20 (severe) -> 13 -> 12: reliable improvement at 13, and at 12 from baseline."""
    return [submitted(patient, 20, 0, band="severe"),
            submitted(patient, 13, 14, band="moderate"),
            submitted(patient, 12, 28, band="moderate")]


def trend_url(patient, instrument="phq-9"):
    return reverse("measures:trend", args=[patient.uuid, instrument])


# The series


def test_series_is_oldest_first_and_skips_drafts_and_other_instruments(patient):
    later, earlier = submitted(patient, 8, 10), submitted(patient, 15, 1)
    submitted(patient, 5, 3, instrument="gad-7")
    Response.objects.create(organisation_id=patient.organisation_id, patient=patient,
                            instrument_id="phq-9", instrument_version="1", mode="clinician")
    points = trends.series(patient, "phq-9")
    assert [p.response_uuid for p in points] == [str(earlier.uuid), str(later.uuid)]
    assert [p.total for p in points] == [15, 8]


def test_an_amended_response_is_replaced_by_its_latest_amendment_in_its_place(patient):
    original = submitted(patient, 20, 0, band="severe")
    second = submitted(patient, 13, 14, band="moderate")
    correction = submitted(patient, 18, 20, amends=original, band="moderately-severe")
    again = submitted(patient, 17, 30, amends=correction, band="moderately-severe")
    points = trends.series(patient, "phq-9")
    assert [p.total for p in points] == [17, 13]
    first = points[0]
    assert first.original_uuid == str(original.uuid)
    assert first.response_uuid == str(again.uuid)
    assert first.taken_at == original.submitted_at  # when the measure was taken
    assert first.amended_at == again.submitted_at and first.is_amended
    assert points[1].response_uuid == str(second.uuid) and not points[1].is_amended


def test_two_amendments_of_one_response_keep_the_latest(patient):
    original = submitted(patient, 20, 0)
    submitted(patient, 19, 2, amends=original)
    latest = submitted(patient, 16, 3, amends=original)
    [point] = trends.series(patient, "phq-9")
    assert point.total == 16 and point.response_uuid == str(latest.uuid)


# Reliable change


def test_reliable_change_from_previous_and_from_baseline(patient, phq9_course):
    threshold = catalogue.get("phq-9").scoring["reliable_change"]["threshold"]
    assert threshold == 6
    baseline, second, third = trends.reliable_changes(trends.series(patient, "phq-9"),
                                                      threshold)
    assert baseline.change_from_previous is None and baseline.reliable_from_baseline == ""
    assert (second.change_from_previous, second.change_from_baseline) == (-7, -7)
    assert second.reliable_from_previous == trends.IMPROVEMENT
    assert second.reliable_from_baseline == trends.IMPROVEMENT
    assert (third.change_from_previous, third.change_from_baseline) == (-1, -8)
    assert third.reliable_from_previous == ""  # 1 < 6
    assert third.reliable_from_baseline == trends.IMPROVEMENT  # 8 >= 6


def _points(*totals):
    return [trends.Point(str(i), str(i), T0 + timedelta(days=i), total, "")
            for i, total in enumerate(totals)]


def test_a_rise_is_a_deterioration_and_the_threshold_itself_counts():
    _, up, down = trends.reliable_changes(_points(5, 11, 6), 6)
    assert up.change_from_previous == 6 and up.reliable_from_previous == trends.DETERIORATION
    assert down.reliable_from_previous == ""  # 5 points: below 6
    assert down.reliable_from_baseline == ""


def test_without_a_threshold_changes_are_given_but_nothing_is_marked():
    _, second = trends.reliable_changes(_points(27, 0), None)
    assert second.change_from_baseline == -27
    assert second.reliable_from_previous == second.reliable_from_baseline == ""


def test_gad7_threshold_comes_from_its_definition():
    rc = catalogue.get("gad-7").scoring["reliable_change"]
    assert rc["threshold"] == 4 and rc["source"]
    _, second = trends.reliable_changes(_points(15, 11), rc["threshold"])
    assert second.reliable_from_baseline == trends.IMPROVEMENT


# The chart specification


def _layer(spec, name):
    return next(layer for layer in spec["layer"] if layer["name"] == name)


def test_spec_has_bands_thresholds_and_a_reliable_change_layer(patient, phq9_course):
    defn = catalogue.get("phq-9")
    points = trends.reliable_changes(trends.series(patient, "phq-9"), 6)
    spec = trends.vega_lite_spec(defn, points, defn.parameters())
    assert spec["$schema"].endswith("/vega-lite/v6.json")
    assert "PHQ-9" in spec["description"] and spec["title"]["text"]
    rules = _layer(spec, "band-thresholds")
    assert [b["min"] for b in rules["data"]["values"]] == [5, 10, 15, 20]
    assert [b["min"] for b in _layer(spec, "bands")["data"]["values"]] == [0, 5, 10, 15, 20]
    assert {b["label"] for b in _layer(spec, "band-labels")["data"]["values"]} >= {
        "Mild (5-9)", "Severe (20-27)"}
    line = _layer(spec, "total-line")
    assert [v["total"] for v in line["data"]["values"]] == [20, 13, 12]
    assert line["encoding"]["y"]["scale"]["domain"] == [0, 27]  # 9 items scored 0-3
    reliable = _layer(spec, "reliable-change")
    assert [v["total"] for v in reliable["data"]["values"]] == [13, 12]
    assert {v["marker"] for v in reliable["data"]["values"]} == {"Reliable improvement"}
    encoding = reliable["encoding"]
    assert encoding["shape"]["field"] == encoding["color"]["field"] == "marker"
    assert encoding["color"]["legend"] is not None
    json.dumps(spec)  # plain JSON for json_script


def test_spec_applies_the_organisations_cut_off():
    defn = catalogue.get("pcl-5")
    spec = trends.vega_lite_spec(defn, _points(40), defn.parameters({"probable_cut_off": 31}))
    assert [b["min"] for b in _layer(spec, "band-thresholds")["data"]["values"]] == [31]
    assert not any(layer["name"] == "reliable-change" for layer in spec["layer"])
    assert _layer(spec, "total-line")["encoding"]["y"]["scale"]["domain"] == [0, 80]


# The page


def test_care_team_sees_the_chart_and_the_table(clinician, patient, phq9_course):
    response = verified_client(clinician).get(trend_url(patient))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-testid="trend-row"') == 3
    assert 'id="trend-spec"' in html and 'id="trend-chart"' in html
    assert "vega-embed/vega-embed.min.js" in html and "measures/trend.js" in html
    assert "Reliable improvement since the previous result" in html
    assert "Reliable improvement since the baseline" in html
    assert "−7" in html and "−8" in html
    assert "NHS Talking Therapies" in html  # the threshold's source
    assert "<script>" not in html  # the CSP allows no inline script
    spec = response.context["spec"]
    assert [v["total"] for v in _layer(spec, "total-line")["data"]["values"]] == [20, 13, 12]


def test_staff_not_on_the_care_team_are_refused(outsider, patient, phq9_course):
    response = verified_client(outsider).get(trend_url(patient))
    assert response.status_code == 403
    assert b"trend-row" not in response.content


def test_patient_sees_their_own_trend(make_user, patient, phq9_course):
    account = make_user(account_type=AccountType.PATIENT, role="")
    patient.user = account
    patient.save()
    response = verified_client(account).get(trend_url(patient))
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="trend-row"') == 3


def test_unknown_instrument_is_not_found(clinician, patient):
    response = verified_client(clinician).get(trend_url(patient, "no-such-scale"))
    assert response.status_code == 404


def test_fewer_than_two_results_says_so(clinician, patient):
    client = verified_client(clinician)
    empty = client.get(trend_url(patient))
    assert empty.status_code == 200
    assert b"No Patient Health Questionnaire-9 (PHQ-9) results have been submitted yet" \
        in empty.content
    assert b'id="trend-spec"' not in empty.content
    submitted(patient, 9, 0, band="mild")
    one = client.get(trend_url(patient)).content.decode()
    assert "a trend needs at least two" in one
    assert one.count('data-testid="trend-row"') == 1


def test_instrument_without_a_total_shows_a_table_and_no_chart(clinician, patient):
    submitted(patient, None, 0, instrument="bam", subscales={"use": 4, "risk": 9,
                                                             "protective": 18})
    submitted(patient, None, 7, instrument="c-ssrs-screener", band="low")
    client = verified_client(clinician)
    bam = client.get(trend_url(patient, "bam")).content.decode()
    assert 'data-testid="no-total"' in bam and 'id="trend-spec"' not in bam
    assert "Use (items 4, 5, 6; 0-12)" in bam and ">18<" in bam
    cssrs = client.get(trend_url(patient, "c-ssrs-screener")).content.decode()
    assert 'id="trend-spec"' not in cssrs and "Low risk" in cssrs


def test_the_page_runs_a_fixed_number_of_queries(clinician, patient, phq9_course,
                                                 django_assert_num_queries):
    client = verified_client(clinician)
    client.get(trend_url(patient))  # warm the session and OTP device caches
    with django_assert_num_queries(TREND_QUERIES):
        assert client.get(trend_url(patient)).status_code == 200
    for day in range(30, 90, 7):  # more results, same number of queries
        submitted(patient, 10, day)
    with django_assert_num_queries(TREND_QUERIES):
        assert client.get(trend_url(patient)).status_code == 200
