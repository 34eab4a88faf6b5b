"""The person's recovery profile, made on first need."""

from .models import RecoveryProfile


def profile_for(patient) -> RecoveryProfile:
    """The patient's profile, created with the defaults if they have none yet."""
    profile, _ = RecoveryProfile.objects.get_or_create(
        patient=patient, defaults={"organisation_id": patient.organisation_id})
    return profile
