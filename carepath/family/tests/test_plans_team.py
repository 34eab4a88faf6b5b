"""Step 1 (family:step_plan): where and when, invitations, the chair, leaving and removing."""

import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from carepath.accounts.link_tokens import link_digest
from carepath.audit.models import AuditEvent, Outcome
from carepath.conftest import ctx_for
from carepath.family import actions_plans
from carepath.family.models import Boundary, PlanMember
from carepath.family.tests.plans_support import (
    add_member,
    make_plan,
    make_supporter,
    supporter_client,
)

pytestmark = pytest.mark.django_db


def _url(plan):
    return reverse("family:step_plan", kwargs={"plan_id": plan.uuid})


def _invite(client, plan, **fields):
    data = {"form": "invite", "name": "Priya", "email": "priya@example.org",
            "role": "friend", "relationship": "best friend",
            "submission_key": str(uuid.uuid4()), **fields}
    return client.post(_url(plan), data)


def test_basics_save_setting_and_date(make_user, org):
    plan, members = make_plan(org, make_user)
    day = timezone.localdate() + timedelta(days=7)
    response = supporter_client(members[1].user).post(_url(plan), {
        "form": "basics", "setting": "Gran's front room", "intervention_date": day.isoformat()})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.setting, plan.intervention_date) == ("Gran's front room", day)


def test_past_date_is_refused_with_message_and_setting_kept(make_user, org):
    plan, members = make_plan(org, make_user, setting="Old setting")
    past = timezone.localdate() - timedelta(days=3)
    response = supporter_client(members[0].user).post(_url(plan), {
        "form": "basics", "setting": "The new setting", "intervention_date": past.isoformat()})
    assert response.status_code == 400
    html = response.content.decode()
    assert actions_plans.PAST_DATE in html and "The new setting" in html
    plan.refresh_from_db()
    assert plan.setting == "Old setting" and plan.intervention_date is None


def test_invite_emails_a_one_time_link_and_stores_only_its_digest(make_user, org, settings):
    settings.CAREPATH_PLAN_INVITE_DAYS = 5
    plan, members = make_plan(org, make_user)
    response = _invite(supporter_client(members[1].user), plan, email="Priya@Example.org")
    assert response.status_code == 302
    invited = PlanMember.objects.get(plan=plan, email="priya@example.org")
    assert invited.accepted_at is None and invited.user is None
    assert (invited.role, invited.relationship) == ("friend", "best friend")
    assert invited.invited_by == members[1].user
    assert timedelta(days=4, hours=23) < invited.invite_expires_at - timezone.now() \
        <= timedelta(days=5)
    [message] = mail.outbox
    assert message.to == ["priya@example.org"]
    token = message.body.split("/family/plans/join/")[1].split("/")[0]
    assert invited.invite_digest == link_digest(token)
    assert token not in invited.invite_digest
    assert "http" in message.body and "Sam" not in message.body  # no loved one's name


@pytest.mark.parametrize("which", ["creator", "invited"])
def test_inviting_an_address_already_on_the_team_says_so_and_keeps_form(make_user, org, which):
    plan, members = make_plan(org, make_user)
    add_member(plan, None, accepted=False, name="Priya", email="priya@example.org")
    email = members[0].user.email.upper() if which == "creator" else "PRIYA@example.org"
    response = _invite(supporter_client(members[1].user), plan, name="Someone", email=email)
    assert response.status_code == 400
    html = response.content.decode()
    assert "is already on this plan&#x27;s team" in html
    assert 'value="Someone"' in html
    assert PlanMember.objects.filter(plan=plan).count() == 3 and not mail.outbox


def test_retried_invite_form_sends_one_email(make_user, org):
    plan, members = make_plan(org, make_user)
    client = supporter_client(members[0].user)
    key = str(uuid.uuid4())
    assert _invite(client, plan, submission_key=key).status_code == 302
    assert _invite(client, plan, submission_key=key).status_code == 302
    assert len(mail.outbox) == 1
    assert PlanMember.objects.filter(plan=plan).count() == 3


