"""Enquiries a family's intervention plan makes: asking for an advisor, pre-booking an
assessment marked "intervention planned", and moving it to assessment booked when the
person agrees. Called by carepath.family, which has already checked the plan's team."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from carepath.accounts.models import AccountType
from carepath.audit.models import AuditEvent
from carepath.conftest import ctx_for, verified_client
from carepath.intake import actions_enquiries, actions_family
from carepath.intake.models import Enquiry, EnquirySource, EnquiryStageChange, Stage

from .test_pipeline_fixtures import *  # noqa: F403 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def supporter(make_user):
    return make_user(account_type=AccountType.SUPPORTER, role="")


def _pre_book(org, supporter, key=None, days=7):
    return actions_family.pre_book_assessment(
        ctx_for(supporter), org, given_name="Sam", caller_name="Morgan",
        caller_email="morgan@example.org", intervention_date=timezone.localdate()
        + timedelta(days=days), options=["Harbour Outpatient"], submission_key=key)


def test_a_pre_booked_enquiry_is_a_family_enquiry_marked_intervention_planned(org, supporter):
    enquiry = _pre_book(org, supporter)
    assert enquiry.source == EnquirySource.FAMILY and enquiry.stage == Stage.NEW
    assert enquiry.intervention_planned_for == timezone.localdate() + timedelta(days=7)
    assert "Harbour Outpatient" in enquiry.summary
    assert enquiry.caller_email == "morgan@example.org" and enquiry.next_action
    event = AuditEvent.objects.get(object_type="intake.enquiry", object_id=str(enquiry.uuid))
    assert event.actor == supporter and event.details["intervention_planned"] is True


def test_a_retried_pre_booking_with_the_same_key_makes_one_enquiry(org, supporter):
    key = uuid.uuid4()
    first = _pre_book(org, supporter, key)
    again = _pre_book(org, supporter, key)
    assert first.pk == again.pk and Enquiry.objects.count() == 1


def test_an_advisor_request_is_logged_without_an_intervention_date(org, supporter):
    enquiry = actions_family.request_family_advisor(
        ctx_for(supporter), org, given_name="Sam", caller_name="Morgan",
        caller_email="morgan@example.org", question="How do we start?")
    assert enquiry.source == EnquirySource.FAMILY and enquiry.intervention_planned_for is None
    assert "How do we start?" in enquiry.summary


def test_a_pre_booking_with_no_way_to_reach_the_family_is_refused(org, supporter):
    with pytest.raises(ValidationError) as refused:
        actions_family.pre_book_assessment(
            ctx_for(supporter), org, given_name="Sam", caller_name="Morgan", caller_email="",
            intervention_date=timezone.localdate(), options=[])
    assert "caller_email" in refused.value.message_dict and not Enquiry.objects.exists()


def test_agreed_moves_the_enquiry_to_assessment_booked_once(org, supporter):
    enquiry = _pre_book(org, supporter)
    moved = actions_family.record_intervention_agreed(ctx_for(supporter), enquiry, note="Yes")
    assert moved.stage == Stage.ASSESSMENT_BOOKED
    assert moved.next_action_due == timezone.localdate()
    again = actions_family.record_intervention_agreed(ctx_for(supporter), enquiry)
    assert again.stage == Stage.ASSESSMENT_BOOKED
    changes = EnquiryStageChange.objects.filter(enquiry=enquiry,
                                                to_stage=Stage.ASSESSMENT_BOOKED)
    assert changes.count() == 1 and changes.get().changed_by == supporter


def test_agreed_is_refused_for_an_enquiry_no_plan_pre_booked(org, supporter, make_enquiry):
    plain = make_enquiry(given_name="Plain")
    with pytest.raises(ValidationError):
        actions_family.record_intervention_agreed(ctx_for(supporter), plain)
    plain.refresh_from_db()
    assert plain.stage == Stage.NEW


def test_agreed_after_intake_closed_the_enquiry_says_to_call_them(org, supporter, advisor):
    enquiry = _pre_book(org, supporter)
    actions_enquiries.change_stage(ctx_for(advisor), enquiry, Stage.NOT_PROCEEDING,
                                   outcome_reason="Family withdrew")
    with pytest.raises(ValidationError) as refused:
        actions_family.record_intervention_agreed(ctx_for(supporter), enquiry)
    assert "call them" in str(refused.value)


def test_the_pipeline_tags_an_enquiry_with_an_intervention_planned(org, supporter, advisor):
    enquiry = _pre_book(org, supporter)
    client = verified_client(advisor)
    listing = client.get("/intake/enquiries/").content.decode()
    assert 'data-testid="intervention-tag"' in listing and "Intervention planned" in listing
    detail = client.get(f"/intake/enquiries/{enquiry.uuid}/").content.decode()
    assert 'data-testid="intervention-tag"' in detail
