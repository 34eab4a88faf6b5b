"""Stage transitions: allowed moves, back-steps, closing reasons, timestamps, and the
next action with its due date and assignee."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from carepath.accounts.models import Role
from carepath.audit.models import AuditEvent
from carepath.conftest import ctx_for
from carepath.intake import actions_enquiries as actions
from carepath.intake.models import EnquiryStageChange, Stage

from .test_pipeline_fixtures import *  # noqa: F403 (fixtures)

pytestmark = pytest.mark.django_db


def test_moving_forward_records_who_when_and_the_note(enquiry, advisor):
    before = timezone.now()
    moved = actions.change_stage(ctx_for(advisor), enquiry, Stage.CONTACTED, note="Left a message")
    assert moved.stage == Stage.CONTACTED and moved.stage_changed_at >= before
    assert enquiry.stage == Stage.CONTACTED  # the caller's object is brought up to date
    change = EnquiryStageChange.objects.filter(enquiry=enquiry).last()
    assert (change.from_stage, change.to_stage) == (Stage.NEW, Stage.CONTACTED)
    assert change.changed_by == advisor and change.note == "Left a message"
    assert change.changed_at == moved.stage_changed_at
    event = AuditEvent.objects.filter(object_id=str(enquiry.uuid), action="update").get()
    assert event.details["to_stage"] == "contacted" and "message" not in str(event.details)


def test_the_whole_pipeline_keeps_every_change_in_order(enquiry, advisor):
    for stage in (Stage.CONTACTED, Stage.SCREENED, Stage.ASSESSMENT_BOOKED, Stage.ADMITTED):
        actions.change_stage(ctx_for(advisor), enquiry, stage)
    history = list(EnquiryStageChange.objects.filter(enquiry=enquiry)
                   .values_list("to_stage", flat=True))
    assert history == ["new", "contacted", "screened", "assessment_booked", "admitted"]


def test_a_move_the_pipeline_does_not_allow_is_refused_naming_the_allowed_ones(enquiry, advisor):
    with pytest.raises(ValidationError) as refused:
        actions.change_stage(ctx_for(advisor), enquiry, Stage.ADMITTED)
    message = refused.value.message_dict["stage"][0]
    assert "cannot move from new to admitted" in message and "contacted" in message
    enquiry.refresh_from_db()
    assert enquiry.stage == Stage.NEW


def test_admitted_is_final(enquiry, advisor):
    for stage in (Stage.CONTACTED, Stage.ASSESSMENT_BOOKED, Stage.ADMITTED):
        actions.change_stage(ctx_for(advisor), enquiry, stage)
    with pytest.raises(ValidationError, match="closed"):
        actions.change_stage(ctx_for(advisor), enquiry, Stage.CONTACTED)


@pytest.mark.parametrize("closing", [Stage.REFERRED_ELSEWHERE, Stage.NOT_PROCEEDING])
def test_closing_without_admission_needs_an_outcome_reason(enquiry, advisor, closing):
    with pytest.raises(ValidationError) as refused:
        actions.change_stage(ctx_for(advisor), enquiry, closing)
    assert "outcome reason" in refused.value.message_dict["outcome_reason"][0]
    closed = actions.change_stage(ctx_for(advisor), enquiry, closing,
                                  outcome_reason="Chose a service nearer home")
    assert closed.is_closed and closed.outcome_reason == "Chose a service nearer home"
    change = EnquiryStageChange.objects.filter(enquiry=enquiry).last()
    assert change.outcome_reason == "Chose a service nearer home"


def test_sensible_back_steps_are_allowed(enquiry, advisor):
    ctx = ctx_for(advisor)
    actions.change_stage(ctx, enquiry, Stage.CONTACTED)
    actions.change_stage(ctx, enquiry, Stage.NURTURE, outcome_reason="Not ready yet")
    actions.change_stage(ctx, enquiry, Stage.CONTACTED, note="Called back, ready now")
    actions.change_stage(ctx, enquiry, Stage.NOT_PROCEEDING, outcome_reason="Moved away")
    reopened = actions.change_stage(ctx, enquiry, Stage.CONTACTED, note="Called again")
    assert reopened.stage == Stage.CONTACTED and reopened.outcome_reason == ""


def test_moving_to_the_current_stage_changes_nothing(enquiry, advisor):
    actions.change_stage(ctx_for(advisor), enquiry, Stage.NEW)
    assert EnquiryStageChange.objects.filter(enquiry=enquiry).count() == 1


def test_a_clinician_of_the_organisation_may_move_the_stage_but_an_analyst_may_not(
        enquiry, make_user):
    actions.change_stage(ctx_for(make_user(Role.CLINICIAN)), enquiry, Stage.CONTACTED)
    with pytest.raises(PermissionDenied):
        actions.change_stage(ctx_for(make_user(Role.ANALYST)), enquiry, Stage.SCREENED)
    assert AuditEvent.objects.filter(object_type="intake.enquiry", outcome="denied").exists()


def test_staff_of_another_organisation_may_not_touch_an_enquiry(enquiry, make_user, other_org):
    stranger = make_user(Role.INTAKE_ADVISOR, organisation=other_org)
    with pytest.raises(PermissionDenied):
        actions.change_stage(ctx_for(stranger), enquiry, Stage.CONTACTED)


def test_next_action_due_date_and_assignee_are_saved_and_audited_by_field_name(
        enquiry, advisor, make_user):
    colleague = make_user(Role.INTAKE_ADVISOR)
    due = date.today() + timedelta(days=2)
    actions.update_next_action(ctx_for(advisor), enquiry, next_action="Call after 6pm",
                               next_action_due=due, assigned_to=colleague)
    enquiry.refresh_from_db()
    assert (enquiry.next_action, enquiry.next_action_due, enquiry.assigned_to) == (
        "Call after 6pm", due, colleague)
    event = AuditEvent.objects.filter(object_id=str(enquiry.uuid), action="update").get()
    assert set(event.details["fields"]) == {"next_action", "next_action_due", "assigned_to"}
    assert "6pm" not in str(event.details)


def test_a_due_date_without_an_action_is_refused(enquiry, advisor):
    with pytest.raises(ValidationError) as refused:
        actions.update_next_action(ctx_for(advisor), enquiry, next_action="",
                                   next_action_due=date.today())
    assert "next_action" in refused.value.message_dict


def test_only_intake_capable_colleagues_can_be_assigned(enquiry, advisor, make_user, other_org):
    for wrong in (make_user(Role.ADMINISTRATOR), make_user(Role.NURSE),
                  make_user(Role.INTAKE_ADVISOR, organisation=other_org)):
        with pytest.raises(ValidationError):
            actions.update_next_action(ctx_for(advisor), enquiry, assigned_to=wrong)
