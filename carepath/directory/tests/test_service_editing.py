"""Staff keep the directory: who may, what is audited, capacity confirmation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from carepath.accounts.models import AccountType, Role
from carepath.audit.models import AuditEvent
from carepath.conftest import ctx_for, verified_client
from carepath.directory import actions_services
from carepath.directory.models import Service

from .test_search_support import make_service

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {"name": "Lantern House", "provider": "Beacon Trust", "description": "",
            "address_line1": "1 Canal Street", "town": "Manchester", "postcode": "M1 3HE",
            "country": "GB", "latitude": "53.4772", "longitude": "-2.2350", "phone": "",
            "email": "", "website": "", "offers_intensive_outpatient": "on",
            "min_age": "18", "max_age": "", "accepts_nhs": "on", "languages": "English",
            "places_available": "", "waiting_days": "", "active": "on",
            "submission_key": "key-1"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def advisor(make_user):
    return make_user(Role.INTAKE_ADVISOR)


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.SUPERVISOR, Role.INTAKE_ADVISOR])
def test_editors_see_the_staff_list(make_user, role):
    make_service("Listed")
    response = verified_client(make_user(role)).get("/directory/services/")
    assert response.status_code == 200 and "Listed" in response.content.decode()


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.NURSE, Role.ANALYST])
def test_other_staff_are_refused_every_staff_page(make_user, role):
    service = make_service()
    client = verified_client(make_user(role))
    for url in ["/directory/services/", "/directory/services/new/",
                f"/directory/services/{service.uuid}/edit/"]:
        assert client.get(url).status_code == 403, url
    assert client.post("/directory/services/new/", form_data()).status_code == 403
    assert client.post(f"/directory/services/{service.uuid}/confirm/").status_code == 403
    assert Service.objects.count() == 1


def test_a_patient_is_refused_and_an_anonymous_visitor_sent_to_sign_in(make_user):
    patient_user = make_user(None, account_type=AccountType.PATIENT)
    assert verified_client(patient_user).get("/directory/services/").status_code == 403
    from django.test import Client

    response = Client().get("/directory/services/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_creating_a_service_is_audited_and_a_resent_form_creates_nothing_more(advisor):
    client = verified_client(advisor)
    response = client.post("/directory/services/new/", form_data(places_available="3"))
    service = Service.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/directory/services/{service.uuid}/edit/"
    assert service.offers_intensive_outpatient and service.places_available == 3
    assert service.capacity_confirmed_at is not None  # capacity given now is confirmed now
    assert service.updated_by == advisor
    event = AuditEvent.objects.get(object_type="directory.service", action="create")
    assert event.object_id == str(service.uuid) and event.actor == advisor
    assert event.patient_uuid is None
    again = client.post("/directory/services/new/", form_data(places_available="3"))
    assert again.status_code == 302 and Service.objects.count() == 1


def test_coordinates_left_empty_come_from_the_postcode(advisor):
    verified_client(advisor).post("/directory/services/new/",
                                  form_data(latitude="", longitude=""))
    service = Service.objects.get()
    assert (service.latitude, service.longitude) == (53.4770, -2.2340)  # district M1


def test_a_refused_form_keeps_what_was_typed_and_names_the_fields(advisor):
    response = verified_client(advisor).post("/directory/services/new/", form_data(
        name="", postcode="ZZ99 9ZZ", town="Nowhere", latitude="", longitude="",
        offers_intensive_outpatient=None, min_age="20", max_age="18"))
    html = response.content.decode()
    assert response.status_code == 400 and not Service.objects.exists()
    assert "This field is required." in html
    assert 'value="ZZ99 9ZZ"' in html and 'value="Nowhere"' in html
    response = verified_client(advisor).post("/directory/services/new/", form_data(
        postcode="ZZ99 9ZZ", town="Nowhere", latitude="", longitude="",
        offers_intensive_outpatient=None, min_age="20", max_age="18"))
    html = response.content.decode()
    assert "Enter the latitude and longitude, or a postcode or ZIP code" in html
    response = verified_client(advisor).post("/directory/services/new/", form_data(
        offers_intensive_outpatient=None, min_age="20", max_age="18"))
    html = response.content.decode()
    assert "The oldest age served must be at least the youngest age served." in html
    assert "Tick at least one level of care the service offers." in html
    assert not Service.objects.exists()


def test_editing_a_service_audits_the_fields_changed(advisor):
    service = make_service("Lantern House", confirmed_days=50)
    old_confirmed = service.capacity_confirmed_at
    client = verified_client(advisor)
    response = client.post(f"/directory/services/{service.uuid}/edit/",
                           form_data(name="Lantern House North", submission_key=""))
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.name == "Lantern House North"
    assert service.capacity_confirmed_at == old_confirmed  # capacity untouched: not confirmed
    event = AuditEvent.objects.get(object_type="directory.service", action="update")
    assert "name" in event.details["fields"] and "capacity_confirmed_at" not in \
        event.details["fields"]


def test_changing_places_or_ticking_confirm_stamps_the_confirmation(advisor):
    service = make_service(confirmed_days=50, places_available=2)
    client = verified_client(advisor)
    client.post(f"/directory/services/{service.uuid}/edit/",
                form_data(places_available="0", submission_key=""))
    service.refresh_from_db()
    assert service.places_available == 0
    assert timezone.now() - service.capacity_confirmed_at < timedelta(minutes=1)
    service.capacity_confirmed_at = timezone.now() - timedelta(days=50)
    service.save()
    client.post(f"/directory/services/{service.uuid}/edit/",
                form_data(places_available="0", confirm_capacity="on", submission_key=""))
    service.refresh_from_db()
    assert timezone.now() - service.capacity_confirmed_at < timedelta(minutes=1)


def test_confirm_capacity_now_stamps_the_time_and_is_audited(advisor):
    service = make_service(confirmed_days=60, places_available=4)
    client = verified_client(advisor)
    response = client.post(f"/directory/services/{service.uuid}/confirm/",
                           {"back": "list", "query": "stale=on&q=x"})
    assert response.status_code == 302
    assert response["Location"] == "/directory/services/?stale=on&q=x"  # the same filters
    service.refresh_from_db()
    assert timezone.now() - service.capacity_confirmed_at < timedelta(minutes=1)
    assert service.places_available == 4
    event = AuditEvent.objects.get(object_type="directory.service", action="update")
    assert event.details["fields"] == ["capacity_confirmed_at"]
    assert client.get(f"/directory/services/{service.uuid}/confirm/").status_code == 405


def test_the_staff_list_filters_stale_services_and_marks_them(advisor, settings):
    settings.CAREPATH_DIRECTORY_STALE_DAYS = 30
    make_service("Fresh", confirmed_days=3)
    make_service("Old", confirmed_days=45)
    make_service("Closed", confirmed_days=90, active=False)
    client = verified_client(advisor)
    html = client.get("/directory/services/?stale=on").content.decode()
    assert "Old" in html and "Fresh" not in html and "Closed" not in html
    assert 'data-testid="stale"' in html
    html = client.get("/directory/services/?stale=on&inactive=on").content.decode()
    assert "Closed" in html


def test_the_staff_list_query_count_does_not_grow_with_the_page(advisor, org,
                                                                django_assert_max_num_queries):
    for i in range(40):
        make_service(f"S{i:02d}", operated_by=org if i % 2 else None)
    client = verified_client(advisor)
    client.get("/directory/services/")  # warm the session
    with django_assert_max_num_queries(8):  # 6 for session, user, device; 2 search
        response = client.get("/directory/services/?near=M1&radius=25")
    assert response.content.decode().count('data-testid="manage-row"') == 40


def test_another_organisations_service_is_theirs_to_change(advisor, other_org):
    service = make_service("Theirs", operated_by=other_org)
    client = verified_client(advisor)
    assert client.get(f"/directory/services/{service.uuid}/edit/").status_code == 403
    assert client.post(f"/directory/services/{service.uuid}/confirm/").status_code == 403
    with pytest.raises(Exception, match="Another organisation runs this service"):
        actions_services.update_service(ctx_for(advisor), service, {"places_available": 0})
    assert AuditEvent.objects.filter(object_type="directory.service", outcome="denied").exists()


def test_ticking_our_organisation_runs_it_sets_operated_by(advisor, org):
    client = verified_client(advisor)
    client.post("/directory/services/new/", form_data(operated_by_us="on"))
    assert Service.objects.get().operated_by == org


def test_the_admin_audits_changes_to_services(make_user, settings):
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    from carepath.directory.admin import ServiceAdmin

    admin_user = make_user(Role.ADMINISTRATOR)
    service = make_service()
    request = RequestFactory().post("/admin/")
    request.user = admin_user
    ServiceAdmin(Service, site).log_change(request, service, "Changed places available.")
    event = AuditEvent.objects.get(object_type="directory.service")
    assert event.action == "update" and event.details["via"] == "admin"
