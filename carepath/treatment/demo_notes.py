"""Demo data for notes: filled in by the notes work."""


def add_demo_notes(org, seed):
    return None
