"""Demo enquiries: fifteen across the sources and stages, some overdue, one with no
next action, one risk-flagged callback from the self-check, most assigned to the demo
intake advisor ("intake"), and one that became a demo patient now in treatment.

Deterministic for a seed (names, UUIDs, dates relative to the load). Rows are written
directly so their history can lie in the past; one audit event records the load, as the
other demo loaders do. No urgent email is queued for the demo's risk-flagged callback.
"""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

from django.utils import timezone
from faker import Faker

from carepath.accounts.models import User
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.patients.models import LevelOfCare, Patient

from .models.enquiries import Enquiry, EnquirySource, EnquiryStageChange, Stage

SRC = EnquirySource
# (source, path of stages after "new", hours ago created, assignee, next action,
#  due in days (negative: overdue), outcome reason, summary)
SCENARIOS = [
    (SRC.CALLBACK, [], 2, None, "Call back today: risk flagged by the self-check", 0, "",
     "Callback request from the self-check."),
    (SRC.CALLBACK, [], 30, "intake", "First call back", -1, "",
     "Callback request from the self-check; prefers evenings."),
    (SRC.CALLBACK, [], 5, None, "", None, "", "Callback request from the self-check."),
    (SRC.PHONE, [], 20, "intake", "Call back with assessment times", 1, "",
     "Rang the helpline about stopping; using most weekends."),
    (SRC.PHONE, [Stage.CONTACTED], 120, "intake", "Second call: screening questions", -3, "",
     "Wants help before starting a new job."),
    (SRC.FAMILY, [Stage.CONTACTED], 96, "intake", "Call the person directly, with consent", 2,
     "", "Mother worried about daily use and bladder pain."),
    (SRC.FAMILY, [Stage.CONTACTED], 72, "supervisor", "Send the family guidance pages", 0, "",
     "Partner calling; the person has agreed to talk."),
    (SRC.PROFESSIONAL, [Stage.CONTACTED, Stage.SCREENED], 200, "intake",
     "Book the comprehensive assessment", -2, "", "GP referral after urology appointment."),
    (SRC.PROFESSIONAL, [Stage.CONTACTED, Stage.SCREENED], 150, None,
     "Confirm funding route", 5, "", "University wellbeing service referral."),
    (SRC.PHONE, [Stage.CONTACTED, Stage.NURTURE], 400, "intake", "Check in", 14,
     "Not ready to start treatment yet", "Curious about options; not ready to commit."),
    (SRC.FAMILY, [Stage.CONTACTED, Stage.NURTURE], 500, "intake", "Check in with the family",
     30, "Waiting until after exams", "Brother calling on behalf of a student."),
    (SRC.PHONE, [Stage.CONTACTED, Stage.NOT_PROCEEDING], 600, "intake", "", None,
     "Decided to use a private clinic", "Asked about residential costs."),
    (SRC.PROFESSIONAL, [Stage.CONTACTED, Stage.SCREENED, Stage.REFERRED_ELSEWHERE], 700,
     "intake", "", None, "Referred to a service nearer home",
     "Community team referral; lives outside our area."),
    (SRC.CALLBACK, [Stage.NOT_PROCEEDING], 300, "intake", "", None,
     "Could not reach after three attempts", "Callback request from the self-check."),
    (SRC.PHONE, [Stage.CONTACTED, Stage.SCREENED, Stage.ASSESSMENT_BOOKED, Stage.ADMITTED],
     900, "intake", "", None, "", "Self-referral; now in treatment."),
]


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def add_demo_enquiries(org, seed):
    rng = random.Random(f"enquiries:{seed}")
    fake = Faker("en_GB")
    fake.seed_instance(seed + 404)
    staff = {u.username: u for u in User.objects.filter(
        organisation=org, username__in=["intake", "supervisor"])}
    advisor = staff.get("intake")
    now = timezone.now()
    today = timezone.localdate()
    # The admitted enquiry became a demo patient who is now in treatment.
    admitted_patient = (Patient.objects.filter(organisation=org, episodes__closed_at__isnull=True)
                        .exclude(episodes__level_of_care=LevelOfCare.ASSESSMENT)
                        .order_by("mrn").first())
    made = []
    for n, (source, path, hours, assignee, action, due, outcome, summary) in enumerate(SCENARIOS):
        created = now - timedelta(hours=hours)
        given, family = fake.first_name(), fake.last_name()
        patient = admitted_patient if Stage.ADMITTED in path else None
        if patient is not None:
            given, family = patient.legal_given_name, patient.legal_family_name
        enquiry = Enquiry(
            uuid=_uuid(rng), organisation=org, source=source, created_at=created,
            created_by=None if source == SRC.CALLBACK else advisor,
            given_name=given, family_name=family,
            phone=f"07700 900{rng.randrange(1000):03d}" if n % 4 != 3 else "",
            email=f"{given.lower()}.{family.lower()}@example.org" if n % 3 == 0 or n % 4 == 3
            else "",
            postcode=rng.choice(["M1 2AB", "M14 5RT", "SK4 1AA", "OL1 3BQ", "WA14 2DT"]),
            best_time=rng.choice(["", "Evenings", "Weekday mornings", "After 6pm"]),
            contact_consent_at=created if source == SRC.CALLBACK else None,
            summary=summary, risk_flagged=n == 0, patient=patient,
            assigned_to=staff.get(assignee) if assignee else None,
            next_action=action,
            next_action_due=today + timedelta(days=due) if due is not None else None,
            outcome_reason=outcome)
        if source == SRC.FAMILY:
            enquiry.caller_name = f"{fake.first_name()} {family}"
            enquiry.caller_relationship = "mother" if n == 5 else "partner" if n == 6 else "brother"
            enquiry.caller_phone = f"07700 901{rng.randrange(1000):03d}"
        if source == SRC.PROFESSIONAL:
            enquiry.referrer_organisation = rng.choice(
                ["Northside GP practice", "Eastgate Medical Centre", "Community mental health team",
                 "University wellbeing service"])
        if n == 0:
            enquiry.selfcheck_summary = {
                "result": "Answers suggest ketamine use is causing harm (not a diagnosis)",
                "bladder_warning_signs": True, "risk_answer_given": True,
                "crisis_lines_shown": True}
        changes = [EnquiryStageChange(from_stage="", to_stage=Stage.NEW, changed_at=created,
                                      changed_by=enquiry.created_by, note="Enquiry logged")]
        previous, moment = Stage.NEW, created
        for step, stage in enumerate(path, start=1):
            moment = created + (now - created) * step / (len(path) + 1)
            is_last = step == len(path)
            changes.append(EnquiryStageChange(
                from_stage=previous, to_stage=stage, changed_at=moment, changed_by=advisor,
                outcome_reason=outcome if is_last else ""))
            previous = stage
        enquiry.stage, enquiry.stage_changed_at = previous, moment
        enquiry.save()
        for change in changes:
            change.enquiry = enquiry
        EnquiryStageChange.objects.bulk_create(changes)
        made.append(enquiry)
    audit.record(audit.Context.system("demo data load"), Action.CREATE,
                 object_type="intake.enquiry", details={"demo_enquiries": len(made),
                                                        "seed": seed})
    return made
