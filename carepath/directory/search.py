"""Finding services: by distance from a place and by filters.

``search(SearchParams(...)) -> Results`` is what the public page, the staff list, the
API and other apps use. With an origin, a bounding box on the indexed (latitude,
longitude) narrows the table to a few hundred rows at most; only their ids and
coordinates are read, the exact great-circle distance is computed here (the same
on SQLite and PostgreSQL, no database maths functions needed), and just the page's
services are loaded. Without an origin, services are listed by name.

``has_capacity``, ``is_stale`` and ``confirmed_text`` say how far to trust the
capacity figures: staff confirm them, and a figure not confirmed within
CAREPATH_DIRECTORY_STALE_DAYS is shown as stale.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from carepath.pagination import Page, page_number, paginate
from carepath.patients.models import LevelOfCare

from .models import LEVEL_FIELDS, Service
from .places import Place

EARTH_RADIUS_MILES = 3958.8  # mean Earth radius (IUGG), in statute miles
MILES_PER_DEGREE_LATITUDE = 69.0  # a lower bound (68.7 at the equator is padded below)
RADIUS_CHOICES = (5, 10, 25, 50, 100)
DEFAULT_RADIUS_MILES = 25
MAX_RADIUS_MILES = 100
DEFAULT_PAGE_SIZE = 20

LEVEL_CHOICES = [(level, LevelOfCare(level).label) for level in LEVEL_FIELDS]
COMPETENCE_FIELDS = {
    "urology_liaison": "urology_liaison",
    "young_adult": "young_adult_programme",
    "dual_diagnosis": "dual_diagnosis",
}
COMPETENCE_CHOICES = [
    ("urology_liaison", "Urology (bladder) liaison"),
    ("young_adult", "Young-adult programme"),
    ("dual_diagnosis", "Dual diagnosis (mental health)"),
]
PAYMENT_FIELDS = {
    "nhs": "accepts_nhs",
    "insurance": "accepts_insurance",
    "self_pay": "accepts_self_pay",
    "free": "free_of_charge",
}
PAYMENT_CHOICES = [("nhs", "NHS funded"), ("insurance", "Insurance"),
                   ("self_pay", "Self-pay"), ("free", "Free")]
LANGUAGE_ALLOWED = re.compile(r"[^\w\s'-]")


@dataclass
class SearchParams:
    """What to look for. Levels and payments match any of those chosen; competences all."""

    origin: Place | None = None
    radius_miles: float = DEFAULT_RADIUS_MILES
    levels: Sequence[str] = ()
    competences: Sequence[str] = ()
    age: int | None = None
    payments: Sequence[str] = ()
    language: str = ""
    sober_living: bool = False  # only services offering sober living / recovery housing
    name: str = ""              # staff list: part of the name, provider or town
    stale_only: bool = False    # staff list: capacity not confirmed recently
    include_inactive: bool = False
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE


@dataclass
class Hit:
    """One service in the results, with its distance and how fresh its capacity is."""

    service: Service
    distance_miles: float | None
    stale: bool
    confirmed_days: int | None
    capacity: bool | None

    @property
    def confirmed_text(self) -> str:
        return _confirmed_text(self.confirmed_days)

    # What the service offers, in words, for templates.
    @property
    def levels(self) -> list[str]:
        return levels_offered(self.service)

    @property
    def competences(self) -> list[str]:
        return competences(self.service)

    @property
    def payments(self) -> list[str]:
        return payments(self.service)

    @property
    def languages(self) -> list[str]:
        return languages(self.service)

    @property
    def ages(self) -> str:
        return ages_text(self.service)


@dataclass
class Results:
    hits: list[Hit]
    page: Page
    origin: Place | None = None
    radius_miles: float | None = None
    total: int | None = None  # known only for a distance search (every candidate is read)
    params: SearchParams = field(default_factory=SearchParams)

    def __iter__(self):
        return iter(self.hits)

    def __len__(self):
        return len(self.hits)


# -- Capacity and staleness -------------------------------------------------------------

def has_capacity(service) -> bool | None:
    """True when places are free, False when none are, None when nobody knows."""
    if service.places_available is None:
        return None
    return service.places_available > 0


def stale_before(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=settings.CAREPATH_DIRECTORY_STALE_DAYS)


def is_stale(service, now: datetime | None = None) -> bool:
    """Capacity never confirmed, or confirmed longer ago than the configured number of days."""
    confirmed = service.capacity_confirmed_at
    return confirmed is None or confirmed < stale_before(now)


def confirmed_days_ago(service, now: datetime | None = None) -> int | None:
    confirmed = service.capacity_confirmed_at
    if confirmed is None:
        return None
    return max(((now or timezone.now()) - confirmed).days, 0)


def _confirmed_text(days: int | None) -> str:
    if days is None:
        return "never confirmed"
    if days == 0:
        return "confirmed today"
    return f"confirmed {days} day{'' if days == 1 else 's'} ago"


def confirmed_text(service, now: datetime | None = None) -> str:
    """"confirmed 3 days ago", "confirmed today" or "never confirmed"."""
    return _confirmed_text(confirmed_days_ago(service, now))


# -- What a service offers, in words (for pages and the API) ------------------------------

def levels_offered(service) -> list[str]:
    return [label for level, label in LEVEL_CHOICES if getattr(service, LEVEL_FIELDS[level])]


def level_codes(service) -> list[str]:
    return [level for level in LEVEL_FIELDS if getattr(service, LEVEL_FIELDS[level])]


def competences(service) -> list[str]:
    return [label for code, label in COMPETENCE_CHOICES
            if getattr(service, COMPETENCE_FIELDS[code])]


def competence_codes(service) -> list[str]:
    return [code for code, _ in COMPETENCE_CHOICES if getattr(service, COMPETENCE_FIELDS[code])]


def payments(service) -> list[str]:
    return [label for code, label in PAYMENT_CHOICES if getattr(service, PAYMENT_FIELDS[code])]


def payment_codes(service) -> list[str]:
    return [code for code, _ in PAYMENT_CHOICES if getattr(service, PAYMENT_FIELDS[code])]


def languages(service) -> list[str]:
    return [part.strip() for part in service.languages.split(",") if part.strip()]


def ages_text(service) -> str:
    if service.max_age is None:
        return f"{service.min_age} and over"
    return f"{service.min_age} to {service.max_age}"


# -- Distance ----------------------------------------------------------------------------

def haversine_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in miles between two points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, miles: float):
    """(min_lat, max_lat, min_lon, max_lon) enclosing every point within ``miles``;
    the longitude bounds are None near a pole or across the 180° meridian, where
    only the latitude band narrows the search (the distance check stays exact)."""
    dlat = miles / MILES_PER_DEGREE_LATITUDE * 1.01
    min_lat, max_lat = lat - dlat, lat + dlat
    widest = max(abs(min_lat), abs(max_lat))
    if widest >= 89:
        return max(min_lat, -90.0), min(max_lat, 90.0), None, None
    dlon = dlat / math.cos(math.radians(widest))
    min_lon, max_lon = lon - dlon, lon + dlon
    if min_lon < -180 or max_lon > 180:
        return min_lat, max_lat, None, None
    return min_lat, max_lat, min_lon, max_lon


# -- The search --------------------------------------------------------------------------

def filter_services(queryset: QuerySet, params: SearchParams, now: datetime | None = None
                    ) -> QuerySet:
    """Apply every filter except distance."""
    if not params.include_inactive:
        queryset = queryset.filter(active=True)
    levels = [LEVEL_FIELDS[lv] for lv in params.levels if lv in LEVEL_FIELDS]
    if levels:
        any_level = Q()
        for name in levels:
            any_level |= Q(**{name: True})
        queryset = queryset.filter(any_level)
    for code in params.competences:
        if code in COMPETENCE_FIELDS:
            queryset = queryset.filter(**{COMPETENCE_FIELDS[code]: True})
    if params.sober_living:
        queryset = queryset.filter(offers_sober_living=True)
    if params.age is not None:
        queryset = queryset.filter(Q(min_age__lte=params.age),
                                   Q(max_age__isnull=True) | Q(max_age__gte=params.age))
    pays = [PAYMENT_FIELDS[p] for p in params.payments if p in PAYMENT_FIELDS]
    if pays:
        any_payment = Q()
        for name in pays:
            any_payment |= Q(**{name: True})
        queryset = queryset.filter(any_payment)
    language = " ".join(LANGUAGE_ALLOWED.sub("", params.language or "").split())[:40]
    if language:
        # A language in the comma-separated list that starts with what was typed:
        # "pol" finds "English, Polish"; "ish" does not find "English".
        # The plain LIKE first: it is cheap and rules out most rows before the regular
        # expression (a Python function on SQLite) runs.
        queryset = queryset.filter(languages__icontains=language).filter(
            languages__iregex=r"(^|,)\s*" + language)
    name = (params.name or "").strip()[:100]
    if name:
        queryset = queryset.filter(Q(name__icontains=name) | Q(provider__icontains=name)
                                   | Q(town__icontains=name))
    if params.stale_only:
        queryset = queryset.filter(Q(capacity_confirmed_at__isnull=True)
                                   | Q(capacity_confirmed_at__lt=stale_before(now)))
    return queryset


def hit_for(service, distance: float | None = None, now: datetime | None = None) -> Hit:
    """A single service as a result (detail and staff pages)."""
    return _hit(service, distance, now or timezone.now())


def _hit(service, distance, now) -> Hit:
    return Hit(service=service, distance_miles=distance, stale=is_stale(service, now),
               confirmed_days=confirmed_days_ago(service, now), capacity=has_capacity(service))


def search(params: SearchParams, *, queryset: QuerySet | None = None,
           now: datetime | None = None) -> Results:
    """Services matching ``params``: nearest first within the radius when there is an
    origin, else by name. Two queries with an origin, one without."""
    now = now or timezone.now()
    size = max(1, min(int(params.page_size or DEFAULT_PAGE_SIZE), settings.CAREPATH_PAGE_SIZE_MAX))
    number = page_number(params.page)
    base = filter_services(queryset if queryset is not None else Service.objects.all(),
                           params, now)
    origin = params.origin
    if origin is None:
        # Lower(): the same order on SQLite (binary collation) and PostgreSQL.
        page = paginate(base.order_by(Lower("name"), "pk"), number, size)
        hits = [_hit(s, None, now) for s in page.object_list]
        page.object_list = hits
        return Results(hits=hits, page=page, params=params)

    radius = float(params.radius_miles or DEFAULT_RADIUS_MILES)
    min_lat, max_lat, min_lon, max_lon = bounding_box(origin.latitude, origin.longitude, radius)
    box = base.filter(latitude__gte=min_lat, latitude__lte=max_lat)
    if min_lon is not None:
        box = box.filter(longitude__gte=min_lon, longitude__lte=max_lon)
    within = []
    for pk, lat, lon, name in box.values_list("pk", "latitude", "longitude", "name"):
        miles = haversine_miles(origin.latitude, origin.longitude, lat, lon)
        if miles <= radius:
            within.append((miles, name.lower(), pk))
    within.sort()
    start = (number - 1) * size
    chosen = within[start:start + size]
    services = base.in_bulk([pk for _, _, pk in chosen]) if chosen else {}
    hits = [_hit(services[pk], miles, now) for miles, _, pk in chosen if pk in services]
    page = Page(hits, number, size, has_next=len(within) > start + size)
    return Results(hits=hits, page=page, origin=origin, radius_miles=radius,
                   total=len(within), params=params)


PICKER_LIMIT = 20


def services_for_picker(text: str, level: str = "") -> list[Service]:
    """Active services whose name, provider, town or postcode matches ``text``, for the
    "choose a service" step of a referral (patient's or enquiry's). At most PICKER_LIMIT."""
    # PostgreSQL refuses NUL in text parameters; nobody types one.
    text = (text or "").replace("\x00", "").strip()[:100]
    services = Service.objects.filter(active=True)
    if text:
        services = services.filter(Q(name__icontains=text) | Q(town__icontains=text)
                                   | Q(provider__icontains=text)
                                   | Q(postcode__istartswith=text))
    if level in LEVEL_FIELDS:
        services = services.filter(**{LEVEL_FIELDS[level]: True})
    return list(services.order_by("name", "pk")[:PICKER_LIMIT])
