"""The support meetings log: the person logs meetings (validated, audited, retries make one),
the care team sees meetings and follow-ups on the aftercare page and may log on the
person's behalf; the sober-living search and the referral flow are linked."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from carepath.audit.models import Action, AuditEvent, Outcome
from carepath.conftest import ctx_for, verified_client
from carepath.recovery import actions_aftercare as actions
from carepath.recovery.models import FollowUp, MeetingKind, SupportMeeting

from .test_aftercare_support import link_account, sign_discharge, signed_in

pytestmark = pytest.mark.django_db
URL = "/my/aftercare-log/"


@pytest.fixture
def person(patient, make_user):
    return link_account(patient, make_user)


def _chart(patient):
    return f"/patients/{patient.uuid}/recovery/aftercare/"


def test_the_person_logs_a_meeting_and_it_is_audited(person, patient):
    client = signed_in(person)
    page = client.get(URL).content.decode()
    assert 'data-testid="meeting-form"' in page and "usa-button--big" in page
    assert f'type="date" name="met_on" value="{timezone.localdate().isoformat()}"' in page
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(URL, {"met_on": yesterday.isoformat(), "kind": "smart",
                                 "name": "Tuesday SMART group", "note": "Good one",
                                 "submission_key": "m1"})
    assert response.status_code == 302
    meeting = SupportMeeting.objects.get(patient=patient)
    assert (meeting.met_on, meeting.kind, meeting.name, meeting.entered_by) == (
        yesterday, MeetingKind.SMART, "Tuesday SMART group", person)
    event = AuditEvent.objects.get(object_id=str(meeting.uuid), action=Action.CREATE)
    assert event.patient_uuid == patient.uuid and event.details["on_behalf"] is False
    page = client.get(URL).content.decode()
    assert "Tuesday SMART group" in page and "In the last 30 days: 1 meeting." in page


def test_name_and_note_are_optional(person, patient):
    meeting = actions.log_meeting(ctx_for(person), patient, met_on=timezone.localdate(),
                                  kind=MeetingKind.TWELVE_STEP)
    assert meeting.name == "" and meeting.note == ""


def test_a_meeting_in_the_future_is_refused_and_what_was_typed_is_kept(person, patient):
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = signed_in(person).post(URL, {"met_on": tomorrow.isoformat(), "kind": "other",
                                            "name": "Recovery café", "submission_key": "m2"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "cannot be in the future" in page
    assert 'value="Recovery café"' in page and tomorrow.isoformat() in page
    assert not SupportMeeting.objects.exists()


@pytest.mark.parametrize(("values", "field", "words"), [
    ({"met_on": None}, "met_on", "Enter the date"),
    ({"met_on": "old"}, "met_on", "more than a year ago"),
    ({"kind": "church"}, "kind", "12-step, SMART Recovery or other"),
    ({"name": "x" * 121}, "name", "under 120 characters"),
    ({"note": "x" * 2001}, "note", "under 2000 characters"),
])
def test_bad_meeting_details_are_refused_naming_the_field(person, patient, values, field,
                                                          words):
    data = {"met_on": timezone.localdate(), "kind": "smart", **values}
    if data["met_on"] == "old":
        data["met_on"] = timezone.localdate() - timedelta(days=400)
    with pytest.raises(ValidationError) as exc:
        actions.log_meeting(ctx_for(person), patient, **data)
    assert words in " ".join(exc.value.message_dict[field])
    assert not SupportMeeting.objects.exists()


def test_a_double_tap_with_the_same_key_logs_one_meeting(person, patient):
    client = signed_in(person)
    data = {"met_on": timezone.localdate().isoformat(), "kind": "twelve_step",
            "submission_key": "same"}
    assert client.post(URL, data).status_code == 302
    assert client.post(URL, data).status_code == 302
    assert SupportMeeting.objects.filter(patient=patient).count() == 1


def test_the_care_team_sees_meetings_and_follow_ups_and_the_links(person, patient,
                                                                   clinician):
    actions.log_meeting(ctx_for(person), patient, met_on=timezone.localdate(),
                        kind=MeetingKind.SMART, name="Deansgate SMART")
    sign_discharge(patient, clinician, days_ago=31)
    client = verified_client(clinician)
    before = AuditEvent.objects.filter(patient_uuid=patient.uuid, action=Action.READ).count()
    page = client.get(_chart(patient)).content.decode()
    assert "Deansgate SMART" in page and "the person" in page
    assert page.count('data-testid="follow-up-row"') == 4
    assert 'data-testid="follow-up-phone-form"' in page  # the 30-day one is due
    assert "Opens on" in page  # the 90-day one is not
    assert 'href="/services/?sober_living=on"' in page
    assert f'href="/patients/{patient.uuid}/referrals/new/?level=aftercare"' in page
    assert AuditEvent.objects.filter(patient_uuid=patient.uuid,
                                     action=Action.READ).count() == before + 1


def test_the_care_team_logs_a_meeting_on_the_persons_behalf(patient, clinician):
    response = verified_client(clinician).post(
        _chart(patient) + "meetings/",
        {"met_on": timezone.localdate().isoformat(), "kind": "other", "name": "Café",
         "submission_key": "c1"})
    assert response.status_code == 302
    meeting = SupportMeeting.objects.get(patient=patient)
    assert meeting.entered_by == clinician
    event = AuditEvent.objects.get(object_id=str(meeting.uuid), action=Action.CREATE)
    assert event.details["on_behalf"] is True


def test_a_refused_meeting_on_the_chart_keeps_the_text(patient, clinician):
    response = verified_client(clinician).post(
        _chart(patient) + "meetings/",
        {"met_on": (timezone.localdate() + timedelta(days=3)).isoformat(), "kind": "other",
         "note": "Kept note", "submission_key": "c2"})
    assert response.status_code == 400
    assert "Kept note" in response.content.decode()


def test_only_the_person_and_their_team_may_log(outsider, patient):
    with pytest.raises(PermissionDenied):
        actions.log_meeting(ctx_for(outsider), patient, met_on=timezone.localdate(),
                            kind=MeetingKind.SMART)
    assert AuditEvent.objects.filter(patient_uuid=patient.uuid, outcome=Outcome.DENIED,
                                     object_type="recovery.supportmeeting").exists()
    assert verified_client(outsider).get(_chart(patient)).status_code == 403


def test_staff_get_no_portal_page_and_the_person_is_sent_to_theirs(clinician, person,
                                                                   patient):
    assert verified_client(clinician).get(URL).status_code == 404
    response = signed_in(person).get(_chart(patient))
    assert response.status_code == 302 and response["Location"] == URL


def test_the_portal_page_shows_due_follow_ups_and_the_sober_living_link(person, patient,
                                                                        clinician):
    discharge = sign_discharge(patient, clinician, days_ago=30)
    due = FollowUp.objects.get(discharge=discharge, day_offset=30)
    page = signed_in(person).get(URL).content.decode()
    assert f"/my/follow-ups/{due.uuid}/" in page
    assert 'href="/services/?sober_living=on"' in page and "Find sober living" in page
