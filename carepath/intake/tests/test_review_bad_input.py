"""Junk posted to every intake and directory route, web and API, by a user who may use
them: each answers with a clear refusal (4xx) or a page, never a server error.

The routes are found by walking the URL configuration, so a route added later is
fuzzed too (its URL parameters must be one of those ``world`` provides)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import URLResolver, get_resolver
from django.utils import timezone

from carepath.conftest import ctx_for, verified_client
from carepath.directory import actions_referrals
from carepath.directory.tests.test_referral_support import make_service, refer
from carepath.intake import actions_assessment, actions_enquiries

pytestmark = pytest.mark.django_db

HUGE = "9" * 40
# One value per kind of junk; each is put in every field name below at once.
JUNK_VALUES = ["", "x", "-1", HUGE, "-" + HUGE, "1e309", "nan", "not-a-uuid",
               "2026-02-30", "\x00", "<script>"]
FIELD_NAMES = [
    # pipeline
    "source", "given_name", "family_name", "date_of_birth", "phone", "email",
    "preferred_contact", "best_time", "postcode", "contact_consent", "caller_name",
    "caller_relationship", "caller_phone", "caller_email", "referrer_organisation",
    "summary", "risk_flagged", "assigned_to", "next_action", "next_action_due",
    "submission_key", "stage", "note", "outcome_reason", "legal_given_name",
    "legal_family_name", "preferred_name", "sex_at_birth", "confirm_duplicate", "assessor",
    "booked_for",
    # assessment and placement
    "age_first_use", "years_of_use", "days_per_week", "grams_per_using_day", "route",
    "binges", "k_holes", "last_use", "red_flags", "action", "chosen_level",
    "override_reason", "service", "decision", "dimension_1_rating", "dimension_1_notes",
    "alcohol_frequency", "social_housing",
    # referrals and waitlists
    "match_reason", "level_of_care", "affiliation", "affiliation_details",
    "no_fee_attested", "status", "reason", "return_to",
    # services
    "name", "provider", "description", "address_line1", "town", "country", "latitude",
    "longitude", "website", "min_age", "max_age", "languages", "places_available",
    "waiting_days", "active", "operated_by_us", "confirm_capacity", "back", "query",
    # self-check
    "age", "signs-1", "signs-2", "signs-10", "second-1", "second-a1", "share_answers",
]
QUERY_JUNK = {"page": HUGE, "page_size": "-" + HUGE, "q": "\x00" + HUGE, "level": "x",
              "stage": "x", "source": "x", "assignee": "not-a-uuid", "overdue": "x",
              "status": "x", "due": "x", "from": "2026-13-45", "to": "x", "format": "csv",
              "near": HUGE, "lat": "nan", "lon": "1e309", "radius": HUGE, "age": HUGE,
              "payment": "x", "competence": "x", "language": "\x00", "inactive": "x",
              "stale": "x"}


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        else:
            yield prefix + str(p.pattern), p.callback


def _ours(route, callback) -> bool:
    module = getattr(callback, "__module__", "")
    api = re.match(r"api/v1/(enquiries|assessments|referrals|services)", route)
    return bool(api) or module.startswith(("carepath.intake.", "carepath.directory."))


ROUTES = sorted({route for route, callback in _walk(get_resolver().url_patterns)
                 if _ours(route, callback)})


@pytest.fixture
def world(org, supervisor, clinician, patient, make_user):
    """One of everything a route can name, and a supervisor (who may work intake, edit
    the directory, refer and, through their supervisee, change the patient's record)."""
    ctx = ctx_for(supervisor)
    enquiry = actions_enquiries.create_enquiry(
        ctx, org, {"given_name": "Casey", "phone": "07700 900123"}, source="phone")
    assessment = actions_assessment.book_assessment(
        ctx_for(clinician), patient, assessor=clinician,
        booked_for=timezone.now() + timedelta(days=1))
    service = make_service(places_available=0, operated_by=org)
    patient_referral = refer(supervisor, patient=patient, service=service)
    enquiry_referral = refer(supervisor, service=service)
    entry = actions_referrals.add_to_waitlist(ctx, service=service, patient=patient,
                                              level_of_care="outpatient")
    from carepath.intake.models import Article

    article = Article.objects.filter(published=True).first()
    return {
        "patient_id": patient.uuid, "assessment_id": assessment.uuid,
        "enquiry_id": enquiry.uuid, "service_id": service.uuid, "entry_id": entry.uuid,
        "referral_id": (patient_referral.uuid, enquiry_referral.uuid),
        "slug": article.slug if article else "what-is-ketamine",
        "user": supervisor,
    }


def _urls(route: str, world: dict) -> list[str]:
    """The route with real objects' ids, and once with a malformed id for each."""
    params = re.findall(r"<(?:\w+:)?(\w+)>", route)
    if not params:
        return ["/" + route]
    referral_ids = world["referral_id"]
    urls = []
    for referral_id in referral_ids:
        values = {**world, "referral_id": referral_id}
        url = route
        for name in params:
            url = re.sub(rf"<(?:\w+:)?{name}>", str(values[name]), url)
        urls.append("/" + url)
    if route.startswith("api/"):
        malformed = route
        for name in params:
            malformed = re.sub(rf"<(?:\w+:)?{name}>", "not-a-uuid" + HUGE, malformed)
        urls.append("/" + malformed)
    return sorted(set(urls))


def _web_client(world):
    return verified_client(world["user"])


def _api_client(world):
    from django.test import Client

    from carepath.accounts.tokens import create_token

    _, raw = create_token(ctx_for(world["user"]), world["user"], "test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.mark.parametrize("route", ROUTES)
def test_junk_never_causes_a_server_error(route, world):
    api = route.startswith("api/")
    client = _api_client(world) if api else _web_client(world)
    for url in _urls(route, world):
        for key, value in QUERY_JUNK.items():  # one at a time, so none hides another
            response = client.get(url, {key: value})
            assert response.status_code < 500, (url, key, response.status_code)
        payloads = [{}] + [dict.fromkeys(FIELD_NAMES, value) for value in JUNK_VALUES]
        for payload in payloads:
            if api:
                for body in (payload, {k: _typed_junk(v) for k, v in payload.items()}):
                    for method in (client.post, client.patch):
                        response = method(url, body, content_type="application/json",
                                          headers={"Idempotency-Key": HUGE})
                        assert response.status_code < 500, (url, body, response.status_code)
                response = client.post(url, "{not json", content_type="application/json")
                assert response.status_code < 500, (url, "not json", response.status_code)
            else:
                response = client.post(url, payload)
                assert response.status_code < 500, (url, payload, response.status_code)


def _typed_junk(value):
    """The same junk as JSON numbers, where it parses as one."""
    try:
        return int(value)
    except ValueError:
        try:
            return float(value)
        except ValueError:
            return value


def test_every_route_is_fuzzed():
    assert len(ROUTES) >= 40
    assert any("self-check/callback" in r for r in ROUTES)
    assert any(r.startswith("api/v1/assessments") for r in ROUTES)


def test_the_fuzzing_user_may_use_the_routes(world):
    """Otherwise every junk post would be a 403 or 404 and prove nothing."""
    web, api = _web_client(world), _api_client(world)
    for route in ROUTES:
        client = api if route.startswith("api/") else web
        for url in _urls(route, world):
            if "not-a-uuid" in url:
                continue
            status = client.get(url).status_code
            assert status in (200, 302, 405, 422), (url, status)  # 422: a needed filter


def test_a_huge_page_number_is_an_empty_page_on_every_paged_list(world):
    """A page number past SQLite's 64-bit OFFSET was a 500 (datatype mismatch)."""
    web, api = _web_client(world), _api_client(world)
    page = {"page": HUGE}
    for url in ("/intake/enquiries/", "/directory/referrals/", "/directory/services/"):
        assert web.get(url, page).status_code == 200, url
    assert web.get("/services/", {"near": "M1", **page}).status_code == 200
    for url, query in (("/api/v1/enquiries", {}), ("/api/v1/referrals", {}),
                       ("/api/v1/services", {}), ("/api/v1/services", {"near": "M1"}),
                       ("/api/v1/assessments", {"patient": str(world["patient_id"])})):
        response = api.get(url, {**query, **page})
        assert response.status_code == 200, (url, response.content[:300])
        assert response.json()["items"] == [] and not response.json()["has_next"]
