"""Clinical notes: drafts, signing with a digest, refusal to edit, amendments, co-signing."""

import hashlib
import json
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from carepath.accounts.models import Role
from carepath.audit.models import Action, AuditEvent, Outcome
from carepath.conftest import ctx_for
from carepath.treatment import actions_notes as actions
from carepath.treatment.models import ClinicalNote, NoteAmendment, SessionFormat

from .test_notes_support import active_plan, attend, make_session

pytestmark = pytest.mark.django_db

DAP = {"data": "Reports 4 days without ketamine.", "assessment": "Engaged, low craving.",
       "plan": "Continue weekly CBT."}


def _draft(clinician, patient, **kw):
    return actions.save_draft(ctx_for(clinician), patient, template="dap",
                              sections=kw.pop("sections", DAP), **kw)


def test_a_draft_is_saved_and_autosaves_with_one_key_update_one_note(clinician, patient):
    key = uuid.uuid4()
    first = _draft(clinician, patient, sections={"data": "Rep"}, submission_key=key)
    again = _draft(clinician, patient, sections={"data": "Reports cravings"},
                   submission_key=key)
    assert again.pk == first.pk
    assert ClinicalNote.objects.filter(patient=patient).count() == 1
    note = ClinicalNote.objects.get(pk=first.pk)
    assert note.status == "draft" and note.sections["data"] == "Reports cravings"
    assert note.sections == {"data": "Reports cravings", "assessment": "", "plan": ""}
    assert note.part2_protected is True  # default on for SUD counselling
    assert AuditEvent.objects.filter(object_id=str(note.uuid), action=Action.UPDATE).exists()


def test_unknown_template_and_oversized_section_are_refused_naming_the_field(clinician,
                                                                           patient):
    with pytest.raises(ValidationError) as exc:
        _draft(clinician, patient, sections={"data": "x" * (actions.SECTION_MAX + 1)})
    assert "Data: keep it under 20000 characters" in exc.value.message_dict["section_data"][0]
    with pytest.raises(ValidationError) as exc:
        actions.save_draft(ctx_for(clinician), patient, template="group",
                           sections={"shared": "x"})
    assert "template" in exc.value.message_dict


