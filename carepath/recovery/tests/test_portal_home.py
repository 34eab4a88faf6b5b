"""The portal home (/my/): the person's landing page, their to-do list and counts."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from carepath.audit.models import AuditEvent
from carepath.conftest import verified_client
from carepath.measures.models import Schedule
from carepath.recovery import queries_tasks, windows
from carepath.recovery.models import CheckIn, FollowUp, RiskWindow
from carepath.recovery.portal_guard import local_today

from .portal_support import link_account, signed_in

HOME = "/my/"
# The home page's queries, whatever the history: session and user, the record, the audit
# of the read, the latest check-in, the plan, the counts, the measures due, windows.
MAX_HOME_QUERIES = 24


@pytest.fixture
def me(patient, make_user):
    link_account(patient, make_user)
    return patient


def _checkin(patient, day, *, used=False):
    return CheckIn.objects.create(organisation_id=patient.organisation_id, patient=patient,
                                  checkin_date=day, craving=2, mood=6, used_ketamine=used,
                                  entered_by=patient.user)


def test_a_patient_account_lands_on_the_portal_home(me):
    assert signed_in(me.user).get("/")["Location"] == reverse("recovery:home") == HOME


def test_staff_cannot_open_portal_pages(me, clinician):
    client = verified_client(clinician)
    for name in ("home", "account", "crisis", "offline", "my_record"):
        assert client.get(reverse(f"recovery:{name}")).status_code == 404, name
    assert client.post(reverse("recovery:crisis_tell_team")).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(db, client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_home_shows_the_checkin_prompt_the_counts_and_the_persons_pages(me):
    today = local_today(me)
    for days_ago in (1, 2):
        _checkin(me, today - timedelta(days=days_ago))
    page = signed_in(me.user).get(HOME)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="checkin-prompt"' in html
    assert "Start today's check-in" in html
    in_month = sum(1 for d in (1, 2) if (today - timedelta(days=d)).month == today.month)
    assert f"<strong>{in_month}</strong> day{'s' if in_month != 1 else ''} of recovery " \
           "this month" in html
    assert "<strong>2</strong> days of recovery in all" in html
    for href in ("/my/plan/", "/my/risk-windows/", "/my/aftercare-log/", "/my/reminders/",
                 reverse("recovery:account")):
        assert f'href="{href}"' in html, href
    for unkind in ("streak", "lost", "failed", "usa-alert--error"):
        assert unkind not in html.lower(), unkind


def test_a_lapse_is_counted_without_shaming(me):
    today = local_today(me)
    _checkin(me, today - timedelta(days=1))
    _checkin(me, today, used=True)
    html = signed_in(me.user).get(HOME).content.decode()
    assert "You have checked in today" in html
    assert "<strong>1</strong> day of recovery in all" in html
    assert "streak" not in html.lower() and "reset" not in html.lower()


def test_the_checkin_task_goes_once_today_is_done(me):
    today = local_today(me)
    kinds = [t.kind for t in queries_tasks.tasks_for(me, today)]
    assert kinds == ["checkin"]
    _checkin(me, today)
    assert queries_tasks.tasks_for(me, today) == []


def test_self_report_measures_due_link_to_the_persons_own_form(me, clinician):
    Schedule.objects.create(organisation_id=me.organisation_id, patient=me,
                            instrument_id="phq-9", every_days=14, created_by=clinician)
    Schedule.objects.create(organisation_id=me.organisation_id, patient=me,
                            instrument_id="c-ssrs-screener", every_days=14, created_by=clinician)
    _checkin(me, local_today(me))
    tasks = queries_tasks.tasks_for(me, local_today(me))
    assert [(t.kind, t.url) for t in tasks] == [
        ("measure", reverse("measures:respond", args=[me.uuid, "phq-9"]))]
    page = signed_in(me.user).get(HOME).content.decode()
    assert reverse("measures:respond", args=[me.uuid, "phq-9"]) in page


def test_follow_ups_due_link_to_the_follow_up_page(me, monkeypatch):
    follow_up = FollowUp(day_offset=30, due_on=local_today(me) - timedelta(days=2))
    monkeypatch.setattr("carepath.recovery.queries_aftercare.follow_ups_due",
                        lambda patient, today: [follow_up])
    _checkin(me, local_today(me))
    tasks = queries_tasks.tasks_for(me, local_today(me))
    assert [(t.kind, t.url, t.state) for t in tasks] == [
        ("follow_up", f"/my/follow-ups/{follow_up.uuid}/", "overdue")]
    assert "30-day" in tasks[0].title


def test_an_upcoming_risk_window_asks_for_an_extra_checkin_with_a_coping_reminder(
        me, monkeypatch):
    now = timezone.now()
    window = RiskWindow(label="Festival", starts_at=now + timedelta(hours=2),
                        ends_at=now + timedelta(hours=8), remind_hours_before=4)
    occurrence = windows.Occurrence(window, window.starts_at, window.ends_at)
    monkeypatch.setattr(windows, "upcoming", lambda patient, now, within_hours=48:
                        [occurrence])
    monkeypatch.setattr("carepath.recovery.queries_plans.coping_reminder",
                        lambda plan: "Ring Sam before you go")
    monkeypatch.setattr("carepath.recovery.queries_plans.current_plan", lambda patient: object())
    # A check-in before the prompt time does not count for the window.
    checkin = _checkin(me, local_today(me))
    CheckIn.objects.filter(pk=checkin.pk).update(submitted_at=now - timedelta(hours=3))
    tasks = queries_tasks.tasks_for(me, local_today(me))
    assert [(t.kind, t.state) for t in tasks] == [("risk_window", "due")]
    html = signed_in(me.user).get(HOME).content.decode()
    assert "Extra check-in before “Festival”" in html
    assert "From your plan:</strong> Ring Sam before you go" in html
    # Once checked in since the prompt, the window's task is done.
    CheckIn.objects.filter(pk=checkin.pk).update(submitted_at=now)
    assert queries_tasks.tasks_for(me, local_today(me)) == []


def test_reading_the_home_page_is_audited(me):
    signed_in(me.user).get(HOME)
    assert AuditEvent.objects.filter(patient_uuid=me.uuid, actor=me.user, action="read",
                                     object_type="recovery.portal_home").exists()


def test_the_patient_menu_leads_to_their_pages(me):
    html = signed_in(me.user).get(HOME).content.decode()
    for label in ("My recovery", "My check-ins", "My plan", "My aftercare plan", "My record"):
        assert f"<span>{label}</span>" in html, label
    record = signed_in(me.user).get(reverse("recovery:my_record"))
    assert record["Location"] == reverse("patients:chart", args=[me.uuid])


def test_the_home_page_query_count_does_not_grow_with_history(
        me, django_assert_max_num_queries, django_assert_num_queries):
    client = signed_in(me.user)
    today = local_today(me)
    _checkin(me, today - timedelta(days=1))
    client.get(HOME)  # warm caches (instrument catalogue, session)
    with django_assert_max_num_queries(MAX_HOME_QUERIES) as few:
        assert client.get(HOME).status_code == 200
    CheckIn.objects.bulk_create([
        CheckIn(organisation_id=me.organisation_id, patient=me, checkin_date=day,
                craving=2, mood=6, used_ketamine=(n % 9 == 0), entered_by=me.user,
                submitted_at=timezone.make_aware(datetime.combine(day, datetime.min.time())))
        for n, day in enumerate(today - timedelta(days=d) for d in range(2, 62))])
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(HOME).status_code == 200
