"""The Notes tab and note pages: write, autosave, sign, refuse an edit, amend, co-sign."""

import uuid

import pytest
from django.urls import reverse

from carepath.accounts.models import AccountType
from carepath.audit.models import Action, AuditEvent
from carepath.conftest import ctx_for
from carepath.treatment import actions_notes as actions
from carepath.treatment.models import ClinicalNote, NoteAmendment

from .test_notes_support import active_plan, attend, make_session

pytestmark = pytest.mark.django_db


def _form(template="dap", action="save", key=None, **sections):
    data = {"template": template, "title": "", "session": "", "part2_protected": "on",
            "submission_key": str(key or uuid.uuid4()), "action": action}
    data.update({f"section_{k}": v for k, v in sections.items()})
    return data


def _signed(clinician, patient, text="Reports four days without ketamine."):
    note = actions.save_draft(ctx_for(clinician), patient, template="free",
                              sections={"text": text})
    return actions.sign_note(ctx_for(clinician), note)


def test_new_note_form_shows_template_sections_objectives_and_part2(clinician, patient,
                                                                   as_user):
    active_plan(patient, clinician, objectives=("Attend three groups a week",))
    response = as_user(clinician).get(
        reverse("treatment:note_new", args=[patient.uuid]) + "?template=soap")
    html = response.content.decode()
    assert response.status_code == 200
    for label in ("Subjective", "Objective", "Assessment", "Plan"):
        assert f">{label}" in html
    assert "Attend three groups a week" in html
    assert "42 CFR Part 2 (2024)" in html and 'name="part2_protected"' in html
    assert "checked" in html.split('name="part2_protected"')[1].split(">")[0]


def test_save_draft_then_sign_from_the_page(org, clinician, patient, as_user):
    objective = active_plan(patient, clinician)[0]
    session = make_session(org, clinician)
    attend(session, patient)
    client = as_user(clinician)
    key = uuid.uuid4()
    data = _form(key=key, data="Craving 3/10.", assessment="Stable.", plan="Continue.")
    data.update({"objectives": [str(objective.uuid)], "session": str(session.uuid)})
    response = client.post(reverse("treatment:note_new", args=[patient.uuid]), data)
    note = ClinicalNote.objects.get()
    assert response.status_code == 302 and note.status == "draft"
    assert list(note.objectives.all()) == [objective] and note.session == session
    # A retried submission of the same form updates the same draft.
    client.post(reverse("treatment:note_new", args=[patient.uuid]), data)
    assert ClinicalNote.objects.count() == 1
    data["action"] = "sign"
    client.post(reverse("treatment:note", args=[patient.uuid, note.uuid]), data)
    note.refresh_from_db()
    assert note.is_signed and note.needs_cosign
    page = client.get(reverse("treatment:note", args=[patient.uuid, note.uuid])).content.decode()
    assert "Content matches its signature" in page and note.content_digest in page
    assert "Awaiting a supervisor" in page


def test_autosave_creates_one_draft_and_keeps_updating_it(clinician, patient, as_user):
    client = as_user(clinician)
    key = uuid.uuid4()
    url = reverse("treatment:note_new", args=[patient.uuid])
    for text in ("Start", "Start of the note", "Start of the note, continued"):
        response = client.post(url, _form("free", "autosave", key, text=text),
                               headers={"X-CarePath-Autosave": "1"})
        assert response.status_code == 200 and response.json()["saved"] is True
    note = ClinicalNote.objects.get()
    assert note.sections["text"] == "Start of the note, continued" and note.status == "draft"


def test_editing_a_signed_note_is_refused_and_the_page_offers_amend(clinician, patient,
                                                                   as_user):
    note = _signed(clinician, patient)
    client = as_user(clinician)
    # A stale form posted after signing.
    response = client.post(reverse("treatment:note", args=[patient.uuid, note.uuid]),
                           _form("free", key=note.submission_key, text="Changed"))
    html = response.content.decode()
    assert response.status_code == 409
    assert "Signed notes cannot be edited; add an amendment." in html
    assert "amend-link" in html
    note.refresh_from_db()
    assert note.sections["text"] == "Reports four days without ketamine."
    edit = client.get(reverse("treatment:note_edit", args=[patient.uuid, note.uuid]))
    assert edit.status_code == 409
    assert "Signed notes cannot be edited; add an amendment." in edit.content.decode()


