"""The chart's Notes tab, note pages, the co-signature queue and group notes. Thin:
parse, call the actions or queries, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from carepath.access.guards import patient_view
from carepath.access.policy import may_cosign_notes, patient_change_access
from carepath.accounts.models import AccountType
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.pagination import paginate
from carepath.patients.views import _render_chart
from carepath.ui.forms import add_action_errors

from . import actions_group_notes as group_actions
from . import actions_notes as actions
from . import queries_notes as queries
from .forms_notes import AmendmentForm, GroupNoteForm, NoteForm
from .models import NOTE_TEMPLATES, NoteTemplate

TAB = "notes"
OBJECT_TYPE = actions.OBJECT_TYPE
AUTOSAVE_HEADER = "HTTP_X_CAREPATH_AUTOSAVE"


def _ctx(request):
    return audit.Context.from_request(request)


def _audit_redisplay(request, patient, object_type=OBJECT_TYPE) -> None:
    """A refused POST shows the record again: that is a read, so it is audited too."""
    audit.record(_ctx(request), Action.READ, patient=patient, object_type=object_type,
                 details={"redisplay": True})


def _is_patient_account(request) -> bool:
    return request.user.account_type != AccountType.STAFF


def _staff_only(request, patient):
    """Notes are for the care team: a patient's own account sees none here."""
    if _is_patient_account(request):
        return _render_chart(request, patient, TAB, "treatment/notes_list.html",
                             {"patient_account": True})
    return None


def _note(patient, note_id):
    note = queries.note_for(patient, note_id)
    if note is None:
        raise Http404("No such note")
    note.patient = patient  # already loaded by the guard
    return note


def _note_form(request, patient, *, template, note=None):
    sessions = actions.linkable_sessions(patient)[:50]
    objectives = actions.active_objectives(patient)
    kwargs = {"template": template, "sessions": sessions, "objectives": objectives}
    if request.method == "POST":
        return NoteForm(request.POST, **kwargs)
    if note is not None:
        return NoteForm(initial=NoteForm.initial_for(note), **kwargs)
    return NoteForm(**kwargs)


def _autosave_answer(form, note, patient):
    if note is None:
        return JsonResponse({"saved": False, "errors": form.errors.get_json_data()},
                            status=400)
    return JsonResponse({
        "saved": True, "at": timezone.localtime(note.updated_at).strftime("%H:%M:%S"),
        "url": reverse("treatment:note", kwargs={"patient_id": patient.uuid,
                                                 "note_id": note.uuid})})


def _save(request, patient, form, note=None):
    """Save the draft from the form and, when asked, sign it. Returns the note or None
    (errors are on the form)."""
    if not form.is_valid():
        return None
    values = form.values()
    try:
        saved = actions.save_draft(_ctx(request), patient, note=note,
                                   submission_key=form.cleaned_data.get("submission_key"),
                                   **values)
        if request.POST.get("action") == "sign":
            actions.sign_note(_ctx(request), saved)
    except ValidationError as exc:
        add_action_errors(form, exc)
        return None
    return saved


def _after_save(request, patient, note):
    if request.headers.get("X-CarePath-Autosave"):
        return None
    if note.is_signed:
        text = "Note signed."
        if note.needs_cosign:
            text += " It now waits for a supervisor's co-signature."
        messages.success(request, text)
    else:
        messages.success(request, "Draft saved.")
    return redirect("treatment:note", patient_id=patient.uuid, note_id=note.uuid)


@login_required
@patient_view("treatment.clinicalnote")
def chart_notes(request, patient):
    refused = _staff_only(request, patient)
    if refused is not None:
        return refused
    page = paginate(queries.notes_for(patient), request.GET.get("page"), queries.PAGE_SIZE)
    return _render_chart(request, patient, TAB, "treatment/notes_list.html", {
        "page": page, "notes": page.object_list,
        "may_change": bool(patient_change_access(request.user, patient)),
        "templates": [c for c in NoteTemplate.choices if c[0] != NoteTemplate.GROUP]})


