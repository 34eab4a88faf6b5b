"""The public services search over JSON: no token, rate-limited per client.

    GET /api/v1/services?near=M1&radius=25&level=intensive_outpatient
    GET /api/v1/services?lat=53.48&lon=-2.24&radius=10&payment=nhs&payment=free
    GET /api/v1/services?near=M1&sober_living=true
    GET /api/v1/services/{id}

Same filters and order as the public page (``search.search``). A place that is not
in the places table is a 422 naming the ``near`` field. Each client (by address) may
make CAREPATH_PUBLIC_SEARCH_RATE requests (default 60 a minute); more get 429 in the
usual error shape.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Query, Router, Schema
from ninja.throttling import AnonRateThrottle
from pydantic import Field

from . import places, search
from .forms_services import not_found_message
from .models import LEVEL_FIELDS, Service


class PublicSearchThrottle(AnonRateThrottle):
    """ninja's per-client throttle at CAREPATH_PUBLIC_SEARCH_RATE. The rate is read again
    on each request, so a changed setting applies without a restart (and in tests)."""

    scope = "public_services"

    def __init__(self):
        super().__init__(settings.CAREPATH_PUBLIC_SEARCH_RATE)

    def allow_request(self, request) -> bool:
        if self.rate != settings.CAREPATH_PUBLIC_SEARCH_RATE:
            self.rate = settings.CAREPATH_PUBLIC_SEARCH_RATE
            self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


router = Router(auth=None, throttle=[PublicSearchThrottle()], tags=["services (public)"])

Level = Literal[tuple(level.value for level in LEVEL_FIELDS)]  # type: ignore[valid-type]
Competence = Literal[tuple(search.COMPETENCE_FIELDS)]  # type: ignore[valid-type]
Payment = Literal[tuple(search.PAYMENT_FIELDS)]  # type: ignore[valid-type]


class SearchQuery(Schema):
    near: str = Field("", max_length=100,
                      description="UK postcode or district, US ZIP, town, or 'lat,lon'")
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    radius: int = Field(search.DEFAULT_RADIUS_MILES, ge=1, le=search.MAX_RADIUS_MILES,
                        description="miles, with near or lat/lon")
    level: list[Level] = Field(default_factory=list, description="any of these levels")
    competence: list[Competence] = Field(default_factory=list, description="all of these")
    sober_living: bool = Field(False, description="only sober living / recovery housing")
    age: int | None = Field(None, ge=0, le=120)
    payment: list[Payment] = Field(default_factory=list, description="any of these")
    language: str = Field("", max_length=40)
    page: int = Field(1, ge=1)
    page_size: int = Field(20, ge=1, le=100)


class OriginOut(Schema):
    label: str
    latitude: float
    longitude: float
    kind: str
    approximate: bool


class ServiceOut(Schema):
    id: UUID
    name: str
    provider: str
    description: str
    address: str
    town: str
    postcode: str
    country: str
    latitude: float
    longitude: float
    phone: str
    email: str
    website: str
    levels_of_care: list[str]
    competences: list[str]
    sober_living: bool
    min_age: int
    max_age: int | None
    payment: list[str]
    languages: list[str]
    places_available: int | None
    has_capacity: bool | None
    waiting_days: int | None
    capacity_confirmed_at: datetime | None
    confirmed: str
    stale: bool
    distance_miles: float | None = None


class ServicePage(Schema):
    page: int
    page_size: int
    has_next: bool
    total: int | None = Field(None, description="services within the radius (distance "
                                                "searches only)")
    origin: OriginOut | None
    radius_miles: float | None
    items: list[ServiceOut]


def service_out(hit: search.Hit) -> dict:
    s = hit.service
    return {
        "id": s.uuid, "name": s.name, "provider": s.provider, "description": s.description,
        "address": s.address_line1, "town": s.town, "postcode": s.postcode,
        "country": s.country, "latitude": s.latitude, "longitude": s.longitude,
        "phone": s.phone, "email": s.email, "website": s.website,
        "levels_of_care": search.level_codes(s), "competences": search.competence_codes(s),
        "sober_living": s.offers_sober_living, "min_age": s.min_age, "max_age": s.max_age,
        "payment": search.payment_codes(s),
        "languages": hit.languages, "places_available": s.places_available,
        "has_capacity": hit.capacity, "waiting_days": s.waiting_days,
        "capacity_confirmed_at": s.capacity_confirmed_at, "confirmed": hit.confirmed_text,
        "stale": hit.stale,
        "distance_miles": None if hit.distance_miles is None else round(hit.distance_miles, 2),
    }


def _origin(query: SearchQuery) -> places.Place | None:
    near = query.near.strip()
    if near:
        place = places.resolve(near)
        if place is None:
            raise ValidationError({"near": not_found_message(near)})
        return place
    if (query.lat is None) != (query.lon is None):
        raise ValidationError({"lat" if query.lat is None else "lon":
                               "Give both lat and lon, or neither."})
    if query.lat is not None:
        return places.resolve(f"{query.lat},{query.lon}")
    return None


@router.get("", response=ServicePage, summary="Search services (public)")
def list_services(request, query: Query[SearchQuery]):
    origin = _origin(query)
    results = search.search(search.SearchParams(
        origin=origin, radius_miles=query.radius, levels=query.level,
        competences=query.competence, age=query.age, payments=query.payment,
        language=query.language, sober_living=query.sober_living, page=query.page,
        page_size=query.page_size))
    return {
        "page": results.page.number, "page_size": results.page.size,
        "has_next": results.page.has_next, "total": results.total,
        "origin": None if origin is None else {
            "label": origin.label, "latitude": origin.latitude, "longitude": origin.longitude,
            "kind": origin.kind, "approximate": origin.is_centroid},
        "radius_miles": results.radius_miles,
        "items": [service_out(hit) for hit in results.hits],
    }


@router.get("/{uuid:service_id}", response=ServiceOut, summary="One service (public)")
def get_service(request, service_id: UUID):
    service = Service.objects.filter(uuid=service_id, active=True).first()
    if service is None:
        raise Http404("No such service")
    return service_out(search.hit_for(service))