def test_amendment_is_shown_beside_the_original(clinician, patient, as_user):
    note = _signed(clinician, patient)
    client = as_user(clinician)
    url = reverse("treatment:note_amend", args=[patient.uuid, note.uuid])
    short = client.post(url, {"reason": "typo", "text": "Five days."})
    assert short.status_code == 400
    assert "at least 10 characters" in short.content.decode()
    assert "Five days." in short.content.decode()  # what was typed is kept
    client.post(url, {"reason": "Wrong number of days", "text": "Five days, not four."})
    assert NoteAmendment.objects.count() == 1
    html = client.get(reverse("treatment:note", args=[patient.uuid, note.uuid])).content.decode()
    original = html.split('data-testid="note-original"')[1]
    original = original.split('data-testid="note-amendments"')[0]
    amendments = html.split('data-testid="note-amendments"')[1]
    assert "Reports four days without ketamine." in original
    assert "Five days, not four." in amendments and "Wrong number of days" in amendments
    listed = client.get(reverse("treatment:chart_notes", args=[patient.uuid])).content.decode()
    assert "Amended" in listed


def test_supervisor_cosigns_from_the_queue(clinician, supervisor, patient, as_user):
    note = _signed(clinician, patient)
    client = as_user(supervisor)
    queue = client.get(reverse("treatment:cosign_queue"))
    assert queue.status_code == 200 and patient.display_name in queue.content.decode()
    assert AuditEvent.objects.filter(action=Action.LIST, actor=supervisor).exists()
    client.post(reverse("treatment:note_cosign", args=[patient.uuid, note.uuid]),
                {"next": "queue"})
    note.refresh_from_db()
    assert note.cosigned_by == supervisor
    assert patient.display_name not in client.get(
        reverse("treatment:cosign_queue")).content.decode()
    assert as_user(clinician).get(reverse("treatment:cosign_queue")).status_code == 403


def test_a_clinician_cannot_cosign_through_the_page(clinician, patient, make_user, as_user):
    from carepath.accounts.models import Role

    colleague = make_user(Role.CLINICIAN)
    patient.care_team.create(user=colleague, role="key_worker")
    note = _signed(clinician, patient)
    response = as_user(colleague).post(
        reverse("treatment:note_cosign", args=[patient.uuid, note.uuid]))
    assert response.status_code == 403
    note.refresh_from_db()
    assert note.cosigned_at is None


def test_the_patients_own_account_sees_no_notes(clinician, patient, make_user, as_user):
    _signed(clinician, patient, text="Private clinical text")
    account = make_user(account_type=AccountType.PATIENT)
    patient.user = account
    patient.save(update_fields=["user"])
    response = as_user(account).get(reverse("treatment:chart_notes", args=[patient.uuid]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Private clinical text" not in html and "notes-not-shown" in html


def test_another_patients_note_is_not_found_through_this_chart(clinician, patient,
                                                               make_patient, as_user):
    other = make_patient()
    note = _signed(clinician, other)
    response = as_user(clinician).get(reverse("treatment:note", args=[patient.uuid, note.uuid]))
    assert response.status_code == 404


def test_outsider_is_refused_the_notes_tab(outsider, patient, as_user):
    assert as_user(outsider).get(
        reverse("treatment:chart_notes", args=[patient.uuid])).status_code == 403


@pytest.mark.parametrize("count", [3, 30])
def test_the_notes_tab_reads_a_bounded_number_of_queries(clinician, patient, as_user,
                                                         django_assert_max_num_queries, count):
    for n in range(count):
        note = _signed(clinician, patient, text=f"Note {n}")
        if n % 3 == 0:
            actions.amend_note(ctx_for(clinician), note, reason="Adding a detail",
                               text="More.")
    client = as_user(clinician)
    url = reverse("treatment:chart_notes", args=[patient.uuid])
    client.get(url)  # warm the session
    with django_assert_max_num_queries(22):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="note-status"') == min(count, 20)
