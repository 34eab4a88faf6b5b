"""Field checks for the record: the NHS number's modulus-11 check digit, birth dates."""

from django.core.exceptions import ValidationError
from django.utils import timezone

NHS_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)


def normalise_nhs_number(value: str) -> str:
    return "".join(ch for ch in value if not ch.isspace() and ch != "-")


def nhs_check_digit(first_nine: str) -> int | None:
    """The check digit for nine digits, or None where no valid number exists (remainder 10)."""
    total = sum(int(d) * w for d, w in zip(first_nine, NHS_WEIGHTS, strict=True))
    check = 11 - (total % 11)
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def validate_nhs_number(value: str) -> None:
    digits = normalise_nhs_number(value)
    if len(digits) != 10 or not digits.isdigit():
        raise ValidationError("An NHS number has exactly 10 digits.", code="nhs_length")
    if nhs_check_digit(digits[:9]) != int(digits[9]):
        raise ValidationError(
            "This is not a valid NHS number: its check digit does not match. "
            "Check it against the patient's NHS letter or card.",
            code="nhs_checksum",
        )


def validate_not_in_future(value) -> None:
    if value and value > timezone.localdate():
        raise ValidationError("Date of birth cannot be in the future.", code="future_date")