def test_signing_locks_the_note_with_a_sha256_digest_of_its_canonical_content(clinician,
                                                                            patient):
    note = actions.sign_note(ctx_for(clinician), _draft(clinician, patient, title="Week 2"))
    note.refresh_from_db()
    assert note.is_signed and note.signed_at is not None
    expected = hashlib.sha256(json.dumps({
        "template": "dap", "title": "Week 2", "sections": DAP, "patient": str(patient.uuid),
        "author": clinician.pk, "signed_at": note.signed_at.isoformat()},
        sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    assert note.content_digest == expected
    assert actions.verify_note(note)
    # Changed behind the application's back: the check notices.
    ClinicalNote.objects.filter(pk=note.pk).update(sections={**DAP, "plan": "Stop CBT."})
    note.refresh_from_db()
    assert not actions.verify_note(note)
    assert AuditEvent.objects.filter(object_id=str(note.uuid), action=Action.SIGN).exists()


def test_editing_a_signed_note_is_refused_by_the_action(clinician, patient):
    note = actions.sign_note(ctx_for(clinician), _draft(clinician, patient))
    with pytest.raises(ValidationError) as exc:
        actions.update_note(ctx_for(clinician), note, sections={"data": "changed"})
    assert exc.value.message_dict["note"] == ["Signed notes cannot be edited; add an amendment."]
    with pytest.raises(ValidationError) as exc:
        actions.save_draft(ctx_for(clinician), patient, template="dap", note=note,
                           sections={"data": "changed"})
    assert "Signed notes cannot be edited; add an amendment." in str(exc.value)
    note.refresh_from_db()
    assert note.sections == DAP


def test_only_the_author_changes_or_signs_a_draft(clinician, patient, make_user):
    colleague = make_user(Role.CLINICIAN)
    patient.care_team.create(user=colleague, role="key_worker")
    draft = _draft(clinician, patient)
    with pytest.raises(ValidationError, match="only its author"):
        actions.update_note(ctx_for(colleague), draft, sections={"data": "mine now"})
    with pytest.raises(ValidationError, match="only its author"):
        actions.sign_note(ctx_for(colleague), draft)


def test_a_note_with_nothing_written_cannot_be_signed(clinician, patient):
    draft = _draft(clinician, patient, sections={})
    with pytest.raises(ValidationError, match="at least one section"):
        actions.sign_note(ctx_for(clinician), draft)


def test_an_outsider_is_refused_and_the_refusal_audited(outsider, patient):
    with pytest.raises(PermissionDenied):
        _draft(outsider, patient)
    assert AuditEvent.objects.filter(actor=outsider, outcome=Outcome.DENIED,
                                     patient_uuid=patient.uuid).exists()
    assert not ClinicalNote.objects.exists()


def test_amendment_needs_a_reason_and_leaves_the_original_unchanged(clinician, patient):
    note = actions.sign_note(ctx_for(clinician), _draft(clinician, patient))
    digest = note.content_digest
    with pytest.raises(ValidationError) as exc:
        actions.amend_note(ctx_for(clinician), note, reason="typo", text="4 days, not 3")
    assert "at least 10 characters" in exc.value.message_dict["reason"][0]
    amendment = actions.amend_note(ctx_for(clinician), note, reason="Wrong day count recorded",
                                   text="Five days without ketamine, not four.")
    # A retried form stores it once.
    again = actions.amend_note(ctx_for(clinician), note, reason="Wrong day count recorded",
                               text="Five days without ketamine, not four.")
    assert again.pk == amendment.pk and NoteAmendment.objects.count() == 1
    note.refresh_from_db()
    assert note.sections == DAP and note.content_digest == digest and actions.verify_note(note)
    assert actions.verify_amendment(amendment)
    assert AuditEvent.objects.filter(action=Action.AMEND, patient_uuid=patient.uuid).exists()


def test_a_draft_cannot_be_amended(clinician, patient):
    with pytest.raises(ValidationError, match="still a draft"):
        actions.amend_note(ctx_for(clinician), _draft(clinician, patient),
                           reason="Reason long enough", text="x")


def test_clinician_notes_wait_for_a_supervisor_who_is_not_the_author(clinician, supervisor,
                                                                    patient, make_user):
    note = actions.sign_note(ctx_for(clinician), _draft(clinician, patient))
    assert note.needs_cosign and note.awaiting_cosign  # "clinician" in CAREPATH_COSIGN_ROLES
    with pytest.raises(PermissionDenied):
        actions.cosign_note(ctx_for(clinician), note)
    actions.cosign_note(ctx_for(supervisor), note)  # supervises the clinician
    note.refresh_from_db()
    assert note.cosigned_by == supervisor and not note.awaiting_cosign
    # A supervisor's own note needs no co-signature, and nobody co-signs their own.
    patient.care_team.create(user=supervisor, role="supervisor")
    own = actions.sign_note(ctx_for(supervisor), _draft(supervisor, patient))
    assert not own.needs_cosign
    with pytest.raises(ValidationError, match="another supervisor"):
        actions.cosign_note(ctx_for(supervisor), own)


def test_a_supervisor_without_access_cannot_cosign(clinician, patient, make_user):
    stranger = make_user(Role.SUPERVISOR)
    note = actions.sign_note(ctx_for(clinician), _draft(clinician, patient))
    with pytest.raises(PermissionDenied):
        actions.cosign_note(ctx_for(stranger), note)
    note.refresh_from_db()
    assert note.cosigned_at is None


def test_objectives_only_from_the_active_plan_and_sessions_only_the_patients(
        org, clinician, patient, make_patient):
    objectives = active_plan(patient, clinician)
    note = _draft(clinician, patient, objectives=objectives)
    assert list(note.objectives.all()) == objectives
    other = make_patient()
    foreign = active_plan(other, clinician, objectives=("Someone else's",))
    with pytest.raises(ValidationError) as exc:
        _draft(clinician, patient, objectives=foreign)
    assert "active treatment plan" in exc.value.message_dict["objectives"][0]
    session = make_session(org, clinician, fmt=SessionFormat.INDIVIDUAL)
    with pytest.raises(ValidationError) as exc:
        _draft(clinician, patient, session=session)
    assert "session" in exc.value.message_dict
    attend(session, patient)
    assert _draft(clinician, patient, session=session).session == session


def test_a_form_key_used_for_another_patient_is_refused_not_reused(clinician, patient,
                                                                    make_patient):
    key = uuid.uuid4()
    _draft(clinician, make_patient(), submission_key=key)
    with pytest.raises(ValidationError, match="already used for another note"):
        _draft(clinician, patient, submission_key=key)
    assert not ClinicalNote.objects.filter(patient=patient).exists()
