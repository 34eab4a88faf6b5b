"""Reactions to other apps' events (a signed discharge schedules follow-ups)."""


def connect() -> None:
    """Called once from RecoveryConfig.ready()."""
