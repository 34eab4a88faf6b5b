"""Group notes: written once for a group session, signed into one note per attendee.

The shared text goes into every attendee's record; each attendee's own section goes
only into theirs. The author must be able to change every attendee's record. Text that
names another attendee is refused before it could be copied into the wrong record.
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from carepath.access.policy import patient_change_access
from carepath.audit import log as audit
from carepath.audit.models import Action

from .actions_notes import SECTION_MAX, seal
from .models import (
    PRESENT,
    Attendance,
    AttendanceStatus,
    ClinicalNote,
    GroupNote,
    GroupNoteSection,
    NoteStatus,
    NoteTemplate,
    Session,
    SessionStatus,
    SessionType,
)

OBJECT_TYPE = "treatment.groupnote"
TOPIC_MAX = 200
# Attendees: present, or not yet recorded. No-shows and cancellations get no note.
ATTENDEE_STATUSES = (*PRESENT, AttendanceStatus.EXPECTED)


def attendances(session: Session):
    return (Attendance.objects.filter(session=session, status__in=ATTENDEE_STATUSES)
            .select_related("patient")
            .order_by("patient__legal_family_name", "patient__legal_given_name", "pk"))


def attendees(session: Session) -> list:
    return [a.patient for a in attendances(session)]


def _require_every_attendee(ctx: audit.Context, session: Session, patients: list) -> None:
    """The author must be able to change every attendee's record: each refusal is
    audited against that patient, then the whole action is refused."""
    if getattr(ctx.user, "organisation_id", None) != session.organisation_id:
        audit.denied(ctx, object_type=OBJECT_TYPE, reason="other_organisation")
        raise PermissionDenied("This session belongs to another organisation.")
    refused = []
    for patient in patients:
        decision = patient_change_access(ctx.user, patient)
        if not decision:
            audit.denied(ctx, patient=patient, object_type=OBJECT_TYPE,
                         reason=decision.basis)
            refused.append(patient)
    if refused:
        raise PermissionDenied(
            f"You cannot change the records of {len(refused)} of this group's attendees, "
            "so you cannot write its group note. Ask a clinician on their care teams.")


def _name_patterns(patient) -> list[re.Pattern]:
    names = {f"{patient.legal_given_name} {patient.legal_family_name}"}
    if patient.preferred_name:
        names.add(f"{patient.preferred_name} {patient.legal_family_name}")
    return [re.compile(r"\b" + r"\s+".join(map(re.escape, n.split())) + r"\b", re.IGNORECASE)
            for n in names if n.strip()]


def _names_in(text: str, patients: list) -> list:
    return [p for p in patients if any(pat.search(text or "") for pat in _name_patterns(p))]


def _clean(session, topic, modality, content, sections, patients, errors: dict,
           *, signing: bool) -> tuple[str, str, str, dict]:
    topic = (topic or "").strip()
    content = (content or "").strip()
    if len(topic) > TOPIC_MAX:
        errors["topic"] = [f"Keep the topic under {TOPIC_MAX} characters (it has "
                           f"{len(topic)})."]
    if modality not in SessionType.values:
        errors["modality"] = ["Choose the modality from the list."]
    if len(content) > SECTION_MAX:
        errors["content"] = [f"Shared content: keep it under {SECTION_MAX} characters."]
    by_uuid = {str(p.uuid): p for p in patients}
    unknown = [k for k in (sections or {}) if str(k) not in by_uuid]
    if unknown:
        errors["sections"] = ["A section was sent for someone who is not an attendee of "
                              "this session; reload the page."]
    cleaned = {}
    for key, patient in by_uuid.items():
        text = ((sections or {}).get(key) or "").strip()
        if len(text) > SECTION_MAX:
            errors[f"section_{key}"] = [f"{patient.display_name}: keep the section under "
                                        f"{SECTION_MAX} characters."]
        cleaned[key] = text
    if signing:
        if not topic:
            errors["topic"] = ["Enter the topic of the session before signing."]
        if not content:
            errors["content"] = ["Write the shared content (what the group did) before "
                                 "signing."]
        empty = [p.display_name for key, p in by_uuid.items() if not cleaned[key]]
        if empty:
            errors["sections"] = ["Write a short section for every attendee before signing; "
                                  "missing: " + ", ".join(empty) + "."]
    # Shared text is copied into every record: it must not name an attendee.
    named = _names_in(f"{topic}\n{content}", patients)
    if named:
        errors["content"] = [
            "The topic or shared content names an attendee ("
            + ", ".join(p.display_name for p in named) + "). Shared text is copied into "
            "every attendee's record: move it to that person's own section."]
    for key, patient in by_uuid.items():
        others = [p for p in _names_in(cleaned[key], patients) if p.pk != patient.pk]
        if others:
            errors[f"section_{key}"] = [
                f"{patient.display_name}'s section names another attendee ("
                + ", ".join(p.display_name for p in others) + "): each section is copied "
                "only into that person's record, so other attendees must not be named."]
    return topic, modality, content, cleaned


def _check_session(session: Session) -> None:
    if session.format == "individual":
        raise ValidationError({"session": ["Group notes are for group and family sessions; "
                                           "write an individual note on the patient's "
                                           "Notes tab."]})
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError({"session": ["This session was cancelled: it has no group "
                                           "note."]})


def save_group_draft(ctx: audit.Context, session: Session, *, topic: str, modality: str,
                     content: str, sections: dict, part2_protected: bool = True) -> GroupNote:
    """Create or update the session's draft group note. ``sections`` maps an attendee's
    patient UUID (as text) to their section."""
    _check_session(session)
    patients = attendees(session)
    _require_every_attendee(ctx, session, patients)
    errors: dict[str, list[str]] = {}
    topic, modality, content, cleaned = _clean(session, topic, modality, content, sections,
                                               patients, errors, signing=False)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # One writer at a time per session (an autosave and a save can cross).
        Session.objects.select_for_update().filter(pk=session.pk).first()
        note = GroupNote.objects.select_for_update().filter(session=session).first()
        now = timezone.now()
        if note is None:
            note = GroupNote.objects.create(session=session, author=ctx.user, topic=topic,
                                            modality=modality, content=content,
                                            part2_protected=bool(part2_protected))
            action = Action.CREATE
        else:
            if note.status == NoteStatus.SIGNED:
                raise ValidationError({"note": ["This group note is signed: each attendee's "
                                                "note can be amended from their chart."]})
            if note.author_id != ctx.user.pk:
                raise ValidationError({"note": [
                    f"This draft is {note.author.display_name}'s: only its author can "
                    "change or sign it."]})
            note.topic, note.modality, note.content = topic, modality, content
            note.part2_protected = bool(part2_protected)
            note.updated_at = now
            note.save(update_fields=["topic", "modality", "content", "part2_protected",
                                     "updated_at"])
            action = Action.UPDATE
        by_uuid = {str(p.uuid): p for p in patients}
        existing = {s.patient_id: s for s in note.sections.all()}
        for key, text in cleaned.items():
            patient = by_uuid[key]
            section = existing.get(patient.pk)
            if section is None:
                GroupNoteSection.objects.create(group_note=note, patient=patient, text=text)
            elif section.text != text:
                section.text = text
                section.save(update_fields=["text"])
        audit.record(ctx, action, obj=note,
                     details={"session": str(session.uuid), "attendees": len(patients),
                              "status": "draft"})
    return note


def sign_group_note(ctx: audit.Context, session: Session, *, topic: str, modality: str,
                    content: str, sections: dict,
                    part2_protected: bool = True) -> list[ClinicalNote]:
    """Save what was typed, then sign: one signed clinical note (template "group",
    sections {shared, individual}) per attendee, all in one transaction, each audited
    against that attendee. Signing again (a retried form) returns the notes made."""
    existing = GroupNote.objects.filter(session=session, status=NoteStatus.SIGNED).first()
    if existing is not None:
        _require_every_attendee(ctx, session, attendees(session))
        return list(existing.attendee_notes.order_by("pk"))
    _check_session(session)
    patients = attendees(session)
    if not patients:
        raise ValidationError({"sections": ["No one attended this session (attendance "
                                            "shows no one present or expected)."]})
    _require_every_attendee(ctx, session, patients)
    errors: dict[str, list[str]] = {}
    _clean(session, topic, modality, content, sections, patients, errors, signing=True)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        note = save_group_draft(ctx, session, topic=topic, modality=modality,
                                content=content, sections=sections,
                                part2_protected=part2_protected)
        note = GroupNote.objects.select_for_update().get(pk=note.pk)
        now = timezone.now()
        texts = {s.patient_id: s.text for s in note.sections.all()}
        made = []
        for patient in patients:
            clinical = ClinicalNote(
                patient=patient, author=ctx.user, template=NoteTemplate.GROUP,
                title=f"Group: {note.topic}"[:120], session=session, group_note=note,
                episode=patient.episodes.filter(closed_at__isnull=True).first(),
                sections={"shared": note.content, "individual": texts.get(patient.pk, "")},
                part2_protected=note.part2_protected, created_at=now)
            seal(clinical, ctx.user, now)
            clinical.save()
            audit.record(ctx, Action.SIGN, patient=patient, obj=clinical,
                         details={"group_note": str(note.uuid), "session": str(session.uuid),
                                  "digest": clinical.content_digest,
                                  "needs_cosign": clinical.needs_cosign,
                                  "part2": clinical.part2_protected})
            made.append(clinical)
        note.status = NoteStatus.SIGNED
        note.signed_at = note.updated_at = now
        note.save(update_fields=["status", "signed_at", "updated_at"])
        audit.record(ctx, Action.SIGN, obj=note,
                     details={"session": str(session.uuid), "attendee_notes": len(made)})
    return made
