"""The seven steps of a staged intervention (CLINICAL.md §8, seed 003), each with its page
and the rule that says it is done. Done states are worked out from the plan's rows every
time, so they cannot go stale."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

# (slug, title, one-line purpose). The slug is also the URL name suffix: family:step_<slug>.
STEPS = [
    ("plan", "Plan", "Who is on the team, who chairs it, where and when."),
    ("consult", "Consult a professional", "An advisor or interventionist to guide you."),
    ("statements", "Prepare statements", "What each of you will say: specific, caring, no blame."),
    ("options", "Offer treatment options", "Clear options, and an assessment held ready."),
    ("boundaries", "Set boundaries", "What each of you will do if help is refused; all agree."),
    ("hold", "Hold the intervention", "Date, place, speaking order, rehearsal and a checklist."),
    ("follow_up", "Follow up", "What happened, and what happens next."),
]
SLUGS = [slug for slug, _, _ in STEPS]

# What the hold step's checklist asks (key, label). Ticked on the hold page.
HOLD_CHECKLIST = [
    ("rehearsed", "We have rehearsed together"),
    ("statements_ready", "Everyone has their statement with them"),
    ("treatment_ready", "The treatment option and assessment are ready to start at once"),
    ("transport", "We know how we would get them to the assessment"),
    ("calm_setting", "The place is private and calm, with no rush"),
    ("not_intoxicated", "We will pause if they are intoxicated, and try another day"),
]


@dataclass(frozen=True)
class StepState:
    number: int
    slug: str
    title: str
    purpose: str
    done: bool
    url: str
    current: bool = False


def _members(plan):
    # Uses the prefetch when the caller made one.
    return list(plan.members.all())


def _accepted(plan):
    return [m for m in _members(plan) if m.accepted_at is not None]


def is_done(plan, slug: str) -> bool:
    accepted = _accepted(plan)
    if slug == "plan":
        # A team (at least two people who have joined), a chair, a setting and a date.
        return (len(accepted) >= 2 and any(m.is_chair for m in accepted)
                and bool(plan.setting) and plan.intervention_date is not None)
    if slug == "consult":
        return plan.consult_service_id is not None or plan.consult_enquiry_id is not None
    if slug == "statements":
        statements = [getattr(m, "statement", None) for m in accepted]
        return bool(accepted) and all(s is not None and s.shared_at for s in statements)
    if slug == "options":
        return plan.enquiry_id is not None and any(
            o.chosen for o in plan.treatment_options.all())
    if slug == "boundaries":
        live = [b for b in plan.boundaries.all() if b.removed_at is None]
        return bool(live) and bool(accepted) and all(
            m.agreed_to_boundaries(plan) for m in accepted)
    if slug == "hold":
        keys = [key for key, _ in HOLD_CHECKLIST]
        return (plan.intervention_date is not None and bool(plan.place)
                and all(m.speaking_order for m in accepted)
                and all((plan.checklist or {}).get(key) for key in keys))
    if slug == "follow_up":
        return bool(plan.outcome)
    raise ValueError(f"No step {slug!r}")


def states(plan, current: str | None = None) -> list[StepState]:
    return [StepState(number, slug, title, purpose, is_done(plan, slug),
                      reverse(f"family:step_{slug}", kwargs={"plan_id": plan.uuid}),
                      slug == current)
            for number, (slug, title, purpose) in enumerate(STEPS, start=1)]


def next_step(plan) -> str:
    """The first step not yet done (the overview sends the team there)."""
    for slug in SLUGS:
        if not is_done(plan, slug):
            return slug
    return SLUGS[-1]
