"""Demo data for supervised withdrawal: filled in by the withdrawal work."""


def add_demo_withdrawal(org, seed):
    return None