@login_required
@patient_view("treatment.clinicalnote")
def note_new(request, patient):
    refused = _staff_only(request, patient)
    if refused is not None:
        return refused
    template = request.POST.get("template") or request.GET.get("template") or "dap"
    if template not in actions.WRITABLE_TEMPLATES:
        template = "dap"
    form = _note_form(request, patient, template=template)
    status = 200
    if request.method == "POST":
        note = _save(request, patient, form)
        if request.headers.get("X-CarePath-Autosave"):
            return _autosave_answer(form, note, patient)
        if note is not None:
            return _after_save(request, patient, note)
        status = 400
        _audit_redisplay(request, patient)
    response = _render_chart(request, patient, TAB, "treatment/notes_form.html", {
        "form": form, "template_label": NoteTemplate(template).label, "note": None,
        "action_url": reverse("treatment:note_new", kwargs={"patient_id": patient.uuid})})
    response.status_code = status
    return response


def _detail(request, patient, note, *, form=None, amend_form=None, status=200, extra=None):
    may_change = bool(patient_change_access(request.user, patient))
    editable = (not note.is_signed and may_change and note.author_id == request.user.pk)
    if editable and form is None:
        form = _note_form(request, patient, template=note.template, note=note)
    labels = dict(NOTE_TEMPLATES[note.template])
    response = _render_chart(request, patient, TAB, "treatment/notes_detail.html", {
        "note": note, "form": form if editable else None, "editable": editable,
        "sections": [(labels.get(k, k), v) for k, v in (note.sections or {}).items()],
        "verified": actions.verify_note(note) if note.is_signed else None,
        "amendments": [(a, actions.verify_amendment(a)) for a in note.amendments.all()],
        "may_amend": may_change and note.is_signed,
        "may_cosign": (note.awaiting_cosign and may_cosign_notes(request.user)
                       and note.author_id != request.user.pk and may_change),
        "amend_form": amend_form,
        "template_label": NoteTemplate(note.template).label,
        "action_url": reverse("treatment:note", kwargs={"patient_id": patient.uuid,
                                                        "note_id": note.uuid}),
        **(extra or {})})
    response.status_code = status
    return response


@login_required
@patient_view("treatment.clinicalnote")
def note_detail(request, patient, note_id):
    refused = _staff_only(request, patient)
    if refused is not None:
        return refused
    note = _note(patient, note_id)
    if request.method != "POST":
        return _detail(request, patient, note)
    form = _note_form(request, patient, template=note.template)
    saved = _save(request, patient, form, note=note)
    if request.headers.get("X-CarePath-Autosave"):
        return _autosave_answer(form, saved, patient)
    if saved is not None:
        return _after_save(request, patient, saved)
    _audit_redisplay(request, patient)
    note = _note(patient, note_id)
    if note.is_signed:  # the action refused: say so, offer an amendment
        return _detail(request, patient, note, status=409,
                       extra={"refusal": form.non_field_errors()})
    return _detail(request, patient, note, form=form, status=400)


@login_required
@patient_view("treatment.clinicalnote")
def note_edit(request, patient, note_id):
    """Where an "edit" of a signed note lands (an old link or tab): the action's refusal
    and the way to amend instead."""
    note = _note(patient, note_id)
    if not note.is_signed:
        return redirect("treatment:note", patient_id=patient.uuid, note_id=note.uuid)
    refusal = [actions.SIGNED_REFUSAL]
    try:
        actions.update_note(_ctx(request), note)
    except ValidationError as exc:
        refusal = exc.messages
    return _detail(request, patient, note, status=409, extra={"refusal": refusal})


@login_required
@patient_view("treatment.noteamendment")
def note_amend(request, patient, note_id):
    refused = _staff_only(request, patient)
    if refused is not None:
        return refused
    note = _note(patient, note_id)
    if request.method != "POST":
        return _detail(request, patient, note, amend_form=AmendmentForm())
    form = AmendmentForm(request.POST)
    if form.is_valid():
        try:
            actions.amend_note(_ctx(request), note, reason=form.cleaned_data["reason"],
                               text=form.cleaned_data["text"])
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, "Amendment added. The original note is unchanged.")
            return redirect(reverse("treatment:note", kwargs={
                "patient_id": patient.uuid, "note_id": note.uuid}) + "#amendments")
    _audit_redisplay(request, patient)
    return _detail(request, patient, note, amend_form=form, status=400)


