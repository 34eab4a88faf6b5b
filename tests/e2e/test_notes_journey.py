"""Notes journeys.

(1) The demo clinician runs a 10-person group session (attendance made in the fixture,
    as the session page's attendance recording is another area's journey) and writes one
    group note; each attendee's chart then shows the shared text and only their own
    section.
(2) The clinician signs a note; editing it is refused; an amendment is shown beside the
    original.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from e2e_support import click_and_wait

from carepath.accounts.models import User
from carepath.patients.models import Patient
from carepath.treatment.models import (
    Attendance,
    AttendanceStatus,
    ClinicalNote,
    Session,
    SessionStatus,
)

CODEWORDS = ["lighthouse", "marmalade", "glacier", "saxophone", "tangerine", "windmill",
             "porcupine", "lantern", "hazelnut", "trampoline"]
SHARED = "The group mapped high-risk situations and practised urge surfing."


def _section(n: int) -> str:
    return f"Named two personal triggers and one plan for each ({CODEWORDS[n]})."


@pytest.fixture
def group_session(demo_org):
    clinician = User.objects.get(username="clinician")
    patients, names = [], set()
    for p in (Patient.objects.filter(organisation=demo_org, care_team__user=clinician)
              .order_by("pk")):
        words = {p.legal_given_name, p.legal_family_name, p.display_name}
        if words & names:
            continue  # distinct names, so "no other attendee's name" is a fair check
        names |= words
        patients.append(p)
        if len(patients) == 10:
            break
    assert len(patients) == 10
    start = timezone.now() - timedelta(hours=3)
    session = Session.objects.create(
        organisation=demo_org, session_type="relapse_prevention", format="group",
        title="Relapse prevention group (journey)", starts_at=start,
        ends_at=start + timedelta(hours=1), clinician=clinician, created_by=clinician,
        status=SessionStatus.HELD)
    for p in patients:
        Attendance.objects.create(session=session, patient=p,
                                  status=AttendanceStatus.ATTENDED)
    return session, patients


@pytest.mark.browser
def test_group_note_reaches_each_attendee_with_only_their_section(browse, live_server,
                                                                   group_session):
    session, patients = group_session
    page = browse.new_page()
    browse.sign_in(page, "clinician")
    page.goto(f"/treatment/sessions/{session.uuid}/group-note/")
    browse.check(page, "group note form")
    form = page.get_by_test_id("group-note-form")
    form.get_by_label("Topic").fill("High-risk situations")
    form.get_by_label("Shared content").fill(SHARED)
    for n, p in enumerate(patients):
        form.get_by_label(p.display_name, exact=True).fill(_section(n))
    click_and_wait(page, form.get_by_role("button", name="Sign and add to each record"))
    assert "Group note signed" in page.inner_text("main")
    browse.check(page, "group note signed")
    assert ClinicalNote.objects.filter(group_note__session=session).count() == 10

    for n, p in enumerate(patients):
        page.goto(f"/patients/{p.uuid}/notes/")
        if n == 0:
            browse.check(page, "notes tab with a group note")
        click_and_wait(page, page.get_by_test_id("note-list").get_by_role(
            "link", name="Group: High-risk situations"))
        if n == 0:
            browse.check(page, "group note in one attendee's chart")
        main = page.inner_text("main")
        assert SHARED in main and _section(n) in main
        for m, other in enumerate(patients):
            if m != n:
                assert CODEWORDS[m] not in main, (n, m)
                assert other.display_name not in main, (n, m)
                assert other.legal_family_name not in page.content(), (n, m)


@pytest.mark.browser
def test_signed_note_refuses_edits_and_shows_amendment_beside_original(browse, live_server,
                                                                        demo_org):
    clinician = User.objects.get(username="clinician")
    patient = (Patient.objects.filter(organisation=demo_org, care_team__user=clinician)
               .order_by("-pk").first())
    page = browse.new_page()
    browse.sign_in(page, "clinician")
    page.goto(f"/patients/{patient.uuid}/notes/")
    browse.check(page, "notes tab")
    click_and_wait(page, page.get_by_test_id("new-note").get_by_role("link", name="Free text"))
    browse.check(page, "new note form")
    form = page.get_by_test_id("note-form")
    form.get_by_label("Title (optional)").fill("Phone call")
    form.get_by_label("Note", exact=True).fill("Reports three days without ketamine.")
    click_and_wait(page, form.get_by_role("button", name="Sign note"))
    assert "Note signed." in page.inner_text("main")
    check = page.get_by_test_id("digest-check").inner_text().lower()  # the tag is upper case
    assert "content matches its signature" in check
    browse.check(page, "signed note")
    note = ClinicalNote.objects.get(patient=patient, title="Phone call")

    # An old link to edit it: refused, with the way to amend.
    page.goto(f"/patients/{patient.uuid}/notes/{note.uuid}/edit/")
    assert ("Signed notes cannot be edited; add an amendment."
            in page.get_by_test_id("edit-refused").inner_text())
    click_and_wait(page, page.get_by_test_id("amend-link"))
    browse.check(page, "amend form")
    page.get_by_label("Reason for the amendment").fill("Wrong number of days")
    page.locator("#id_text").fill("Four days, not three.")  # label "Amendment *"
    click_and_wait(page, page.get_by_role("button", name="Add amendment"))
    assert "Amendment added." in page.inner_text("main")
    original = page.get_by_test_id("note-original").inner_text()
    amendment = page.get_by_test_id("note-amendments").inner_text()
    assert "Reports three days without ketamine." in original
    assert "Four days, not three." in amendment and "Wrong number of days" in amendment
    assert "Four days" not in original
    # Beside it: the two sit on the same row.
    left = page.get_by_test_id("note-original").bounding_box()
    right = page.get_by_test_id("note-amendments").bounding_box()
    assert right["x"] > left["x"] and abs(right["y"] - left["y"]) < 5
    browse.check(page, "note with an amendment")
    note.refresh_from_db()
    assert note.sections == {"text": "Reports three days without ketamine."}
