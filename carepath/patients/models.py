"""The patient record: identity, contacts, care team, episodes of care, consents.

Models hold tables and small invariants only; every change goes through
``patients.actions`` so it is permission-checked and audited.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from carepath.accounts.models import Organisation

from .identifiers import validate_nhs_number, validate_not_in_future


class SexAtBirth(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    INTERSEX = "intersex", "Intersex"
    UNKNOWN = "unknown", "Not known"
    NOT_STATED = "not_stated", "Prefer not to say"


class LevelOfCare(models.TextChoices):
    ASSESSMENT = "assessment", "Assessment"
    WITHDRAWAL = "withdrawal", "Supervised withdrawal"
    RESIDENTIAL = "residential", "Residential"
    INTENSIVE_OUTPATIENT = "intensive_outpatient", "Intensive outpatient"
    OUTPATIENT = "outpatient", "Outpatient"
    AFTERCARE = "aftercare", "Aftercare"


class Patient(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    mrn = models.CharField("MRN", max_length=20, editable=False)
    legal_given_name = models.CharField("legal given name", max_length=100)
    legal_family_name = models.CharField("legal family name", max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    pronouns = models.CharField(max_length=40, blank=True)
    date_of_birth = models.DateField(validators=[validate_not_in_future])
    sex_at_birth = models.CharField(max_length=16, choices=SexAtBirth.choices,
                                    default=SexAtBirth.NOT_STATED)
    gender_identity = models.CharField(max_length=60, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    address_line1 = models.CharField("address", max_length=200, blank=True)
    address_line2 = models.CharField("address line 2", max_length=200, blank=True)
    town = models.CharField("town or city", max_length=100, blank=True)
    postcode = models.CharField("postcode or ZIP", max_length=20, blank=True)
    preferred_language = models.CharField(max_length=60, blank=True, default="English")
    emergency_contact_name = models.CharField(max_length=150, blank=True)
    emergency_contact_relationship = models.CharField(max_length=60, blank=True)
    emergency_contact_phone = models.CharField(max_length=40, blank=True)
    nhs_number = models.CharField("NHS number", max_length=10, blank=True,
                                  validators=[validate_nhs_number])
    us_mrn = models.CharField("US MRN", max_length=40, blank=True)
    insurance_id = models.CharField("insurance ID", max_length=60, blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="patient_record")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "mrn"], name="unique_mrn_per_org"),
        ]
        indexes = [
            models.Index(fields=["organisation", "legal_family_name", "legal_given_name"]),
            models.Index(fields=["organisation", "date_of_birth"]),
        ]

    @property
    def display_name(self) -> str:
        given = self.preferred_name or self.legal_given_name
        return f"{given} {self.legal_family_name}"

    @property
    def legal_name(self) -> str:
        return f"{self.legal_given_name} {self.legal_family_name}"

    def __str__(self):
        return f"{self.display_name} ({self.mrn})"


class CareTeamRole(models.TextChoices):
    KEY_WORKER = "key_worker", "Key worker"
    THERAPIST = "therapist", "Therapist"
    NURSE = "nurse", "Nurse"
    PRESCRIBER = "prescriber", "Prescriber"
    INTAKE = "intake", "Intake advisor"
    SUPERVISOR = "supervisor", "Supervising clinician"


class CareTeamMember(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="care_team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="care_team_memberships")
    role = models.CharField(max_length=20, choices=CareTeamRole.choices)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patient", "user"], name="one_membership_per_user"),
        ]
        indexes = [models.Index(fields=["user", "patient"])]

    def __str__(self):
        return f"{self.user} as {self.get_role_display()}"


class EpisodeOfCare(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="episodes")
    opened_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField("reason for referral", max_length=300)
    level_of_care = models.CharField(max_length=32, choices=LevelOfCare.choices)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.CharField(max_length=300, blank=True)
    # A readmission links to the episode it follows, so the history reads as one story.
    previous_episode = models.OneToOneField("self", on_delete=models.PROTECT, null=True,
                                            blank=True, related_name="readmission")

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["patient", "opened_at"])]

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def __str__(self):
        return f"Episode from {self.opened_at:%Y-%m-%d} ({self.get_level_of_care_display()})"


class LevelOfCareChange(models.Model):
    """The history of an episode's level of care; the newest row is current."""

    episode = models.ForeignKey(EpisodeOfCare, on_delete=models.CASCADE, related_name="levels")
    level_of_care = models.CharField(max_length=32, choices=LevelOfCare.choices)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, related_name="+")
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["changed_at", "pk"]


class ConsentRegime(models.TextChoices):
    CFR_PART_2 = "42cfr2", "42 CFR Part 2 (US)"
    UK_GDPR = "uk_gdpr", "UK GDPR special-category data"


CONSENT_DATA_CATEGORIES = [
    ("attendance", "Attendance"),
    ("appointments", "Upcoming appointments"),
    ("milestones", "Recovery milestones"),
    ("encouragement", "Encouragement messages"),
    ("treatment_progress", "Treatment progress"),
    ("diagnosis", "Diagnosis"),
    ("measures", "Questionnaire scores"),
    ("drug_screens", "Drug-screen results"),
    ("medication", "Medication"),
    ("clinical_notes", "Clinical notes"),
    ("counselling_notes", "SUD counselling notes (Part 2; only on a consent of their own)"),
    ("discharge", "Discharge summary"),
]

# What a supporter (family member or friend) may be shown, with the patient's consent.
# Clinical notes and measures are offered but never chosen for the patient by default.
SUPPORTER_CATEGORIES = ["attendance", "milestones", "appointments", "encouragement",
                        "clinical_notes", "measures"]


class Consent(models.Model):
    """A patient's consent to disclose named data to a named recipient for a purpose."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="consents")
    regime = models.CharField(max_length=10, choices=ConsentRegime.choices)
    recipient = models.CharField(max_length=200, help_text="Name of the person or organisation.")
    # A supporter's account when the recipient is a family member or friend using CarePath:
    # what they may see is decided from this consent (carepath.access.policy).
    recipient_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                       null=True, blank=True, related_name="consents_received")
    purpose = models.CharField(max_length=300)
    data_categories = models.JSONField(default=list)
    starts_on = models.DateField()
    expires_on = models.DateField()
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-recorded_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(expires_on__gte=models.F("starts_on")),
                                   name="consent_expires_after_start"),
        ]

    def is_active(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.revoked_at is None and self.starts_on <= on <= self.expires_on

    def category_labels(self) -> list[str]:
        labels = dict(CONSENT_DATA_CATEGORIES)
        return [labels.get(c, c) for c in self.data_categories]
