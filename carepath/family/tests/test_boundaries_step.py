"""Step 5, set boundaries: each member's own boundaries, everyone's agreement to all of
them, and agreement that stops counting when the list changes."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from carepath.family import steps
from carepath.family.models import Boundary, PlanMember

from .late_support import (
    add_boundary,
    assert_no_free_text,
    denied_events,
    make_plan,
    make_supporter,
    plan_events,
    step_url,
    supporter_client,
    write_statement,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(org, make_user):
    plan, members = make_plan(org, make_user, members=3)
    return plan, members, [supporter_client(m.user) for m in members]


def _agree(client, plan):
    plan.refresh_from_db()
    seen = plan.boundaries_changed_at.isoformat() if plan.boundaries_changed_at else ""
    return client.post(step_url(plan, "boundaries"), {"action": "agree", "seen": seen})


def test_adding_my_boundary_marks_the_list_changed_and_audits_no_text(team):
    plan, members, clients = team
    response = clients[1].post(step_url(plan, "boundaries"), {
        "action": "add", "text": "I will stop paying your phone bill.",
        "submission_key": str(uuid.uuid4())})
    assert response.status_code == 302
    boundary = Boundary.objects.get(plan=plan)
    assert boundary.member == members[1]
    plan.refresh_from_db()
    assert plan.boundaries_changed_at is not None
    event = plan_events(plan, details__change="boundary_added").get()
    assert_no_free_text(event, "phone bill")


def test_a_boundary_over_300_characters_is_refused_and_kept(team):
    plan, _, clients = team
    text = "I will " + "x" * 300
    response = clients[0].post(step_url(plan, "boundaries"), {
        "action": "add", "text": text, "submission_key": str(uuid.uuid4())})
    html = response.content.decode()
    assert response.status_code == 400
    assert "keep it to 300 characters" in html and text in html
    assert not Boundary.objects.exists()


def test_a_double_submitted_boundary_is_added_once(team):
    plan, _, clients = team
    data = {"action": "add", "text": "I will not cover for you.",
            "submission_key": str(uuid.uuid4())}
    clients[0].post(step_url(plan, "boundaries"), data)
    clients[0].post(step_url(plan, "boundaries"), data)
    assert Boundary.objects.filter(plan=plan).count() == 1


def test_removing_my_own_boundary_keeps_it_marked_removed(team):
    plan, members, clients = team
    boundary = add_boundary(plan, members[0])
    response = clients[0].post(step_url(plan, "boundaries"), {
        "action": "remove", "boundary": str(boundary.uuid)})
    assert response.status_code == 302
    boundary.refresh_from_db()
    plan.refresh_from_db()
    assert boundary.removed_at is not None
    assert plan.boundaries_changed_at == boundary.removed_at
    assert "I will stop lending you money." not in clients[0].get(
        step_url(plan, "boundaries")).content.decode()


def test_removing_someone_elses_boundary_is_refused_and_audited(team):
    plan, members, clients = team
    boundary = add_boundary(plan, members[0])
    response = clients[1].post(step_url(plan, "boundaries"), {
        "action": "remove", "boundary": str(boundary.uuid)})
    assert response.status_code == 403
    boundary.refresh_from_db()
    assert boundary.removed_at is None
    assert denied_events(plan, details__reason="not_author_of_boundary").count() == 1


def test_agreeing_shows_who_has_agreed_to_all(team):
    plan, members, clients = team
    add_boundary(plan, members[0])
    plan.boundaries_changed_at = timezone.now()
    plan.save()
    assert _agree(clients[1], plan).status_code == 302
    members[1].refresh_from_db()
    assert members[1].boundaries_agreed_at is not None
    html = clients[0].get(step_url(plan, "boundaries")).content.decode()
    assert f"1 of 3 agreed</strong>: {members[1].name}" in html
    assert plan_events(plan, details__change="agreed_to_all").count() == 1


def test_a_change_after_agreement_asks_everyone_to_agree_again(team):
    plan, members, clients = team
    add_boundary(plan, members[0])
    plan.boundaries_changed_at = timezone.now()
    plan.save()
    for client in clients:
        _agree(client, plan)
    plan.refresh_from_db()
    assert steps.is_done(plan, "boundaries")
    clients[2].post(step_url(plan, "boundaries"), {
        "action": "add", "text": "I will not lie for you.",
        "submission_key": str(uuid.uuid4())})
    plan.refresh_from_db()
    assert not any(m.agreed_to_boundaries(plan) for m in PlanMember.objects.filter(plan=plan))
    html = clients[0].get(step_url(plan, "boundaries")).content.decode()
    assert "0 of 3 agreed" in html
    assert "must agree again" in html and "read it again" in html


def test_agreeing_to_a_list_that_changed_while_reading_is_refused(team):
    plan, members, clients = team
    add_boundary(plan, members[0])
    plan.boundaries_changed_at = timezone.now()
    plan.save()
    stale = plan.boundaries_changed_at.isoformat()
    clients[1].post(step_url(plan, "boundaries"), {
        "action": "add", "text": "A new one.", "submission_key": str(uuid.uuid4())})
    response = clients[0].post(step_url(plan, "boundaries"), {"action": "agree",
                                                              "seen": stale})
    assert response.status_code == 400
    assert "changed while you were reading" in response.content.decode()
    members[0].refresh_from_db()
    assert members[0].boundaries_agreed_at is None


def test_all_agreeing_completes_the_step(team):
    plan, members, clients = team
    add_boundary(plan, members[1], "I will stop driving you to parties.")
    for client in clients:
        _agree(client, plan)
    html = clients[0].get(step_url(plan, "boundaries")).content.decode()
    assert "3 of 3 agreed" in html and "This step is done." in html


def test_someone_not_on_the_team_gets_404_and_a_denied_event(team, make_user):
    plan, members, _ = team
    boundary = add_boundary(plan, members[0])
    stranger = supporter_client(make_supporter(make_user))
    assert stranger.get(step_url(plan, "boundaries")).status_code == 404
    assert stranger.post(step_url(plan, "boundaries"), {
        "action": "remove", "boundary": str(boundary.uuid)}).status_code == 404
    assert denied_events(plan, details__reason="not_on_plan_team").count() == 2
    boundary.refresh_from_db()
    assert boundary.removed_at is None


def _page_queries(org, make_user, size):
    plan, members = make_plan(org, make_user, members=size)
    for m in members:
        add_boundary(plan, m, f"Boundary of {m.name}")
        write_statement(m, shared=True)
        m.boundaries_agreed_at = timezone.now()
        m.save()
    client = supporter_client(members[0].user)
    client.get(step_url(plan, "boundaries"))  # warm the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(step_url(plan, "boundaries"))
    assert response.status_code == 200
    assert f"{size} of {size} agreed" in response.content.decode()
    return len(queries)


def test_the_boundaries_page_query_count_does_not_grow_with_the_team(org, make_user):
    assert _page_queries(org, make_user, 2) == _page_queries(org, make_user, 8)
