"""search.search: distance, radius, filters, order, pages; staleness and capacity."""

import math
from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from carepath.directory import places, search
from carepath.directory.search import SearchParams

from .test_search_support import M1, make_service, north_of

pytestmark = pytest.mark.django_db


def near(text="M1", **kw):
    return SearchParams(origin=places.resolve(text), **kw)


def names(results):
    return [hit.service.name for hit in results.hits]


# -- Distance ------------------------------------------------------------------------------

def test_haversine_matches_hand_checked_distances():
    # London (51.5074, -0.1278) to Manchester (53.4808, -2.2426): 262.0 km = 162.79 miles
    # on a 3958.8-mile sphere; the spherical law of cosines gives the same to 1e-9.
    assert search.haversine_miles(51.5074, -0.1278, 53.4808, -2.2426) == pytest.approx(
        162.79, abs=0.01)
    # New York (40.7128, -74.0060) to Boston (42.3601, -71.0589): 306 km = 190.21 miles.
    assert search.haversine_miles(40.7128, -74.0060, 42.3601, -71.0589) == pytest.approx(
        190.21, abs=0.01)
    # One degree along the equator or a meridian is 2 * pi * 3958.8 / 360 miles.
    assert search.haversine_miles(0, 0, 0, 1) == pytest.approx(2 * math.pi * 3958.8 / 360)
    assert search.haversine_miles(10, 20, 10, 20) == 0


def test_distance_search_reports_each_distance():
    make_service("Two miles north", lat=north_of(M1, 2)[0])
    results = search.search(near("M1"))
    assert results.hits[0].distance_miles == pytest.approx(2.0, abs=0.01)
    assert results.total == 1 and results.origin.label.startswith("M1")


def test_radius_cuts_off_services_just_beyond_it():
    make_service("Inside", lat=north_of(M1, 24.9)[0])
    make_service("Outside", lat=north_of(M1, 25.1)[0])
    assert names(search.search(near("M1", radius_miles=25))) == ["Inside"]
    assert names(search.search(near("M1", radius_miles=50))) == ["Inside", "Outside"]


def test_a_corner_of_the_bounding_box_is_beyond_the_radius():
    # 20 miles north and 20 miles east is 28 miles away: inside the box, outside 25 miles.
    lat, _ = north_of(M1, 20)
    lon = M1[1] + 20 / (69.0941 * math.cos(math.radians(M1[0])))
    make_service("Corner", lat=lat, lon=lon)
    assert names(search.search(near("M1", radius_miles=25))) == []
    assert search.search(near("M1", radius_miles=50)).hits[0].distance_miles == pytest.approx(
        28.3, abs=0.3)


@hypothesis_settings(max_examples=300, deadline=None)
@given(lat=st.floats(-85, 85), lon=st.floats(-179.9, 179.9), miles=st.floats(0.5, 100),
       bearing=st.floats(0, 2 * math.pi), fraction=st.floats(0, 0.999))
def test_the_bounding_box_never_excludes_a_point_within_the_radius(lat, lon, miles, bearing,
                                                                   fraction):
    # A point at `fraction` of the radius in any direction (destination-point formula).
    d = miles * fraction / search.EARTH_RADIUS_MILES
    phi1, lambda1 = math.radians(lat), math.radians(lon)
    phi2 = math.asin(math.sin(phi1) * math.cos(d)
                     + math.cos(phi1) * math.sin(d) * math.cos(bearing))
    lambda2 = lambda1 + math.atan2(math.sin(bearing) * math.sin(d) * math.cos(phi1),
                                   math.cos(d) - math.sin(phi1) * math.sin(phi2))
    plat, plon = math.degrees(phi2), (math.degrees(lambda2) + 540) % 360 - 180
    min_lat, max_lat, min_lon, max_lon = search.bounding_box(lat, lon, miles)
    assert min_lat <= plat <= max_lat
    if min_lon is not None:
        assert min_lon <= plon <= max_lon


