"""NHS numbers: the modulus-11 check digit (NHS Data Dictionary)."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from carepath.patients.identifiers import nhs_check_digit, validate_nhs_number


@pytest.mark.parametrize("number", ["9434765919", "943 476 5919", "943-476-5919"])
def test_published_example_number_is_valid(number):
    # 943 476 5919 is the worked example in the NHS Data Dictionary.
    validate_nhs_number(number)


@pytest.mark.parametrize("number,code", [
    ("9434765918", "nhs_checksum"),  # one digit off
    ("943476591", "nhs_length"),
    ("94347659190", "nhs_length"),
    ("94347659AB", "nhs_length"),
])
def test_invalid_numbers_are_refused_with_a_reason(number, code):
    with pytest.raises(ValidationError) as error:
        validate_nhs_number(number)
    assert error.value.code == code


def test_remainder_ten_means_no_valid_number():
    # weights 10..2 over 000000010 → 2*1 = 2... find a nine-digit stem whose check is 10.
    stem = next(f"{i:09d}" for i in range(1000) if nhs_check_digit(f"{i:09d}") is None)
    for last in "0123456789":
        with pytest.raises(ValidationError):
            validate_nhs_number(stem + last)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_exactly_one_check_digit_is_accepted_per_stem(stem):
    accepted = []
    for last in "0123456789":
        try:
            validate_nhs_number(stem + last)
            accepted.append(last)
        except ValidationError:
            pass
    assert len(accepted) == (0 if nhs_check_digit(stem) is None else 1)
