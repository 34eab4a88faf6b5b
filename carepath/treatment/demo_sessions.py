"""Demo data for sessions: filled in by the sessions work."""


def add_demo_sessions(org, seed):
    return None
