"""Clinical notes and group notes.

A note is a draft (autosaved) until signed; signing locks it and stores a SHA-256
digest of its content. Corrections are amendments appended with a reason; the
original stays visible. A group note is written once; signing it gives each
attendee a signed clinical note holding the shared text and only their own section.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from .programmes import SessionType

# Sections of each template, in order: (key, label).
NOTE_TEMPLATES = {
    "dap": [("data", "Data"), ("assessment", "Assessment"), ("plan", "Plan")],
    "soap": [("subjective", "Subjective"), ("objective", "Objective"),
             ("assessment", "Assessment"), ("plan", "Plan")],
    "birp": [("behaviour", "Behaviour"), ("intervention", "Intervention"),
             ("response", "Response"), ("plan", "Plan")],
    "free": [("text", "Note")],
    # Made from a group note: never written directly.
    "group": [("shared", "Group session"), ("individual", "Your participation")],
}


class NoteTemplate(models.TextChoices):
    DAP = "dap", "DAP (data, assessment, plan)"
    SOAP = "soap", "SOAP (subjective, objective, assessment, plan)"
    BIRP = "birp", "BIRP (behaviour, intervention, response, plan)"
    FREE = "free", "Free text"
    GROUP = "group", "Group session note"


class NoteStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed"


class ClinicalNote(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT,
                                related_name="clinical_notes")
    episode = models.ForeignKey("patients.EpisodeOfCare", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="clinical_notes")
    session = models.ForeignKey("treatment.Session", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="clinical_notes")
    group_note = models.ForeignKey("treatment.GroupNote", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="attendee_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    template = models.CharField(max_length=8, choices=NoteTemplate.choices)
    title = models.CharField(max_length=120, blank=True)
    sections = models.JSONField(default=dict)  # {section key: text}
    # SUD counselling notes: separately protected under 42 CFR Part 2 (2024) and left
    # out of every disclosure unless the patient's consent names them.
    part2_protected = models.BooleanField(default=True)
    status = models.CharField(max_length=8, choices=NoteStatus.choices,
                              default=NoteStatus.DRAFT)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    signed_at = models.DateTimeField(null=True, blank=True)
    content_digest = models.CharField(max_length=64, blank=True)  # SHA-256 when signed
    needs_cosign = models.BooleanField(default=False)
    cosigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    cosigned_at = models.DateTimeField(null=True, blank=True)
    objectives = models.ManyToManyField("treatment.Objective", blank=True,
                                        related_name="notes")
    submission_key = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["patient", "created_at"], name="note_patient_time"),
            models.Index(fields=["needs_cosign", "cosigned_at"], name="note_cosign_queue"),
        ]

    @property
    def is_signed(self) -> bool:
        return self.status == NoteStatus.SIGNED

    @property
    def awaiting_cosign(self) -> bool:
        return self.is_signed and self.needs_cosign and self.cosigned_at is None


class NoteAmendment(models.Model):
    """A correction or addition to a signed note; the original is never changed."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    note = models.ForeignKey(ClinicalNote, on_delete=models.PROTECT, related_name="amendments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    reason = models.CharField(max_length=300)
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    content_digest = models.CharField(max_length=64)

    class Meta:
        ordering = ["created_at", "pk"]


class GroupNote(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.OneToOneField("treatment.Session", on_delete=models.PROTECT,
                                   related_name="group_note")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    topic = models.CharField(max_length=200)
    modality = models.CharField(max_length=32, choices=SessionType.choices)
    content = models.TextField()
    part2_protected = models.BooleanField(default=True)
    status = models.CharField(max_length=8, choices=NoteStatus.choices,
                              default=NoteStatus.DRAFT)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    signed_at = models.DateTimeField(null=True, blank=True)


class GroupNoteSection(models.Model):
    """One attendee's short section: copied only into that attendee's note."""

    group_note = models.ForeignKey(GroupNote, on_delete=models.CASCADE, related_name="sections")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group_note", "patient"],
                                               name="one_section_per_attendee")]
