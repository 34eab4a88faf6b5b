"""Demo data for discharge: filled in by the discharge work."""


def add_demo_discharge(org, seed):
    return None
