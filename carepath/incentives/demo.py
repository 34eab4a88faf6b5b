"""Stub: replaced by its owner (reports and demo)."""


def add_demo_incentives(org, seed: int) -> None:
    return None
