"""Demo data: filled in with the feature."""


def add_demo_referrals(org, seed):
    return None
