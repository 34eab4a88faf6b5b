"""upcoming_invites: the supporter's invitations, hidden at once when the consent is
revoked or expires, and once the session has ended or is cancelled."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from carepath.conftest import ctx_for
from carepath.family.actions_sessions import invite_supporter
from carepath.family.queries_sessions import upcoming_invites
from carepath.treatment import actions_sessions
from carepath.treatment.models import Session

from .sessions_support import family_session, grant, supporter

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(clinician, patient, make_user):
    helper = supporter(make_user)
    consent = grant(patient, helper)
    session = family_session(clinician, [patient])
    invite_supporter(ctx_for(clinician), session, consent)
    return helper, consent, session


def test_upcoming_invites_lists_the_invitation_with_its_session_loaded(invited):
    helper, _, session = invited
    with CaptureQueriesContext(connection) as queries:
        shown = upcoming_invites(helper)
        assert [i.session.starts_at for i in shown] == [session.starts_at]
    assert len(queries) == 2  # the invitations, and the consent check for the one patient


def test_upcoming_invites_hides_invitations_after_revocation(invited):
    helper, consent, _ = invited
    consent.revoked_at = timezone.now()
    consent.save(update_fields=["revoked_at"])
    assert upcoming_invites(helper) == []


def test_upcoming_invites_hides_invitations_when_consent_drops_appointments(invited):
    helper, consent, _ = invited
    consent.data_categories = ["attendance"]
    consent.save(update_fields=["data_categories"])
    assert upcoming_invites(helper) == []


def test_upcoming_invites_hides_invitations_after_expiry(invited):
    helper, consent, _ = invited
    consent.starts_on = timezone.localdate() - timedelta(days=30)
    consent.expires_on = timezone.localdate() - timedelta(days=1)
    consent.save(update_fields=["starts_on", "expires_on"])
    assert upcoming_invites(helper) == []


def test_upcoming_invites_hides_invitations_after_the_session(invited):
    helper, _, session = invited
    Session.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(hours=3),
        ends_at=timezone.now() - timedelta(hours=1, minutes=30))
    assert upcoming_invites(helper) == []


def test_upcoming_invites_hides_cancelled_sessions(invited, clinician):
    helper, _, session = invited
    actions_sessions.cancel_session(ctx_for(clinician), session, reason="Lead unwell")
    assert upcoming_invites(helper) == []


def test_upcoming_invites_is_empty_for_staff_and_strangers(invited, clinician, make_user):
    assert upcoming_invites(clinician) == []
    assert upcoming_invites(supporter(make_user, first="Other")) == []
