"""The advisors' list, board and overdue pages: risk first, tags, filters in GET without
names, pagination, query counts, audit, and who may see them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from carepath.accounts.models import Role
from carepath.audit.models import AuditEvent
from carepath.conftest import ctx_for, verified_client
from carepath.intake import actions_enquiries as actions
from carepath.intake.models import Stage

from .test_pipeline_fixtures import *  # noqa: F403 (fixtures)

pytestmark = pytest.mark.django_db

LIST = "/intake/enquiries/"
BOARD = "/intake/board/"
OVERDUE = "/intake/enquiries/overdue/"


def _rows(response):
    return response.content.decode().count('data-testid="enquiry-row"')


def _plan(enquiry, advisor, days, action="Call back", assignee=None):
    due = timezone.localdate() + timedelta(days=days)
    kwargs = {"assigned_to": assignee} if assignee is not None else {}
    return actions.update_next_action(ctx_for(advisor), enquiry, next_action=action,
                                      next_action_due=due, **kwargs)


def test_the_list_shows_each_open_enquiry_with_risk_flagged_first(make_enquiry, advisor):
    plain = make_enquiry(given_name="Plain")
    risky = make_enquiry(source="callback", given_name="Risky", risk_flagged=True)
    response = verified_client(advisor).get(LIST)
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="enquiry-list"' in html
    assert _rows(response) == 2
    assert html.index(risky.display_name) < html.index(plain.display_name)
    assert html.count('data-testid="risk-tag"') == 1


def test_overdue_and_unplanned_enquiries_are_tagged(make_enquiry, advisor):
    late = _plan(make_enquiry(given_name="Late"), advisor, -1)
    _plan(make_enquiry(given_name="Today"), advisor, 0)
    make_enquiry(given_name="Unplanned")
    html = verified_client(advisor).get(LIST).content.decode()
    assert html.count('data-testid="overdue-tag"') == 1
    row = html[html.index(late.display_name):]
    assert row.index('data-testid="overdue-tag"') < row.index("</tr>")
    assert html.count('data-testid="no-next-action-tag"') == 1


def test_filters_by_stage_source_assignee_and_overdue(make_enquiry, advisor, make_user):
    colleague = make_user(Role.INTAKE_ADVISOR)
    phone = make_enquiry(given_name="Phone")
    family = make_enquiry(source="family", given_name="Family")
    professional = make_enquiry(source="professional", given_name="Professional")
    actions.change_stage(ctx_for(advisor), family, Stage.CONTACTED)
    _plan(professional, advisor, -3, assignee=colleague)
    client = verified_client(advisor)

    def shown(query):
        html = client.get(LIST + query).content.decode()
        return {e.given_name for e in (phone, family, professional) if e.display_name in html}

    assert shown("") == {"Phone", "Family", "Professional"}
    assert shown("?stage=contacted") == {"Family"}
    assert shown("?source=professional") == {"Professional"}
    assert shown(f"?assignee={colleague.uuid}") == {"Professional"}
    assert shown("?assignee=none") == {"Phone", "Family"}
    assert shown("?overdue=on") == {"Professional"}


def test_closed_enquiries_leave_the_default_list_but_show_with_all_stages(enquiry, advisor):
    actions.change_stage(ctx_for(advisor), enquiry, Stage.NOT_PROCEEDING,
                         outcome_reason="Did not want help now")
    client = verified_client(advisor)
    assert _rows(client.get(LIST)) == 0
    assert _rows(client.get(LIST + "?stage=all")) == 1
    assert _rows(client.get(LIST + "?stage=not_proceeding")) == 1


def test_the_list_is_paginated_without_names_in_its_links(make_enquiry, advisor):
    for _ in range(5):
        make_enquiry()
    client = verified_client(advisor)
    first = client.get(LIST + "?page_size=2&source=phone")
    assert _rows(first) == 2
    html = first.content.decode()
    assert "source=phone&amp;page_size=2&amp;page=2" in html
    assert _rows(client.get(LIST + "?page_size=2&page=3")) == 1


def test_the_list_is_audited_with_the_enquiries_shown(make_enquiry, advisor):
    shown = [make_enquiry(), make_enquiry()]
    verified_client(advisor).get(LIST)
    event = AuditEvent.objects.filter(action="list", object_type="intake.enquiry").last()
    assert set(event.details["enquiries_shown"]) == {str(e.uuid) for e in shown}
    assert event.actor == advisor


# Session, user, OTP device, the filter's staff list, the page, the audit event (head,
# insert, update, in a savepoint) and the session's idle timestamp (in a savepoint).
LIST_QUERIES = 13


def _count(client, path, django_assert_num_queries, exact):
    client.get(path)  # warm the session and device caches
    with django_assert_num_queries(exact):
        return client.get(path)


def test_the_list_runs_a_fixed_number_of_queries(make_enquiry, advisor,
                                                 django_assert_num_queries):
    for i in range(30):
        e = make_enquiry(risk_flagged=i % 5 == 0)
        if i % 3 == 0:
            _plan(e, advisor, -i, assignee=advisor)
    client = verified_client(advisor)
    small = _count(client, LIST + "?page_size=5", django_assert_num_queries, LIST_QUERIES)
    large = _count(client, LIST + "?page_size=30", django_assert_num_queries, LIST_QUERIES)
    assert _rows(small) == 5 and _rows(large) == 30


# As the list, with one query for the counts and one per column (five open stages).
BOARD_QUERIES = LIST_QUERIES - 1 + 1 + 5


def test_the_board_has_a_column_per_open_stage_with_cards(make_enquiry, advisor):
    new = make_enquiry(given_name="Newcomer")
    contacted = make_enquiry(given_name="Reached")
    actions.change_stage(ctx_for(advisor), contacted, Stage.CONTACTED)
    html = verified_client(advisor).get(BOARD).content.decode()
    assert html.count('data-testid="board-column"') == 5  # open stages, nurture included
    new_column = html[html.index('data-stage="new"'):html.index('data-stage="contacted"')]
    assert new.display_name in new_column and contacted.display_name not in new_column
    assert html.count('data-testid="board-card"') == 2


def test_the_board_takes_the_same_filters(make_enquiry, advisor):
    make_enquiry(given_name="Phone")
    family = make_enquiry(source="family", given_name="Family")
    client = verified_client(advisor)
    html = client.get(BOARD + "?source=family").content.decode()
    assert html.count('data-testid="board-card"') == 1 and family.display_name in html
    everything = client.get(BOARD + "?stage=all").content.decode()
    assert everything.count('data-testid="board-column"') == len(Stage.values)


def test_the_board_runs_a_fixed_number_of_queries(make_enquiry, advisor,
                                                  django_assert_num_queries):
    stages = [Stage.NEW, Stage.CONTACTED, Stage.SCREENED, Stage.NURTURE]
    for i in range(24):
        e = make_enquiry(risk_flagged=i % 7 == 0)
        target = stages[i % 4]
        if target != Stage.NEW:
            actions.change_stage(ctx_for(advisor), e, target, outcome_reason="later")
        _plan(e, advisor, 1 - i % 3, assignee=advisor)
    client = verified_client(advisor)
    response = _count(client, BOARD, django_assert_num_queries, BOARD_QUERIES)
    assert response.content.decode().count('data-testid="board-card"') == 24


def test_the_overdue_page_lists_past_due_open_enquiries_and_unplanned_ones(make_enquiry, advisor):
    late = _plan(make_enquiry(given_name="Late"), advisor, -2)
    _plan(make_enquiry(given_name="Soon"), advisor, 3)
    unplanned = make_enquiry(given_name="Unplanned")
    closed = _plan(make_enquiry(given_name="Closed"), advisor, -5)
    actions.change_stage(ctx_for(advisor), closed, Stage.NOT_PROCEEDING, outcome_reason="x")
    html = verified_client(advisor).get(OVERDUE).content.decode()
    overdue_table = html[html.index('data-testid="overdue-list"'):
                         html.index("No next action planned")]
    assert late.display_name in overdue_table
    assert "Soon" not in overdue_table and closed.display_name not in html
    unplanned_table = html[html.index('data-testid="unplanned-list"'):]
    assert unplanned.display_name in unplanned_table


@pytest.mark.parametrize("path", [LIST, BOARD, OVERDUE, "/intake/enquiries/new/"])
@pytest.mark.parametrize("role", [Role.ANALYST, Role.ADMINISTRATOR, Role.NURSE])
def test_staff_who_do_not_work_intake_get_403(make_user, path, role, enquiry):
    response = verified_client(make_user(role)).get(path)
    assert response.status_code == 403
    assert enquiry.display_name not in response.content.decode()


def test_another_organisations_enquiries_are_not_listed(make_enquiry, advisor, make_user,
                                                        other_org):
    ours = make_enquiry(given_name="Ours")
    theirs_advisor = make_user(Role.INTAKE_ADVISOR, organisation=other_org)
    theirs = make_enquiry(given_name="Theirs", by=theirs_advisor, organisation=other_org)
    html = verified_client(advisor).get(LIST + "?stage=all").content.decode()
    assert ours.display_name in html and theirs.display_name not in html
