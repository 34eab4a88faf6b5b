"""The public search page and service page: read-only, no cookies, clear messages."""

import re

import pytest
from django.test import Client

from carepath.directory.models import Service

from .test_search_support import M1, make_service, north_of

pytestmark = pytest.mark.django_db


def names_in(html):
    return re.findall(r'data-testid="service-name">([^<]+)<', html)


def get(client, query):
    response = client.get("/services/" + query)
    return response, response.content.decode()


def test_the_page_without_a_search_shows_only_the_form():
    response, html = get(Client(), "")
    assert response.status_code == 200
    assert 'data-testid="service-search-form"' in html and "service-results" not in html
    for miles in (5, 10, 25, 50):
        assert f'<option value="{miles}"' in html
    assert 'method="get"' in html and "csrfmiddlewaretoken" not in html


def test_search_within_25_miles_filtered_by_level_is_sorted_by_distance(settings):
    settings.CAREPATH_DIRECTORY_STALE_DAYS = 30
    make_service("Far IOP", lat=north_of(M1, 20)[0], offers_intensive_outpatient=True,
                 confirmed_days=40)
    make_service("Near IOP", lat=north_of(M1, 2)[0], offers_intensive_outpatient=True)
    make_service("Outpatient only", lat=north_of(M1, 1)[0])
    make_service("Too far IOP", lat=north_of(M1, 30)[0], offers_intensive_outpatient=True)
    response, html = get(Client(), "?near=M1+1AE&radius=25&level=intensive_outpatient")
    assert response.status_code == 200
    assert names_in(html) == ["Near IOP", "Far IOP"]
    assert "2 services within 25 miles of M1 1AE" in html
    assert re.findall(r'data-testid="distance">([^<]+)<', html) == ["2.0 miles", "20.0 miles"]
    results = html.split('data-testid="service-results"')[1]
    first, second = results.split('data-testid="service-result"')[1:3]
    assert 'data-testid="stale"' not in first and "confirmed 1 day ago" in first
    assert 'data-testid="stale"' in second and "confirmed 40 days ago" in second


def test_results_show_what_each_service_offers():
    make_service("Full listing", offers_intensive_outpatient=True, urology_liaison=True,
                 dual_diagnosis=True, min_age=16, max_age=25, accepts_self_pay=True,
                 languages="English, Polish", places_available=0, waiting_days=14)
    _, html = get(Client(), "?near=Manchester")
    for text in ["Intensive outpatient, Outpatient", "Urology (bladder) liaison",
                 "Dual diagnosis (mental health)", "16 to 25", "NHS funded, Self-pay",
                 "English, Polish", "No places free now", "typical wait 14 days",
                 "confirmed 1 day ago"]:
        assert text in html, text


def test_a_place_not_found_says_so_and_suggests_a_town_or_location():
    make_service()
    response, html = get(Client(), "?near=ZZ99+9ZZ&radius=25")
    assert response.status_code == 400
    assert "We could not find “ZZ99 9ZZ”" in html
    assert "enter a town or city instead, or use your location" in html
    assert 'value="ZZ99 9ZZ"' in html  # what was typed is kept
    assert '<option value="25" selected>' in html  # and the distance chosen
    _, html = get(Client(), "?near=ZZ99+9ZZ")
    assert '<option value="25" selected>' in html  # the default when none was sent
    assert "service-results" not in html


def test_coordinates_from_the_browser_search_from_that_point():
    make_service("Here", lat=north_of(M1, 1)[0])
    _, html = get(Client(), f"?lat={M1[0]}&lon={M1[1]}&radius=5")
    assert names_in(html) == ["Here"] and "within 5 miles of your location" in html


def test_filters_without_a_place_list_services_by_name():
    make_service("Bravo", young_adult_programme=True)
    make_service("Alpha", young_adult_programme=True)
    make_service("Charlie")
    _, html = get(Client(), "?competence=young_adult")
    assert names_in(html) == ["Alpha", "Bravo"] and "Services by name" in html


def test_no_matches_says_what_to_try():
    _, html = get(Client(), "?near=LS1")
    assert 'data-testid="no-results"' in html and "Try a wider distance" in html


def test_the_pages_set_no_cookie_and_store_nothing():
    service = make_service()
    client = Client()
    for url in ["/services/", "/services/?near=M1&level=outpatient",
                "/services/?near=nowhere", f"/services/{service.uuid}/",
                f"/services/{service.uuid}/?near=M1"]:
        response = client.get(url)
        assert response.cookies == {}, url
        assert "Set-Cookie" not in response.headers, url
    assert client.cookies == {}


def test_the_search_page_takes_two_queries(django_assert_num_queries):
    for i in range(25):
        make_service(f"S{i:02d}", lat=north_of(M1, i)[0], offers_intensive_outpatient=True)
    client = Client()
    with django_assert_num_queries(2):
        response = client.get("/services/?near=M1&radius=50&level=intensive_outpatient")
    assert len(names_in(response.content.decode())) == 20


def test_the_next_page_keeps_the_search():
    for i in range(22):
        make_service(f"S{i:02d}", lat=north_of(M1, i / 2)[0])
    _, html = get(Client(), "?near=M1&radius=25")
    assert "?near=M1&amp;radius=25&amp;page=2" in html
    _, html = get(Client(), "?near=M1&radius=25&page=2")
    assert names_in(html) == ["S20", "S21"]


def test_the_service_page_shows_the_listing_and_distance_from_the_search():
    service = make_service("Lantern House", lat=north_of(M1, 3)[0], phone="0161 496 0999",
                           description="Evening groups.")
    response = Client().get(f"/services/{service.uuid}/?near=M1&radius=25")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Lantern House" in html and "Evening groups." in html and "0161 496 0999" in html
    assert "3.0 miles" in html and 'href="/services/?near=M1&amp;radius=25"' in html


def test_an_inactive_or_unknown_service_page_is_not_found():
    service = make_service(active=False)
    assert Client().get(f"/services/{service.uuid}/").status_code == 404
    assert Client().get("/services/00000000-0000-4000-8000-000000000000/").status_code == 404


def test_the_page_loads_the_location_script_and_no_inline_script():
    _, html = get(Client(), "")
    assert '<script src="/static/directory/locate.js"></script>' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "data-locate hidden" in html  # the button only appears with JavaScript


def test_staff_and_public_see_the_same_public_page(make_user):
    from carepath.conftest import verified_client

    make_service("Listed")
    staff = verified_client(make_user("intake_advisor"))
    assert "Listed" in staff.get("/services/?near=M1").content.decode()
    assert Service.objects.count() == 1


def test_the_page_names_the_emergency_numbers_from_the_crisis_lines():
    _, html = get(Client(), "")
    note = html.split('data-testid="emergency-note"')[1].split("</p>")[0]
    assert 'href="tel:999">Call 999</a> in the UK' in note
    assert 'href="tel:911">Call 911</a> in the US' in note
