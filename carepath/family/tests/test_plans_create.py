"""Starting a plan (family:plan_new) and its overview (family:plan)."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from carepath.accounts.models import AccountType, Role
from carepath.audit.models import AuditEvent, Outcome
from carepath.conftest import ctx_for
from carepath.family import actions_plans
from carepath.family.models import InterventionPlan, PlanMember
from carepath.family.tests.plans_support import (
    complete_step_one,
    make_plan,
    make_supporter,
    supporter_client,
)

pytestmark = pytest.mark.django_db
NEW = reverse("family:plan_new")


def _post(user, **fields):
    data = {"loved_one_name": "Jamie", "setting": "Mum's kitchen",
            "intervention_date": "", "submission_key": str(uuid.uuid4()), **fields}
    return supporter_client(user).post(NEW, data)


def test_supporter_creates_plan_and_becomes_accepted_chair(make_user, org):
    user = make_supporter(make_user)
    future = timezone.localdate() + timedelta(days=10)
    response = _post(user, intervention_date=future.isoformat())
    plan = InterventionPlan.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("family:step_plan", kwargs={"plan_id": plan.uuid})
    assert (plan.loved_one_name, plan.setting, plan.intervention_date) == (
        "Jamie", "Mum's kitchen", future)
    assert plan.organisation == org and plan.created_by == user
    member = PlanMember.objects.get(plan=plan)
    assert member.user == user and member.is_chair and member.accepted_at is not None
    assert member.email == user.email.lower() and member.name == user.get_full_name()
    assert AuditEvent.objects.filter(object_type="family.plan", object_id=str(plan.uuid),
                                     action="create").exists()


def test_resubmitted_form_makes_one_plan(make_user):
    user = make_supporter(make_user)
    key = str(uuid.uuid4())
    first = _post(user, submission_key=key)
    second = _post(user, submission_key=key)
    assert first.url == second.url
    assert InterventionPlan.objects.count() == 1 and PlanMember.objects.count() == 1


@pytest.mark.parametrize("account_type", [AccountType.STAFF, AccountType.PATIENT])
def test_staff_and_patients_get_404_and_denied_audit(make_user, account_type, as_user):
    user = make_user(Role.CLINICIAN if account_type == AccountType.STAFF else None,
                     account_type=account_type)
    client = as_user(user)
    assert client.get(NEW).status_code == 404
    assert client.post(NEW, {"loved_one_name": "Jamie"}).status_code == 404
    assert not InterventionPlan.objects.exists()
    assert AuditEvent.objects.filter(actor=user, object_type="family.plan",
                                     outcome=Outcome.DENIED).count() == 2


def test_action_refuses_non_supporter_with_denied_audit(clinician):
    with pytest.raises(PermissionDenied):
        actions_plans.create_plan(ctx_for(clinician), loved_one_name="Jamie")
    assert AuditEvent.objects.filter(actor=clinician, outcome=Outcome.DENIED).exists()


def test_missing_name_is_refused_and_typed_fields_kept(make_user):
    response = _post(make_supporter(make_user), loved_one_name="  ",
                     setting="The back garden")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter the name you use for the person you are worried about." in html
    assert "The back garden" in html
    assert not InterventionPlan.objects.exists()


def test_past_date_is_refused_with_message_and_name_kept(make_user):
    past = timezone.localdate() - timedelta(days=1)
    response = _post(make_supporter(make_user), intervention_date=past.isoformat(),
                     loved_one_name="Jamie-Lee")
    assert response.status_code == 400
    html = response.content.decode()
    assert actions_plans.PAST_DATE in html and "Jamie-Lee" in html
    assert not InterventionPlan.objects.exists()


def test_plan_goes_to_front_door_organisation_when_creator_has_none(make_user, org):
    user = make_supporter(make_user)
    user.organisation = None
    user.save(update_fields=["organisation"])
    plan = actions_plans.create_plan(ctx_for(user), loved_one_name="Jamie")
    assert plan.organisation == org


def test_overview_shows_each_step_done_state_and_next_step(make_user, org):
    plan, members = make_plan(org, make_user, members=2)
    complete_step_one(plan)
    response = supporter_client(members[1].user).get(
        reverse("family:plan", kwargs={"plan_id": plan.uuid}))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-step="plan" data-done="true"' in html
    assert 'data-step="consult" data-done="false"' in html
    assert reverse("family:step_consult", kwargs={"plan_id": plan.uuid}) in html
    assert "Continue: step 2, Consult a professional" in html


def test_overview_refuses_non_member_with_404_and_denied_audit(make_user, org):
    plan, _ = make_plan(org, make_user)
    outsider = make_supporter(make_user)
    response = supporter_client(outsider).get(reverse("family:plan",
                                                      kwargs={"plan_id": plan.uuid}))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(actor=outsider, object_id=str(plan.uuid),
                                     outcome=Outcome.DENIED).exists()
