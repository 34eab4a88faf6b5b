"""The check-in pages under /my/: the form, double taps, errors that keep what was typed,
the result page's advice and counter, "contact me", the history, and app keys."""

import re
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from carepath.alerts.views import open_alerts_for
from carepath.audit.models import AuditEvent
from carepath.conftest import verified_client
from carepath.recovery.models import CheckIn, RelapsePreventionPlan
from carepath.treatment.models import OutreachTask

from .checkin_support import check_in, second_patient, today_for, with_portal_account

pytestmark = pytest.mark.django_db
FORM = reverse("recovery:checkin")


@pytest.fixture
def me(patient, make_user):
    return with_portal_account(patient, make_user)


@pytest.fixture
def browser(me):
    client = Client()
    client.force_login(me.user)
    return client


def answers(**changes) -> dict:
    data = {"submission_key": str(uuid.uuid4()), "craving": "3", "mood": "6",
            "sleep_hours": "7", "used_ketamine": "no", "bladder_pain": "0",
            "blood_in_urine": "no", "note": ""}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_form_labels_craving_as_not_validated_and_offers_the_plans_triggers(browser, me):
    RelapsePreventionPlan.objects.create(organisation=me.organisation, patient=me, version=1,
                                         triggers=["Payday", "Club nights"],
                                         written_by=me.user)
    page = browser.get(FORM).content.decode()
    assert "not a validated scale" in page
    assert 'value="Payday"' in page and 'value="Club nights"' in page
    assert "Did you use ketamine today?" in page
    assert "Have you seen blood in your urine?" in page
    assert re.search(r'name="submission_key" value="[0-9a-f-]{36}"', page)


def test_a_check_in_is_saved_and_the_result_page_shows_encouragement_and_the_counter(
        browser, me):
    response = browser.post(FORM, answers(triggers=["Payday"], triggers_other="Old friends"))
    checkin = CheckIn.objects.get(patient=me)
    assert response.status_code == 302
    assert response.url == reverse("recovery:checkin_result", args=[checkin.uuid])
    assert checkin.triggers == ["Payday", "Old friends"] and checkin.source == "web"
    page = browser.get(response.url).content.decode()
    assert "Well done for checking in" in page
    assert 'data-testid="recovery-counter"' in page and "day this month" in page


def test_a_double_tap_stores_one_check_in_and_both_taps_reach_the_same_result(browser, me):
    data = answers()
    first = browser.post(FORM, data)
    second = browser.post(FORM, data)
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert CheckIn.objects.filter(patient=me).count() == 1


