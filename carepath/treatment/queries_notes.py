"""Reads for the notes pages, already narrowed by access."""

from __future__ import annotations

from django.db.models import Count, Prefetch

from carepath.access.policy import may_cosign_notes, patient_access, visible_patients
from carepath.patients.models import Patient

from .actions_group_notes import attendances
from .models import ClinicalNote, GroupNote, NoteAmendment, Session

PAGE_SIZE = 20


def notes_for(patient):
    """The patient's notes, newest first, with what the list shows in one query."""
    return (ClinicalNote.objects.filter(patient=patient)
            .select_related("author", "session")
            .annotate(amendment_count=Count("amendments"))
            .order_by("-created_at", "-pk"))


def note_for(patient, note_id):
    """One note of this patient (None if it is another patient's or does not exist)."""
    try:
        return (ClinicalNote.objects.filter(patient=patient, uuid=note_id)
                .select_related("author", "cosigned_by", "session", "episode")
                .prefetch_related(
                    Prefetch("amendments",
                             queryset=NoteAmendment.objects.select_related("author")
                             .order_by("created_at", "pk")),
                    "objectives")
                .get())
    except (ClinicalNote.DoesNotExist, ValueError):
        return None


def cosign_queue(user):
    """Signed notes awaiting co-signature that this supervisor may co-sign: patients
    they can see, written by someone else; oldest first."""
    if not may_cosign_notes(user):
        return ClinicalNote.objects.none()
    patients = visible_patients(user, Patient.objects.all()).values("pk")
    return (ClinicalNote.objects
            .filter(status="signed", needs_cosign=True, cosigned_at__isnull=True,
                    patient__in=patients)
            .exclude(author=user)
            .select_related("patient", "author")
            .order_by("signed_at", "pk"))


def session_by_uuid(session_id):
    try:
        return (Session.objects.select_related("clinician", "room", "organisation")
                .get(uuid=session_id))
    except (Session.DoesNotExist, ValueError):
        return None


def group_note_for(session):
    note = GroupNote.objects.filter(session=session).select_related("author").first()
    if note is None:
        return None, {}
    return note, {s.patient_id: s.text for s in note.sections.all()}


def group_attendances(session):
    return list(attendances(session))


def unreadable_for(user, patients) -> list:
    """The patients of this list whose records ``user`` may not read."""
    return [p for p in patients if not patient_access(user, p)]
