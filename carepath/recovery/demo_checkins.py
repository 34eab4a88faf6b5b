"""Demo data: checkins."""


def add_demo_checkins(org, seed: int) -> None:
    """Filled in with the feature."""
