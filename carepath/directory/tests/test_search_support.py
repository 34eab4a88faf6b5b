"""Shared helpers for the service directory tests (no tests here)."""

from datetime import timedelta

from django.utils import timezone

from carepath.directory.models import Service

# Manchester M1 (places table) and points at known distances from it.
M1 = (53.4770, -2.2340)


def make_service(name="Test Service", *, lat=M1[0], lon=M1[1], confirmed_days=1, **fields):
    """A listing with sensible defaults; ``confirmed_days=None`` for never confirmed."""
    now = timezone.now()
    data = {
        "provider": "Test Provider", "address_line1": "1 Test Street", "town": "Manchester",
        "postcode": "M1 1AA", "country": "GB", "latitude": lat, "longitude": lon,
        "offers_outpatient": True, "accepts_nhs": True,
        "capacity_confirmed_at": None if confirmed_days is None
        else now - timedelta(days=confirmed_days, minutes=5),
        **fields,
    }
    return Service.objects.create(name=name, **data)


def north_of(origin, miles):
    """A point ``miles`` due north of ``origin`` (one degree of latitude is 69.094 miles
    on the 3958.8-mile sphere search.py uses)."""
    return origin[0] + miles / 69.0941, origin[1]
