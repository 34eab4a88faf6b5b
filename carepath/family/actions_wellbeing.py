"""The supporter's well-being check-in: the only writer of WellbeingCheckIn.

Only the supporter themself answers, about themself. A retried form (same submission key)
returns the first check-in. The safety question's answer is deliberately not stored or
audited: it changes what the page shows at once, and a record of "I feel unsafe" in an
account someone else might open could itself put the person at risk.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from carepath.accounts.models import AccountType
from carepath.audit import log as audit
from carepath.audit.models import Action, Outcome

from . import wellbeing
from .models import WellbeingCheckIn

OBJECT_TYPE = "family.wellbeing"
ONLY_SUPPORTERS = "The well-being check-in is for family members and friends."


def _refuse(ctx: audit.Context) -> None:
    audit.record(ctx, Action.CREATE, object_type=OBJECT_TYPE, outcome=Outcome.DENIED,
                 details={"reason": "not_a_supporter"})
    raise PermissionDenied(ONLY_SUPPORTERS)


def record_checkin(ctx: audit.Context, answers: dict, *,
                   submission_key: str | None = None) -> tuple[WellbeingCheckIn, bool]:
    """Store one check-in. Returns (check-in, True), or (the first one, False) for a retry."""
    user = ctx.user
    if user is None or not user.is_authenticated or \
            user.account_type != AccountType.SUPPORTER or not user.is_active:
        _refuse(ctx)
    key = submission_key or None
    if key:
        earlier = WellbeingCheckIn.objects.filter(submission_key=key).first()
        if earlier is not None:
            return _retry(earlier, user)
    errors = {k: ["Choose one answer."] for k in wellbeing.QUESTION_KEYS if k not in answers}
    if errors:
        raise ValidationError(errors)
    try:
        total = wellbeing.total_of(answers)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    try:
        with transaction.atomic():
            checkin = WellbeingCheckIn.objects.create(
                supporter=user, answered_at=timezone.now(), answers=dict(answers),
                total=total, submission_key=key)
            # The answers stay in the row; the audit trail says only that it happened.
            audit.record(ctx, Action.CREATE, obj=checkin, object_type=OBJECT_TYPE)
    except IntegrityError:
        # Two copies of one form raced: the other one won.
        earlier = WellbeingCheckIn.objects.filter(submission_key=key).first() if key else None
        if earlier is None:
            raise
        return _retry(earlier, user)
    return checkin, True


def _retry(earlier: WellbeingCheckIn, user) -> tuple[WellbeingCheckIn, bool]:
    if earlier.supporter_id != user.pk:
        raise ValidationError("This form was already used. Reload the page and try again.")
    return earlier, False


def history(user, limit: int = 20) -> list[WellbeingCheckIn]:
    """The supporter's own recent check-ins, newest first (one query)."""
    return list(WellbeingCheckIn.objects.filter(supporter=user)
                .only("uuid", "answered_at", "total")[:limit])
