"""Redemptions: refused with the amounts over the balance or the cap; approval writes the
ledger; refusal needs a reason; retries never duplicate; never cash; four eyes."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from carepath.audit.models import AuditEvent, Outcome
from carepath.conftest import ctx_for
from carepath.incentives import ledger
from carepath.incentives.actions_redemptions import decide, request_redemption
from carepath.incentives.models import LedgerEntry, LedgerKind, Redemption, RedemptionStatus

from .rewards_support import earn_negatives, enrol, set_cap, with_portal_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(patient, org, make_user):
    """A patient with a portal account who has earned 2.50 + 3.75 = 6.25."""
    enrol(patient, org)
    with_portal_account(patient, make_user)
    earn_negatives(patient, 2)
    return patient


def _ask(patient, amount, user=None, **kwargs):
    values = {"kind": "voucher", "description": "Supermarket voucher", **kwargs}
    return request_redemption(ctx_for(user or patient.user), patient, amount=amount, **values)


def test_a_redemption_over_the_balance_is_refused_with_the_amounts(me):
    with pytest.raises(ValidationError) as refused:
        _ask(me, "12.00")
    assert refused.value.message_dict["amount"] == [
        "You asked for £12.00; the balance is £6.25."]
    assert not Redemption.objects.exists()


def test_a_redemption_over_the_yearly_cap_is_refused_with_the_amounts(me, org, clinician):
    set_cap(org, 10)
    # Earned last year and not yet spent: the balance can pass this year's cap.
    LedgerEntry.objects.create(
        patient=me, enrolment=me.cm_enrolments.get(), kind=LedgerKind.EARNED,
        amount=Decimal("8.00"), target="negative_screen", result="N",
        source_uuid=uuid.uuid4(), created_at=timezone.now() - timedelta(days=366))
    made, _ = _ask(me, "5.00")
    decide(ctx_for(clinician), made, approve=True)
    assert ledger.totals(me).balance == Decimal("9.25")
    with pytest.raises(ValidationError) as refused:
        _ask(me, "6.00")
    assert refused.value.message_dict["amount"] == [
        "You asked for £6.00; the yearly limit is £10.00 and £5.00 has been redeemed this year."]


def test_approval_writes_the_ledger_entry_and_the_balance_drops(me, clinician):
    made, created = _ask(me, "5.00")
    assert created and made.status == RedemptionStatus.REQUESTED
    assert ledger.totals(me).balance == Decimal("6.25")  # a request moves nothing yet
    decided = decide(ctx_for(clinician), made, approve=True)
    assert decided.status == RedemptionStatus.APPROVED and decided.decided_by == clinician
    entry = LedgerEntry.objects.get(patient=me, kind=LedgerKind.REDEEMED)
    assert entry.amount == Decimal("5.00") and entry.source_uuid == made.uuid
    assert ledger.totals(me).balance == Decimal("1.25")
    assert decide(ctx_for(clinician), made, approve=True).status == RedemptionStatus.APPROVED
    assert LedgerEntry.objects.filter(kind=LedgerKind.REDEEMED).count() == 1  # retry-safe


def test_approval_checks_the_balance_again(me, clinician):
    first, _ = _ask(me, "5.00")
    second, _ = _ask(me, "1.25")
    decide(ctx_for(clinician), first, approve=True)
    # Both fit when asked (5.00 + 1.25 = 6.25); a third would not, and says so.
    with pytest.raises(ValidationError) as refused:
        _ask(me, "1.00")
    assert "£1.25 is already waiting for approval" in str(refused.value)
    decide(ctx_for(clinician), second, approve=True)
    assert ledger.totals(me).balance == Decimal("0.00")


def test_refusal_needs_a_reason_and_writes_nothing(me, clinician):
    made, _ = _ask(me, "5.00")
    with pytest.raises(ValidationError) as refused:
        decide(ctx_for(clinician), made, approve=False, note="")
    assert "note" in refused.value.message_dict
    decided = decide(ctx_for(clinician), made, approve=False, note="Shop closed this week")
    assert decided.status == RedemptionStatus.REFUSED
    assert not LedgerEntry.objects.filter(kind=LedgerKind.REDEEMED).exists()


def test_a_retried_request_with_the_same_key_makes_one_redemption(me):
    key = uuid.uuid4()
    first, created = _ask(me, "2.00", submission_key=key)
    again, created_again = _ask(me, "2.00", submission_key=key)
    assert created and not created_again and first.pk == again.pk
    assert Redemption.objects.count() == 1


def test_cash_is_never_a_kind_of_redemption(me):
    with pytest.raises(ValidationError) as refused:
        _ask(me, "2.00", kind="cash")
    assert "never paid as cash" in refused.value.message_dict["kind"][0]


def test_staff_cannot_approve_a_redemption_they_asked_for(me, clinician, supervisor):
    made, _ = _ask(me, "2.00", user=clinician)
    with pytest.raises(PermissionDenied):
        decide(ctx_for(clinician), made, approve=True)
    assert decide(ctx_for(supervisor), made, approve=True).status == RedemptionStatus.APPROVED


def test_another_patient_cannot_request_or_decide_on_this_ledger(me, make_patient, make_user):
    other = with_portal_account(make_patient(legal_given_name="Sam"), make_user)
    with pytest.raises(PermissionDenied):
        _ask(me, "2.00", user=other.user)
    made, _ = _ask(me, "2.00")
    with pytest.raises(PermissionDenied):
        decide(ctx_for(other.user), made, approve=True)
    with pytest.raises(PermissionDenied):
        decide(ctx_for(me.user), made, approve=True)  # nor the patient themself
    assert AuditEvent.objects.filter(outcome=Outcome.DENIED, patient_uuid=me.uuid,
                                     object_type="incentives.redemption").count() == 3
