"""The chart's Drug screens tab and its forms: what is shown (ketamine first, amendments,
outcome in neutral words, what the person told us), bad input kept with a 400, retries,
refusals audited, a constant number of queries, and the plan-review section."""

import re
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from carepath.accounts.models import Role
from carepath.audit.models import AuditEvent, Outcome
from carepath.conftest import ctx_for
from carepath.incentives import actions_screens as actions
from carepath.incentives.models import DrugScreen, ScreenAmendment
from carepath.incentives.review_section import screens_review_section

from .screens_support import (
    add_to_care_team,
    make_panel,
    record_negative,
    record_positive,
)

pytestmark = pytest.mark.django_db
JUDGEMENTAL = ("dirty", "clean", "failed", "fail ", "relapsed", "abuser", "addict", "caught",
               "cheat", "lied")


@pytest.fixture
def nurse(make_user, supervisor, patient, clinician):
    return add_to_care_team(patient, clinician, make_user(Role.NURSE, supervisor=supervisor))


@pytest.fixture
def panel(org):
    # Ketamine deliberately not first on the panel: the page still shows it first.
    return make_panel(org, analytes=("cocaine", "amphetamine", "norketamine", "ketamine"))


def _tab(patient):
    return reverse("incentives:chart_screens", args=[patient.uuid])


def _form_data(panel, nurse, **overrides):
    data = {"panel": str(panel.uuid), "specimen": "urine",
            "collected_at": (timezone.localtime() - timedelta(hours=1)).strftime(
                "%Y-%m-%dT%H:%M"),
            "collected_by": str(nurse.uuid), "method": "poc",
            "reported_use": "Says they used on Friday", "submission_key": str(uuid4())}
    data.update({f"result_{code}": "negative" for code in panel.analytes})
    data.update(overrides)
    return data


def test_the_tab_lists_screens_newest_first_with_ketamine_first_and_words(
        patient, nurse, panel, as_user):
    ctx = ctx_for(nurse)
    record_negative(ctx, patient, panel, ago=timedelta(days=3), reported_use="None since May")
    record_positive(ctx, patient, panel, "ketamine", ago=timedelta(days=1),
                    reported_use="Used once at the weekend")
    actions.record_missed(ctx, patient, panel=panel,
                          scheduled_for=timezone.now() - timedelta(hours=2))
    page = as_user(nurse).get(_tab(patient)).content.decode()
    outcomes = re.findall(r'data-testid="outcome">([^<]*)<', page)
    assert outcomes == ["missed", "not negative: positive for ketamine", "negative"]
    assert "Used once at the weekend" in page and "None since May" in page
    row = page.split('data-testid="screen-row"')[2]
    assert row.index("Ketamine:") < row.index("Norketamine:") < row.index("Cocaine")


def test_the_page_never_uses_judgemental_words(patient, nurse, panel, as_user):
    ctx = ctx_for(nurse)
    screen = record_positive(ctx, patient, panel, "ketamine", dilute=True)
    record_negative(ctx, patient, panel, adulterated=True)
    actions.amend_screen(ctx, screen, analyte="cocaine", to_result="invalid",
                         reason="Laboratory could not read it")
    client = as_user(nurse)
    for url in (_tab(patient), reverse("incentives:screen_detail",
                                       args=[patient.uuid, screen.uuid])):
        page = client.get(url).content.decode().lower()
        # What this area writes: the chart, not the site's shared footer.
        text = page.split('aria-label="patient record sections"')[1].split("</main>")[0]
        assert "drug screen" in text and "not negative" in text
        assert not [w for w in JUDGEMENTAL if w in text]


def test_an_amended_result_is_marked_and_the_original_stays_visible(
        patient, nurse, panel, as_user):
    screen = record_positive(ctx_for(nurse), patient, panel, "ketamine")
    response = as_user(nurse).post(
        reverse("incentives:amend_screen", args=[patient.uuid, screen.uuid]),
        {"analyte": "ketamine", "to_result": "negative",
         "reason": "Laboratory confirmation negative"})
    assert response.status_code == 302
    detail = as_user(nurse).get(response.url).content.decode()
    ketamine = detail.split('data-testid="result-ketamine"')[1].split("</tr>")[0]
    assert "Negative" in ketamine and "Positive" in ketamine and "amended" in ketamine
    assert "never taken back" in detail
    assert 'data-testid="amended"' in as_user(nurse).get(_tab(patient)).content.decode()


def test_an_amendment_without_a_reason_is_a_400_keeping_the_choice(
        patient, nurse, panel, as_user):
    screen = record_negative(ctx_for(nurse), patient, panel)
    response = as_user(nurse).post(
        reverse("incentives:amend_screen", args=[patient.uuid, screen.uuid]),
        {"analyte": "cocaine", "to_result": "positive", "reason": "short"})
    assert response.status_code == 400
    assert "at least 10 characters" in response.content.decode()
    assert 'value="positive" checked' in response.content.decode()
    assert not ScreenAmendment.objects.exists()


def test_recording_on_the_form_makes_one_screen_even_when_retried(
        patient, nurse, panel, as_user):
    client, data = as_user(nurse), _form_data(panel, nurse)
    url = reverse("incentives:record_screen", args=[patient.uuid])
    assert client.get(url).status_code == 200  # the only active panel is chosen
    for _ in range(2):
        response = client.post(url, data)
        assert response.status_code == 302
    screen = DrugScreen.objects.get()
    assert screen.results.count() == 4 and screen.reported_use == "Says they used on Friday"


