"""What every planner step view passes to family/plans/step_base.html."""

from . import steps as plan_steps


def step_context(plan, member, slug: str, **extra) -> dict:
    states = plan_steps.states(plan, current=slug)
    step = next(s for s in states if s.slug == slug)
    return {"plan": plan, "member": member, "steps": states, "step": step, **extra}
