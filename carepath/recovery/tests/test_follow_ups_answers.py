"""Answering a follow-up: only when due, validated naming the field, never overwritten,
retries return the first, use since discharge makes an outreach task (not an alert)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from carepath.alerts.models import Alert
from carepath.audit.models import Action, AuditEvent, Outcome
from carepath.conftest import ctx_for, verified_client
from carepath.recovery import actions_aftercare as actions
from carepath.recovery.models import FollowUp, FollowUpStatus
from carepath.recovery.queries_aftercare import follow_ups_due
from carepath.treatment.models import OutreachTask, OutreachUrgency

from .test_aftercare_support import link_account, sign_discharge, signed_in

pytestmark = pytest.mark.django_db

GOOD = {"used_since_discharge": "no", "days_abstinent_past_30": "30", "wellbeing": "15"}


@pytest.fixture
def person(patient, make_user):
    return link_account(patient, make_user)


@pytest.fixture
def due(clinician, patient):
    """The 30-day follow-up of a discharge 32 days ago: due two days ago, open."""
    discharge = sign_discharge(patient, clinician, days_ago=32)
    return FollowUp.objects.get(discharge=discharge, day_offset=30)


def _url(follow_up):
    return f"/my/follow-ups/{follow_up.uuid}/"


def _answer(user, follow_up, **overrides):
    values = {"used_since_discharge": False, "days_abstinent_past_30": 30, "wellbeing": 12,
              **overrides}
    return actions.answer_follow_up(ctx_for(user), follow_up, **values)


def test_the_person_answers_a_due_follow_up_in_the_portal(person, due, patient):
    client = signed_in(person)
    page = client.get(_url(due)).content.decode()
    assert 'data-testid="follow-up-form"' in page
    assert "mirrors the 0 (poor) to 20 (good) rating style" in page
    assert "not a validated scale" in page
    response = client.post(_url(due), {**GOOD, "submission_key": "k1"})
    assert response.status_code == 302
    due.refresh_from_db()
    assert due.status == FollowUpStatus.COMPLETED
    assert (due.used_since_discharge, due.days_abstinent_past_30, due.wellbeing) == (
        False, 30, 15)
    assert due.entered_by == person and due.completed_at is not None
    event = AuditEvent.objects.get(object_id=str(due.uuid), action=Action.UPDATE)
    assert event.details["on_behalf"] is False and "wellbeing" not in event.details
    assert "Thank you: your answers are saved" in client.get(_url(due)).content.decode()


def test_a_follow_up_not_yet_due_says_when_it_opens(person, clinician, patient):
    discharge = sign_discharge(patient, clinician)
    later = FollowUp.objects.get(discharge=discharge, day_offset=90)
    client = signed_in(person)
    page = client.get(_url(later)).content.decode()
    assert f"opens on {later.due_on:%d %b %Y}" in page
    assert 'data-testid="follow-up-form"' not in page
    response = client.post(_url(later), {**GOOD, "submission_key": "k2"})
    assert response.status_code == 400
    later.refresh_from_db()
    assert later.status == FollowUpStatus.SCHEDULED and later.wellbeing is None


@pytest.mark.parametrize(("overrides", "field", "words"), [
    ({"days_abstinent_past_30": 31}, "days_abstinent_past_30", "from 0 to 30"),
    ({"days_abstinent_past_30": None}, "days_abstinent_past_30", "days without ketamine"),
    ({"wellbeing": 21}, "wellbeing", "from 0 (poor) to 20"),
    ({"wellbeing": -1}, "wellbeing", "Overall well-being"),
    ({"used_since_discharge": None}, "used_since_discharge", "yes or no"),
    ({"used_since_discharge": False, "days_abstinent_past_30": 12}, "days_abstinent_past_30",
     "enter 30"),
])
def test_answers_out_of_range_are_refused_naming_the_field(person, due, overrides, field,
                                                           words):
    with pytest.raises(ValidationError) as exc:
        _answer(person, due, **overrides)
    assert words.lower() in " ".join(exc.value.message_dict[field]).lower()
    due.refresh_from_db()
    assert due.status == FollowUpStatus.SCHEDULED


def test_the_portal_form_keeps_what_was_typed_and_names_the_field(person, due):
    response = signed_in(person).post(_url(due), {"used_since_discharge": "yes",
                                                  "days_abstinent_past_30": "45",
                                                  "wellbeing": "9", "submission_key": "k3"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Days without ketamine in the past 30 days must be from 0 to 30" in page
    assert 'value="45"' in page and 'value="9"' in page
    assert FollowUp.objects.get(pk=due.pk).status == FollowUpStatus.SCHEDULED


def test_a_completed_follow_up_is_not_overwritten(person, due, clinician):
    _answer(person, due, wellbeing=12)
    with pytest.raises(ValidationError) as exc:
        _answer(clinician, due, wellbeing=3, used_since_discharge=True,
                days_abstinent_past_30=10)
    assert "already answered" in exc.value.messages[0]
    response = signed_in(person).post(_url(due), {**GOOD, "wellbeing": "2",
                                                  "submission_key": "another"})
    assert response.status_code == 400
    assert "already answered" in response.content.decode()
    due.refresh_from_db()
    assert (due.wellbeing, due.used_since_discharge, due.entered_by) == (12, False, person)


def test_a_retry_with_the_same_submission_key_returns_the_first(person, due):
    first = _answer(person, due, submission_key="same-key")
    again = _answer(person, FollowUp.objects.get(pk=due.pk), submission_key="same-key")
    assert again.pk == first.pk and again.status == FollowUpStatus.COMPLETED
    assert AuditEvent.objects.filter(object_id=str(due.uuid), action=Action.UPDATE).count() == 1
    # The portal double-tap: the second post redirects to the answered follow-up.
    response = signed_in(person).post(_url(due), {**GOOD, "wellbeing": "12",
                                                  "submission_key": "same-key"})
    assert response.status_code == 302


def test_use_since_discharge_raises_an_outreach_task_not_an_alert(person, due, patient):
    _answer(person, due, used_since_discharge=True, days_abstinent_past_30=20)
    task = OutreachTask.objects.get(patient=patient)
    assert task.reason == "follow_up_use" and task.urgency == OutreachUrgency.SOON
    assert task.source_type == "recovery.followup" and task.source_uuid == due.uuid
    assert not Alert.objects.filter(patient=patient).exists()
    page = signed_in(person).get(_url(due)).content.decode()
    assert "Thank you for being honest" in page


def test_no_use_raises_no_outreach(person, due, patient):
    _answer(person, due)
    assert not OutreachTask.objects.filter(patient=patient).exists()


def test_the_care_team_enters_answers_from_a_phone_call(clinician, due, patient):
    prefix = str(due.uuid)
    response = verified_client(clinician).post(
        f"/patients/{patient.uuid}/recovery/aftercare/follow-ups/{due.uuid}/",
        {f"{prefix}-{k}": v for k, v in {**GOOD, "submission_key": "phone"}.items()})
    assert response.status_code == 302
    due.refresh_from_db()
    assert due.status == FollowUpStatus.COMPLETED and due.entered_by == clinician
    event = AuditEvent.objects.get(object_id=str(due.uuid), action=Action.UPDATE)
    assert event.details["on_behalf"] is True


def test_someone_outside_the_care_team_cannot_answer(outsider, due, patient):
    with pytest.raises(PermissionDenied):
        _answer(outsider, due)
    assert AuditEvent.objects.filter(patient_uuid=patient.uuid,
                                     outcome=Outcome.DENIED).exists()
    assert FollowUp.objects.get(pk=due.pk).status == FollowUpStatus.SCHEDULED


def test_another_persons_follow_up_is_not_found(due, make_patient, make_user):
    stranger = link_account(make_patient(), make_user, email="other@example.org")
    assert signed_in(stranger).get(_url(due)).status_code == 404


def test_a_missed_follow_up_cannot_be_answered(person, due):
    FollowUp.objects.filter(pk=due.pk).update(status=FollowUpStatus.MISSED)
    with pytest.raises(ValidationError) as exc:
        _answer(person, FollowUp.objects.get(pk=due.pk))
    assert "closed on" in exc.value.messages[0]


def test_follow_ups_due_lists_only_open_ones_due_by_today(due, patient, settings):
    today = due.due_on
    assert follow_ups_due(patient, today - timedelta(days=1)) == []
    assert follow_ups_due(patient, today) == [due]
    closing = today + timedelta(days=settings.CAREPATH_FOLLOW_UP_ANSWER_DAYS)
    assert follow_ups_due(patient, closing) == [due]
    assert follow_ups_due(patient, closing + timedelta(days=1)) == []
    FollowUp.objects.filter(pk=due.pk).update(status=FollowUpStatus.COMPLETED)
    assert follow_ups_due(patient, today) == []
