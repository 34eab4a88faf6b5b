"""A supporter's encouragement message to the patient: the only writer of
EncouragementMessage.

Sent only under a consent naming "encouragement" and while the patient lets messages reach
them. A refusal is audited (object type family.shared_encouragement, so the patient's
"who saw my information" page lists the attempt) and nothing is stored. No email carries
the text: the patient reads it in the portal.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from carepath.access.policy import supporter_access
from carepath.audit import log as audit
from carepath.audit.models import Action

from .actions_sharing import encouragement_on
from .models import EncouragementMessage

OBJECT_TYPE = "family.shared_encouragement"
TEXT_MAX = 500


class EncouragementRefused(PermissionDenied):
    """Refused, with the gentle words the supporter is shown."""


NO_CONSENT = ("You cannot send messages here at the moment: sharing encouragement has not "
              "been turned on for you, or it has ended.")
TURNED_OFF = ("They have chosen not to receive encouragement messages for now. That is "
              "their choice to make: please try again another time, or in person.")


def may_send(ctx: audit.Context, patient):
    """The consent to rely on, or EncouragementRefused (audited)."""
    decision = supporter_access(ctx.user, patient, "encouragement")
    if not decision:
        audit.denied(ctx, patient=patient, object_type=OBJECT_TYPE, reason=decision.basis)
        raise EncouragementRefused(NO_CONSENT)
    if not encouragement_on(patient):
        audit.denied(ctx, patient=patient, object_type=OBJECT_TYPE,
                     reason="encouragement_turned_off")
        raise EncouragementRefused(TURNED_OFF)
    return decision.consent


def send(ctx: audit.Context, patient, *, text: str,
         key=None) -> tuple[EncouragementMessage, bool]:
    """(message, created). A retry with the same submission key returns the first."""
    consent = may_send(ctx, patient)
    if key and (earlier := _earlier(ctx, patient, key)) is not None:
        return earlier, False
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": ["Message: write a few words first."]})
    if len(text) > TEXT_MAX:
        raise ValidationError({"text": [f"Message: keep it to {TEXT_MAX} characters "
                                        f"(it has {len(text)})."]})
    try:
        with transaction.atomic():
            message = EncouragementMessage.objects.create(
                patient=patient, supporter=ctx.user, consent=consent, text=text,
                submission_key=key or None)
            audit.record(ctx, Action.CREATE, patient=patient, obj=message, details={
                "basis": "supporter_consent", "consent": str(consent.uuid),
                "characters": len(text)})
    except IntegrityError:
        # The same key raced in twice: the other request stored it.
        if key and (earlier := _earlier(ctx, patient, key)) is not None:
            return earlier, False
        raise
    return message, True


def _earlier(ctx, patient, key):
    return EncouragementMessage.objects.filter(submission_key=key, supporter=ctx.user,
                                               patient=patient).first()
