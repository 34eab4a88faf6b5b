"""Group notes: one note written, one signed note per attendee, each attendee's record
holding the shared text and only their own section."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from carepath.accounts.models import Role
from carepath.audit.models import Action, AuditEvent, Outcome
from carepath.conftest import ctx_for
from carepath.treatment import actions_group_notes as group
from carepath.treatment import actions_notes
from carepath.treatment.models import (
    AttendanceStatus,
    ClinicalNote,
    GroupNote,
    SessionFormat,
)

from .test_notes_support import attend, make_session

pytestmark = pytest.mark.django_db

GIVEN = ["Aurelio", "Bethany", "Cosimo", "Delphine", "Evander", "Fenella", "Gideon",
         "Honoria", "Isidore", "Juniper"]
FAMILY = ["Quillfeather", "Brightwater", "Thistlewood", "Marchbanks", "Ravenhill",
          "Oakenshaw", "Pemberley", "Starling", "Wyndham", "Ashcombe"]
CODEWORDS = ["lighthouse", "marmalade", "glacier", "saxophone", "tangerine", "windmill",
             "porcupine", "lantern", "hazelnut", "trampoline"]
SHARED = "Relapse-prevention group: mapping high-risk situations and urge surfing."
TOPIC = "High-risk situations"


def _section(n: int) -> str:
    return f"OWN-SECTION-{n:02d}: engaged and named two personal triggers ({CODEWORDS[n]})."


@pytest.fixture
def group_of_ten(org, clinician, make_patient):
    session = make_session(org, clinician)
    patients = [make_patient(legal_given_name=GIVEN[n], legal_family_name=FAMILY[n])
                for n in range(10)]
    for p in patients:
        attend(session, p)
    return session, patients


def _values(patients, **overrides):
    values = {"topic": TOPIC, "modality": "relapse_prevention", "content": SHARED,
              "sections": {str(p.uuid): _section(n) for n, p in enumerate(patients)}}
    values.update(overrides)
    return values


def test_signing_makes_one_signed_note_per_attendee_in_one_go(group_of_ten, clinician):
    session, patients = group_of_ten
    made = group.sign_group_note(ctx_for(clinician), session, **_values(patients))
    assert len(made) == 10
    note = GroupNote.objects.get(session=session)
    assert note.status == "signed" and note.sections.count() == 10
    for n, p in enumerate(patients):
        clinical = ClinicalNote.objects.get(patient=p, group_note=note)
        assert clinical.template == "group" and clinical.is_signed
        assert clinical.sections == {"shared": SHARED, "individual": _section(n)}
        assert clinical.session == session and clinical.part2_protected
        assert actions_notes.verify_note(clinical)
        assert AuditEvent.objects.filter(action=Action.SIGN, patient_uuid=p.uuid,
                                         object_id=str(clinical.uuid)).exists()
    # A retried form makes nothing more.
    again = group.sign_group_note(ctx_for(clinician), session, **_values(patients))
    assert {n.pk for n in again} == {n.pk for n in made}
    assert ClinicalNote.objects.count() == 10


def test_each_attendees_chart_shows_only_their_own_section(group_of_ten, clinician, as_user):
    """The strong isolation test: for each of 10 attendees, the Notes tab and the note
    itself hold the shared text and their own section, and none of the other nine's
    names or sections."""
    session, patients = group_of_ten
    group.sign_group_note(ctx_for(clinician), session, **_values(patients))
    client = as_user(clinician)
    for n, p in enumerate(patients):
        note = ClinicalNote.objects.get(patient=p)
        pages = {
            "list": client.get(reverse("treatment:chart_notes", args=[p.uuid])),
            "detail": client.get(reverse("treatment:note", args=[p.uuid, note.uuid])),
        }
        for name, response in pages.items():
            assert response.status_code == 200, name
            html = response.content.decode()
            assert p.legal_family_name in html  # their own banner
            for m, other in enumerate(patients):
                if m == n:
                    continue
                assert other.legal_family_name not in html, (name, n, m)
                assert other.legal_given_name not in html, (name, n, m)
                assert str(other.uuid) not in html, (name, n, m)
                assert f"OWN-SECTION-{m:02d}" not in html, (name, n, m)
                assert CODEWORDS[m] not in html, (name, n, m)
        detail = pages["detail"].content.decode()
        assert _section(n) in detail and SHARED in detail
        assert "Your participation" in detail and "Group session" in detail
    # And the records themselves: nothing of anyone else's.
    for n, p in enumerate(patients):
        texts = " ".join(str(v) for note in ClinicalNote.objects.filter(patient=p)
                         for v in note.sections.values())
        assert all(f"OWN-SECTION-{m:02d}" not in texts for m in range(10) if m != n)


def test_the_author_needs_change_access_to_every_attendee(group_of_ten, clinician, make_user,
                                                         make_patient, org):
    session, patients = group_of_ten
    stranger_patient = make_patient(by=make_user(Role.CLINICIAN),
                                    legal_given_name="Octavia", legal_family_name="Farthing")
    attend(session, stranger_patient)
    with pytest.raises(PermissionDenied):
        group.sign_group_note(ctx_for(clinician), session, **_values(patients))
    assert AuditEvent.objects.filter(actor=clinician, outcome=Outcome.DENIED,
                                     patient_uuid=stranger_patient.uuid).exists()
    assert not ClinicalNote.objects.exists() and not GroupNote.objects.exists()


def test_shared_text_naming_an_attendee_is_refused(group_of_ten, clinician):
    session, patients = group_of_ten
    values = _values(patients, content=f"{SHARED} Bethany Brightwater led the role-play.")
    with pytest.raises(ValidationError) as exc:
        group.sign_group_note(ctx_for(clinician), session, **values)
    assert "Bethany Brightwater" in exc.value.message_dict["content"][0]
    assert not ClinicalNote.objects.exists()


def test_a_section_naming_another_attendee_is_refused(group_of_ten, clinician):
    session, patients = group_of_ten
    values = _values(patients)
    values["sections"][str(patients[0].uuid)] = "Paired well with cosimo thistlewood."
    with pytest.raises(ValidationError) as exc:
        group.save_group_draft(ctx_for(clinician), session, **values)
    assert "Cosimo Thistlewood" in exc.value.message_dict[f"section_{patients[0].uuid}"][0]


def test_every_attendee_needs_a_section_before_signing(group_of_ten, clinician):
    session, patients = group_of_ten
    values = _values(patients)
    values["sections"][str(patients[3].uuid)] = ""
    with pytest.raises(ValidationError) as exc:
        group.sign_group_note(ctx_for(clinician), session, **values)
    assert "Delphine Marchbanks" in exc.value.message_dict["sections"][0]
    # A draft may be incomplete.
    group.save_group_draft(ctx_for(clinician), session, **values)
    assert GroupNote.objects.get().status == "draft"


def test_no_shows_and_cancellations_get_no_note(org, clinician, make_patient):
    session = make_session(org, clinician)
    here, late, absent, cancelled = (make_patient() for _ in range(4))
    attend(session, here)
    attend(session, late, AttendanceStatus.LATE)
    attend(session, absent, AttendanceStatus.NO_SHOW)
    attend(session, cancelled, AttendanceStatus.CANCELLED)
    made = group.sign_group_note(ctx_for(clinician), session, topic="Triggers",
                                 modality="group_therapy", content="Shared work.",
                                 sections={str(here.uuid): "Spoke once.",
                                           str(late.uuid): "Arrived late, settled."})
    assert {n.patient_id for n in made} == {here.pk, late.pk}


def test_an_individual_session_has_no_group_note(org, clinician, patient):
    session = make_session(org, clinician, fmt=SessionFormat.INDIVIDUAL)
    attend(session, patient)
    with pytest.raises(ValidationError, match="group and family sessions"):
        group.save_group_draft(ctx_for(clinician), session, topic="x", modality="cbt",
                               content="y", sections={})


def _post(client, session, patients, action, **overrides):
    values = _values(patients, **overrides)
    data = {"topic": values["topic"], "modality": values["modality"],
            "content": values["content"], "part2_protected": "on", "action": action}
    data.update({f"section_{k}": v for k, v in values["sections"].items()})
    return client.post(reverse("treatment:group_note", args=[session.uuid]), data)


def test_the_group_note_page_saves_a_draft_then_signs(group_of_ten, clinician, as_user):
    session, patients = group_of_ten
    client = as_user(clinician)
    url = reverse("treatment:group_note", args=[session.uuid])
    page = client.get(url)
    assert page.status_code == 200
    assert all(p.display_name in page.content.decode() for p in patients)
    assert _post(client, session, patients, "save").status_code == 302
    assert GroupNote.objects.get().status == "draft"
    refused = _post(client, session, patients, "sign",
                    content="Fenella Oakenshaw shared her story.")
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "move it to that person" in body and "Fenella Oakenshaw shared her story." in body
    assert _post(client, session, patients, "sign").status_code == 302
    assert ClinicalNote.objects.filter(group_note__session=session).count() == 10
    shown = client.get(url).content.decode()
    assert "Signed" in shown and "group-attendee-notes" in shown


def test_autosave_answers_json_and_keeps_one_draft(group_of_ten, clinician, as_user):
    session, patients = group_of_ten
    client = as_user(clinician)
    url = reverse("treatment:group_note", args=[session.uuid])
    for text in ("First words", "First words and more"):
        response = client.post(url, {"topic": "T", "modality": "cbt", "content": text,
                                     "action": "autosave"},
                               headers={"X-CarePath-Autosave": "1"})
        assert response.status_code == 200 and response.json()["saved"] is True
    assert GroupNote.objects.get().content == "First words and more"


def test_someone_without_access_to_an_attendee_cannot_open_the_page(group_of_ten, outsider,
                                                                    as_user):
    session, patients = group_of_ten
    response = as_user(outsider).get(reverse("treatment:group_note", args=[session.uuid]))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(actor=outsider, outcome=Outcome.DENIED,
                                     patient_uuid=patients[0].uuid).exists()
