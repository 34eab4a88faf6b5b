"""Outreach tasks: raised once per source, closed with an outcome, listed by urgency."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from carepath.conftest import ctx_for
from carepath.treatment.models import OutreachTask, OutreachUrgency
from carepath.treatment.outreach import close_outreach, raise_outreach
from carepath.treatment.queries_outreach import open_outreach

pytestmark = pytest.mark.django_db


def _raise(user, patient, source=None, urgency=OutreachUrgency.SOON, due_on=None):
    return raise_outreach(ctx_for(user), patient, reason="no_show",
                          explanation="Did not attend group", source_type="test.source",
                          source_uuid=source or uuid.uuid4(), urgency=urgency, due_on=due_on)


def test_raising_twice_for_one_source_makes_one_task(clinician, patient):
    source = uuid.uuid4()
    first = _raise(clinician, patient, source)
    again = _raise(clinician, patient, source)
    assert first.pk == again.pk and OutreachTask.objects.count() == 1
    assert first.due_on == timezone.localdate() and first.status == "open"


def test_closing_needs_an_outcome_and_a_reason_when_not_needed(clinician, patient):
    task = _raise(clinician, patient)
    with pytest.raises(ValidationError) as exc:
        close_outreach(ctx_for(clinician), task, "", "")
    assert "Choose what happened" in exc.value.message_dict["outcome"][0]
    with pytest.raises(ValidationError) as exc:
        close_outreach(ctx_for(clinician), task, "not_needed", "ok")
    assert "at least 10 characters" in exc.value.message_dict["note"][0]
    close_outreach(ctx_for(clinician), task, "reached", "Spoke by phone; back next week")
    task.refresh_from_db()
    assert (task.status, task.outcome, task.closed_by) == ("done", "reached", clinician)
    with pytest.raises(ValidationError) as exc:
        close_outreach(ctx_for(clinician), task, "reached", "")
    assert "already closed" in exc.value.message_dict["outcome"][0]


def test_only_the_care_team_closes_a_task(clinician, outsider, patient):
    task = _raise(clinician, patient)
    with pytest.raises(PermissionDenied):
        close_outreach(ctx_for(outsider), task, "reached", "")
    task.refresh_from_db()
    assert task.status == "open"


def test_open_outreach_lists_visible_patients_most_urgent_then_soonest(clinician, outsider,
                                                                     make_patient):
    a, b, c = make_patient(), make_patient(), make_patient()
    today = timezone.localdate()
    routine = _raise(clinician, a, urgency=OutreachUrgency.ROUTINE, due_on=today)
    soon_later = _raise(clinician, b, urgency=OutreachUrgency.SOON,
                        due_on=today + timedelta(days=1))
    soon_now = _raise(clinician, c, urgency=OutreachUrgency.SOON, due_on=today)
    urgent = _raise(clinician, a, urgency=OutreachUrgency.URGENT, due_on=today)
    closed = _raise(clinician, b)
    close_outreach(ctx_for(clinician), closed, "no_answer", "")
    assert list(open_outreach(clinician)) == [urgent, soon_now, soon_later, routine]
    assert list(open_outreach(outsider)) == []


def test_the_tab_closes_a_task_and_the_outreach_page_lists_it(clinician, patient, as_user):
    task = _raise(clinician, patient)
    client = as_user(clinician)
    page = client.get(reverse("treatment:outreach")).content.decode()
    assert patient.legal_family_name in page and "Did not attend group" in page
    response = client.post(reverse("treatment:outreach_close", args=[patient.uuid, task.uuid]),
                           {"outcome": "not_needed", "note": "short"})
    assert response.status_code == 400
    assert "at least 10 characters" in response.content.decode()
    client.post(reverse("treatment:outreach_close", args=[patient.uuid, task.uuid]),
                {"outcome": "message_left", "note": "Voicemail"})
    task.refresh_from_db()
    assert task.status == "done" and task.outcome == "message_left"
    assert patient.legal_family_name not in client.get(
        reverse("treatment:outreach")).content.decode()
