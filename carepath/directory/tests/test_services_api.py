"""GET /api/v1/services: public, same filters as the page, rate-limited per client."""

import pytest
from django.core.cache import cache
from django.test import Client

from .test_search_support import M1, make_service, north_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_throttle():
    """The throttle's history lives in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


def api(query="", client=None, **headers):
    return (client or Client()).get("/api/v1/services" + query, headers=headers)


def test_search_needs_no_token_and_returns_nearest_first():
    make_service("Far IOP", lat=north_of(M1, 20)[0], offers_intensive_outpatient=True,
                 confirmed_days=45)
    make_service("Near IOP", lat=north_of(M1, 2)[0], offers_intensive_outpatient=True,
                 places_available=0, waiting_days=9)
    make_service("Outpatient", lat=north_of(M1, 1)[0])
    response = api("?near=M1+1AE&radius=25&level=intensive_outpatient")
    assert response.status_code == 200
    body = response.json()
    assert [i["name"] for i in body["items"]] == ["Near IOP", "Far IOP"]
    assert [i["distance_miles"] for i in body["items"]] == [2.0, 20.0]
    assert body["total"] == 2 and body["radius_miles"] == 25
    assert body["origin"]["kind"] == "postcode" and body["origin"]["approximate"] is True
    near, far = body["items"]
    assert near["has_capacity"] is False and near["waiting_days"] == 9
    assert near["stale"] is False and near["confirmed"] == "confirmed 1 day ago"
    assert far["stale"] is True and far["confirmed"] == "confirmed 45 days ago"
    assert near["levels_of_care"] == ["intensive_outpatient", "outpatient"]
    assert set(near) >= {"id", "address", "postcode", "payment", "languages", "competences",
                         "min_age", "max_age", "latitude", "longitude"}
    assert "pk" not in near


def test_coordinates_and_every_filter_are_accepted():
    make_service("Match", lat=north_of(M1, 1)[0], urology_liaison=True, dual_diagnosis=True,
                 min_age=16, max_age=25, free_of_charge=True, languages="English, Polish")
    make_service("No match", lat=north_of(M1, 1)[0])
    query = (f"?lat={M1[0]}&lon={M1[1]}&radius=5&level=outpatient&competence=urology_liaison"
             "&competence=dual_diagnosis&age=17&payment=free&payment=insurance&language=pol")
    body = api(query).json()
    assert [i["name"] for i in body["items"]] == ["Match"]
    assert body["origin"]["kind"] == "coordinates" and body["origin"]["approximate"] is False


def test_without_a_place_services_come_by_name_in_pages():
    for name in ["Charlie", "Alpha", "Bravo"]:
        make_service(name)
    body = api("?page_size=2").json()
    assert [i["name"] for i in body["items"]] == ["Alpha", "Bravo"]
    assert body["has_next"] and body["total"] is None and body["origin"] is None
    assert [i["name"] for i in api("?page_size=2&page=2").json()["items"]] == ["Charlie"]


def test_an_unknown_place_is_a_422_naming_the_field():
    response = api("?near=Atlantis")
    assert response.status_code == 422
    assert response.json() == {"detail": "The request has invalid fields.", "errors": [{
        "field": "near", "message": "We could not find “Atlantis”. Check the postcode or ZIP "
        "code, or enter a town or city instead, or use your location."}]}


@pytest.mark.parametrize("query,field", [("?level=detox", "level.0"), ("?radius=500", "radius"),
                                         ("?lat=53.4", "lon"), ("?age=-1", "age"),
                                         ("?page_size=1000", "page_size")])
def test_bad_parameters_are_422_in_the_standard_shape(query, field):
    response = api(query)
    assert response.status_code == 422
    assert response.json()["detail"] == "The request has invalid fields."
    assert field in [e["field"] for e in response.json()["errors"]]


def test_one_service_by_id():
    service = make_service("Lantern House", description="Evening groups.")
    response = api(f"/{service.uuid}")
    assert response.status_code == 200
    assert response.json()["name"] == "Lantern House"
    assert response.json()["distance_miles"] is None
    closed = make_service("Closed", active=False)
    assert api(f"/{closed.uuid}").status_code == 404
    assert api("/00000000-0000-4000-8000-000000000000").json() == {"detail": "Not found.",
                                                                    "errors": []}


def test_requests_over_the_rate_get_429_in_the_standard_shape(settings):
    settings.CAREPATH_PUBLIC_SEARCH_RATE = "3/min"
    make_service()
    client = Client()
    assert [api("?near=M1", client).status_code for _ in range(3)] == [200, 200, 200]
    response = api("?near=M1", client)
    assert response.status_code == 429
    assert response.json() == {"detail": "Too many requests.", "errors": []}
    # Counted per client address: another client is still served.
    other = Client(REMOTE_ADDR="192.0.2.10")
    assert other.get("/api/v1/services?near=M1").status_code == 200


def test_a_bearer_token_does_not_lift_the_limit(settings, clinician):
    from carepath.accounts.tokens import create_token
    from carepath.conftest import ctx_for

    settings.CAREPATH_PUBLIC_SEARCH_RATE = "1/min"
    _, token = create_token(ctx_for(clinician), clinician, "test")
    auth = {"Authorization": f"Bearer {token}"}
    assert api("", **auth).status_code == 200
    assert api("", **auth).status_code == 429


def test_the_search_takes_two_queries(django_assert_num_queries):
    for i in range(10):
        make_service(f"S{i}", lat=north_of(M1, i)[0])
    with django_assert_num_queries(2):
        assert len(api("?near=M1&radius=25").json()["items"]) == 10
