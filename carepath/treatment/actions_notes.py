"""Every change to clinical notes: permission, one transaction, audit.

A note is a draft until its author signs it. Signing locks it and stores a SHA-256
digest of its canonical content; a signed note is never edited again (the action
refuses): corrections are amendments appended with a reason, each with its own digest.
Notes of authors whose role is in CAREPATH_COSIGN_ROLES wait for a supervisor's
co-signature.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from carepath.access import guards
from carepath.access.policy import may_cosign_notes
from carepath.audit import log as audit
from carepath.audit.models import Action

from .models import (
    NOTE_TEMPLATES,
    Attendance,
    ClinicalNote,
    NoteAmendment,
    NoteStatus,
    NoteTemplate,
    Objective,
    PlanStatus,
    Session,
)

OBJECT_TYPE = "treatment.clinicalnote"
SECTION_MAX = 20000
TITLE_MAX = 120
AMEND_REASON_MIN = 10
AMEND_REASON_MAX = 300
AMEND_TEXT_MAX = 20000
SIGNED_REFUSAL = "Signed notes cannot be edited; add an amendment."
# Templates a clinician writes directly; "group" notes are made by signing a group note.
WRITABLE_TEMPLATES = tuple(t for t in NoteTemplate.values if t != NoteTemplate.GROUP)


def require_change(ctx: audit.Context, patient, object_type: str = OBJECT_TYPE):
    return guards.require_change(ctx, patient, object_type)


# --- Digests ---------------------------------------------------------------------------

def _canonical(data: dict) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def note_content(note: ClinicalNote) -> dict:
    """What a note's signature covers: template, title, sections, patient, author and
    the signing time (UTC, ISO 8601)."""
    return {
        "template": note.template,
        "title": note.title,
        "sections": {k: v for k, v in sorted((note.sections or {}).items())},
        "patient": str(note.patient.uuid),
        "author": note.author_id,
        "signed_at": note.signed_at.astimezone(UTC).isoformat()
        if note.signed_at else None,
    }


def note_digest(note: ClinicalNote) -> str:
    return hashlib.sha256(_canonical(note_content(note))).hexdigest()


def amendment_digest(amendment: NoteAmendment) -> str:
    return hashlib.sha256(_canonical({
        "note": str(amendment.note.uuid),
        "note_digest": amendment.note.content_digest,
        "author": amendment.author_id,
        "reason": amendment.reason,
        "text": amendment.text,
        "created_at": amendment.created_at.astimezone(UTC).isoformat(),
    })).hexdigest()


def verify_note(note: ClinicalNote) -> bool:
    """True when a signed note's stored content still matches its signature."""
    return bool(note.is_signed and note.content_digest
                and note.content_digest == note_digest(note))


def verify_amendment(amendment: NoteAmendment) -> bool:
    return amendment.content_digest == amendment_digest(amendment)


# --- Checking what was typed -----------------------------------------------------------

def clean_sections(template: str, sections: dict | None, errors: dict) -> dict:
    """Keep the template's sections, in order, trimmed; refuse unknown ones."""
    if template not in WRITABLE_TEMPLATES:
        errors["template"] = ["Choose a note template: DAP, SOAP, BIRP or free text."]
        return {}
    labels = dict(NOTE_TEMPLATES[template])
    sections = sections or {}
    unknown = sorted(set(sections) - set(labels))
    if unknown:
        errors["sections"] = [f"The {template.upper()} template has no section "
                              f"“{unknown[0]}”."]
    cleaned = {}
    for key, label in NOTE_TEMPLATES[template]:
        text = sections.get(key) or ""
        text = text.strip() if isinstance(text, str) else ""
        if len(text) > SECTION_MAX:
            errors[f"section_{key}"] = [f"{label}: keep it under {SECTION_MAX} characters "
                                        f"(it has {len(text)})."]
        cleaned[key] = text
    return cleaned


def active_objectives(patient):
    """Objectives of the patient's active treatment plan (the ones a note may link)."""
    return (Objective.objects
            .filter(goal__problem__plan__patient=patient,
                    goal__problem__plan__status=PlanStatus.ACTIVE)
            .order_by("goal__problem__order", "goal__order", "order", "pk"))


def linkable_sessions(patient):
    """Sessions the patient is (or was) on, not cancelled, newest first."""
    ids = Attendance.objects.filter(patient=patient).values("session_id")
    return (Session.objects.filter(pk__in=ids, organisation_id=patient.organisation_id)
            .exclude(status="cancelled").order_by("-starts_at", "-pk"))


