"""Demo data: plans."""


def add_demo_plans(org, seed: int) -> None:
    """Filled in with the feature."""
