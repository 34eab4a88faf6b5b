"""A patient's reward history on their record: the chart of screens and cumulative
earnings with the same data as tables, audited, refused to the wrong person, and a
constant number of queries however long the history."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from carepath.accounts.models import AccountType
from carepath.audit.models import AuditEvent, Outcome
from carepath.conftest import verified_client
from carepath.incentives import charts, queries_reports
from carepath.incentives.models import Target

from .reports_support import earning, redeemed, screen
from .rewards_support import enrol

pytestmark = pytest.mark.django_db


def days_ago(n, hour=10):
    return timezone.now().replace(hour=hour, minute=0, second=0, microsecond=0) \
        - timedelta(days=n)


def url(patient):
    return reverse("incentives:reward_history", args=[patient.uuid])


@pytest.fixture
def enrolment(patient, org):
    return enrol(patient, org)


def test_history_shows_screens_and_cumulative_earnings(patient, enrolment, clinician):
    screen(enrolment, "N", days_ago(10), "2.50")
    screen(enrolment, "N", days_ago(8), "3.75")
    screen(enrolment, "P", days_ago(6))
    screen(enrolment, "M", days_ago(4))
    redeemed(enrolment, "5.00", days_ago(2))
    response = verified_client(clinician).get(url(patient))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('data-testid="history-screen-row"') == 4
    assert page.count('data-testid="history-ledger-row"') == 5
    assert "Earned so far 6.25 GBP; balance 1.25 GBP" in page
    assert 'id="trend-spec"' in page and "measures/trend.js" in page
    spec = response.context["spec"]
    outcomes = [v["outcome"] for v in spec["vconcat"][0]["data"]["values"]]
    assert outcomes == ["Negative", "Negative", "Not negative", "Missed"]


def test_history_spec_carries_running_totals_from_before_the_window(patient, enrolment):
    earning(enrolment, Target.NEGATIVE_SCREEN, "10.00", days_ago(200))
    redeemed(enrolment, "4.00", days_ago(150))
    screen(enrolment, "N", days_ago(5), "2.50")
    until = timezone.localdate()
    since = until - timedelta(days=89)
    history = queries_reports.patient_history(patient, since, until)
    assert (history.opening.earned_total, history.opening.balance) == (
        Decimal("10.00"), Decimal("6.00"))
    assert history.money[-1].balance == Decimal("8.50")
    values = charts.spec(history, since, until)["vconcat"][1]["data"]["values"]
    earned = [v["amount"] for v in values if v["series"] == charts.EARNED]
    assert earned[0] == 10.0 and earned[-1] == 12.5  # opening, then to the window's end
    assert values[-1]["date"] == until.isoformat()


def test_history_with_nothing_draws_no_chart(patient, clinician):
    response = verified_client(clinician).get(url(patient))
    assert response.status_code == 200
    assert response.context["spec"] is None
    assert 'data-testid="no-history"' in response.content.decode()


def test_history_read_is_audited(patient, clinician):
    verified_client(clinician).get(url(patient))
    event = AuditEvent.objects.filter(object_type="incentives.reward_history").latest("seq")
    assert event.actor == clinician and event.patient_uuid == patient.uuid
    assert event.action == "read" and event.outcome == Outcome.ALLOWED


def test_history_refused_to_someone_off_the_care_team_with_a_denied_event(patient, outsider):
    response = verified_client(outsider).get(url(patient))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(actor=outsider, patient_uuid=patient.uuid,
                                     object_type="incentives.reward_history",
                                     outcome=Outcome.DENIED).exists()


def test_the_patient_is_sent_to_their_own_rewards_page(patient, make_user):
    account = make_user(None, account_type=AccountType.PATIENT)
    patient.user = account
    patient.save(update_fields=["user"])
    response = verified_client(account).get(url(patient))
    assert response.status_code == 302
    assert response["Location"] == reverse("incentives:my_rewards")


def test_history_queries_are_the_same_for_one_and_many_screens(patient, enrolment, clinician):
    client = verified_client(clinician)
    screen(enrolment, "N", days_ago(20), "2.50")
    with CaptureQueriesContext(connection) as one:
        assert client.get(url(patient)).status_code == 200
    for n in range(8):
        screen(enrolment, "NPM"[n % 3], days_ago(18 - 2 * n), "1.00")
    redeemed(enrolment, "1.00", days_ago(1))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url(patient))
    assert response.content.decode().count('data-testid="history-screen-row"') == 9
    assert len(many) == len(one)
