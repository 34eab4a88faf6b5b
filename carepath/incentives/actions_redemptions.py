"""Redemptions: spending earned value on goods, a voucher or a gift card (never cash),
requested by the patient (portal) or by staff for them (chart), approved or refused by
staff. The only writer of Redemption and of the ledger's redeemed entries.

A request is refused, with the amounts, when it is over the balance (less what is already
waiting for approval) or when it would take this year's redemptions past the
organisation's cap. Approval checks both again under the account lock, because the
balance can change between the request and the decision. Retries: a request carries a
submission key (the first request comes back); deciding twice the same way is a no-op.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from carepath.access.guards import require_change
from carepath.access.policy import Decision, patient_access, patient_change_access
from carepath.audit import log as audit
from carepath.audit.models import Action

from . import engine, ledger
from .models import LedgerEntry, LedgerKind, Redemption, RedemptionKind, RedemptionStatus

OBJECT_TYPE = "incentives.redemption"
NEVER_CASH = ("Rewards are never paid as cash: choose goods, a voucher or a gift card.")
NOT_YOURS = "You cannot decide on a redemption you asked for: another member of staff does."
DESCRIPTION_MAX, NOTE_MAX = 200, 300


def _may_request(user, patient) -> Decision:
    """The patient themself, or staff who may change the record."""
    decision = patient_access(user, patient)
    if decision and decision.basis == "own_record":
        return decision
    return patient_change_access(user, patient)


def _amount(value, errors) -> Decimal | None:
    try:
        amount = Decimal(str(value).strip().lstrip("£$"))
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite() or amount <= 0 \
            or amount.as_tuple().exponent < -2 or amount >= Decimal("1000000"):
        errors["amount"] = ["Amount must be more than 0, such as 7.50 (at most two decimal "
                            "places)."]
        return None
    return engine.money(amount)


def _clean(amount, kind, description) -> tuple[Decimal, str, str]:
    errors: dict[str, list[str]] = {}
    amount = _amount(amount, errors)
    kind = (kind or "").strip()
    if kind not in RedemptionKind.values:
        errors["kind"] = [NEVER_CASH if kind.lower() == "cash"
                          else "Choose goods, a voucher or a gift card."]
    description = " ".join((description or "").split())
    if not description:
        errors["description"] = ["Say what it is for, such as “supermarket voucher”."]
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = [f"Keep the description to {DESCRIPTION_MAX} characters "
                                 f"(it has {len(description)})."]
    if errors:
        raise ValidationError(errors)
    return amount, kind, description


def _check_limits(patient, amount, *, pending_other=Decimal("0.00"),
                  asked="You asked for") -> None:
    """Refuse, with the amounts, a redemption over the balance or past the yearly cap."""
    settings = ledger.settings_for(patient.organisation)
    sums = ledger.totals(patient)
    money = lambda v: ledger.money_text(v, settings.currency)  # noqa: E731
    available = sums.balance - pending_other
    if amount > available:
        waiting = (f" and {money(pending_other)} is already waiting for approval"
                   if pending_other else "")
        raise ValidationError({"amount": [
            f"{asked} {money(amount)}; the balance is {money(sums.balance)}{waiting}."]})
    if sums.redeemed_this_year + amount > settings.annual_cap:
        raise ValidationError({"amount": [
            f"{asked} {money(amount)}; the yearly limit is "
            f"{money(settings.annual_cap)} and {money(sums.redeemed_this_year)} has been "
            "redeemed this year."]})


def _pending(patient, exclude=None) -> Decimal:
    rows = Redemption.objects.filter(patient=patient, status=RedemptionStatus.REQUESTED)
    if exclude is not None:
        rows = rows.exclude(pk=exclude.pk)
    return engine.money(rows.aggregate(t=Sum("amount"))["t"] or 0)


def request_redemption(ctx: audit.Context, patient, *, amount, kind, description,
                       submission_key=None) -> tuple[Redemption, bool]:
    """Ask to redeem. Returns (redemption, created); created is False for a retry."""
    require_change(ctx, patient, OBJECT_TYPE, decision=_may_request(ctx.user, patient),
                   message="You cannot ask for a redemption on this record.")
    key = submission_key or None
    if key:
        earlier = Redemption.objects.filter(submission_key=key, patient=patient).first()
        if earlier is not None:
            return earlier, False
    amount, kind, description = _clean(amount, kind, description)
    try:
        with transaction.atomic():
            ledger.lock_account(patient)
            _check_limits(patient, amount, pending_other=_pending(patient))
            made = Redemption.objects.create(
                patient=patient, amount=amount, kind=kind, description=description,
                requested_by=ctx.user, submission_key=key)
            audit.record(ctx, Action.CREATE, patient=patient, obj=made,
                         object_type=OBJECT_TYPE,
                         details={"amount": str(amount), "kind": kind})
    except IntegrityError:
        earlier = Redemption.objects.filter(submission_key=key, patient=patient).first() \
            if key else None
        if earlier is None:
            raise
        return earlier, False
    return made, True


def may_decide(user, redemption) -> bool:
    """Care team and supervisors (and break-glass is not enough: deciding is not urgent)."""
    decision = patient_change_access(user, redemption.patient)
    return bool(decision) and decision.basis in ("care_team", "supervision")


def decide(ctx: audit.Context, redemption: Redemption, *, approve: bool,
           note: str = "") -> Redemption:
    """Approve (writes the redeemed ledger entry) or refuse (a reason is required)."""
    patient = redemption.patient
    decision = patient_change_access(ctx.user, patient)
    if decision and decision.basis not in ("care_team", "supervision"):
        decision = Decision(False, "only_the_care_team_decides")
    require_change(ctx, patient, OBJECT_TYPE, decision=decision)
    if redemption.requested_by_id == getattr(ctx.user, "pk", None):
        audit.denied(ctx, patient=patient, object_type=OBJECT_TYPE, reason="own_request")
        raise PermissionDenied(NOT_YOURS)
    note = " ".join((note or "").split())
    if not approve and len(note) < 3:
        raise ValidationError({"note": ["Say why the redemption is refused: the person "
                                         "sees this reason."]})
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": [f"Keep the reason to {NOTE_MAX} characters."]})
    wanted = RedemptionStatus.APPROVED if approve else RedemptionStatus.REFUSED
    with transaction.atomic():
        enrolment = ledger.lock_account(patient)
        locked = Redemption.objects.select_for_update().get(pk=redemption.pk)
        if locked.status == wanted:
            return locked  # a retried decision changes nothing
        if locked.status != RedemptionStatus.REQUESTED:
            raise ValidationError({"__all__": [
                f"This redemption was already {locked.get_status_display().lower()}."]})
        if approve:
            if enrolment is None:
                raise ValidationError({"__all__": ["This person has never been enrolled, so "
                                                   "there is nothing to redeem."]})
            _check_limits(patient, locked.amount, asked="This redemption is for")
            LedgerEntry.objects.create(
                patient=patient, enrolment=enrolment, kind=LedgerKind.REDEEMED,
                amount=locked.amount, source_uuid=locked.uuid, created_by=ctx.user,
                note=f"{locked.get_kind_display()}: {locked.description}"[:200])
        locked.status, locked.decision_note = wanted, note
        locked.decided_by, locked.decided_at = ctx.user, timezone.now()
        locked.save(update_fields=["status", "decision_note", "decided_by", "decided_at"])
        audit.record(ctx, Action.UPDATE, patient=patient, obj=locked, object_type=OBJECT_TYPE,
                     details={"status": wanted, "amount": str(locked.amount)})
    return locked
