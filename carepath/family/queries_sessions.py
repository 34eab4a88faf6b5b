"""Stub: replaced by its owner (family sessions)."""


def upcoming_invites(user) -> list:
    """The supporter's invitations to family sessions that have not happened yet and whose
    consent is still in force: a list of FamilySessionInvite with session loaded."""
    return []
