import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class EnquirySource(models.TextChoices):
    CALLBACK = "callback", "Web callback request"
    PHONE = "phone", "Phone call"
    FAMILY = "family", "Family member or friend"
    PROFESSIONAL = "professional", "Professional referral"


class Stage(models.TextChoices):
    NEW = "new", "New"
    CONTACTED = "contacted", "Contacted"
    SCREENED = "screened", "Screened"
    ASSESSMENT_BOOKED = "assessment_booked", "Assessment booked"
    ADMITTED = "admitted", "Admitted"
    REFERRED_ELSEWHERE = "referred_elsewhere", "Referred elsewhere"
    NOT_PROCEEDING = "not_proceeding", "Not proceeding"
    NURTURE = "nurture", "Nurture"


CLOSED_STAGES = frozenset({Stage.ADMITTED, Stage.REFERRED_ELSEWHERE, Stage.NOT_PROCEEDING})


class PreferredContact(models.TextChoices):
    PHONE = "phone", "Phone call"
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"


class Enquiry(models.Model):
    """Someone who asked for help, before (or instead of) becoming a patient.

    Special-category data: every read and write is audited like a record."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    source = models.CharField(max_length=16, choices=EnquirySource.choices)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.NEW)
    stage_changed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    # A web form's one-time key: a retried submission finds the first enquiry.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    # The person who needs help.
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    preferred_contact = models.CharField(max_length=8, choices=PreferredContact.choices,
                                         default=PreferredContact.PHONE)
    best_time = models.CharField("best time to contact", max_length=100, blank=True)
    postcode = models.CharField("postcode or ZIP", max_length=20, blank=True)
    contact_consent_at = models.DateTimeField(
        null=True, blank=True, help_text="When the person agreed that CarePath may store "
        "their contact details to call back.")

    # Someone calling on the person's behalf (family, friend, professional).
    caller_name = models.CharField(max_length=150, blank=True)
    caller_relationship = models.CharField(max_length=60, blank=True)
    caller_phone = models.CharField(max_length=40, blank=True)
    caller_email = models.EmailField(blank=True)
    referrer_organisation = models.CharField(max_length=200, blank=True)

    summary = models.TextField("what they told us", blank=True)
    selfcheck_summary = models.JSONField(default=dict, blank=True)
    risk_flagged = models.BooleanField(default=False)

    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    next_action = models.CharField(max_length=200, blank=True)
    next_action_due = models.DateField(null=True, blank=True)
    outcome_reason = models.CharField(max_length=300, blank=True)

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="enquiries")
    referral = models.OneToOneField("directory.Referral", on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="enquiry")
    # Made by a family's staged-intervention plan (carepath.family): the assessment is
    # pre-booked for the person the family will talk to on this date.
    intervention_planned_for = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "stage", "next_action_due"],
                                name="enquiry_org_stage_due"),
                   models.Index(fields=["organisation", "created_at"],
                                name="enquiry_org_created")]

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def is_closed(self) -> bool:
        return self.stage in CLOSED_STAGES


class EnquiryStageChange(models.Model):
    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="changes")
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    note = models.CharField(max_length=500, blank=True)
    outcome_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["changed_at", "pk"]


class EnquiryNotification(models.Model):
    """One urgent message about a risk-flagged callback to one person at one stage
    (raised, escalated): unique, so a task that runs twice tells nobody twice."""

    class Stage(models.TextChoices):
        RAISED = "raised", "Raised"
        ESCALATED = "escalated", "Escalated"

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="notifications")
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.RAISED)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enquiry", "stage", "recipient"],
                                               name="one_enquiry_notice_per_person")]
