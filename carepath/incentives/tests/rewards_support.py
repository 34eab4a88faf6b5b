"""Shared test helpers for the ledger: enrol a patient in a schedule in one line.

Other areas' tests import ``enrol`` (screens call reinforce, reports read the ledger)."""

from __future__ import annotations

from decimal import Decimal

from carepath.accounts.models import AccountType, Role, User
from carepath.incentives.models import CMEnrolment, CMSchedule, CMSettings


def staff_of(patient) -> User:
    """Someone who may enrol the patient: a care-team member, else a new clinician."""
    member = patient.care_team.select_related("user").first()
    if member is not None:
        return member.user
    return User.objects.create_user(
        username=f"enroller-{patient.uuid.hex[:8]}", organisation=patient.organisation,
        role=Role.CLINICIAN, account_type=AccountType.STAFF)


def schedule_for(org, kind="vouchers", targets=("negative_screen",), parameters=None,
                 programme=None, name=None) -> CMSchedule:
    return CMSchedule.objects.create(
        organisation=org, programme=programme, name=name or f"Test {kind} schedule",
        kind=kind, parameters=parameters or {}, targets=list(targets))


def enrol(patient, org, kind="vouchers", targets=("negative_screen",), *, parameters=None,
          by=None, schedule=None) -> CMEnrolment:
    """An active enrolment in a new schedule (Higgins or the classic bowl by default).
    Bypasses the enrol action on purpose: a fixture, not the behaviour under test."""
    schedule = schedule or schedule_for(org, kind, targets, parameters)
    return CMEnrolment.objects.create(patient=patient, schedule=schedule,
                                      enrolled_by=by or staff_of(patient))


def set_cap(org, cap, currency="GBP") -> CMSettings:
    settings, _ = CMSettings.objects.get_or_create(organisation=org)
    settings.annual_cap, settings.currency = Decimal(str(cap)), currency
    settings.save()
    return settings


def with_portal_account(patient, make_user):
    """Link a patient portal account to the record."""
    user = make_user("", account_type=AccountType.PATIENT)
    patient.user = user
    patient.save(update_fields=["user"])
    return patient


def earn_negatives(patient, count: int, ctx=None) -> list:
    """``count`` negative screens through reinforce, each from its own (made-up) source."""
    import uuid

    from carepath.conftest import ctx_for
    from carepath.incentives.rewards import reinforce

    ctx = ctx or ctx_for(staff_of(patient))
    return [reinforce(ctx, patient, "negative_screen", uuid.uuid4(), "N")
            for _ in range(count)]
