"""The synthetic demo organisation and population generator.

Deterministic for a seed (names, dates, identifiers, UUIDs); large populations
are bulk-inserted for benchmarks. Every person here is invented.
"""

from __future__ import annotations

import base64
import hashlib
import random
import uuid
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from faker import Faker

from carepath.accounts.models import AccountType, Organisation, Role, User
from carepath.audit import log as audit
from carepath.audit.models import Action

from .identifiers import nhs_check_digit
from .models import (
    CareTeamMember,
    CareTeamRole,
    EpisodeOfCare,
    LevelOfCare,
    LevelOfCareChange,
    Patient,
    SexAtBirth,
)

DEMO_ORGANISATION = "Northbridge Recovery Service (demo)"
DEMO_PASSWORD = "carepath-demo-2026"  # noqa: S105 (public by design; demo mode only)

# username, role, first name, last name, supervisor's username
DEMO_STAFF = [
    ("admin", Role.ADMINISTRATOR, "Ada", "Admin", None),
    ("supervisor", Role.SUPERVISOR, "Sam", "Okafor", None),
    ("supervisor2", Role.SUPERVISOR, "Priya", "Shah", None),
    ("clinician", Role.CLINICIAN, "Chris", "Morgan", "supervisor"),
    ("clinician2", Role.CLINICIAN, "Jordan", "Lee", "supervisor"),
    ("nurse", Role.NURSE, "Nadia", "Hughes", "supervisor2"),
    ("prescriber", Role.PRESCRIBER, "Dr Pat", "Ellis", "supervisor2"),
    ("intake", Role.INTAKE_ADVISOR, "Ines", "Walker", "supervisor"),
    ("analyst", Role.ANALYST, "Andy", "Reid", None),
]
CARE_ROLE = {Role.CLINICIAN: CareTeamRole.KEY_WORKER, Role.NURSE: CareTeamRole.NURSE,
             Role.PRESCRIBER: CareTeamRole.PRESCRIBER}
LEVELS = [LevelOfCare.ASSESSMENT, LevelOfCare.WITHDRAWAL, LevelOfCare.RESIDENTIAL,
          LevelOfCare.INTENSIVE_OUTPATIENT, LevelOfCare.OUTPATIENT, LevelOfCare.AFTERCARE]
REASONS = ["Self-referral after a helpline call", "GP referral: ketamine use and bladder pain",
           "Family concern about daily ketamine use", "Referred by university wellbeing service",
           "Urology referral: ketamine uropathy", "Returning after a lapse"]


def totp_key(seed: int, username: str) -> bytes:
    return hashlib.sha256(f"carepath-demo:{seed}:{username}".encode()).digest()[:20]


def totp_secret(seed: int, username: str) -> str:
    return base64.b32encode(totp_key(seed, username)).decode()


def synthetic_nhs_number(rng: random.Random) -> str:
    # 999 numbers are reserved for testing and never issued to real people.
    while True:
        first_nine = "999" + f"{rng.randrange(10**6):06d}"
        check = nhs_check_digit(first_nine)
        if check is not None:
            return first_nine + str(check)


def demo_loaded() -> bool:
    return Organisation.objects.filter(name=DEMO_ORGANISATION).exists()


def credentials(seed: int) -> list[dict]:
    people = [(u, r.value) for u, r, *_ in DEMO_STAFF] + [("patient", "patient"),
                                                          ("supporter", "supporter")]
    return [{"username": u, "password": DEMO_PASSWORD, "role": r,
             "totp_secret": totp_secret(seed, u) if r not in ("patient", "supporter") else None}
            for u, r in people]


def _user(org, username, seed, *, role="", account_type=AccountType.STAFF, first="", last="",
          supervisor=None) -> User:
    user = User(username=username, organisation=org, role=role, account_type=account_type,
                first_name=first, last_name=last, supervisor=supervisor,
                email=f"{username}@demo.carepath.invalid",
                is_staff=(role == Role.ADMINISTRATOR), is_superuser=(role == Role.ADMINISTRATOR))
    user.set_password(DEMO_PASSWORD)
    user.save()
    if account_type == AccountType.STAFF:
        TOTPDevice.objects.create(user=user, name="Demo authenticator", confirmed=True,
                                  key=totp_key(seed, username).hex())
    return user


# Callables (organisation, seed) that apps downstream of patients register in their
# AppConfig.ready(), so the demo shows their features without patients importing them.
EXTENSIONS: list = []