def _check_links(patient, session, objectives, errors: dict) -> list:
    if session is not None and not linkable_sessions(patient).filter(pk=session.pk).exists():
        errors["session"] = ["That session is not one of this patient's sessions; choose "
                             "one they were booked on, or none."]
    objectives = list(objectives or [])
    if objectives:
        allowed = set(active_objectives(patient).values_list("pk", flat=True))
        if any(o.pk not in allowed for o in objectives):
            errors["objectives"] = ["Link only objectives of the patient's active "
                                    "treatment plan."]
    return objectives


def _check_title(title: str, errors: dict) -> str:
    title = (title or "").strip()
    if len(title) > TITLE_MAX:
        errors["title"] = [f"Keep the title under {TITLE_MAX} characters (it has "
                           f"{len(title)})."]
    return title


def _locked(note: ClinicalNote) -> ClinicalNote:
    return ClinicalNote.objects.select_for_update().select_related("patient").get(pk=note.pk)


def _refuse_if_signed(note: ClinicalNote) -> None:
    if note.is_signed:
        raise ValidationError({"note": [SIGNED_REFUSAL]})


def _refuse_if_not_author(ctx, note: ClinicalNote) -> None:
    if note.author_id != getattr(ctx.user, "pk", None):
        raise ValidationError({"note": [
            f"This draft is {note.author.display_name}'s: only its author can change or "
            "sign it."]})


def _copy(source, target) -> None:
    if source is not target:
        for f in source._meta.concrete_fields:
            setattr(target, f.attname, getattr(source, f.attname))


# --- Drafts ----------------------------------------------------------------------------

def save_draft(ctx: audit.Context, patient, *, template: str, sections: dict, title: str = "",
               session=None, objectives=(), part2_protected: bool = True, note=None,
               submission_key=None) -> ClinicalNote:
    """Create or update a draft note (the form's Save draft and the autosave).

    ``note`` names the draft to update; otherwise a note with this ``submission_key``
    (the new-note form's key, sent by every autosave and by the final save) is updated,
    so autosaves and retries never make a second note. A signed note is refused with
    "Signed notes cannot be edited; add an amendment."
    """
    require_change(ctx, patient)
    errors: dict[str, list[str]] = {}
    cleaned = clean_sections(template, sections, errors)
    title = _check_title(title, errors)
    objectives = _check_links(patient, session, objectives, errors)
    with transaction.atomic():
        if note is None and submission_key is not None:
            note = ClinicalNote.objects.filter(submission_key=submission_key,
                                               patient=patient).first()
        if note is not None:
            if note.patient_id != patient.pk:
                raise ValidationError({"note": ["That note belongs to another patient."]})
            current = _locked(note)
            _refuse_if_signed(current)
            _refuse_if_not_author(ctx, current)
        if errors:
            raise ValidationError(errors)
        values = {"template": template, "sections": cleaned, "title": title,
                  "session_id": session.pk if session else None,
                  "part2_protected": bool(part2_protected)}
        if note is None:
            try:
                with transaction.atomic():
                    current = ClinicalNote.objects.create(
                        patient=patient, author=ctx.user, submission_key=submission_key,
                        episode=patient.episodes.filter(closed_at__isnull=True).first(),
                        **values)
            except IntegrityError:
                # An autosave with the same key made the note a moment ago: update it.
                if submission_key is None or not ClinicalNote.objects.filter(
                        submission_key=submission_key, patient=patient).exists():
                    raise ValidationError({"note": ["This form was already used for another "
                                                    "note; reload the page."]}) from None
                return save_draft(ctx, patient, template=template, sections=sections,
                                  title=title, session=session, objectives=objectives,
                                  part2_protected=part2_protected,
                                  submission_key=submission_key)
            current.objectives.set(objectives)
            audit.record(ctx, Action.CREATE, patient=patient, obj=current,
                         details={"template": template, "status": "draft",
                                  "part2": current.part2_protected})
            return current
        changed = [k for k, v in values.items() if getattr(current, k) != v]
        for k in changed:
            setattr(current, k, values[k])
        before = set(current.objectives.values_list("pk", flat=True))
        if before != {o.pk for o in objectives}:
            current.objectives.set(objectives)
            changed.append("objectives")
        if changed:
            current.updated_at = timezone.now()
            current.save(update_fields=[f for f in [*changed, "updated_at"]
                                        if f != "objectives"])
            audit.record(ctx, Action.UPDATE, patient=patient, obj=current,
                         details={"fields": sorted(c.removesuffix("_id") for c in changed)})
    _copy(current, note)
    return note


def update_note(ctx: audit.Context, note: ClinicalNote, **fields) -> ClinicalNote:
    """Change a note: only a draft, only by its author (a signed note is refused)."""
    require_change(ctx, note.patient)
    with transaction.atomic():
        current = _locked(note)
        _refuse_if_signed(current)
    values = {"template": current.template, "sections": current.sections,
              "title": current.title, "session": current.session,
              "objectives": list(current.objectives.all()),
              "part2_protected": current.part2_protected, **fields}
    return save_draft(ctx, note.patient, note=note, **values)


