"""Step 3 (family:step_statements): private drafts, shared only when the author shares."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from carepath.audit.models import AuditEvent, Outcome
from carepath.family.models import Statement
from carepath.family.tests.plans_support import (
    make_plan,
    make_supporter,
    supporter_client,
    write_statement,
)

pytestmark = pytest.mark.django_db
DRAFT = "You missed my graduation in June and did not answer your phone"


def _url(plan):
    return reverse("family:step_statements", kwargs={"plan_id": plan.uuid})


def _save(client, plan, **texts):
    data = {"form": "save", "behaviours": DRAFT, "impact": "I felt frightened.",
            "care": "I love our Sunday walks.", "request": "Please see the advisor.", **texts}
    return client.post(_url(plan), data)


def test_saving_a_draft_stores_it_privately_and_audits_without_words(make_user, org):
    plan, members = make_plan(org, make_user)
    response = _save(supporter_client(members[0].user), plan)
    assert response.status_code == 302
    statement = Statement.objects.get(member=members[0])
    assert statement.behaviours == DRAFT and statement.shared_at is None
    event = AuditEvent.objects.get(object_type="family.statement", action="create")
    assert event.details["fields"] == ["behaviours", "impact", "care", "request"]
    for words in (DRAFT, "frightened", "Sunday walks", "advisor"):
        assert words not in str(event.details)
    _save(supporter_client(members[0].user), plan, impact="I felt scared.")
    update = AuditEvent.objects.get(object_type="family.statement", action="update")
    assert update.details["fields"] == ["impact"] and "scared" not in str(update.details)


def test_an_unshared_draft_is_never_in_another_members_page(make_user, org):
    plan, members = make_plan(org, make_user, members=3)
    author = supporter_client(members[0].user)
    _save(author, plan)
    assert DRAFT in author.get(_url(plan)).content.decode()  # the author sees their own
    reader = supporter_client(members[1].user)
    html = reader.get(_url(plan)).content.decode()
    assert DRAFT not in html and "frightened" not in html and "Sunday walks" not in html
    assert "Nobody else has shared a statement yet." in html

    author.post(_url(plan), {"form": "share"})
    shared_html = reader.get(_url(plan)).content.decode()
    assert DRAFT in shared_html and "frightened" in shared_html

    author.post(_url(plan), {"form": "unshare"})
    assert Statement.objects.get(member=members[0]).shared_at is None
    assert DRAFT not in reader.get(_url(plan)).content.decode()


def test_the_page_shows_who_has_shared(make_user, org):
    plan, members = make_plan(org, make_user, members=3)
    write_statement(members[1], shared=True)
    write_statement(members[2], shared=False)
    html = supporter_client(members[0].user).get(_url(plan)).content.decode()
    assert f"{members[1].name}: shared" in html
    assert f"{members[2].name}: not shared yet" in html
    assert f"{members[0].name} (you): not shared yet" in html


def test_step_is_done_when_every_joined_member_has_shared(make_user, org):
    plan, members = make_plan(org, make_user)
    write_statement(members[1], shared=True)
    client = supporter_client(members[0].user)
    _save(client, plan)
    assert "Not done yet." in client.get(_url(plan)).content.decode()
    client.post(_url(plan), {"form": "share"})
    assert "This step is done." in client.get(_url(plan)).content.decode()


def test_an_empty_statement_cannot_be_shared(make_user, org):
    plan, members = make_plan(org, make_user)
    response = supporter_client(members[0].user).post(_url(plan), {"form": "share"})
    assert response.status_code == 400
    assert "Write and save your statement before sharing it." in response.content.decode()
    assert not Statement.objects.exists()


def test_too_long_text_is_refused_and_kept(make_user, org):
    plan, members = make_plan(org, make_user)
    response = _save(supporter_client(members[0].user), plan, care="x" * 4001)
    assert response.status_code == 400
    assert "x" * 4001 in response.content.decode() and DRAFT in response.content.decode()
    assert not Statement.objects.exists()


def test_someone_not_on_the_team_cannot_read_or_write(make_user, org):
    plan, members = make_plan(org, make_user)
    write_statement(members[1], shared=True, behaviours="Shared words only for the team")
    outsider = make_supporter(make_user)
    client = supporter_client(outsider)
    response = client.get(_url(plan))
    assert response.status_code == 404
    assert "Shared words only for the team" not in response.content.decode()
    assert _save(client, plan).status_code == 404
    assert Statement.objects.count() == 1
    assert AuditEvent.objects.filter(actor=outsider, outcome=Outcome.DENIED).count() == 2


def test_step_statements_query_count_is_the_same_for_2_and_8_members(make_user, org):
    counts = []
    for size in (2, 8):
        plan, members = make_plan(org, make_user, members=size)
        for member in members:
            write_statement(member, shared=True)
        client = supporter_client(members[0].user)
        client.get(_url(plan))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_url(plan)).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
