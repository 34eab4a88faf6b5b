"""The patient's own sharing choices: grant a supporter a consent, revoke it, turn
encouragement messages on or off. The only writer of supporter consents made in the portal
(staff record other consents through carepath.patients.actions).

Only the patient themselves (``own_record_access``) may act here; a refusal is audited.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from carepath.access import guards
from carepath.access.policy import own_record_access
from carepath.accounts.idempotency import digest_of, run_once
from carepath.accounts.models import AccountType, Organisation, User
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.patients.models import Consent, ConsentRegime

from .models import SharingPreference
from .queries_shared import SHAREABLE

OBJECT_TYPE = "family.sharing"
GRANT_ENDPOINT = "family.sharing.grant"
# Design choice (docs/consented-sharing.md): a consent given in the portal lasts at most
# a year, so it is renewed, and thought about again, at least once a year.
MAX_DAYS = 366
PURPOSE_MAX = 300
DEFAULT_PURPOSE = "To support my recovery"
OWN_CONSENT_ONLY = "counselling_notes"

REFUSED = "Only you can change who you share your information with."


def require_own_record(ctx: audit.Context, patient):
    return guards.require_change(ctx, patient, OBJECT_TYPE,
                                 decision=own_record_access(ctx.user, patient),
                                 message=REFUSED)


def regime_for(organisation) -> str:
    if organisation.country == Organisation.Country.US:
        return ConsentRegime.CFR_PART_2
    return ConsentRegime.UK_GDPR


def find_supporter(email: str) -> User | None:
    """An active supporter account whose address is verified, or None."""
    return (User.objects.filter(email__iexact=email, account_type=AccountType.SUPPORTER,
                                is_active=True,
                                supporter_profile__email_verified_at__isnull=False)
            .order_by("pk").first())


def _validate(*, email, categories, purpose, expires_on, today: date) -> dict:
    """The cleaned fields, or a ValidationError naming each field that is wrong."""
    errors: dict[str, list[str]] = {}
    email = (email or "").strip()
    supporter = None
    if not email:
        errors["email"] = ["Who: enter the email address of the person you want to share "
                           "with. A consent must name who it is for."]
    else:
        supporter = find_supporter(email)
        if supporter is None:
            errors["email"] = [
                f"Who: no CarePath family account uses that address. Ask them to register "
                f"at {reverse('family:register')} and confirm their email address, then try "
                "again."]
    categories = [c for c in SHAREABLE if c in set(categories or [])]
    if not categories:
        errors["categories"] = ["What: choose at least one thing to share. A consent must "
                                "say what it covers."]
    elif OWN_CONSENT_ONLY in categories and len(categories) > 1:
        errors["categories"] = [
            "What: SUD counselling notes can only be shared on a consent of their own "
            "(42 CFR Part 2 keeps them separate). Untick the other choices, or make two "
            "consents."]
    purpose = " ".join(str(purpose or "").split()) or DEFAULT_PURPOSE
    if len(purpose) > PURPOSE_MAX:
        errors["purpose"] = [f"Why: keep it to {PURPOSE_MAX} characters."]
    if not isinstance(expires_on, date):
        errors["expires_on"] = ["Until: enter the date this sharing ends."]
    elif expires_on < today:
        errors["expires_on"] = ["Until: that date has passed. Choose today or a later date."]
    elif expires_on > today + timedelta(days=MAX_DAYS):
        errors["expires_on"] = ["Until: choose a date within a year. You can give a new "
                                "consent when this one ends."]
    if errors:
        raise ValidationError(errors)
    return {"supporter": supporter, "categories": categories, "purpose": purpose,
            "expires_on": expires_on}


def grant(ctx: audit.Context, patient, *, email: str, categories: list[str],
          purpose: str, expires_on: date, today: date) -> Consent:
    """A consent naming the supporter, the categories, the purpose and the expiry; it
    starts today (the organisation's date)."""
    require_own_record(ctx, patient)
    fields = _validate(email=email, categories=categories, purpose=purpose,
                       expires_on=expires_on, today=today)
    supporter = fields["supporter"]
    with transaction.atomic():
        consent = Consent.objects.create(
            patient=patient, regime=regime_for(patient.organisation),
            recipient=supporter.display_name[:200], recipient_user=supporter,
            purpose=fields["purpose"], data_categories=fields["categories"],
            # The access policy counts days on the server's clock: never start later
            # than its today, so a consent given now is in force now.
            starts_on=min(today, timezone.localdate()), expires_on=fields["expires_on"],
            recorded_by=ctx.user)
        audit.record(ctx, Action.CREATE, patient=patient, obj=consent, details={
            "regime": consent.regime, "categories": consent.data_categories,
            "recipient_user": str(supporter.uuid), "by": "patient"})
    return consent


def grant_once(ctx: audit.Context, patient, *, key: str | None, **fields) -> tuple[Consent, bool]:
    """``grant`` once per submission key: a retried form makes one consent."""
    require_own_record(ctx, patient)  # outside run_once's transaction: stays audited
    digest = digest_of({"patient": str(patient.uuid),
                        "email": (fields.get("email") or "").strip().lower(),
                        "categories": sorted(fields.get("categories") or []),
                        "purpose": fields.get("purpose"), "expires_on": fields.get("expires_on")})
    made, earlier = run_once(ctx.user, GRANT_ENDPOINT, key, digest,
                             lambda: grant(ctx, patient, **fields))
    if made is not None:
        return made, True
    return Consent.objects.get(uuid=earlier, patient=patient), False


def supporter_consent(ctx: audit.Context, patient, consent_id) -> Consent:
    """One of this patient's supporter consents. Anyone else's is refused (audited) and
    answered as not found, so nobody learns another person's consents exist."""
    consent = Consent.objects.filter(uuid=consent_id, recipient_user__isnull=False).first()
    if consent is None or consent.patient_id != patient.pk:
        if consent is not None:
            audit.denied(ctx, patient=consent.patient, object_type=OBJECT_TYPE,
                         reason="not_own_consent")
        raise PermissionDenied("No such consent")
    return consent


def revoke(ctx: audit.Context, patient, consent: Consent, *, reason: str = "") -> Consent:
    """Revoke at once: the supporter's next request is refused. Revoking twice changes
    nothing."""
    require_own_record(ctx, patient)
    if consent.patient_id != patient.pk:
        audit.denied(ctx, patient=consent.patient, object_type=OBJECT_TYPE,
                     reason="not_own_consent")
        raise PermissionDenied(REFUSED)
    with transaction.atomic():
        current = Consent.objects.select_for_update().get(pk=consent.pk)
        if current.revoked_at is None:
            current.revoked_at = timezone.now()
            current.revoked_reason = " ".join((reason or "").split())[:300]
            current.save(update_fields=["revoked_at", "revoked_reason"])
            audit.record(ctx, Action.UPDATE, patient=patient, obj=current,
                         details={"revoked": True, "by": "patient"})
    return current


def set_encouragement(ctx: audit.Context, patient, *, on: bool) -> SharingPreference:
    """Let supporters' encouragement messages reach me, or not. Turning it off refuses
    new messages at send time; nothing sent while off is stored."""
    require_own_record(ctx, patient)
    with transaction.atomic():
        pref, _ = SharingPreference.objects.select_for_update().get_or_create(patient=patient)
        if pref.encouragement_on != on:
            pref.encouragement_on = on
            pref.changed_at = timezone.now()
            pref.save(update_fields=["encouragement_on", "changed_at"])
            audit.record(ctx, Action.UPDATE, patient=patient, obj=pref,
                         object_type="family.sharingpreference",
                         details={"encouragement_on": on})
    return pref


def encouragement_on(patient) -> bool:
    """On unless the patient turned it off (no preference row means on)."""
    pref = SharingPreference.objects.filter(patient=patient).only("encouragement_on").first()
    return pref is None or pref.encouragement_on

