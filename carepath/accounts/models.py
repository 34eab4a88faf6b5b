"""Organisations, users with roles, and API tokens."""

import hashlib
import secrets
import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property


class Organisation(models.Model):
    class Country(models.TextChoices):
        UK = "GB", "United Kingdom"
        US = "US", "United States"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    country = models.CharField(max_length=2, choices=Country.choices, default=Country.UK)
    time_zone = models.CharField(max_length=64, default="Europe/London")
    mrn_prefix = models.CharField(max_length=6, default="CP")
    # Next MRN number; taken under a row lock by patients.actions.
    next_mrn = models.PositiveBigIntegerField(default=1)
    # Crisis help shown when an answer signals danger: a list of {name, contact, href,
    # detail}. Empty means the defaults for the country (carepath.alerts.crisis).
    crisis_lines = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", "Administrator"
    INTAKE_ADVISOR = "intake_advisor", "Intake advisor"
    CLINICIAN = "clinician", "Clinician"
    NURSE = "nurse", "Nurse"
    PRESCRIBER = "prescriber", "Prescriber"
    SUPERVISOR = "supervisor", "Supervisor"
    ANALYST = "analyst", "Analyst"


# Roles that deliver care: they may be on a care team and may break the glass.
CLINICAL_ROLES = frozenset(
    {Role.CLINICIAN, Role.NURSE, Role.PRESCRIBER, Role.SUPERVISOR, Role.INTAKE_ADVISOR}
)
BREAK_GLASS_ROLES = frozenset({Role.CLINICIAN, Role.NURSE, Role.PRESCRIBER, Role.SUPERVISOR})


def new_session_salt() -> str:
    return secrets.token_hex(16)


class AccountType(models.TextChoices):
    STAFF = "staff", "Staff"
    PATIENT = "patient", "Patient"
    SUPPORTER = "supporter", "Supporter"


class User(AbstractUser):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    account_type = models.CharField(
        max_length=16, choices=AccountType.choices, default=AccountType.STAFF
    )
    role = models.CharField(max_length=32, choices=Role.choices, blank=True)
    supervisor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervisees",
        limit_choices_to={"role": Role.SUPERVISOR},
    )
    # Rotated by "log out everywhere": part of the session hash, so every
    # existing session stops validating at once.
    session_salt = models.CharField(max_length=32, default=new_session_salt, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(account_type="staff", role="") | models.Q(is_superuser=True),
                name="staff_have_a_role",
            )
        ]

    @property
    def is_staff_member(self) -> bool:
        return self.account_type == AccountType.STAFF

    @cached_property
    def requires_mfa(self) -> bool:
        """Staff always; patients and supporters once they have chosen to set it up."""
        if self.account_type == AccountType.STAFF:
            return True
        from django_otp.plugins.otp_totp.models import TOTPDevice

        return TOTPDevice.objects.filter(user=self, confirmed=True).exists()

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    def get_session_auth_hash(self):
        base = super().get_session_auth_hash()
        return hashlib.sha256(f"{base}:{self.session_salt}".encode()).hexdigest()

    def __str__(self):
        return self.display_name


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A bearer token; only its SHA-256 digest is stored."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


class IdempotencyKey(models.Model):
    """A client's Idempotency-Key for a POST: a retry returns the first result.

    Only the created resource's UUID is kept, never the response body, so no
    health data is stored twice.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    endpoint = models.CharField(max_length=100)
    request_digest = models.CharField(max_length=64)
    resource_uuid = models.UUIDField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "endpoint", "key"], name="one_result_per_key"),
        ]
