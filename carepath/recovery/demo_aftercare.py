"""Demo data: aftercare."""


def add_demo_aftercare(org, seed: int) -> None:
    """Filled in with the feature."""