@transaction.atomic
def create_demo(seed: int = 2026, patients: int = 60, progress=None) -> Organisation:
    org = Organisation.objects.create(name=DEMO_ORGANISATION, country="GB",
                                      time_zone=settings.TIME_ZONE, mrn_prefix="NB")
    staff: dict[str, User] = {}
    for username, role, first, last, supervisor in DEMO_STAFF:
        staff[username] = _user(org, username, seed, role=role, first=first, last=last,
                                supervisor=staff.get(supervisor))
    patient_user = _user(org, "patient", seed, account_type=AccountType.PATIENT,
                         first="Riley", last="Demo")
    _user(org, "supporter", seed, account_type=AccountType.SUPPORTER, first="Morgan", last="Demo")
    care_staff = [staff[u] for u in ("clinician", "clinician2", "nurse", "prescriber")]
    generate_population(org, patients, seed=seed, care_staff=care_staff, progress=progress)
    linked = Patient.objects.filter(organisation=org).order_by("mrn").first()
    linked.user = patient_user
    linked.save(update_fields=["user"])
    for extend in EXTENSIONS:  # later apps add their own demo data (measures, ...)
        extend(org, seed)
    audit.record(audit.Context.system("demo data load"), Action.CREATE,
                 object_type="demo_population", details={"patients": patients, "seed": seed})
    return org


def generate_population(org, count: int, *, seed: int, care_staff: list[User], progress=None,
                        batch: int = 2000) -> None:
    """Bulk-insert ``count`` synthetic patients with care teams and episodes."""
    rng = random.Random(seed)
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    first_mrn = org.next_mrn
    Organisation.objects.filter(pk=org.pk).update(next_mrn=first_mrn + count)
    org.next_mrn = first_mrn + count
    now = timezone.now()
    today = date.today()
    done = 0
    while done < count:
        size = min(batch, count - done)
        patients, teams, episodes, levels = [], [], [], []
        for i in range(done, done + size):
            sex = rng.choice([SexAtBirth.FEMALE, SexAtBirth.MALE])
            given = fake.first_name_female() if sex == SexAtBirth.FEMALE else fake.first_name_male()
            patients.append(Patient(
                uuid=uuid.UUID(int=rng.getrandbits(128), version=4), organisation=org,
                mrn=f"{org.mrn_prefix}{first_mrn + i:07d}", legal_given_name=given,
                legal_family_name=fake.last_name(),
                date_of_birth=today - timedelta(days=rng.randint(18 * 365, 45 * 365)),
                sex_at_birth=sex, phone=f"07700 900{rng.randrange(1000):03d}",
                town=fake.city(), postcode=fake.postcode(),
                nhs_number=synthetic_nhs_number(rng) if rng.random() < 0.8 else "",
                emergency_contact_name=fake.name(), emergency_contact_relationship="Friend",
                emergency_contact_phone=f"07700 900{rng.randrange(1000):03d}",
                created_at=now, updated_at=now))
        Patient.objects.bulk_create(patients)
        saved = {p.uuid: p.pk for p in Patient.objects.filter(
            uuid__in=[p.uuid for p in patients]).only("pk", "uuid")}
        for index, p in enumerate(patients):
            p.pk = saved[p.uuid]
            lead = care_staff[(done + index) % 2]  # alternate the two clinicians
            teams.append(CareTeamMember(patient=p, user=lead, role=CARE_ROLE[lead.role]))
            extra = care_staff[2 + rng.randrange(2)]
            if rng.random() < 0.5:
                teams.append(CareTeamMember(patient=p, user=extra, role=CARE_ROLE[extra.role]))
            level = rng.choice(LEVELS)
            opened = now - timedelta(days=rng.randint(1, 300))
            closed = rng.random() < 0.15
            episodes.append(EpisodeOfCare(
                uuid=uuid.UUID(int=rng.getrandbits(128), version=4), patient=p, opened_at=opened,
                reason=rng.choice(REASONS), level_of_care=level,
                closed_at=opened + timedelta(days=30) if closed else None,
                closed_reason="Completed programme" if closed else ""))
        CareTeamMember.objects.bulk_create(teams)
        EpisodeOfCare.objects.bulk_create(episodes)
        ids = dict(EpisodeOfCare.objects.filter(uuid__in=[e.uuid for e in episodes])
                   .values_list("uuid", "pk"))
        for e in episodes:
            levels.append(LevelOfCareChange(episode_id=ids[e.uuid], level_of_care=e.level_of_care,
                                            changed_at=e.opened_at, reason="Episode opened"))
        LevelOfCareChange.objects.bulk_create(levels)
        done += size
        if progress:
            progress(size)