def test_results_are_sorted_by_distance_then_name():
    make_service("Far", lat=north_of(M1, 9)[0])
    make_service("Near", lat=north_of(M1, 1)[0])
    make_service("Middle B", lat=north_of(M1, 5)[0])
    make_service("Middle A", lat=north_of(M1, 5)[0])
    assert names(search.search(near("M1"))) == ["Near", "Middle A", "Middle B", "Far"]


def test_without_an_origin_results_are_sorted_by_name():
    for name in ["Charlie", "alpha", "Bravo"]:
        make_service(name)
    results = search.search(SearchParams())
    assert [n.lower() for n in names(results)] == ["alpha", "bravo", "charlie"]
    assert results.total is None and results.hits[0].distance_miles is None


def test_distance_results_are_paginated():
    for i in range(5):
        make_service(f"S{i}", lat=north_of(M1, i + 1)[0])
    first = search.search(near("M1", page_size=2))
    third = search.search(near("M1", page_size=2, page=3))
    assert names(first) == ["S0", "S1"] and first.page.has_next and first.total == 5
    assert names(third) == ["S4"] and not third.page.has_next


def test_name_results_are_paginated_without_counting():
    for i in range(3):
        make_service(f"S{i}")
    page = search.search(SearchParams(page_size=2, page=2))
    assert names(page) == ["S2"] and page.page.has_previous and not page.page.has_next


def test_us_services_are_found_from_a_zip():
    make_service("Chelsea", lat=40.7445, lon=-73.9965, country="US")
    make_service("Boston", lat=42.3505, lon=-71.0760, country="US")
    assert names(search.search(near("10001", radius_miles=10))) == ["Chelsea"]


# -- Filters -------------------------------------------------------------------------------

def test_level_filter_matches_any_of_the_levels_chosen():
    make_service("IOP", offers_outpatient=False, offers_intensive_outpatient=True)
    make_service("Residential", offers_outpatient=False, offers_residential=True)
    make_service("Outpatient")
    assert names(search.search(near(levels=["intensive_outpatient"]))) == ["IOP"]
    assert names(search.search(near(levels=["intensive_outpatient", "residential"]))) == [
        "IOP", "Residential"]


def test_competence_filter_needs_every_competence_chosen():
    make_service("Urology", urology_liaison=True)
    make_service("Both", urology_liaison=True, dual_diagnosis=True)
    make_service("Young", young_adult_programme=True)
    assert names(search.search(near(competences=["urology_liaison"]))) == ["Both", "Urology"]
    assert names(search.search(near(competences=["urology_liaison", "dual_diagnosis"]))) == [
        "Both"]
    assert names(search.search(near(competences=["young_adult"]))) == ["Young"]


def test_age_filter_respects_both_limits():
    make_service("Adults", min_age=18, max_age=None)
    make_service("Young adults", min_age=16, max_age=25)
    make_service("Teens", min_age=13, max_age=17)
    assert names(search.search(near(age=16))) == ["Teens", "Young adults"]
    assert names(search.search(near(age=25))) == ["Adults", "Young adults"]
    assert names(search.search(near(age=40))) == ["Adults"]


def test_payment_filter_matches_any_payment_chosen():
    make_service("NHS", accepts_nhs=True)
    make_service("Insurance", accepts_nhs=False, accepts_insurance=True)
    make_service("Self-pay", accepts_nhs=False, accepts_self_pay=True)
    make_service("Free", accepts_nhs=False, free_of_charge=True)
    assert names(search.search(near(payments=["free"]))) == ["Free"]
    assert names(search.search(near(payments=["insurance", "self_pay"]))) == [
        "Insurance", "Self-pay"]
    assert names(search.search(near(payments=["nhs"]))) == ["NHS"]


