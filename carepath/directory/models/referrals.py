import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from carepath.patients.models import LevelOfCare


class Affiliation(models.TextChoices):
    NONE = "none", "No affiliation"
    FINANCIAL = "financial", "Financial"
    ORGANISATIONAL = "organisational", "Organisational (same group, partnership, shared staff)"
    BOTH = "both", "Financial and organisational"


class ReferralStatus(models.TextChoices):
    SENT = "sent", "Sent"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    ASSESSED = "assessed", "Assessed"
    ADMITTED = "admitted", "Admitted"
    DECLINED = "declined", "Declined"


class Referral(models.Model):
    """An outbound referral to a service, with the record that keeps it honest:
    why this service, any affiliation, and the referrer's word that no fee was paid."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    # Empty for a person who is not (yet) a patient here: the enquiry points at the referral.
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="referrals")
    service = models.ForeignKey("directory.Service", on_delete=models.PROTECT,
                                related_name="referrals")
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    level_of_care = models.CharField(max_length=32, choices=LevelOfCare.choices, blank=True)
    match_reason = models.TextField("why this service was matched")
    affiliation = models.CharField(max_length=16, choices=Affiliation.choices)
    affiliation_details = models.TextField(blank=True)
    no_fee_attested = models.BooleanField("no fee or commission was paid or offered")
    status = models.CharField(max_length=16, choices=ReferralStatus.choices,
                              default=ReferralStatus.SENT)
    sent_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)
    check_due_at = models.DateTimeField()
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    outcome_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["organisation", "status", "check_due_at"],
                                name="referral_org_status_due"),
                   models.Index(fields=["service", "sent_at"], name="referral_service_sent")]


class ReferralStatusChange(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="changes")
    from_status = models.CharField(max_length=16, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=ReferralStatus.choices)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["changed_at", "pk"]


class WaitlistEntry(models.Model):
    """A patient waiting for a place at a service that had none when they were placed."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey("directory.Service", on_delete=models.PROTECT,
                                related_name="waitlist")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT,
                                related_name="waitlist_entries")
    level_of_care = models.CharField(max_length=32, choices=LevelOfCare.choices)
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["added_at", "pk"]
        indexes = [models.Index(fields=["service", "removed_at", "added_at"],
                                name="waitlist_service_open")]
