"""Demo data: filled in with the feature."""


def add_demo_assessments(org, seed):
    return None
