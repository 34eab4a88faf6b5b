"""Contingency management: schedules as data per programme, who is enrolled, the ledger
(earned and redeemed; never cash) and redemptions with staff approval, and the
organisation's annual cap per patient."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class ScheduleKind(models.TextChoices):
    VOUCHERS = "vouchers", "Escalating vouchers"
    FISHBOWL = "fishbowl", "Prize draws (fishbowl)"


class Target(models.TextChoices):
    NEGATIVE_SCREEN = "negative_screen", "Negative drug screen"
    ATTENDANCE = "attendance", "Attending a session"
    CHECKIN_STREAK = "checkin_streak", "A streak of daily check-ins"


class CMSettings(models.Model):
    """The organisation's rules for every schedule: currency and the annual cap per patient
    (e.g. 75 under US OIG nominal-value guidance, 750 for SAMHSA-funded CM; CLINICAL.md §5)."""

    organisation = models.OneToOneField("accounts.Organisation", on_delete=models.CASCADE,
                                        related_name="cm_settings")
    currency = models.CharField(max_length=3, default="GBP")
    annual_cap = models.DecimalField(max_digits=8, decimal_places=2, default=750)


class CMSchedule(models.Model):
    """A programme's reinforcement schedule. ``parameters`` are validated by
    carepath.incentives.schedules (the engine's VoucherParams / FishbowlParams)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    programme = models.ForeignKey("treatment.Programme", on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="cm_schedules")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=ScheduleKind.choices)
    parameters = models.JSONField(default=dict, blank=True)
    targets = models.JSONField(default=list, help_text="Target values that earn a reward.")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class CMEnrolment(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT,
                                related_name="cm_enrolments")
    schedule = models.ForeignKey(CMSchedule, on_delete=models.PROTECT, related_name="enrolments")
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)
    enrolled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["-started_on", "-pk"]


class LedgerKind(models.TextChoices):
    EARNED = "earned", "Earned"
    REDEEMED = "redeemed", "Redeemed"


class LedgerEntry(models.Model):
    """One movement on a patient's CM account. An earning names what earned it (a screen,
    an attendance or a check-in streak) and is unique per source, so recording or
    re-running never pays twice; a redemption names its Redemption. Never edited."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT,
                                related_name="ledger_entries")
    enrolment = models.ForeignKey(CMEnrolment, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=8, choices=LedgerKind.choices)
    amount = models.DecimalField(max_digits=8, decimal_places=2)  # always >= 0
    target = models.CharField(max_length=16, choices=Target.choices, blank=True)
    result = models.CharField(max_length=1, blank=True)  # N, P or M (engine.RESULTS)
    source_uuid = models.UUIDField(null=True, blank=True)
    draws = models.JSONField(default=list, blank=True)  # fishbowl: [{value, label}]
    capped = models.BooleanField(default=False)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "target", "source_uuid"],
                                    condition=models.Q(kind="earned"),
                                    name="one_earning_per_source"),
            models.CheckConstraint(condition=models.Q(amount__gte=0),
                                   name="ledger_amount_not_negative"),
        ]
        indexes = [models.Index(fields=["patient", "created_at"], name="ledger_patient_time")]


class RedemptionKind(models.TextChoices):
    GOODS = "goods", "Goods"
    VOUCHER = "voucher", "Voucher"
    GIFT_CARD = "gift_card", "Gift card"


class RedemptionStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"


class Redemption(models.Model):
    """Spending earned value on goods, a voucher or a gift card (never cash), with staff
    approval; the approval writes the ledger's redeemed entry."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT,
                                related_name="redemptions")
    amount = models.DecimalField(max_digits=8, decimal_places=2)
    kind = models.CharField(max_length=10, choices=RedemptionKind.choices)
    description = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=RedemptionStatus.choices,
                              default=RedemptionStatus.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0),
                                              name="redemption_amount_positive")]