# --- Signing -----------------------------------------------------------------------------

def needs_cosign(user) -> bool:
    return getattr(user, "role", "") in settings.CAREPATH_COSIGN_ROLES


def seal(note: ClinicalNote, author, now) -> None:
    """Set the signed fields (status, time, digest, co-signature need) on ``note``."""
    note.status = NoteStatus.SIGNED
    note.signed_at = note.updated_at = now
    note.needs_cosign = needs_cosign(author)
    note.content_digest = note_digest(note)


def sign_note(ctx: audit.Context, note: ClinicalNote) -> ClinicalNote:
    """Sign a draft: only its author, only with something written. Signing again (a
    retried form) returns the signed note unchanged."""
    require_change(ctx, note.patient)
    with transaction.atomic():
        current = _locked(note)
        if current.is_signed:
            _copy(current, note)
            return note
        _refuse_if_not_author(ctx, current)
        if not any((text or "").strip() for text in (current.sections or {}).values()):
            raise ValidationError({"sections": ["Write at least one section before "
                                                "signing."]})
        seal(current, ctx.user, timezone.now())
        current.save(update_fields=["status", "signed_at", "updated_at", "needs_cosign",
                                    "content_digest"])
        audit.record(ctx, Action.SIGN, patient=current.patient, obj=current,
                     details={"digest": current.content_digest,
                              "needs_cosign": current.needs_cosign,
                              "part2": current.part2_protected})
    _copy(current, note)
    return note


def cosign_note(ctx: audit.Context, note: ClinicalNote) -> ClinicalNote:
    """A supervisor (not the author) co-signs a signed note that needs it."""
    patient = note.patient
    if not may_cosign_notes(ctx.user):
        audit.denied(ctx, patient=patient, object_type=OBJECT_TYPE,
                     reason="role_may_not_cosign")
        raise PermissionDenied("Only a supervisor can co-sign a note.")
    require_change(ctx, patient)
    with transaction.atomic():
        current = _locked(note)
        if current.author_id == ctx.user.pk:
            raise ValidationError({"note": ["You wrote this note: another supervisor must "
                                            "co-sign it."]})
        if not current.is_signed:
            raise ValidationError({"note": ["The author has not signed this note yet."]})
        if not current.needs_cosign:
            raise ValidationError({"note": ["This note does not need a co-signature."]})
        if current.cosigned_at is not None:
            _copy(current, note)
            return note  # a retried form: the first co-signature stands
        current.cosigned_by = ctx.user
        current.cosigned_at = timezone.now()
        current.save(update_fields=["cosigned_by", "cosigned_at"])
        audit.record(ctx, Action.SIGN, patient=patient, obj=current,
                     details={"cosign": True, "digest": current.content_digest})
    _copy(current, note)
    return note


# --- Amendments ------------------------------------------------------------------------

def amend_note(ctx: audit.Context, note: ClinicalNote, *, reason: str,
               text: str) -> NoteAmendment:
    """Append a correction or addition to a signed note, with a reason. The note itself
    is never changed. The same amendment sent twice (a retried form) is stored once."""
    patient = note.patient
    require_change(ctx, patient)
    reason = (reason or "").strip()
    text = (text or "").strip()
    errors = {}
    if len(reason) < AMEND_REASON_MIN:
        errors["reason"] = [f"Say why you are amending the note, in at least "
                            f"{AMEND_REASON_MIN} characters (you wrote {len(reason)})."]
    elif len(reason) > AMEND_REASON_MAX:
        errors["reason"] = [f"Keep the reason under {AMEND_REASON_MAX} characters (it has "
                            f"{len(reason)})."]
    if not text:
        errors["text"] = ["Write the amendment: what is corrected or added."]
    elif len(text) > AMEND_TEXT_MAX:
        errors["text"] = [f"Keep the amendment under {AMEND_TEXT_MAX} characters (it has "
                          f"{len(text)})."]
    with transaction.atomic():
        current = _locked(note)
        if not current.is_signed:
            errors["note"] = ["This note is still a draft: edit it instead of amending."]
        if errors:
            raise ValidationError(errors)
        last = current.amendments.order_by("-created_at", "-pk").first()
        if (last is not None and last.author_id == ctx.user.pk and last.reason == reason
                and last.text == text):
            return last
        amendment = NoteAmendment(note=current, author=ctx.user, reason=reason, text=text,
                                  created_at=timezone.now())
        amendment.content_digest = amendment_digest(amendment)
        amendment.save()
        audit.record(ctx, Action.AMEND, patient=patient, obj=amendment,
                     details={"note": str(current.uuid), "digest": amendment.content_digest})
    return amendment
