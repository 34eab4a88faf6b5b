"""The crisis button on every portal page, the crisis page, and telling the care team."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from carepath.alerts.actions import acknowledge
from carepath.alerts.models import Alert
from carepath.audit.models import AuditEvent
from carepath.conftest import ctx_for, verified_client
from carepath.recovery import actions_crisis
from carepath.recovery.models import CareTeamContact, CrisisPress, RelapsePreventionPlan
from carepath.recovery.views_crisis import new_submission_key, tel_href

from .portal_support import link_account, signed_in

CRISIS = "/my/crisis/"
TELL = "/my/crisis/tell-my-team/"
BUTTON = 'data-testid="crisis-button"'
# Every page of the portal shell that renders HTML for the person.
PORTAL_PAGES = ["/my/", "/my/account/", CRISIS, "/my/offline/"]


@pytest.fixture
def me(patient, make_user):
    link_account(patient, make_user)
    return patient


@pytest.fixture
def plan(me, clinician):
    return RelapsePreventionPlan.objects.create(
        organisation_id=me.organisation_id, patient=me, version=1, written_by=clinician,
        people=[{"name": "Sam", "relationship": "sister", "phone": "07700 900 456"},
                {"name": "Dr Lee", "relationship": "GP", "phone": "+44 (0)20 7946 0000"}])


def _key(client) -> str:
    html = client.get(CRISIS).content.decode()
    start = html.index('name="submission_key" value="') + len('name="submission_key" value="')
    return html[start:html.index('"', start)]


def test_the_crisis_button_is_at_the_top_of_every_portal_page(me):
    client = signed_in(me.user)
    pages = [*PORTAL_PAGES, reverse("patients:chart", args=[me.uuid])]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert html.count(BUTTON) == 1, path
        button = html.index(BUTTON)
        # Before the header and its menu: never hidden behind "Menu" on a phone.
        assert button < html.index('class="usa-header'), path
        assert 'href="/my/crisis/"' in html[button - 200:button], path
        assert "usa-button--big" in html[button - 200:button], path


def _portal_routes():
    """Every /my/ route without parameters, whoever in the recovery app added it."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(resolver, prefix=""):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern)

    return sorted({"/" + r for r in walk(get_resolver()) if r.startswith("my/") and "<" not in r})


def test_every_portal_html_page_has_the_crisis_button(me):
    client = signed_in(me.user)
    checked = []
    for path in _portal_routes():
        response = client.get(path, follow=True)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue  # the manifest, the service worker, POST-only routes
        assert response.content.decode().count(BUTTON) == 1, path
        checked.append(path)
    assert set(PORTAL_PAGES) <= set(checked)


def test_staff_pages_have_no_crisis_button(me, clinician):
    html = verified_client(clinician).get("/").content.decode()
    assert BUTTON not in html and "manifest" not in html


def test_the_crisis_page_shows_lines_the_care_team_and_plan_people_with_tel_links(
        me, plan, clinician, org):
    CareTeamContact.objects.create(organisation=org, phone="0161 496 0000",
                                   hours="Monday to Friday, 9am to 5pm",
                                   out_of_hours="call NHS 111")
    html = signed_in(me.user).get(CRISIS).content.decode()
    assert 'href="tel:116123"' in html and "Samaritans" in html  # the country's lines
    assert 'href="tel:01614960000"' in html and "Monday to Friday" in html
    assert f"Your key worker is <strong>{clinician.display_name}</strong>" in html
    assert 'href="tel:07700900456"' in html and "Call Sam (sister)" in html
    assert 'href="tel:+442079460000"' in html
    assert 'data-testid="tell-team"' in html


def test_an_organisations_own_crisis_lines_replace_the_defaults(me, org):
    org.crisis_lines = [{"name": "Night line", "contact": "Call 0300 000 0000",
                         "href": "tel:03000000000", "detail": ""}]
    org.save(update_fields=["crisis_lines"])
    html = signed_in(me.user).get(CRISIS).content.decode()
    assert 'href="tel:03000000000"' in html and "Samaritans" not in html


def test_each_visit_is_one_press_and_a_reload_within_five_minutes_is_the_same_press(me):
    client = signed_in(me.user)
    client.get(CRISIS)
    client.get(CRISIS)
    assert CrisisPress.objects.filter(patient=me).count() == 1
    CrisisPress.objects.filter(patient=me).update(
        pressed_at=timezone.now() - actions_crisis.PRESS_WINDOW - timedelta(seconds=1))
    client.get(CRISIS)
    assert CrisisPress.objects.filter(patient=me).count() == 2
    assert AuditEvent.objects.filter(patient_uuid=me.uuid, action="create",
                                     object_type="recovery.crisispress").count() == 2


