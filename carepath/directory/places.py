"""Turning what a visitor types into a point on the map, offline.

``resolve(text)`` accepts a full UK postcode (its outward code is looked up), a UK
postcode district ("M1", "SW1A"), a US ZIP or ZIP+4, a town or city name, or
"lat,lon" coordinates, and returns a ``Place`` or None when the text is not known.

The table is ``data/places.csv``: hand-entered approximate centroids covering the
demo areas and the larger UK and US cities, not ONS or Census data. It is good
enough for "within N miles" and can be replaced by a full table with the same
columns (docs/directory.md).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TABLE = Path(__file__).resolve().parent / "data" / "places.csv"

UK_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")
UK_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
US_ZIP = re.compile(r"^([0-9]{5})(?:-?[0-9]{4})?$")
COORDINATES = re.compile(r"^(-?[0-9]{1,2}(?:\.[0-9]+)?)\s*[,;\s]\s*(-?[0-9]{1,3}(?:\.[0-9]+)?)$")

# Words after a town name that say which country is meant ("Cambridge, MA").
GB_QUALIFIERS = {"uk", "gb", "united kingdom", "great britain", "england", "scotland",
                 "wales"}
US_QUALIFIERS = {"us", "usa", "united states", "ny", "new york", "nj", "new jersey", "ma",
                 "massachusetts", "pa", "pennsylvania", "il", "illinois", "ca", "california",
                 "wa", "washington", "tx", "texas", "fl", "florida", "co", "colorado"}


@dataclass(frozen=True)
class Place:
    """A point to measure distances from, and how to name it on the page."""

    label: str        # "M1, Manchester city centre (Piccadilly)"
    latitude: float
    longitude: float
    kind: str         # postcode, district, zip, town, coordinates
    country: str = ""  # GB, US, or "" for coordinates

    @property
    def is_centroid(self) -> bool:
        """True when the point is the approximate centre of an area, not an exact spot."""
        return self.kind != "coordinates"


@dataclass(frozen=True)
class _Row:
    kind: str
    key: str
    name: str
    country: str
    latitude: float
    longitude: float


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, _Row], dict[str, _Row], dict[str, list[_Row]]]:
    districts: dict[str, _Row] = {}
    zips: dict[str, _Row] = {}
    towns: dict[str, list[_Row]] = {}
    with TABLE.open(encoding="utf-8", newline="") as f:
        lines = (line for line in f if line.strip() and not line.startswith("#"))
        for rec in csv.DictReader(lines):
            row = _Row(rec["kind"], rec["key"].strip(), rec["name"].strip(),
                       rec["country"].strip(), float(rec["latitude"]),
                       float(rec["longitude"]))
            if row.kind == "district":
                districts[row.key.upper()] = row
            elif row.kind == "zip":
                zips[row.key] = row
            elif row.kind == "town":
                towns.setdefault(_town_key(row.key), []).append(row)
    return districts, zips, towns


def _town_key(text: str) -> str:
    text = text.lower().replace(".", "").replace("&", " and ").replace("-", " ")
    return " ".join(re.sub(r"[,;/()]", " ", text).split())


def _from_row(row: _Row, kind: str, label: str) -> Place:
    return Place(label=label, latitude=row.latitude, longitude=row.longitude, kind=kind,
                 country=row.country)


def _coordinates(text: str) -> Place | None:
    match = COORDINATES.match(text)
    if not match:
        return None
    lat, lon = float(match.group(1)), float(match.group(2))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return Place(label=f"{lat:.2f}, {lon:.2f}", latitude=lat, longitude=lon,
                 kind="coordinates")


def _town(text: str) -> Place | None:
    towns = _table()[2]
    key = _town_key(text)
    if key in towns:
        row = towns[key][0]  # the first listed is the default (Cambridge, England)
        return _from_row(row, "town", row.name)
    words = key.split()
    for cut in range(len(words) - 1, 0, -1):
        name, qualifier = " ".join(words[:cut]), " ".join(words[cut:])
        country = ("GB" if qualifier in GB_QUALIFIERS
                   else "US" if qualifier in US_QUALIFIERS else None)
        if country and name in towns:
            for row in towns[name]:
                if row.country == country:
                    return _from_row(row, "town", row.name)
            return None
    return None


def resolve(text: str | None) -> Place | None:
    """The place ``text`` names, or None when it is empty or not in the table."""
    if not text:
        return None
    cleaned = " ".join(str(text).strip().split())[:100]
    if not cleaned:
        return None
    place = _coordinates(cleaned)
    if place is not None:
        return place
    districts, zips, _ = _table()
    upper = cleaned.upper()
    match = US_ZIP.match(upper)
    if match:
        row = zips.get(match.group(1))
        return _from_row(row, "zip", f"{row.key}, {row.name}") if row else None
    match = UK_POSTCODE.match(upper)
    if match:
        row = districts.get(match.group(1))
        if row is None:
            return None
        return _from_row(row, "postcode", f"{match.group(1)} {match.group(2)}: district "
                                          f"{row.key}, {row.name}")
    if UK_DISTRICT.match(upper):
        row = districts.get(upper)
        return _from_row(row, "district", f"{row.key}, {row.name}") if row else None
    return _town(cleaned)


def known_count() -> dict[str, int]:
    """How many districts, ZIP codes and town names the table holds (for the docs and tests)."""
    districts, zips, towns = _table()
    return {"district": len(districts), "zip": len(zips),
            "town": sum(len(rows) for rows in towns.values())}
