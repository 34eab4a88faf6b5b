"""Enquiries a family's staged-intervention plan makes (carepath.family calls these).

A supporter is not intake staff, so these do not ask ``may_work_intake``: the family
actions have already checked that the caller is an accepted member of the plan. What a
supporter may do here is narrow: log an enquiry with source ``family`` (asking for an
advisor, or pre-booking an assessment marked "intervention planned") and, when the
person agrees at the intervention, move that enquiry to "assessment booked". Each write
is audited as ``intake.enquiry`` like any other.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from carepath.audit import log as audit
from carepath.audit.models import Action

from .actions_enquiries import OBJECT_TYPE, TRANSITIONS
from .models.enquiries import Enquiry, EnquirySource, EnquiryStageChange, Stage


def _create(ctx, organisation, *, given_name: str, caller_name: str, caller_email: str,
            caller_phone: str, summary: str, next_action: str,
            intervention_planned_for: date | None, submission_key) -> Enquiry:
    if submission_key:
        earlier = Enquiry.objects.filter(submission_key=submission_key).first()
        if earlier is not None:
            return earlier
    now = timezone.now()
    enquiry = Enquiry(
        organisation=organisation, source=EnquirySource.FAMILY, stage=Stage.NEW,
        stage_changed_at=now, created_at=now, created_by=ctx.user,
        submission_key=submission_key or None, given_name=given_name.strip()[:100],
        caller_name=caller_name.strip()[:150], caller_relationship="Supporter (family plan)",
        caller_email=caller_email, caller_phone=caller_phone[:40], summary=summary,
        next_action=next_action[:200], next_action_due=timezone.localdate(),
        intervention_planned_for=intervention_planned_for,
        # The supporter asked us to contact them about this: they typed it and sent it.
        contact_consent_at=now)
    errors = {}
    if not enquiry.given_name:
        errors["given_name"] = ["Enter the name of the person you are worried about."]
    if not (caller_email or caller_phone):
        errors["caller_email"] = ["We need your email address or phone number."]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            enquiry.save()
            EnquiryStageChange.objects.create(
                enquiry=enquiry, from_stage="", to_stage=Stage.NEW, changed_at=now,
                changed_by=ctx.user, note="Logged from a family's intervention plan")
            audit.record(ctx, Action.CREATE, obj=enquiry, object_type=OBJECT_TYPE,
                         details={"source": EnquirySource.FAMILY,
                                  "intervention_planned": intervention_planned_for is not None})
    except IntegrityError:
        if not submission_key:
            raise
        return Enquiry.objects.get(submission_key=submission_key)
    return enquiry


def request_family_advisor(ctx, organisation, *, given_name: str, caller_name: str,
                           caller_email: str, caller_phone: str = "", question: str = "",
                           submission_key=None) -> Enquiry:
    """Ask the intake team for an advisor or interventionist to help plan an intervention."""
    summary = "A family is planning an intervention and asks for a professional to advise."
    if question.strip():
        summary += f"\n\nTheir question: {question.strip()[:1000]}"
    return _create(ctx, organisation, given_name=given_name, caller_name=caller_name,
                   caller_email=caller_email, caller_phone=caller_phone, summary=summary,
                   next_action="Call the family back about intervention advice",
                   intervention_planned_for=None, submission_key=submission_key)


def pre_book_assessment(ctx, organisation, *, given_name: str, caller_name: str,
                        caller_email: str, caller_phone: str = "", intervention_date: date,
                        options: list[str], submission_key=None) -> Enquiry:
    """Pre-book an assessment for the person a family will talk to on ``intervention_date``:
    an enquiry marked "intervention planned", so intake can hold a slot for that week."""
    summary = (f"A family plans an intervention on {intervention_date:%d %B %Y} and hopes the "
               "person will agree to an assessment straight away.")
    if options:
        summary += "\n\nTreatment options they will offer: " + "; ".join(options)
    return _create(ctx, organisation, given_name=given_name, caller_name=caller_name,
                   caller_email=caller_email, caller_phone=caller_phone, summary=summary,
                   next_action="Hold an assessment slot for the week of the intervention",
                   intervention_planned_for=intervention_date, submission_key=submission_key)


def record_intervention_agreed(ctx, enquiry: Enquiry, *, note: str = "") -> Enquiry:
    """The person agreed at the intervention: move the pre-booked enquiry to "assessment
    booked" at once (the seed: if they agree, start treatment straight away) and ask
    intake to confirm a time today. Repeating it changes nothing."""
    with transaction.atomic():
        current = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
        if current.intervention_planned_for is None:
            raise ValidationError({"outcome": ["This enquiry was not pre-booked by a plan."]})
        if current.stage == Stage.ASSESSMENT_BOOKED:
            return current
        if Stage.ASSESSMENT_BOOKED not in TRANSITIONS.get(current.stage, ()):
            raise ValidationError({"outcome": [
                f"The intake team has already moved this enquiry to "
                f"{current.get_stage_display().lower()}; call them to arrange the assessment."]})
        now = timezone.now()
        from_stage = current.stage
        current.stage = Stage.ASSESSMENT_BOOKED
        current.stage_changed_at = now
        current.next_action = "Intervention agreed: confirm the assessment time with the family"
        current.next_action_due = timezone.localdate()
        current.save(update_fields=["stage", "stage_changed_at", "next_action",
                                    "next_action_due"])
        EnquiryStageChange.objects.create(
            enquiry=current, from_stage=from_stage, to_stage=Stage.ASSESSMENT_BOOKED,
            changed_at=now, changed_by=ctx.user,
            note=("The person agreed at the family's intervention. " + note.strip())[:500])
        audit.record(ctx, Action.UPDATE, obj=current, object_type=OBJECT_TYPE,
                     details={"fields": ["stage"], "from_stage": from_stage,
                              "to_stage": Stage.ASSESSMENT_BOOKED,
                              "reason": "intervention_agreed"})
    return current
