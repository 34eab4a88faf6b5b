"""Risk-time pages: the person's /my/risk-windows/ and the care team's on the chart."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from carepath.audit.models import Action, AuditEvent
from carepath.recovery import actions_windows
from carepath.recovery.models import RiskWindow

from .plans_support import own_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(patient, make_user):
    return own_account(patient, make_user)


@pytest.fixture
def my_client(me):
    client = Client()
    client.force_login(me)
    return client


def _local(moment, tz="Europe/London"):
    return moment.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%dT%H:%M")


def _form(start, hours=6, **extra):
    return {"label": "Club night", "starts_at": _local(start),
            "ends_at": _local(start + timedelta(hours=hours)), "repeats": "weekly",
            "remind_hours_before": "4", **extra}


def _tomorrow_evening():
    return (timezone.now() + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)


def test_the_page_lists_ideas_and_reads_are_audited(patient, me, my_client):
    page = my_client.get("/my/risk-windows/").content.decode()
    for idea in ("Festival", "Club night", "Weekend", "Payday", "Anniversary of"):
        assert idea in page
    assert 'list="risk-window-ideas"' in page
    assert AuditEvent.objects.filter(patient_uuid=patient.uuid, action=Action.READ,
                                     object_type=actions_windows.OBJECT_TYPE).exists()


def test_the_patient_adds_a_weekly_window_and_sees_it_coming_up(patient, me, my_client):
    start = _tomorrow_evening()
    response = my_client.post("/my/risk-windows/", _form(start, submission_key="2" * 32))
    assert response.status_code == 302
    window = RiskWindow.objects.get(patient=patient)
    assert window.starts_at == start and window.repeats == "weekly"
    assert window.remind_hours_before == 4
    page = my_client.get("/my/risk-windows/").content.decode()
    assert page.count('data-testid="occurrence"') == 5  # tomorrow and the next four weeks


def test_times_are_read_and_shown_in_the_organisations_time_zone(patient, me, my_client):
    org = patient.organisation
    org.time_zone = "America/New_York"
    org.save(update_fields=["time_zone"])
    new_york = ZoneInfo("America/New_York")
    day = timezone.now().astimezone(new_york).date() + timedelta(days=20)
    start = datetime(day.year, day.month, day.day, 22, tzinfo=new_york)
    my_client.post("/my/risk-windows/", {**_form(start, hours=3, repeats="none"),
                                         "starts_at": f"{day:%Y-%m-%d}T22:00",
                                         "ends_at": f"{day + timedelta(days=1):%Y-%m-%d}T01:00"})
    window = RiskWindow.objects.get(patient=patient)
    assert window.starts_at == start.astimezone(UTC)
    assert window.starts_at.astimezone(UTC).hour in (2, 3)  # 22:00 EST or EDT
    page = my_client.get("/my/risk-windows/").content.decode()
    assert f"{start:%a} {day.day} {start:%b %Y}, 22:00" in page and "America/New_York" in page


def test_a_double_tapped_add_makes_one_window(patient, me, my_client):
    data = _form(_tomorrow_evening(), submission_key="3" * 32)
    my_client.post("/my/risk-windows/", data)
    my_client.post("/my/risk-windows/", data)
    assert RiskWindow.objects.filter(patient=patient).count() == 1


def test_bad_input_names_the_field_and_keeps_what_was_typed(patient, me, my_client):
    start = _tomorrow_evening()
    response = my_client.post("/my/risk-windows/", _form(start, hours=-2, label="Payday party"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Ends: must be after the start." in page
    assert 'value="Payday party"' in page and f'value="{_local(start)}"' in page
    assert not RiskWindow.objects.exists()


def test_the_patient_cancels_a_window(patient, me, my_client):
    start = _tomorrow_evening()
    my_client.post("/my/risk-windows/", _form(start))
    window = RiskWindow.objects.get()
    response = my_client.post(f"/my/risk-windows/{window.uuid}/cancel/")
    assert response.status_code == 302
    window.refresh_from_db()
    assert window.cancelled_at is not None
    assert 'data-testid="occurrence"' not in my_client.get("/my/risk-windows/").content.decode()


def test_a_patient_cannot_cancel_another_persons_window(patient, me, my_client, make_patient,
                                                        clinician):
    other = make_patient(legal_given_name="Jamie", legal_family_name="Other")
    start = _tomorrow_evening()
    from carepath.conftest import ctx_for

    theirs = actions_windows.add_window(ctx_for(clinician), other, label="Festival",
                                        starts_at=start, ends_at=start + timedelta(hours=5))
    assert my_client.post(f"/my/risk-windows/{theirs.uuid}/cancel/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.cancelled_at is None


def test_the_care_team_adds_and_cancels_on_the_chart(patient, clinician, as_user):
    client = as_user(clinician)
    url = f"/patients/{patient.uuid}/recovery/risk-windows/"
    assert client.get(url).status_code == 200
    assert client.post(url, _form(_tomorrow_evening(), label="Payday",
                                  repeats="monthly")).status_code == 302
    window = RiskWindow.objects.get(patient=patient)
    assert client.post(f"{url}{window.uuid}/cancel/").status_code == 302
    window.refresh_from_db()
    assert window.cancelled_at is not None


def test_an_outsider_cannot_add_on_the_chart(patient, outsider, as_user):
    url = f"/patients/{patient.uuid}/recovery/risk-windows/"
    assert as_user(outsider).post(url, _form(_tomorrow_evening())).status_code == 403
    assert not RiskWindow.objects.exists()


def _next_spring_forward():
    """The next last Sunday of March (London's clocks go forward at 01:00)."""
    today = timezone.localdate()
    for year in (today.year, today.year + 1):
        day = datetime(year, 3, 31).date()
        day -= timedelta(days=(day.weekday() + 1) % 7)
        if day > today:
            return day
    raise AssertionError("unreachable")


def test_a_time_the_clocks_skip_is_refused_with_a_message(patient, me, my_client):
    day = _next_spring_forward()
    response = my_client.post("/my/risk-windows/", {
        **_form(timezone.now()), "repeats": "none", "starts_at": f"{day}T01:30",
        "ends_at": f"{day}T05:00"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "it may be ambiguous or it may not exist" in page
    assert not RiskWindow.objects.exists()
