"""Reads of the relapse-prevention plan. Callers have checked access."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from .models import RelapsePreventionPlan


def current_plan(patient):
    """The latest version of the person's plan, or None."""
    return RelapsePreventionPlan.objects.filter(patient=patient).order_by("-version").first()


def coping_reminder(plan, today: date | None = None) -> str | None:
    """One coping strategy from the plan to show or send before a risk window: a
    different one each day (rotating by date), so a reminder does not go stale."""
    strategies = [s.get("text") for s in (plan.coping_strategies if plan else [])
                  if isinstance(s, dict) and s.get("text")]
    if not strategies:
        return None
    today = today or timezone.localdate()
    return strategies[today.toordinal() % len(strategies)]


def plan_with_authors(patient, version: int | None = None):
    """The latest version (or version ``version``) with who wrote it, in one query."""
    plans = (RelapsePreventionPlan.objects.select_related("written_by", "written_with")
             .filter(patient=patient))
    if version is not None:
        return plans.filter(version=version).first()
    return plans.order_by("-version").first()


def versions(patient, limit: int = 200) -> list:
    """Every version with who wrote it, newest first (one query)."""
    return list(RelapsePreventionPlan.objects.select_related("written_by", "written_with")
                .filter(patient=patient).order_by("-version")[:limit])


def tel_href(phone: str) -> str:
    """A ``tel:`` link target: only the digits and a leading +."""
    digits = "".join(c for c in phone if c.isdigit())
    return "tel:" + ("+" if phone.strip().startswith("+") else "") + digits


def people_with_links(plan) -> list[dict]:
    return [{**person, "tel": tel_href(person.get("phone", ""))}
            for person in (plan.people if plan else [])]


def coping_groups(plan) -> list[tuple[str, str, list[str]]]:
    """(kind, heading, texts) for each kind of strategy the plan has, in a fixed order."""
    from .actions_plans import COPING_KINDS

    groups = []
    for kind, heading in COPING_KINDS.items():
        texts = [s["text"] for s in (plan.coping_strategies if plan else [])
                 if s.get("kind") == kind]
        if texts:
            groups.append((kind, heading, texts))
    return groups
