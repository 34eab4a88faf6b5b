"""Step 4, offer treatment options: directory search with availability, options, chosen
options and the once-only pre-booked assessment in the intake pipeline."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied

from carepath.conftest import ctx_for
from carepath.family import actions_options
from carepath.family.models import TreatmentOption
from carepath.intake.models.enquiries import Enquiry, EnquirySource, Stage

from .late_support import (
    add_option,
    assert_no_free_text,
    complete_step_one,
    denied_events,
    make_plan,
    make_service,
    make_supporter,
    plan_events,
    step_url,
    supporter_client,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(org, make_user):
    plan, members = make_plan(org, make_user, members=2)
    return plan, members, supporter_client(members[0].user)


def test_search_shows_active_services_with_their_availability(team):
    plan, _, client = team
    make_service(name="Harbour Recovery", town="Bristol", places_available=3, waiting_days=5)
    make_service(name="Closed Place", town="Bristol", active=False)
    make_service(name="Leeds Residential", town="Leeds", offers_outpatient=False,
                 offers_residential=True)
    response = client.get(step_url(plan, "options"), {"q": "Bristol", "level": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Harbour Recovery" in html and "Closed Place" not in html
    assert "Leeds Residential" not in html
    assert "Places available:</strong> 3" in html and "5 days" in html
    assert "confirmed 2 days ago" in html


def test_search_filters_by_level_of_care(team):
    plan, _, client = team
    make_service(name="Harbour Recovery", offers_outpatient=True)
    make_service(name="Leeds Residential", town="Leeds", offers_outpatient=False,
                 offers_residential=True)
    html = client.get(step_url(plan, "options"), {"q": "", "level": "residential"}
                      ).content.decode()
    assert "Leeds Residential" in html and "Harbour Recovery" not in html


def test_adding_an_option_keeps_the_note_and_audits_no_text(team):
    plan, _, client = team
    service = make_service()
    response = client.post(step_url(plan, "options"), {
        "action": "add", "service": str(service.uuid),
        "support_note": "We will drive you there"})
    assert response.status_code == 302
    option = TreatmentOption.objects.get(plan=plan)
    assert option.service == service and option.support_note == "We will drive you there"
    event = plan_events(plan, details__change="option_added").get()
    assert_no_free_text(event, "drive you")


def test_adding_the_same_service_twice_says_so(team):
    plan, _, client = team
    service = make_service(name="Harbour Recovery")
    add_option(plan, service)
    response = client.post(step_url(plan, "options") + "?q=Harbour", {
        "action": "add", "service": str(service.uuid), "support_note": "Typed again"})
    assert response.status_code == 400
    assert "Harbour Recovery is already one of your options" in response.content.decode()
    assert TreatmentOption.objects.filter(plan=plan).count() == 1


def test_choosing_options_marks_only_those_chosen(team):
    plan, _, client = team
    first, second = add_option(plan, make_service()), add_option(plan, make_service(name="B"))
    response = client.post(step_url(plan, "options"), {"action": "choose",
                                                        "chosen": [str(second.uuid)]})
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.chosen, second.chosen) == (False, True)


def test_pre_book_without_an_intervention_date_points_to_step_one(team):
    plan, _, client = team
    add_option(plan, make_service(), chosen=True)
    response = client.post(step_url(plan, "options"), {"action": "pre_book",
                                                        "submission_key": str(uuid.uuid4())})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Set the date of the intervention on step 1 (Plan) first" in html
    assert step_url(plan, "plan") in html
    assert not Enquiry.objects.exists()


def test_pre_book_without_a_chosen_option_is_refused(team):
    plan, _, client = team
    complete_step_one(plan)
    add_option(plan, make_service(), chosen=False)
    response = client.post(step_url(plan, "options"), {"action": "pre_book",
                                                        "submission_key": str(uuid.uuid4())})
    assert response.status_code == 400
    assert "Choose at least one treatment option first" in response.content.decode()
    assert not Enquiry.objects.exists()


def test_pre_book_creates_an_enquiry_marked_intervention_planned(team, org):
    plan, members, client = team
    complete_step_one(plan)
    add_option(plan, make_service(name="Harbour Recovery"), chosen=True)
    add_option(plan, make_service(name="Not Chosen"), chosen=False)
    response = client.post(step_url(plan, "options"), {"action": "pre_book",
                                                        "submission_key": str(uuid.uuid4())})
    assert response.status_code == 302
    plan.refresh_from_db()
    enquiry = plan.enquiry
    assert enquiry.organisation == org and enquiry.source == EnquirySource.FAMILY
    assert enquiry.stage == Stage.NEW
    assert enquiry.intervention_planned_for == plan.intervention_date
    assert enquiry.given_name == "Sam" and enquiry.caller_name == members[0].name
    assert enquiry.caller_email == members[0].user.email
    assert "Harbour Recovery" in enquiry.summary and "Not Chosen" not in enquiry.summary
    html = client.get(step_url(plan, "options")).content.decode()
    assert "intervention planned" in html and "New" in html
    assert plan_events(plan, details__change="assessment_pre_booked").count() == 1


def test_a_second_pre_book_press_shows_the_existing_enquiry(team, org, make_user):
    plan, members, client = team
    complete_step_one(plan)
    add_option(plan, make_service(), chosen=True)
    client.post(step_url(plan, "options"), {"action": "pre_book",
                                            "submission_key": str(uuid.uuid4())})
    # A second press from a fresh page (new key), and from another member.
    other = supporter_client(members[1].user)
    response = other.post(step_url(plan, "options"), {"action": "pre_book",
                                                      "submission_key": str(uuid.uuid4())},
                          follow=True)
    assert Enquiry.objects.count() == 1
    assert "already pre-booked" in response.content.decode()
    assert plan_events(plan, details__change="assessment_pre_booked").count() == 1


def test_a_retried_pre_book_with_the_same_key_makes_one_enquiry(team):
    plan, _, client = team
    complete_step_one(plan)
    add_option(plan, make_service(), chosen=True)
    key = str(uuid.uuid4())
    for _ in range(2):
        client.post(step_url(plan, "options"), {"action": "pre_book", "submission_key": key})
    assert Enquiry.objects.count() == 1


def test_someone_not_on_the_team_gets_404_and_a_denied_event(team, make_user):
    plan, _, _ = team
    stranger = supporter_client(make_supporter(make_user))
    assert stranger.get(step_url(plan, "options")).status_code == 404
    assert stranger.post(step_url(plan, "options"), {"action": "pre_book"}).status_code == 404
    assert denied_events(plan).count() == 2
    assert not Enquiry.objects.exists()


def test_the_actions_refuse_a_non_member_and_audit_it(team, make_user):
    plan, _, _ = team
    stranger = make_supporter(make_user)
    with pytest.raises(PermissionDenied):
        actions_options.add_option(ctx_for(stranger), plan, service=make_service())
    with pytest.raises(PermissionDenied):
        actions_options.pre_book(ctx_for(stranger), plan)
    assert denied_events(plan, details__reason="not_on_plan_team").count() == 2
    assert not TreatmentOption.objects.exists()


def test_the_options_page_reads_are_audited(team):
    plan, _, client = team
    client.get(step_url(plan, "options"))
    assert plan_events(plan, action="read", details__page="step_options").count() == 1
