"""The supporter's home page: plans, people who share, invitations, guidance, account."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from carepath.accounts.models import AccountType
from carepath.audit.models import AuditEvent
from carepath.family import views_accounts
from carepath.family.models import PlanMember

from .accounts_support import (  # noqa: F401
    clear_rate_limit_cache,
    denied_events,
    make_plan,
    make_supporter,
    share_with,
)

pytestmark = pytest.mark.django_db
URL = "family:home"


@pytest.fixture
def supporter(make_user):
    return make_supporter(make_user)


@pytest.fixture
def client(supporter):
    client = Client()
    client.force_login(supporter)
    return client


def test_lists_my_plans_with_links_and_a_start_link(client, supporter, org):
    plan = make_plan(supporter, org, name="Jordan")
    body = client.get(reverse(URL)).content.decode()
    assert reverse("family:plan", args=[plan.uuid]) in body
    assert "Plan for Jordan" in body
    assert reverse("family:plan_new") in body


def test_plans_where_i_am_only_invited_or_not_a_member_are_not_listed(
        client, supporter, org, make_user):
    other = make_supporter(make_user)
    theirs = make_plan(other, org, name="Casey")
    invited = make_plan(other, org, name="Drew")
    PlanMember.objects.create(plan=invited, name="Me", email=supporter.email)  # not accepted
    body = client.get(reverse(URL)).content.decode()
    assert str(theirs.uuid) not in body and str(invited.uuid) not in body


def test_people_sharing_with_me_show_a_first_name_and_link(client, supporter, make_patient):
    patient = make_patient(legal_given_name="Robin", legal_family_name="Quinton",
                           preferred_name="Rob")
    share_with(patient, supporter)
    body = client.get(reverse(URL)).content.decode()
    assert reverse("family:shared_record", args=[patient.uuid]) in body
    assert "Rob" in body and "Quinton" not in body
    assert 'data-testid="home-people-notice"' in body  # asked not to pass it on


def test_revoked_or_expired_sharing_is_not_listed(client, supporter, make_patient):
    revoked = make_patient()
    share_with(revoked, supporter, revoked_at=timezone.now())
    expired = make_patient()
    today = timezone.localdate()
    share_with(expired, supporter, starts_on=today - timedelta(days=10),
               expires_on=today - timedelta(days=1))
    body = client.get(reverse(URL)).content.decode()
    assert str(revoked.uuid) not in body and str(expired.uuid) not in body


def test_invitations_show_the_session_time_in_the_organisation_zone(
        client, supporter, monkeypatch):
    starts = timezone.datetime(2030, 7, 1, 9, 30, tzinfo=timezone.UTC)  # 10:30 in London
    invite = SimpleNamespace(session=SimpleNamespace(starts_at=starts, title="Family group"))
    monkeypatch.setattr(views_accounts, "upcoming_invites", lambda user: [invite])
    body = client.get(reverse(URL)).content.decode()
    assert "Monday 1 Jul 2030, 10:30" in body and "Family group" in body


def test_links_to_guidance_wellbeing_and_two_step_sign_in(client):
    body = client.get(reverse(URL)).content.decode()
    for name in ("family:guide", "family:wellbeing", "accounts:mfa_enrol", "accounts:account"):
        assert reverse(name) in body


def test_the_read_is_audited_with_the_plans_and_people_shown(
        client, supporter, org, make_patient):
    plan = make_plan(supporter, org)
    patient = make_patient()
    share_with(patient, supporter)
    client.get(reverse(URL))
    event = AuditEvent.objects.get(object_type="family.home", actor=supporter)
    assert event.details["patients_shown"] == [str(patient.uuid)]
    assert event.details["plans_shown"] == [str(plan.uuid)]


@pytest.mark.parametrize("kind", ["staff", "patient"])
def test_staff_and_patients_get_404_and_a_denied_event(make_user, as_user, kind):
    user = make_user() if kind == "staff" else make_user(account_type=AccountType.PATIENT)
    assert as_user(user).get(reverse(URL)).status_code == 404
    assert denied_events("family.home", user).count() == 1


def test_signed_out_visitors_are_sent_to_sign_in(db):
    response = Client().get(reverse(URL))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_query_count_is_the_same_for_one_and_five_plans_and_people(
        client, supporter, org, make_patient, django_assert_max_num_queries):
    make_plan(supporter, org)
    share_with(make_patient(), supporter)
    with django_assert_max_num_queries(30) as one:
        client.get(reverse(URL))
    for n in range(4):
        make_plan(supporter, org, name=f"P{n}")
        share_with(make_patient(), supporter)
    with django_assert_max_num_queries(len(one.captured_queries)) as five:
        response = client.get(reverse(URL))
    assert len(response.context["memberships"]) == 5 and len(response.context["people"]) == 5
    assert len(five.captured_queries) == len(one.captured_queries)
