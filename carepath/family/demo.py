"""Demo data for families: a few directory services offering family support, the demo
supporter's verified profile, an intervention plan for "Sam" with a team of three, and
the demo patient's consent sharing attendance, milestones, appointments and encouragement with the
supporter. Runs inside the demo load after the other apps; everyone here is invented.
Deterministic for a seed; loading twice adds nothing."""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from carepath.accounts.models import AccountType, User
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.directory.models import Service
from carepath.patients.models import Consent, ConsentRegime, Patient

from .models import (
    Boundary,
    EncouragementMessage,
    InterventionPlan,
    MemberRole,
    PlanMember,
    SharingPreference,
    Statement,
    SupporterProfile,
    TreatmentOption,
)

LOVED_ONE = "Sam"
FAMILY_SUPPORT_SERVICES = 4
CONSENT_CATEGORIES = ["attendance", "milestones", "appointments", "encouragement"]
CONSENT_DAYS = 120  # a few months ahead
# username, first name, role, relationship; the demo supporter chairs the plan.
OTHER_MEMBERS = [("supporter_alex", "Alex", MemberRole.FAMILY, "sister"),
                 ("supporter_jo", "Jo", MemberRole.FRIEND, "friend from college")]


def _uuid(rng) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _mark_family_support(org, rng) -> list[Service]:
    """3-4 active services in the organisation's country that see people as outpatients
    or in aftercare become family-support services (an update by query)."""
    candidates = list(Service.objects.filter(
        Q(offers_outpatient=True) | Q(offers_aftercare=True), active=True,
        country=org.country or "GB").order_by("name", "pk"))
    chosen = rng.sample(candidates, min(FAMILY_SUPPORT_SERVICES, len(candidates)))
    Service.objects.filter(pk__in=[s.pk for s in chosen]).update(offers_family_support=True)
    return chosen


def _verified(user, now) -> None:
    if not user.email:
        user.email = f"{user.username}@demo.carepath.invalid"
        user.save(update_fields=["email"])
    SupporterProfile.objects.update_or_create(user=user, defaults={"email_verified_at": now})


def _member_user(org, username, first, now) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, organisation=org, account_type=AccountType.SUPPORTER,
                    first_name=first, last_name="Demo",
                    email=f"{username}@demo.carepath.invalid")
        user.set_unusable_password()  # a plan member in the story; nobody signs in as them
        user.save()
    _verified(user, now)
    return user


def _plan(org, rng, supporter, consult_service, now) -> InterventionPlan:
    today = timezone.localdate(now)
    plan = InterventionPlan.objects.create(
        uuid=_uuid(rng), organisation=org, created_by=supporter,
        created_at=now - timedelta(days=12), updated_at=now - timedelta(days=2),
        loved_one_name=LOVED_ONE, setting="At home, in the front room, on a weekday evening",
        intervention_date=today + timedelta(days=21), consult_service=consult_service,
        consult_notes="Spoke to the family support line; they suggested a rehearsal first.",
        place="Home", boundaries_changed_at=now - timedelta(days=3))
    chair = PlanMember.objects.create(
        uuid=_uuid(rng), plan=plan, user=supporter, name=supporter.display_name,
        email=supporter.email.lower(), role=MemberRole.FAMILY, relationship="parent",
        is_chair=True, invited_by=supporter, invited_at=now - timedelta(days=12),
        accepted_at=now - timedelta(days=12), speaking_order=1,
        boundaries_agreed_at=now - timedelta(days=2))
    members = [chair]
    for n, (username, first, role, relationship) in enumerate(OTHER_MEMBERS, start=2):
        user = _member_user(org, username, first, now)
        members.append(PlanMember.objects.create(
            uuid=_uuid(rng), plan=plan, user=user, name=user.display_name,
            email=user.email.lower(), role=role, relationship=relationship,
            invited_by=supporter, invited_at=now - timedelta(days=11),
            accepted_at=now - timedelta(days=10), speaking_order=n,
            boundaries_agreed_at=now - timedelta(days=1) if n == 2 else None))
    Statement.objects.create(  # the chair's, shared with the team
        uuid=_uuid(rng), member=chair, updated_at=now - timedelta(days=5),
        shared_at=now - timedelta(days=5),
        behaviours="You have missed Sunday dinners for two months and stopped answering "
                   "your phone in the evenings.",
        impact="I lie awake worrying, and I miss talking to you.",
        care="I love you and I want you to enjoy your football again.",
        request="Will you come with us to an assessment next week?")
    Statement.objects.create(  # Alex's draft, still private to Alex
        uuid=_uuid(rng), member=members[1], updated_at=now - timedelta(days=4),
        behaviours="You cancelled our trip and said you were ill, twice.",
        impact="I felt shut out.", care="You are my favourite person to laugh with.")
    for member, text in ((chair, "I will not give you money while you are using."),
                         (members[1], "I will not cover for you with work or friends.")):
        Boundary.objects.create(uuid=_uuid(rng), plan=plan, member=member, text=text,
                                created_at=now - timedelta(days=3))
    return plan


