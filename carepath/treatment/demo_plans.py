"""Demo data for plans: filled in by the plans work."""


def add_demo_plans(org, seed):
    return None
