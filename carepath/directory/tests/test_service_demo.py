"""The demo directory: deterministic, with what the journeys and placement rely on."""

import pytest

from carepath.accounts.models import Organisation
from carepath.directory import places, search
from carepath.directory.demo_services import OWN, SHARED, add_demo_services
from carepath.directory.models import Service

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(org):
    add_demo_services(org, 2026)
    return org


def test_about_forty_services_are_added(demo):
    assert Service.objects.count() == len(OWN) + len(SHARED)
    assert 38 <= Service.objects.count() <= 45


def test_the_demo_organisation_runs_four_services_in_manchester(demo):
    own = {s.name.split(": ")[1]: s for s in Service.objects.filter(operated_by=demo)}
    assert set(own) == {"Supervised Withdrawal Unit", "Residential Programme",
                        "Intensive Outpatient Programme", "Outpatient Clinic"}
    assert own["Supervised Withdrawal Unit"].offers_withdrawal
    assert own["Residential Programme"].offers_residential
    assert search.has_capacity(own["Residential Programme"]) is False  # placing waitlists
    assert own["Intensive Outpatient Programme"].offers_intensive_outpatient
    assert own["Outpatient Clinic"].offers_outpatient
    m1 = places.resolve("M1")
    for service in own.values():
        assert service.town == "Manchester" and not search.is_stale(service)
        assert search.haversine_miles(m1.latitude, m1.longitude, service.latitude,
                                      service.longitude) < 5


def test_intensive_outpatient_near_m1_has_several_distances_and_a_stale_one(demo):
    results = search.search(search.SearchParams(origin=places.resolve("M1 1AE"),
                                                radius_miles=25,
                                                levels=["intensive_outpatient"]))
    distances = [round(h.distance_miles, 1) for h in results]
    assert len(distances) >= 3 and len(set(distances)) == len(distances)
    assert distances == sorted(distances)
    assert any(h.stale for h in results) and not results.hits[0].stale


def test_there_are_stale_services_and_listings_in_every_demo_area(demo):
    assert any(search.is_stale(s) for s in Service.objects.all())
    for area in ["Manchester", "London", "Leeds", "Bristol", "New York", "Boston"]:
        found = search.search(search.SearchParams(origin=places.resolve(area),
                                                  radius_miles=25))
        assert found.total >= 3, area


def test_the_demo_is_the_same_for_the_same_seed(org):
    add_demo_services(org, 7)
    first = list(Service.objects.order_by("name").values_list(
        "name", "places_available", "latitude", "languages"))
    Service.objects.all().delete()
    again = Organisation.objects.create(name=org.name, mrn_prefix="T2")
    add_demo_services(again, 7)
    assert list(Service.objects.order_by("name").values_list(
        "name", "places_available", "latitude", "languages")) == first


def test_a_second_organisation_does_not_duplicate_the_shared_listings(demo, other_org):
    add_demo_services(other_org, 2026)
    assert Service.objects.count() == 2 * len(OWN) + len(SHARED)
