"""Date and date-time inputs render values the browser's pickers accept (ISO), whatever the
locale: an en-gb "14/03/2026" is shown as empty and lost on the next save."""

from datetime import date, datetime

import pytest

from carepath.intake.forms_assessment import AssessmentForm, BookingForm


@pytest.mark.django_db
def test_a_saved_last_use_date_is_rendered_as_an_iso_date(settings):
    settings.LANGUAGE_CODE = "en-gb"
    field = AssessmentForm(initial={"last_use": date(2026, 3, 14)})["last_use"]
    assert 'value="2026-03-14"' in str(field)


@pytest.mark.django_db
def test_a_booking_time_is_rendered_for_a_datetime_local_input(settings):
    settings.LANGUAGE_CODE = "en-gb"
    field = BookingForm(initial={"booked_for": datetime(2026, 3, 14, 10, 30)})["booked_for"]
    assert 'value="2026-03-14T10:30"' in str(field)
