"""Reads of support meetings and follow-ups (owner: aftercare)."""


def follow_ups_due(patient, today) -> list:
    """The person's scheduled follow-ups that are due today or earlier and still open."""
    return []
