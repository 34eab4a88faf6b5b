"""The caseload shows the work waiting beside the list: people to contact after a missed
session, and treatment plans past their review date, only for the user's own patients."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from carepath.audit.models import Action, AuditEvent
from carepath.conftest import ctx_for, verified_client
from carepath.patients import actions
from carepath.patients.models import LevelOfCare
from carepath.treatment.models import OutreachUrgency, PlanStatus, TreatmentPlan
from carepath.treatment.outreach import raise_outreach

pytestmark = pytest.mark.django_db


def _plan_due(patient, by, *, days_overdue):
    episode = actions.open_episode(ctx_for(by), patient, reason="Referral",
                                   level_of_care=LevelOfCare.OUTPATIENT)
    return TreatmentPlan.objects.create(
        patient=patient, episode=episode, created_by=by, status=PlanStatus.ACTIVE,
        activated_at=timezone.now() - timedelta(days=40), activated_by=by,
        next_review_on=timezone.localdate() - timedelta(days=days_overdue))


def _no_show(patient, by):
    import uuid

    return raise_outreach(ctx_for(by), patient, reason="no_show",
                          explanation="Did not attend CBT on Monday",
                          source_type="treatment.attendance", source_uuid=uuid.uuid4(),
                          urgency=OutreachUrgency.SOON)


def test_an_overdue_plan_review_and_an_outreach_task_appear_on_the_caseload(
        clinician, make_patient):
    overdue, on_time, missed = make_patient(), make_patient(), make_patient()
    _plan_due(overdue, clinician, days_overdue=3)
    _plan_due(on_time, clinician, days_overdue=-5)  # due in five days: not listed
    _no_show(missed, clinician)

    page = verified_client(clinician).get("/").content.decode()

    reviews = page.split('data-testid="caseload-plan-reviews"')[1].split("</section>")[0]
    assert overdue.display_name in reviews and "overdue" in reviews
    assert on_time.display_name not in reviews
    outreach = page.split('data-testid="caseload-outreach"')[1].split("</section>")[0]
    assert missed.display_name in outreach and "Did not attend CBT on Monday" in outreach
    listed = AuditEvent.objects.filter(action=Action.LIST, object_type="caseload").last()
    assert {str(overdue.uuid), str(missed.uuid)} <= set(listed.details["patients_shown"])


def test_other_clinicians_patients_work_is_not_shown(clinician, outsider, make_patient):
    theirs = make_patient(by=outsider)
    _plan_due(theirs, outsider, days_overdue=3)
    _no_show(theirs, outsider)

    page = verified_client(clinician).get("/").content.decode()

    assert theirs.display_name not in page
    assert 'data-testid="caseload-plan-reviews"' not in page


def test_the_work_panels_cost_the_same_queries_for_one_item_or_fifteen(
        clinician, make_patient):
    client = verified_client(clinician)

    def count():
        client.get("/")
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return len(queries)

    first = make_patient()
    _plan_due(first, clinician, days_overdue=1)
    _no_show(first, clinician)
    one = count()
    for _ in range(14):
        p = make_patient()
        _plan_due(p, clinician, days_overdue=2)
        _no_show(p, clinician)
    assert count() == one
