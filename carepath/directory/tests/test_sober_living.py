"""Sober living / recovery housing: a service flag (not a level of care) that the public
search, the staff list and the API filter on, that staff set, and that the demo shows."""

import pytest
from django.core.cache import cache
from django.test import Client

from carepath.accounts.models import Organisation, Role
from carepath.conftest import verified_client
from carepath.directory import places, search
from carepath.directory.demo_services import add_demo_services
from carepath.directory.models import LEVEL_FIELDS, Service

from .test_search_support import make_service
from .test_service_editing import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def listings():
    house = make_service("Lantern Recovery House", offers_aftercare=True,
                         offers_outpatient=False, offers_sober_living=True)
    clinic = make_service("Canal Street Clinic", offers_aftercare=True)
    return house, clinic


def _names(hits) -> list[str]:
    return [hit.service.name for hit in hits]


def test_it_is_a_service_flag_not_a_level_of_care():
    assert "offers_sober_living" not in LEVEL_FIELDS.values()
    assert Service._meta.get_field("offers_sober_living").default is False


def test_the_search_filters_on_sober_living(listings):
    everyone = search.search(search.SearchParams(levels=["aftercare"]))
    assert _names(everyone) == ["Canal Street Clinic", "Lantern Recovery House"]
    housing = search.search(search.SearchParams(sober_living=True))
    assert _names(housing) == ["Lantern Recovery House"]


def test_the_public_page_filters_and_says_so(listings):
    page = Client().get("/services/?sober_living=on").content.decode()
    assert "Lantern Recovery House" in page and "Canal Street Clinic" not in page
    assert 'data-testid="sober-living"' in page
    assert 'name="sober_living" value="on"' in page and "checked" in page
    unfiltered = Client().get("/services/?near=&level=aftercare").content.decode()
    assert "Canal Street Clinic" in unfiltered and "Lantern Recovery House" in unfiltered


def test_the_api_filters_and_reports_the_flag(listings):
    cache.clear()
    items = Client().get("/api/v1/services?sober_living=true").json()["items"]
    assert [(i["name"], i["sober_living"]) for i in items] == [
        ("Lantern Recovery House", True)]
    everyone = Client().get("/api/v1/services?level=aftercare").json()["items"]
    assert {i["name"]: i["sober_living"] for i in everyone} == {
        "Lantern Recovery House": True, "Canal Street Clinic": False}
    cache.clear()


def test_the_staff_list_filters_on_it(listings, make_user):
    client = verified_client(make_user(Role.INTAKE_ADVISOR))
    page = client.get("/directory/services/?sober_living=on").content.decode()
    assert "Lantern Recovery House" in page and "Canal Street Clinic" not in page


def test_staff_set_the_flag_on_a_listing(make_user):
    client = verified_client(make_user(Role.INTAKE_ADVISOR))
    form = client.get("/directory/services/new/").content.decode()
    assert 'name="offers_sober_living"' in form and "Recovery housing" in form
    response = client.post("/directory/services/new/", form_data(
        offers_intensive_outpatient=None, offers_aftercare="on", offers_sober_living="on"))
    assert response.status_code == 302
    assert Service.objects.get(name="Lantern House").offers_sober_living is True


def test_the_demo_lists_sober_living_services():
    org = Organisation.objects.create(name="Demo", mrn_prefix="DM")
    add_demo_services(org, 2026)
    housing = list(Service.objects.filter(offers_sober_living=True, active=True))
    assert len(housing) >= 2
    assert all(s.offers_aftercare for s in housing)
    near_m1 = search.search(search.SearchParams(
        origin=places.resolve("M1 1AE"), sober_living=True))
    assert _names(near_m1) == ["Longsight Recovery Housing"]