@login_required
@require_POST
@patient_view("treatment.clinicalnote")
def note_cosign(request, patient, note_id):
    note = _note(patient, note_id)
    try:
        actions.cosign_note(_ctx(request), note)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Note co-signed.")
    if request.POST.get("next") == "queue":
        return redirect("treatment:cosign_queue")
    return redirect("treatment:note", patient_id=patient.uuid, note_id=note.uuid)


@login_required
def cosign_queue(request):
    if not may_cosign_notes(request.user):
        raise PermissionDenied
    page = paginate(queries.cosign_queue(request.user), request.GET.get("page"), 50)
    audit.record_list(_ctx(request), OBJECT_TYPE,
                      sorted({str(n.patient.uuid) for n in page.object_list}),
                      view="cosign_queue")
    return render(request, "treatment/notes_cosign_queue.html", {"page": page,
                                                                 "notes": page.object_list})


# --- Group notes ----------------------------------------------------------------------

def _group_access(request, session, patients):
    """Every attendee's record must be open to the user; each refusal is audited."""
    ctx = _ctx(request)
    if (request.user.account_type != AccountType.STAFF
            or request.user.organisation_id != session.organisation_id):
        audit.denied(ctx, object_type=group_actions.OBJECT_TYPE, reason="no_relationship")
        raise PermissionDenied
    refused = queries.unreadable_for(request.user, patients)
    for patient in refused:
        audit.denied(ctx, patient=patient, object_type=group_actions.OBJECT_TYPE,
                     reason="not_on_care_team")
    if refused:
        raise PermissionDenied("You cannot open the records of every attendee of this "
                               "session.")


@login_required
def group_note(request, session_id):
    session = queries.session_by_uuid(session_id)
    if session is None:
        raise Http404("No such session")
    rows = queries.group_attendances(session)
    patients = [a.patient for a in rows]
    _group_access(request, session, patients)
    note, texts = queries.group_note_for(session)
    signed = note is not None and note.status == "signed"
    status = 200
    if request.method == "POST" and not signed:
        form = GroupNoteForm(request.POST, attendees=patients)
        autosave = bool(request.headers.get("X-CarePath-Autosave"))
        if form.is_valid():
            values = form.values()
            try:
                if request.POST.get("action") == "sign" and not autosave:
                    made = group_actions.sign_group_note(_ctx(request), session, **values)
                    messages.success(request, f"Group note signed: a note was added to each "
                                              f"of the {len(made)} attendees' records.")
                    return redirect("treatment:group_note", session_id=session.uuid)
                saved = group_actions.save_group_draft(_ctx(request), session, **values)
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                if autosave:
                    return JsonResponse({"saved": True, "at": timezone.localtime(
                        saved.updated_at).strftime("%H:%M:%S")})
                messages.success(request, "Draft saved.")
                return redirect("treatment:group_note", session_id=session.uuid)
        if autosave:
            return JsonResponse({"saved": False, "errors": form.errors.get_json_data()},
                                status=400)
        status = 400
    else:
        if note is not None:
            initial = {"topic": note.topic, "modality": note.modality,
                       "content": note.content, "part2_protected": note.part2_protected}
            initial.update({f"section_{p.uuid}": texts.get(p.pk, "") for p in patients})
        else:
            initial = {"modality": session.session_type, "part2_protected": True}
        form = GroupNoteForm(initial=initial, attendees=patients)
    audit.record_list(_ctx(request), group_actions.OBJECT_TYPE,
                      [str(p.uuid) for p in patients], session=str(session.uuid))
    attendee_notes = []
    if signed:
        made = {n.patient_id: n for n in note.attendee_notes.all()}
        attendee_notes = [(a, texts.get(a.patient_id, ""), made.get(a.patient_id))
                          for a in rows]
    response = render(request, "treatment/group_note.html", {
        "session": session, "note": note, "signed": signed, "form": form,
        "attendances": rows, "attendee_notes": attendee_notes,
        "may_write": note is None or note.author_id == request.user.pk})
    response.status_code = status
    return response
