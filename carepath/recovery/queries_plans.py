"""Reads of the relapse-prevention plan (owner: plans). Callers have checked access."""


def current_plan(patient):
    """The latest version of the person's plan, or None."""
    from .models import RelapsePreventionPlan

    return RelapsePreventionPlan.objects.filter(patient=patient).order_by("-version").first()


def coping_reminder(plan) -> str | None:
    """One coping strategy from the plan to show or send before a risk window."""
    return None
