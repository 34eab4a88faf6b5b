"""places.resolve: postcodes, districts, ZIP codes, towns and coordinates, offline."""

import pytest

from carepath.directory import places


@pytest.mark.parametrize("text", ["M1 1AE", "m1 1ae", "M11AE", "  M1   1AE "])
def test_a_full_uk_postcode_uses_its_district(text):
    place = places.resolve(text)
    assert place is not None and place.kind == "postcode"
    assert (place.latitude, place.longitude) == (53.4770, -2.2340)
    assert place.label.startswith("M1 1AE: district M1")
    assert place.country == "GB"


def test_a_long_outward_code_is_split_from_the_inward_code():
    assert places.resolve("SW1A 2AA").label.startswith("SW1A 2AA: district SW1A")
    assert places.resolve("EC1A1BB").label.startswith("EC1A 1BB: district EC1A")


@pytest.mark.parametrize("district,town", [("M4", "Manchester"), ("sw1a", "London"),
                                           ("LS1", "Leeds"), ("BS1", "Bristol"),
                                           ("CF10", "Cardiff"), ("EH1", "Edinburgh")])
def test_a_district_alone_is_found(district, town):
    place = places.resolve(district)
    assert place.kind == "district" and town in place.label


@pytest.mark.parametrize("text", ["10001", "10001-1234", "100011234"])
def test_a_zip_or_zip_plus_four_is_found(text):
    place = places.resolve(text)
    assert place.kind == "zip" and place.country == "US"
    assert (place.latitude, place.longitude) == (40.7506, -73.9972)


def test_a_zip_keeps_its_leading_zero():
    assert "Boston" in places.resolve("02108").label


@pytest.mark.parametrize("text,lat", [("Manchester", 53.4808), ("MANCHESTER", 53.4808),
                                      ("leeds", 53.8008), ("Newcastle", 54.9783),
                                      ("New York City", 40.7128), ("Washington, D.C.", 38.9072)])
def test_a_town_is_found_whatever_its_case(text, lat):
    place = places.resolve(text)
    assert place.kind == "town" and place.latitude == lat


def test_a_country_or_state_after_a_town_chooses_between_namesakes():
    assert places.resolve("Cambridge").country == "GB"
    assert places.resolve("Cambridge, UK").country == "GB"
    assert places.resolve("Cambridge, MA").country == "US"
    assert places.resolve("Cambridge Massachusetts").country == "US"
    assert places.resolve("Manchester, NH") is None  # not in the table: not England's


@pytest.mark.parametrize("text,expected", [("53.48,-2.24", (53.48, -2.24)),
                                           ("53.48, -2.24", (53.48, -2.24)),
                                           ("40.75 -73.99", (40.75, -73.99)),
                                           ("-33.9,151.2", (-33.9, 151.2))])
def test_coordinates_are_accepted(text, expected):
    place = places.resolve(text)
    assert place.kind == "coordinates" and (place.latitude, place.longitude) == expected
    assert not place.is_centroid


@pytest.mark.parametrize("text", ["", "   ", None, "XX9 9XX", "M60 1AB", "99999", "Atlantis",
                                  "95,10", "10,200", "M1 1AE; DROP TABLE"])
def test_unknown_text_is_none(text):
    assert places.resolve(text) is None


def test_the_table_covers_the_demo_areas():
    counts = places.known_count()
    assert counts["district"] >= 80 and counts["zip"] >= 50 and counts["town"] >= 30
    for text in ["M1", "SW1A", "E1", "LS1", "B1", "BS1", "EH1", "G1", "CF10", "NE1", "L1",
                 "NG1", "S1", "BN1", "OX1", "CB1", "10001", "02108", "19103", "60601",
                 "90012", "94102", "98101", "78701", "33131", "80202", "20001"]:
        assert places.resolve(text) is not None, text


def test_the_table_says_it_is_hand_entered_and_approximate():
    header = places.TABLE.read_text(encoding="utf-8").splitlines()[0]
    assert "HAND-ENTERED APPROXIMATE CENTROIDS" in header
    assert "NOT ONS OR US CENSUS DATA" in header


def test_every_row_of_the_table_lies_in_its_country():
    districts, zips, towns = places._table()
    rows = [*districts.values(), *zips.values(), *(r for rs in towns.values() for r in rs)]
    for row in rows:
        if row.country == "GB":
            assert 49.8 < row.latitude < 60.9 and -8.7 < row.longitude < 1.8, row
        else:
            assert 24.5 < row.latitude < 49.5 and -125 < row.longitude < -66.9, row
