"""The staged-intervention planner: a plan, its team, statements, treatment options and
boundaries. Private to its team; the person it is about never sees it.

Each step's done state is worked out from these rows (carepath.family.steps), never
stored, so it cannot go stale."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class InterventionOutcome(models.TextChoices):
    AGREED = "agreed", "Agreed to treatment"
    REFUSED = "refused", "Refused for now"
    PARTLY = "partly", "Partly agreed"


class InterventionPlan(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The organisation whose intake pipeline receives the plan's enquiries.
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    # Step 1, plan: who it is for (a first name the team uses), the setting and the date.
    loved_one_name = models.CharField("name of the person you are worried about",
                                      max_length=100)
    setting = models.CharField("setting", max_length=300, blank=True,
                               help_text="A private, calm place where they feel safe.")
    intervention_date = models.DateField(null=True, blank=True)

    # Step 2, consult a professional: a directory service, or a request through intake.
    consult_service = models.ForeignKey("directory.Service", on_delete=models.SET_NULL,
                                        null=True, blank=True, related_name="+")
    consult_enquiry = models.ForeignKey("intake.Enquiry", on_delete=models.SET_NULL,
                                        null=True, blank=True, related_name="+")
    consult_notes = models.TextField(blank=True)

    # Step 4, treatment options: the pre-booked assessment enquiry.
    enquiry = models.ForeignKey("intake.Enquiry", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="intervention_plans")

    # Step 5, boundaries: agreement counts only if given after the last change.
    boundaries_changed_at = models.DateTimeField(null=True, blank=True)

    # Step 6, hold: place, time, rehearsal and a checklist {item key: true/false}.
    intervention_time = models.TimeField(null=True, blank=True)
    place = models.CharField(max_length=200, blank=True)
    rehearsal_date = models.DateField(null=True, blank=True)
    checklist = models.JSONField(default=dict, blank=True)

    # Step 7, follow up.
    outcome = models.CharField(max_length=8, choices=InterventionOutcome.choices, blank=True)
    outcome_notes = models.TextField(blank=True)
    review_date = models.DateField(null=True, blank=True)
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    outcome_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                            null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Plan for {self.loved_one_name}"


class MemberRole(models.TextChoices):
    FAMILY = "family", "Family member"
    PARTNER = "partner", "Partner"
    FRIEND = "friend", "Friend"
    COLLEAGUE = "colleague", "Colleague or mentor"
    PROFESSIONAL = "professional", "Professional (advisor or interventionist)"


class PlanMember(models.Model):
    """A member of the plan's team. Invited by email; ``user`` is set when they accept."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(InterventionPlan, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                             blank=True, related_name="plan_memberships")
    name = models.CharField(max_length=150)
    email = models.EmailField()  # stored lower-case
    role = models.CharField(max_length=16, choices=MemberRole.choices, default=MemberRole.FAMILY)
    relationship = models.CharField(max_length=60, blank=True,
                                    help_text="How they know the person, e.g. sister.")
    is_chair = models.BooleanField("chairperson", default=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    invited_at = models.DateTimeField(default=timezone.now)
    invite_digest = models.CharField(max_length=64, blank=True)
    invite_expires_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    speaking_order = models.PositiveSmallIntegerField(null=True, blank=True)
    boundaries_agreed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["speaking_order", "invited_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "email"], name="one_membership_per_email"),
            models.UniqueConstraint(fields=["plan"], condition=models.Q(is_chair=True),
                                    name="one_chair_per_plan"),
        ]

    @property
    def has_accepted(self) -> bool:
        return self.accepted_at is not None

    def agreed_to_boundaries(self, plan=None) -> bool:
        plan = plan or self.plan
        if self.boundaries_agreed_at is None:
            return False
        return plan.boundaries_changed_at is None or \
            self.boundaries_agreed_at >= plan.boundaries_changed_at

    def __str__(self):
        return self.name


class Statement(models.Model):
    """One member's statement: private to its author until they share it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member = models.OneToOneField(PlanMember, on_delete=models.CASCADE,
                                  related_name="statement")
    behaviours = models.TextField("what I have seen", blank=True)
    impact = models.TextField("how it has affected me", blank=True)
    care = models.TextField("what I love and hope for", blank=True)
    request = models.TextField("what I am asking", blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    shared_at = models.DateTimeField(null=True, blank=True)

    @property
    def is_shared(self) -> bool:
        return self.shared_at is not None


class TreatmentOption(models.Model):
    """A directory service the team will offer, and how they will support it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(InterventionPlan, on_delete=models.CASCADE,
                             related_name="treatment_options")
    service = models.ForeignKey("directory.Service", on_delete=models.PROTECT, related_name="+")
    support_note = models.CharField("how we will support this", max_length=300, blank=True)
    chosen = models.BooleanField(default=False)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "service"], name="one_option_per_service"),
        ]


class Boundary(models.Model):
    """What one member will do if help is refused. Any change asks everyone to agree again."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(InterventionPlan, on_delete=models.CASCADE,
                             related_name="boundaries")
    member = models.ForeignKey(PlanMember, on_delete=models.CASCADE, related_name="boundaries")
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