def test_a_posted_result_for_an_analyte_not_on_the_panel_is_refused_by_name(
        patient, nurse, panel, as_user):
    data = _form_data(panel, nurse, result_mdma="positive")
    response = as_user(nurse).post(reverse("incentives:record_screen", args=[patient.uuid]),
                                   data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "MDMA: not on the panel" in page
    assert "Says they used on Friday" in page  # nothing typed is lost
    assert not DrugScreen.objects.exists()


def test_a_missing_result_names_the_analyte_and_keeps_the_rest(patient, nurse, panel, as_user):
    data = _form_data(panel, nurse, result_cocaine="positive")
    del data["result_norketamine"]
    response = as_user(nurse).post(reverse("incentives:record_screen", args=[patient.uuid]),
                                   data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose a result for Norketamine" in page
    assert 'name="result_cocaine" value="positive" checked' in page


def test_a_missed_screen_is_recorded_from_its_form(patient, nurse, panel, as_user):
    due = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = as_user(nurse).post(
        reverse("incentives:record_missed", args=[patient.uuid]),
        {"panel": str(panel.uuid), "scheduled_for": due, "submission_key": str(uuid4())})
    assert response.status_code == 302
    assert DrugScreen.objects.get().status == "missed"


@pytest.mark.parametrize("name", ["chart_screens", "record_screen", "record_missed"])
def test_someone_off_the_care_team_is_refused_and_audited(patient, outsider, as_user, name):
    response = as_user(outsider).get(reverse(f"incentives:{name}", args=[patient.uuid]))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(actor=outsider, outcome=Outcome.DENIED).exists()


def test_a_role_that_reads_only_cannot_open_the_form(patient, clinician, make_user, panel,
                                                      as_user):
    advisor = add_to_care_team(patient, clinician, make_user(Role.INTAKE_ADVISOR), "intake")
    client = as_user(advisor)
    assert 'data-testid="screen-actions"' not in client.get(_tab(patient)).content.decode()
    response = client.post(reverse("incentives:record_screen", args=[patient.uuid]),
                           _form_data(panel, advisor))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(actor=advisor, outcome=Outcome.DENIED).exists()
    assert not DrugScreen.objects.exists()


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_tab_costs_the_same_queries_for_one_or_twenty_screens(
        patient, nurse, panel, as_user):
    client, ctx = as_user(nurse), ctx_for(nurse)
    first = record_positive(ctx, patient, panel, "ketamine", ago=timedelta(days=30))
    actions.amend_screen(ctx, first, analyte="ketamine", to_result="negative",
                         reason="Laboratory confirmation negative")
    one = _queries(client, _tab(patient))
    for n in range(19):
        screen = record_negative(ctx, patient, panel, ago=timedelta(days=n, hours=1),
                                 observed_by=nurse)
        if n % 3 == 0:
            actions.amend_screen(ctx, screen, analyte="cocaine", to_result="positive",
                                 reason="Laboratory report received")
    twenty = _queries(client, _tab(patient))
    assert twenty == one


def test_the_review_section_shows_ninety_days_and_counts_negatives(patient, nurse, panel):
    ctx = ctx_for(nurse)
    record_negative(ctx, patient, panel, ago=timedelta(days=120))  # outside the period
    record_negative(ctx, patient, panel, ago=timedelta(days=10))
    record_positive(ctx, patient, panel, "norketamine", ago=timedelta(days=5))
    actions.record_missed(ctx, patient, panel=panel,
                          scheduled_for=timezone.now() - timedelta(days=2))
    template, section = screens_review_section(patient)
    assert template == "incentives/screens/_review_section.html"
    assert (section["negatives"], section["total"]) == (1, 3)
    assert [r.outcome_words for r in section["rows"]] == [
        "missed", "not negative: positive for norketamine", "negative"]
    html = render_to_string(template, {"section": section})
    assert html.count('data-testid="review-screen-row"') == 3
    assert "1 negative of 3 screens" in html


def test_no_review_section_without_recent_screens(patient):
    assert screens_review_section(patient) is None


def test_with_two_panels_the_form_first_asks_which(patient, nurse, panel, org, as_user):
    oral = make_panel(org, name="Oral fluid", specimen="oral_fluid",
                      analytes=("ketamine", "cannabis"))
    client = as_user(nurse)
    url = reverse("incentives:record_screen", args=[patient.uuid])
    assert 'data-testid="choose-panel"' in client.get(url).content.decode()
    page = client.get(f"{url}?panel={oral.uuid}").content.decode()
    assert 'name="result_cannabis"' in page and 'name="result_cocaine"' not in page
    assert '<option value="oral_fluid" selected>' in page


def test_times_are_shown_in_the_organisations_time_zone(patient, nurse, panel, org, as_user):
    org.time_zone = "America/New_York"
    org.save(update_fields=["time_zone"])
    screen = record_negative(ctx_for(nurse), patient, panel)
    screen.collected_at = datetime(2026, 1, 15, 15, 30, tzinfo=UTC)
    screen.save(update_fields=["collected_at"])
    page = as_user(nurse).get(_tab(patient)).content.decode()
    assert "15 Jan 2026 10:30" in page  # 15:30 UTC is 10:30 in New York in January


def test_a_missed_screens_page_shows_no_results_or_amend_form(patient, nurse, panel, as_user):
    screen = actions.record_missed(ctx_for(nurse), patient, panel=panel,
                                   scheduled_for=timezone.now() - timedelta(hours=2))
    page = as_user(nurse).get(reverse("incentives:screen_detail",
                                      args=[patient.uuid, screen.uuid])).content.decode()
    assert "Missed: the screen was due" in page and "Amend a result" not in page
