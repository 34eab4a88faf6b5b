"""Stub: replaced by its owner (screens). The drug screens shown on a plan review."""


def screens_review_section(patient):
    """(template name, context) for treatment's plan review page, or None."""
    return None
