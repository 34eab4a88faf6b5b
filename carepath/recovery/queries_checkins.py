"""Reads of check-ins (owner: check-ins). Callers have already checked access."""


def today_checkins(patient, today):
    """The person's check-ins dated ``today``, newest first."""
    from .models import CheckIn

    return list(CheckIn.objects.filter(patient=patient, checkin_date=today))