def _option(plan, org, rng, supporter, now) -> None:
    service = (Service.objects.filter(operated_by=org, offers_outpatient=True, active=True)
               .order_by("name").first()
               or Service.objects.filter(active=True, offers_outpatient=True)
               .order_by("name").first())
    if service is not None:
        TreatmentOption.objects.create(
            uuid=_uuid(rng), plan=plan, service=service, added_by=supporter,
            support_note="We will go with Sam to the first appointment.",
            added_at=now - timedelta(days=6))


def _consent(org, rng, patient, supporter, now) -> Consent:
    today = timezone.localdate(now)
    regime = ConsentRegime.UK_GDPR if (org.country or "GB") == "GB" \
        else ConsentRegime.CFR_PART_2
    consent = Consent.objects.create(
        uuid=_uuid(rng), patient=patient, regime=regime, recipient=supporter.display_name,
        recipient_user=supporter, purpose="So my family can encourage me during treatment",
        data_categories=list(CONSENT_CATEGORIES), starts_on=today - timedelta(days=14),
        expires_on=today + timedelta(days=CONSENT_DAYS), recorded_at=now - timedelta(days=14),
        recorded_by=patient.user)
    SharingPreference.objects.get_or_create(patient=patient)
    EncouragementMessage.objects.create(
        uuid=_uuid(rng), patient=patient, supporter=supporter, consent=consent,
        text="Thinking of you today. Proud of you for keeping going. Love, Morgan",
        sent_at=now - timedelta(days=2))
    return consent


def add_demo_family(org, seed: int) -> None:
    supporter = User.objects.filter(username="supporter", organisation=org,
                                    account_type=AccountType.SUPPORTER).first()
    if supporter is None:
        return
    rng = random.Random(f"family:{seed}")
    now = timezone.now()
    ctx = audit.Context.system("demo data load")
    services = _mark_family_support(org, rng)
    _verified(supporter, now)
    plan = InterventionPlan.objects.filter(created_by=supporter, loved_one_name=LOVED_ONE).first()
    if plan is None:
        plan = _plan(org, rng, supporter, services[0] if services else None, now)
        _option(plan, org, rng, supporter, now)
    patient = Patient.objects.filter(user__username="patient", organisation=org).first()
    if patient is not None and not Consent.objects.filter(patient=patient,
                                                          recipient_user=supporter).exists():
        consent = _consent(org, rng, patient, supporter, now)
        audit.record(ctx, Action.CREATE, patient=patient, obj=consent,
                     details={"demo": True, "recipient_user": supporter.username})
    audit.record(ctx, Action.CREATE, object_type="family.demo",
                 details={"seed": seed, "family_support_services": len(services),
                          "plan": str(plan.uuid)})