def test_language_filter_matches_the_start_of_a_listed_language():
    make_service("Polish", languages="English, Polish")
    make_service("English only", languages="English")
    make_service("Spanish", languages="Spanish,Portuguese")
    assert names(search.search(near(language="polish"))) == ["Polish"]
    assert names(search.search(near(language="Pol"))) == ["Polish"]
    assert names(search.search(near(language="portuguese"))) == ["Spanish"]
    assert names(search.search(near(language="ish"))) == []  # not the middle of "English"
    # Regular-expression characters are dropped, so "Span|Eng" is the word "SpanEng".
    assert names(search.search(near(language="Span|Eng"))) == []
    assert names(search.search(near(language="pol.*"))) == ["Polish"]


def test_inactive_services_are_left_out_unless_asked_for():
    make_service("Listed")
    make_service("Closed", active=False)
    assert names(search.search(near())) == ["Listed"]
    assert names(search.search(near(include_inactive=True))) == ["Closed", "Listed"]


def test_stale_only_filter_finds_old_and_never_confirmed(settings):
    settings.CAREPATH_DIRECTORY_STALE_DAYS = 30
    make_service("Fresh", confirmed_days=29)
    make_service("Old", confirmed_days=31)
    make_service("Never", confirmed_days=None)
    assert names(search.search(SearchParams(stale_only=True))) == ["Never", "Old"]


def test_name_filter_looks_at_name_provider_and_town():
    make_service("Lantern House", provider="Beacon Trust", town="Leeds")
    make_service("Other")
    for term in ["lantern", "BEACON", "leeds"]:
        assert names(search.search(SearchParams(name=term))) == ["Lantern House"]


# -- Capacity and staleness -----------------------------------------------------------------

def test_has_capacity_is_true_false_or_unknown():
    assert search.has_capacity(make_service("A", places_available=3)) is True
    assert search.has_capacity(make_service("B", places_available=0)) is False
    assert search.has_capacity(make_service("C", places_available=None)) is None


def test_is_stale_uses_the_configured_number_of_days(settings):
    settings.CAREPATH_DIRECTORY_STALE_DAYS = 30
    now = timezone.now()
    service = make_service(confirmed_days=None)
    assert search.is_stale(service, now)
    service.capacity_confirmed_at = now - timedelta(days=29, hours=23)
    assert not search.is_stale(service, now)
    service.capacity_confirmed_at = now - timedelta(days=30, minutes=1)
    assert search.is_stale(service, now)
    settings.CAREPATH_DIRECTORY_STALE_DAYS = 60
    assert not search.is_stale(service, now)


def test_confirmed_text_says_how_many_days_ago():
    now = timezone.now()
    service = make_service(confirmed_days=None)
    assert search.confirmed_text(service, now) == "never confirmed"
    for days, text in [(0, "confirmed today"), (1, "confirmed 1 day ago"),
                       (12, "confirmed 12 days ago")]:
        service.capacity_confirmed_at = now - timedelta(days=days, hours=1)
        assert search.confirmed_text(service, now) == text


def test_hits_carry_staleness_and_capacity(settings):
    settings.CAREPATH_DIRECTORY_STALE_DAYS = 30
    make_service("Stale", confirmed_days=45, places_available=0)
    make_service("Fresh", confirmed_days=2, places_available=4)
    hits = {h.service.name: h for h in search.search(near())}
    assert hits["Stale"].stale and hits["Stale"].capacity is False
    assert hits["Stale"].confirmed_text == "confirmed 45 days ago"
    assert not hits["Fresh"].stale and hits["Fresh"].capacity is True


def test_a_distance_search_takes_two_queries_whatever_the_page_size(
        django_assert_num_queries):
    for i in range(30):
        make_service(f"S{i:02d}", lat=north_of(M1, i / 2)[0])
    for size in (5, 20):
        with django_assert_num_queries(2):
            results = search.search(near("M1", page_size=size, levels=["outpatient"]))
        assert len(results.hits) == size
