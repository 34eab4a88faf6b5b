"""Step 7, follow up: agreed moves the pre-booked enquiry to "assessment booked" at once,
refused puts the boundaries in effect with a review date, partly needs notes."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied

from carepath.conftest import ctx_for
from carepath.family import actions_follow_up, actions_options
from carepath.family.models import InterventionOutcome
from carepath.intake.models.enquiries import EnquiryStageChange, Stage

from .late_support import (
    add_boundary,
    add_option,
    complete_step_one,
    denied_events,
    future,
    make_plan,
    make_service,
    make_supporter,
    past,
    plan_events,
    step_url,
    supporter_client,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(org, make_user):
    plan, members = make_plan(org, make_user, members=3)
    return plan, members, supporter_client(members[1].user)  # not the chair


def _pre_book(plan, member):
    complete_step_one(plan)
    add_option(plan, make_service(), chosen=True)
    enquiry, _ = actions_options.pre_book(ctx_for(member.user), plan,
                                          submission_key=uuid.uuid4())
    return enquiry


def _record(client, plan, **data):
    return client.post(step_url(plan, "follow_up"), {"outcome_notes": "", "review_date": "",
                                                     **data})


def test_agreed_moves_the_enquiry_to_assessment_booked_at_once(team):
    plan, members, client = team
    enquiry = _pre_book(plan, members[0])
    response = _record(client, plan, outcome="agreed")
    assert response.status_code == 302
    enquiry.refresh_from_db()
    plan.refresh_from_db()
    assert enquiry.stage == Stage.ASSESSMENT_BOOKED
    assert plan.outcome == InterventionOutcome.AGREED
    assert plan.outcome_recorded_by == members[1].user  # any accepted member may record
    page = client.get(step_url(plan, "follow_up")).content.decode()
    assert "Assessment booked" in page and "Keep supporting them" in page


def test_agreed_without_a_pre_booked_enquiry_is_recorded_and_says_so(team):
    plan, _, client = team
    response = _record(client, plan, outcome="agreed", outcome_notes="They said yes")
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.outcome == InterventionOutcome.AGREED and plan.enquiry is None
    page = client.get(step_url(plan, "follow_up")).content.decode()
    assert "No assessment was pre-booked" in page
    assert step_url(plan, "options") in page


def test_refused_needs_a_review_date(team):
    plan, _, client = team
    response = _record(client, plan, outcome="refused", outcome_notes="Walked out")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Review date: choose when the team will talk again" in html
    assert "Walked out" in html
    plan.refresh_from_db()
    assert plan.outcome == ""


def test_a_review_date_must_be_in_the_future(team):
    plan, _, client = team
    for day in (past(), past(0)):
        response = _record(client, plan, outcome="refused", review_date=day.isoformat())
        assert response.status_code == 400
        assert "choose a date after today" in response.content.decode()


def test_refused_shows_the_boundaries_now_in_effect(team):
    plan, members, client = team
    add_boundary(plan, members[0], "I will stop paying your rent.")
    response = _record(client, plan, outcome="refused", review_date=future(30).isoformat())
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.review_date == future(30)
    page = client.get(step_url(plan, "follow_up")).content.decode()
    assert "Your boundaries are now in effect" in page
    assert "I will stop paying your rent." in page


def test_partly_needs_notes(team):
    plan, _, client = team
    response = _record(client, plan, outcome="partly")
    assert response.status_code == 400
    assert "Notes: say what they agreed to" in response.content.decode()
    assert _record(client, plan, outcome="partly",
                   outcome_notes="Counselling yes, rehab no").status_code == 302


def test_recording_again_keeps_the_latest_and_never_moves_the_enquiry_twice(team):
    plan, members, client = team
    enquiry = _pre_book(plan, members[0])
    _record(client, plan, outcome="agreed", outcome_notes="Walked out, then said yes")
    _record(client, plan, outcome="refused", review_date=future(7).isoformat())
    _record(supporter_client(members[2].user), plan, outcome="agreed")
    plan.refresh_from_db()
    assert plan.outcome == InterventionOutcome.AGREED
    assert plan.outcome_recorded_by == members[2].user
    assert EnquiryStageChange.objects.filter(enquiry=enquiry,
                                             to_stage=Stage.ASSESSMENT_BOOKED).count() == 1
    events = plan_events(plan, details__change="outcome_recorded")
    assert events.count() == 3
    assert [e.details["enquiry_moved"] for e in events.order_by("seq")] == [True, False, False]
    assert all("Walked" not in repr(e.details) for e in events)


def test_an_enquiry_intake_already_moved_on_still_records_the_outcome(team):
    plan, members, client = team
    enquiry = _pre_book(plan, members[0])
    enquiry.stage = Stage.NOT_PROCEEDING
    enquiry.save()
    response = _record(client, plan, outcome="agreed")
    assert response.status_code == 302
    plan.refresh_from_db()
    enquiry.refresh_from_db()
    assert plan.outcome == InterventionOutcome.AGREED
    assert enquiry.stage == Stage.NOT_PROCEEDING
    page = client.get(step_url(plan, "follow_up")).content.decode()
    assert "call them to arrange the assessment" in page


def test_the_guidance_links_to_the_guide_and_well_being(team):
    plan, _, client = team
    _record(client, plan, outcome="partly", outcome_notes="Some of it")
    page = client.get(step_url(plan, "follow_up")).content.decode()
    assert "/family/guide/" in page and "/family/wellbeing/" in page
    assert "This step is done." in page


def test_someone_not_on_the_team_gets_404_and_a_denied_event(team, make_user):
    plan, _, _ = team
    stranger = make_supporter(make_user)
    client = supporter_client(stranger)
    assert client.get(step_url(plan, "follow_up")).status_code == 404
    assert _record(client, plan, outcome="agreed").status_code == 404
    with pytest.raises(PermissionDenied):
        actions_follow_up.record_outcome(ctx_for(stranger), plan, outcome="agreed")
    assert denied_events(plan, details__reason="not_on_plan_team").count() == 3
    plan.refresh_from_db()
    assert plan.outcome == ""