def test_someone_not_on_the_team_cannot_invite_and_is_audited(make_user, org):
    plan, _ = make_plan(org, make_user)
    outsider = make_supporter(make_user)
    with pytest.raises(PermissionDenied):
        actions_plans.invite_member(ctx_for(outsider), plan, name="X", email="x@example.org")
    assert AuditEvent.objects.filter(actor=outsider, outcome=Outcome.DENIED).exists()
    assert _invite(supporter_client(outsider), plan).status_code == 404
    assert not mail.outbox


def test_chair_hands_the_chair_over(make_user, org):
    plan, members = make_plan(org, make_user, members=3)
    response = supporter_client(members[0].user).post(
        _url(plan), {"form": "chair", "chair-member": str(members[2].uuid)})
    assert response.status_code == 302
    assert list(PlanMember.objects.filter(plan=plan, is_chair=True)) == [members[2]]


def test_only_the_chair_can_hand_over_refused_403_and_audited(make_user, org):
    plan, members = make_plan(org, make_user, members=3)
    response = supporter_client(members[1].user).post(
        _url(plan), {"form": "chair", "chair-member": str(members[1].uuid)})
    assert response.status_code == 403
    assert "can hand the chair over." in response.content.decode()
    assert PlanMember.objects.get(is_chair=True) == members[0]
    assert AuditEvent.objects.filter(actor=members[1].user, outcome=Outcome.DENIED,
                                     details__reason="not_chair").exists()


def test_chair_cannot_go_to_someone_who_has_not_joined(make_user, org):
    plan, members = make_plan(org, make_user)
    pending = add_member(plan, None, accepted=False, email="p@example.org")
    response = supporter_client(members[0].user).post(
        _url(plan), {"form": "chair", "chair-member": str(pending.uuid)})
    assert response.status_code == 400
    assert PlanMember.objects.get(is_chair=True) == members[0]


def test_chair_removes_member_and_everyone_agrees_again_to_boundaries(make_user, org):
    plan, members = make_plan(org, make_user, members=3)
    Boundary.objects.create(plan=plan, member=members[2], text="I will not lend money.")
    response = supporter_client(members[0].user).post(
        _url(plan), {"form": "remove", "remove-member": str(members[2].uuid)})
    assert response.status_code == 302
    assert not PlanMember.objects.filter(pk=members[2].pk).exists()
    plan.refresh_from_db()
    assert plan.boundaries_changed_at is not None


def test_member_can_leave_but_not_remove_others(make_user, org):
    plan, members = make_plan(org, make_user, members=3)
    client = supporter_client(members[1].user)
    refused = client.post(_url(plan), {"form": "remove", "remove-member": str(members[2].uuid)})
    assert refused.status_code == 403
    assert PlanMember.objects.filter(pk=members[2].pk).exists()
    left = client.post(_url(plan), {"form": "remove", "remove-member": str(members[1].uuid)})
    assert left.status_code == 302 and left.url == reverse("family:home")
    assert not PlanMember.objects.filter(pk=members[1].pk).exists()


def test_chair_cannot_be_removed(make_user, org):
    plan, members = make_plan(org, make_user)
    response = supporter_client(members[0].user).post(
        _url(plan), {"form": "remove", "remove-member": str(members[0].uuid)})
    assert response.status_code == 400
    assert "Hand the chair to someone else first" in response.content.decode()


def test_team_list_shows_role_relationship_chair_and_status(make_user, org):
    plan, members = make_plan(org, make_user)
    add_member(plan, None, accepted=False, name="Priya Invited", email="p@example.org",
               role="friend", relationship="neighbour")
    html = supporter_client(members[1].user).get(_url(plan)).content.decode()
    assert "Priya Invited" in html and "neighbour" in html and "Friend" in html
    assert "not joined yet" in html and "Chair</span>" in html and "Joined" in html


def test_step_plan_query_count_is_the_same_for_2_and_8_members(make_user, org):
    counts = []
    for size in (2, 8):
        plan, members = make_plan(org, make_user, members=size)
        client = supporter_client(members[1].user)
        client.get(_url(plan))  # warm the session
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_url(plan)).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
