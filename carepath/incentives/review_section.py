"""The drug screens shown on a treatment plan review: the last 90 days as a compact table
(date, outcome, ketamine and norketamine) and how many were negative."""


from carepath.recovery.portal_guard import local_zone

from .queries_screens import review_summary


def screens_review_section(patient):
    """(template name, context) for treatment's plan review page, or None when the person
    has no screens in the period."""
    summary = review_summary(patient)
    if not summary["total"]:
        return None
    summary["zone"] = local_zone(patient)
    return "incentives/screens/_review_section.html", summary
