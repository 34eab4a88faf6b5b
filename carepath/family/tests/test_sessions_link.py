"""The "Invite family supporters" link on the treatment session page: only on a family
session that is upcoming and not cancelled, and only for whoever may manage it."""

from datetime import timedelta

import pytest
from django.urls import reverse

from carepath.accounts.models import AccountType
from carepath.conftest import ctx_for
from carepath.family.views_sessions import LINK_LABEL, session_page_link
from carepath.treatment import actions_sessions
from carepath.treatment.models import SessionFormat

from .sessions_support import family_session

pytestmark = pytest.mark.django_db


def test_link_shown_for_family_session_to_its_lead(clinician, patient):
    session = family_session(clinician, [patient])
    label, href = session_page_link(session, clinician)
    assert label == LINK_LABEL
    assert href == reverse("family:session_invite", args=[session.uuid])


def test_link_shown_on_the_session_page(clinician, patient, as_user):
    session = family_session(clinician, [patient])
    page = as_user(clinician).get(reverse("treatment:session", args=[session.uuid]))
    assert page.status_code == 200
    assert LINK_LABEL in page.content.decode()


@pytest.mark.parametrize("fmt", [SessionFormat.GROUP, SessionFormat.INDIVIDUAL])
def test_link_hidden_for_group_and_individual_sessions(clinician, patient, fmt):
    session = family_session(clinician, [patient], fmt=fmt)
    assert session_page_link(session, clinician) is None


def test_link_hidden_for_someone_who_may_not_manage_the_session(clinician, patient, outsider,
                                                                make_user):
    session = family_session(clinician, [patient])
    assert session_page_link(session, outsider) is None
    assert session_page_link(session, make_user(account_type=AccountType.SUPPORTER)) is None


def test_link_hidden_for_cancelled_session(clinician, patient):
    session = family_session(clinician, [patient])
    actions_sessions.cancel_session(ctx_for(clinician), session, reason="Room flooded")
    session.refresh_from_db()
    assert session_page_link(session, clinician) is None


def test_link_hidden_for_past_session(clinician, patient):
    session = family_session(clinician, [patient], starts_in=-timedelta(hours=3))
    assert session_page_link(session, clinician) is None
