"""Step 6, hold the intervention: date, time, place, rehearsal, order of speakers and the
checklist; and the printable run sheet."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carepath.family import steps
from carepath.family.models import PlanMember

from .late_support import (
    add_boundary,
    add_option,
    denied_events,
    future,
    make_plan,
    make_service,
    make_supporter,
    past,
    plan_events,
    run_sheet_url,
    step_url,
    supporter_client,
    write_statement,
)

pytestmark = pytest.mark.django_db
ALL_CHECKED = [key for key, _ in steps.HOLD_CHECKLIST]


@pytest.fixture
def team(org, make_user):
    plan, members = make_plan(org, make_user, members=3)
    return plan, members, supporter_client(members[0].user)


def _data(members, **overrides):
    data = {"intervention_date": future(10).isoformat(), "intervention_time": "18:30",
            "place": "Mum's kitchen", "rehearsal_date": future(7).isoformat(),
            "checklist": ALL_CHECKED,
            **{f"order_{m.uuid.hex}": str(i) for i, m in enumerate(members, start=1)}}
    data.update(overrides)
    return data


def test_saving_everything_completes_the_step_and_shares_the_date_with_step_one(team):
    plan, members, client = team
    response = client.post(step_url(plan, "hold"), _data(members))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.intervention_date == future(10)  # the same field step 1 shows
    assert plan.place == "Mum's kitchen" and plan.rehearsal_date == future(7)
    assert [m.speaking_order for m in PlanMember.objects.filter(plan=plan).order_by("pk")] \
        == [1, 2, 3]
    assert all(plan.checklist[key] for key in ALL_CHECKED)
    assert steps.is_done(plan, "hold")
    event = plan_events(plan, details__change="hold_saved").get()
    assert "Mum" not in repr(event.details)


def test_an_intervention_date_in_the_past_is_refused(team):
    plan, members, client = team
    response = client.post(step_url(plan, "hold"), _data(members, intervention_date=past(
        ).isoformat(), rehearsal_date=""))
    html = response.content.decode()
    assert response.status_code == 400
    assert "the intervention date is in the past" in html
    assert "Mum&#x27;s kitchen" in html  # what was typed is kept
    plan.refresh_from_db()
    assert plan.intervention_date is None and plan.place == ""


def test_a_rehearsal_after_the_intervention_is_refused(team):
    plan, members, client = team
    response = client.post(step_url(plan, "hold"), _data(
        members, rehearsal_date=future(12).isoformat()))
    assert response.status_code == 400
    assert "must be on or before the intervention date" in response.content.decode()


def test_a_rehearsal_in_the_past_is_refused(team):
    plan, members, client = team
    response = client.post(step_url(plan, "hold"), _data(members,
                                                          rehearsal_date=past().isoformat()))
    assert response.status_code == 400
    assert "Rehearsal date: this date is in the past" in response.content.decode()


def test_two_speakers_with_the_same_number_are_refused(team):
    plan, members, client = team
    response = client.post(step_url(plan, "hold"), _data(
        members, **{f"order_{members[2].uuid.hex}": "1"}))
    html = response.content.decode()
    assert response.status_code == 400
    assert "1 is given to more than one speaker" in html
    assert not PlanMember.objects.filter(plan=plan, speaking_order__isnull=False).exists()


def test_a_speaking_order_outside_one_to_n_is_refused(team):
    plan, members, client = team
    response = client.post(step_url(plan, "hold"), _data(
        members, **{f"order_{members[2].uuid.hex}": "7"}))
    assert response.status_code == 400
    assert f"Order for {members[2].name}: a number from 1 to 3" in response.content.decode()


def test_someone_not_on_the_team_gets_404_and_a_denied_event(team, make_user):
    plan, members, _ = team
    stranger = supporter_client(make_supporter(make_user))
    assert stranger.get(step_url(plan, "hold")).status_code == 404
    assert stranger.post(step_url(plan, "hold"), _data(members)).status_code == 404
    assert stranger.get(run_sheet_url(plan)).status_code == 404
    assert denied_events(plan, details__reason="not_on_plan_team").count() == 3
    plan.refresh_from_db()
    assert plan.place == ""


def test_the_run_sheet_shows_only_shared_statements(team):
    plan, members, client = team
    write_statement(members[0], shared=True, behaviours="SHARED-WORDS from the chair")
    write_statement(members[1], shared=False, behaviours="PRIVATE-DRAFT never to print")
    html = client.get(run_sheet_url(plan)).content.decode()
    assert "SHARED-WORDS" in html
    assert "PRIVATE-DRAFT" not in html
    assert "Statement not shared with the team yet" in html
    # Not even its author sees the draft on the run sheet.
    own = supporter_client(members[1].user).get(run_sheet_url(plan)).content.decode()
    assert "PRIVATE-DRAFT" not in own


def test_the_run_sheet_has_everything_for_the_day(team):
    plan, members, client = team
    client.post(step_url(plan, "hold"), _data(members[::-1]))  # the last member speaks first
    service = make_service(name="Harbour Recovery", phone="0117 496 0000")
    add_option(plan, service, chosen=True, note="We will drive you")
    add_boundary(plan, members[1], "I will stop paying your rent.")
    html = client.get(run_sheet_url(plan)).content.decode()
    assert future(10).strftime("%B") in html and "18:30" in html and "Mum&#x27;s kitchen" in html
    assert f"{members[0].name} (chair)" in html
    assert html.index(members[2].name) < html.index(members[1].name) \
        < html.index(f"{members[0].name} (chair)")
    assert "Harbour Recovery" in html and "0117 496 0000" in html
    assert "We will drive you" in html and "No assessment pre-booked yet" in html
    assert "I will stop paying your rent." in html
    assert "Stay calm" in html and "Give them time to respond" in html
    assert "family/print.css" in html and "data-print" in html
    assert plan_events(plan, action="read", details__page="run_sheet").count() == 1


def _sheet_queries(org, make_user, size):
    plan, members = make_plan(org, make_user, members=size)
    add_option(plan, make_service(name=f"Service {size}"), chosen=True)
    for i, m in enumerate(members, start=1):
        write_statement(m, shared=i % 2 == 0)
        add_boundary(plan, m, f"Boundary {i}")
        PlanMember.objects.filter(pk=m.pk).update(speaking_order=i)
    client = supporter_client(members[0].user)
    client.get(run_sheet_url(plan))  # warm the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(run_sheet_url(plan))
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="speaker"') == size
    return len(queries)


def test_the_run_sheet_query_count_does_not_grow_with_the_team(org, make_user):
    assert _sheet_queries(org, make_user, 2) == _sheet_queries(org, make_user, 8)