def test_the_same_form_sent_back_with_changed_answers_keeps_them_and_offers_a_new_send(
        browser, me):
    data = answers()
    browser.post(FORM, data)
    response = browser.post(FORM, {**data, "craving": "8", "note": "changed my mind"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "You already sent this check-in" in page and "changed my mind" in page
    assert data["submission_key"] not in page  # a fresh key: the next press is new
    assert CheckIn.objects.filter(patient=me).count() == 1
    key = re.search(r'name="submission_key" value="([0-9a-f-]{36})"', page).group(1)
    assert browser.post(FORM, {**data, "craving": "8", "submission_key": key}).status_code == 302
    assert CheckIn.objects.filter(patient=me).count() == 2


def test_bad_input_names_each_field_and_keeps_everything_typed(browser, me):
    response = browser.post(FORM, answers(craving=None, sleep_hours="25",
                                          note="Rough day at work", triggers_other="Payday"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Craving for ketamine today: choose a whole number from 0 to 10." in page
    assert "Hours of sleep must be a number from 0 to 24" in page
    assert "Rough day at work" in page and 'value="25"' in page and 'value="Payday"' in page
    assert not CheckIn.objects.exists()


def test_a_future_date_is_refused_on_the_form(browser, me):
    tomorrow = today_for(me) + timedelta(days=1)
    response = browser.post(FORM, answers(checkin_date=tomorrow.isoformat()))
    assert response.status_code == 400
    assert "A check-in cannot be for a future date." in response.content.decode()
    assert not CheckIn.objects.exists()


def test_blood_in_urine_shows_urgent_advice_first_and_alerts_the_care_team(
        browser, me, clinician):
    response = browser.post(FORM, answers(blood_in_urine="yes"), follow=True)
    page = response.content.decode()
    advice = page.index('data-testid="urgent-advice"')
    assert advice < page.index("<h1")  # before anything else on the page
    block = page[page.rindex("<section", 0, advice):page.index("</section>", advice)]
    assert 'role="alert"' in block
    assert "Blood in urine can be a sign of bladder damage from ketamine" in block
    assert "NHS 111" in block and 'href="tel:999"' in block
    assert "care team has been alerted" in block
    alerts = [a for a in open_alerts_for(clinician) if a.patient_id == me.pk]
    assert [a.flag for a in alerts] == ["blood-in-urine"]


def test_a_lapse_gets_a_supportive_reply_and_contact_me_raises_one_outreach(browser, me):
    response = browser.post(FORM, answers(used_ketamine="yes"), follow=True)
    page = response.content.decode()
    assert "Thank you for being honest" in page and "A lapse is not a failure" in page
    checkin = CheckIn.objects.get(patient=me)
    contact = reverse("recovery:checkin_contact", args=[checkin.uuid])
    assert contact in page
    browser.post(contact)
    after = browser.post(contact, follow=True).content.decode()
    assert OutreachTask.objects.filter(patient=me, reason="patient_asked").count() == 1
    assert "Your care team has been asked to contact you" in after
    assert contact not in after  # the button is gone once asked


def test_another_patient_or_staff_cannot_open_my_result_or_ask_for_contact(
        me, make_patient, make_user, clinician):
    checkin = check_in(me, used_ketamine=True)
    result = reverse("recovery:checkin_result", args=[checkin.uuid])
    contact = reverse("recovery:checkin_contact", args=[checkin.uuid])
    other = Client()
    other.force_login(second_patient(make_patient, make_user).user)
    for client in (other, verified_client(clinician)):
        assert client.get(result).status_code == 404
        assert client.post(contact).status_code == 404
    assert verified_client(clinician).get(FORM).status_code == 404  # /my/ is for patients
    assert not OutreachTask.objects.exists()


def test_history_lists_newest_first_pages_and_is_audited(browser, me):
    for days_ago in range(3):
        check_in(me, days_ago=days_ago, craving=days_ago)
    page = browser.get(reverse("recovery:checkin_history") + "?page_size=2").content.decode()
    dates = re.findall(r'<th scope="row" data-label="Day">([^<]+)</th>', page)
    today = today_for(me)
    assert dates == [f"{d:%a} {d.day} {d:%b %Y}" for d in (today, today - timedelta(days=1))]
    assert "Next" in page
    assert AuditEvent.objects.filter(action="list", patient_uuid=me.uuid,
                                     object_type="recovery.checkin").exists()


def test_the_result_page_read_is_audited(browser, me):
    checkin = check_in(me)
    browser.get(reverse("recovery:checkin_result", args=[checkin.uuid]))
    assert AuditEvent.objects.filter(action="read", patient_uuid=me.uuid,
                                     object_id=str(checkin.uuid)).exists()


def test_an_app_key_is_shown_once_works_for_the_api_and_can_be_revoked(browser, me):
    page = browser.post(reverse("recovery:app")).content.decode()
    raw = re.search(r'data-testid="new-token">([^<]+)<', page).group(1)
    app = Client(headers={"Authorization": f"Bearer {raw}"})
    assert app.get("/api/v1/checkins").status_code == 200
    assert raw not in browser.get(reverse("recovery:app")).content.decode()
    token = me.user.api_tokens.get()
    browser.post(reverse("recovery:app_revoke", args=[token.uuid]))
    assert app.get("/api/v1/checkins").status_code == 401
