"""Joining a plan from an invitation link (family:plan_join)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from carepath.audit.models import AuditEvent, Outcome
from carepath.conftest import ctx_for
from carepath.family import actions_plans
from carepath.family.models import PlanMember
from carepath.family.tests.plans_support import make_plan, make_supporter, supporter_client

pytestmark = pytest.mark.django_db


def _invite(plan, inviter, email="priya@example.org"):
    member, token = actions_plans.invite_member(ctx_for(inviter), plan, name="Priya",
                                                email=email, role="friend")
    return member, reverse("family:plan_join", kwargs={"token": token})


def _invitee(make_user, email="Priya@Example.org"):
    user = make_supporter(make_user)
    user.email = email
    user.save(update_fields=["email"])
    return user


def test_signed_out_goes_to_sign_in_and_back_with_a_word_about_registering(make_user, org):
    plan, members = make_plan(org, make_user)
    _, link = _invite(plan, members[0].user)
    response = Client().get(link, follow=False)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login") + "?next=")
    assert "family%2Fplans%2Fjoin" in response.url
    page = Client().get(link, follow=True).content.decode()
    assert reverse("family:register") in page


def test_invited_supporter_confirms_and_joins(make_user, org):
    plan, members = make_plan(org, make_user)
    invited, link = _invite(plan, members[0].user)
    user = _invitee(make_user)
    client = supporter_client(user)
    page = client.get(link)
    assert page.status_code == 200 and "Join the plan for Sam" in page.content.decode()
    assert PlanMember.objects.get(pk=invited.pk).accepted_at is None  # a GET joins nobody
    response = client.post(link)
    assert response.status_code == 302
    assert response.url == reverse("family:plan", kwargs={"plan_id": plan.uuid})
    invited.refresh_from_db()
    assert invited.user == user and invited.accepted_at is not None
    assert client.get(response.url).status_code == 200


def test_link_works_once(make_user, org):
    plan, members = make_plan(org, make_user)
    invited, link = _invite(plan, members[0].user)
    client = supporter_client(_invitee(make_user))
    client.post(link)
    # The member who used it is sent to the plan; anyone else sees "already used".
    assert client.get(link).status_code == 302
    other = supporter_client(make_supporter(make_user))
    response = other.post(link)
    assert response.status_code == 410
    assert "already been used" in response.content.decode()


def test_email_mismatch_is_refused_audited_and_nothing_joined(make_user, org):
    plan, members = make_plan(org, make_user)
    invited, link = _invite(plan, members[0].user)
    stranger = _invitee(make_user, email="someone.else@example.org")
    client = supporter_client(stranger)
    for response in (client.get(link), client.post(link)):
        assert response.status_code == 403
        assert "different email address" in response.content.decode()
    invited.refresh_from_db()
    assert invited.accepted_at is None and invited.user is None
    assert AuditEvent.objects.filter(actor=stranger, outcome=Outcome.DENIED,
                                     details__reason="email_mismatch").count() == 2
    assert supporter_client(stranger).get(
        reverse("family:plan", kwargs={"plan_id": plan.uuid})).status_code == 404


def test_staff_account_with_the_invited_address_is_refused(make_user, org, as_user):
    plan, members = make_plan(org, make_user)
    invited, link = _invite(plan, members[0].user, email="staff.person@example.org")
    staff = make_user()
    staff.email = "staff.person@example.org"
    staff.save(update_fields=["email"])
    response = as_user(staff).post(link)
    assert response.status_code == 403
    assert "supporter account" in response.content.decode()
    invited.refresh_from_db()
    assert invited.accepted_at is None
    assert AuditEvent.objects.filter(actor=staff, outcome=Outcome.DENIED,
                                     details__reason="not_a_supporter").exists()


def test_expired_link_shows_a_clear_page(make_user, org):
    plan, members = make_plan(org, make_user)
    invited, link = _invite(plan, members[0].user)
    PlanMember.objects.filter(pk=invited.pk).update(
        invite_expires_at=timezone.now() - timedelta(minutes=1))
    response = supporter_client(_invitee(make_user)).post(link)
    assert response.status_code == 410
    assert "This link has expired." in response.content.decode()
    invited.refresh_from_db()
    assert invited.accepted_at is None


def test_unknown_link_is_404_with_a_clear_page(make_user):
    client = supporter_client(make_supporter(make_user))
    response = client.get(reverse("family:plan_join", kwargs={"token": "not-a-real-token"}))
    assert response.status_code == 404
    assert "do not recognise this link" in response.content.decode()


def test_invitation_email_tells_them_what_account_they_need(make_user, org):
    plan, members = make_plan(org, make_user)
    _invite(plan, members[0].user)
    assert "supporter account with this email address (priya@example.org)" in \
        mail.outbox[0].body