def test_the_service_workers_saved_copy_is_not_a_press(me):
    response = signed_in(me.user).get(CRISIS, headers={"X-CarePath-Prefetch": "1"})
    assert response.status_code == 200
    assert not CrisisPress.objects.exists()


def test_nothing_reaches_the_care_team_unless_the_person_presses_the_button(me):
    signed_in(me.user).get(CRISIS)
    assert not Alert.objects.exists()
    assert CrisisPress.objects.get(patient=me).alerted_team_at is None


def test_tell_my_team_raises_exactly_one_urgent_alert_when_posted_twice_with_one_key(me):
    client = signed_in(me.user)
    key = _key(client)
    for _ in range(2):
        response = client.post(TELL, {"submission_key": key})
        assert response.status_code == 302 and response["Location"] == CRISIS
    alert = Alert.objects.get(patient=me)
    assert alert.severity == "urgent" and alert.flag == "crisis-button"
    assert alert.summary == actions_crisis.ALERT_SUMMARY  # no free text from anyone
    press = CrisisPress.objects.get(patient=me)
    assert press.alert_uuid == alert.uuid and press.alerted_team_at is not None
    assert alert.source_uuid == press.uuid


def test_after_telling_the_team_the_page_confirms_and_still_shows_the_lines(me):
    client = signed_in(me.user)
    client.post(TELL, {"submission_key": _key(client)})
    html = client.get(CRISIS).content.decode()
    assert 'data-testid="team-told"' in html and "Your care team has been told" in html
    assert 'href="tel:116123"' in html
    assert 'data-testid="tell-team"' not in html


def test_pressing_again_while_the_alert_is_open_adds_no_second_alert(me):
    client = signed_in(me.user)
    client.post(TELL, {"submission_key": new_submission_key()})
    client.post(TELL, {"submission_key": new_submission_key()})
    assert Alert.objects.filter(patient=me).count() == 1


def test_once_the_team_has_acted_a_new_press_raises_a_new_alert(me, clinician):
    client = signed_in(me.user)
    key = new_submission_key()
    client.post(TELL, {"submission_key": key})
    acknowledge(ctx_for(clinician), Alert.objects.get(patient=me), "Phoned; safe with sister.")
    client.post(TELL, {"submission_key": new_submission_key()})
    assert Alert.objects.filter(patient=me).count() == 2
    assert Alert.objects.open().filter(patient=me).count() == 1


def test_an_old_pages_key_sent_again_is_not_swallowed(me, clinician):
    client = signed_in(me.user)
    stale = new_submission_key()
    client.post(TELL, {"submission_key": stale})
    acknowledge(ctx_for(clinician), Alert.objects.get(patient=me), "Phoned; safe with sister.")
    made, _, rest = stale.partition(".")
    old = f"{int(made) - 3600}.{rest}"  # the same page, an hour later, from history
    client.post(TELL, {"submission_key": old})
    assert Alert.objects.open().filter(patient=me).count() == 1


def test_staff_cannot_press_the_button_for_the_person(me, clinician):
    with pytest.raises(PermissionDenied):
        actions_crisis.tell_team(ctx_for(clinician), me, submission_key=None)
    with pytest.raises(PermissionDenied):
        actions_crisis.record_press(ctx_for(clinician), me)
    assert not Alert.objects.exists() and not CrisisPress.objects.exists()
    assert AuditEvent.objects.filter(patient_uuid=me.uuid, outcome="denied",
                                     object_type="recovery.crisispress").count() == 2


@pytest.mark.parametrize(("written", "href"), [
    ("07700 900 456", "tel:07700900456"), ("+44 (0)20 7946 0000", "tel:+442079460000"),
    ("988", "tel:988"), ("", ""), ("ask at reception", "")])
def test_phone_numbers_become_tel_links(written, href):
    assert tel_href(written) == href


def test_the_demo_adds_one_care_team_contact(org):
    from carepath.recovery.demo_portal import add_demo_portal

    add_demo_portal(org, 2026)
    add_demo_portal(org, 2026)
    assert CareTeamContact.objects.get(organisation=org).phone.startswith("01632 960")
