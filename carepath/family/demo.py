"""Demo data for families: stub, replaced by its owner."""


def add_demo_family(org, seed: int) -> None:
    return None
