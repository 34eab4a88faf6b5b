"""What the boundaries, follow-up and run-sheet pages show, built from the plan the gate
loaded (plan_guard.plan_queryset prefetches members, statements, options and boundaries),
so the number of queries does not grow with the size of the team."""

from __future__ import annotations

from dataclasses import dataclass

# The run sheet's reminders, in CarePath's own words from seed 003's seven steps
# (CLINICAL.md §8): hold it calmly and compassionately, give time to respond, no blame,
# and if they agree, start treatment at once.
REMINDERS = [
    "Stay calm, even if the conversation becomes difficult.",
    "Keep the tone compassionate and focused on their well-being.",
    "Read your statement: what you have seen, how it has affected you, and that you care. "
    "No blame.",
    "Give them time to respond, and listen.",
    "If they agree to get help, help them start treatment at once: call the number below "
    "together.",
]


@dataclass
class LiveBoundary:
    uuid: object
    text: str
    author: object
    mine: bool


def accepted_members(plan) -> list:
    return [m for m in plan.members.all() if m.accepted_at is not None]


def _live_boundaries(plan, member=None) -> list[LiveBoundary]:
    by_id = {m.pk: m for m in plan.members.all()}
    return [LiveBoundary(b.uuid, b.text, by_id.get(b.member_id),
                         member is not None and b.member_id == member.pk)
            for b in plan.boundaries.all() if b.removed_at is None]


def boundary_listing(plan, member) -> dict:
    """Every live boundary with its author, and who has agreed to all of them now."""
    accepted = accepted_members(plan)
    agreed = [m for m in accepted if m.agreed_to_boundaries(plan)]
    # Agreed once, but the list has changed since: they must agree again.
    again = [m for m in accepted if m.boundaries_agreed_at and not m.agreed_to_boundaries(plan)]
    me = next((m for m in accepted if m.pk == member.pk), member)
    return {"boundaries": _live_boundaries(plan, member), "accepted": accepted,
            "agreed": agreed, "not_agreed": [m for m in accepted if m not in agreed],
            "must_agree_again": again, "i_agreed": me.agreed_to_boundaries(plan),
            "i_must_agree_again": me in again, "all_agreed": bool(accepted) and
            len(agreed) == len(accepted)}


@dataclass
class Speaker:
    member: object
    statement: object | None  # only a statement its author has shared


def run_sheet(plan) -> dict:
    """The run sheet: speakers in order with ONLY shared statements (a draft its author
    has not shared never appears), the chosen options, the enquiry and the boundaries."""
    accepted = accepted_members(plan)
    ordered = sorted(accepted, key=lambda m: (m.speaking_order is None,
                                              m.speaking_order or 0, m.invited_at, m.pk))
    speakers = []
    for m in ordered:
        statement = getattr(m, "statement", None)
        speakers.append(Speaker(m, statement if statement and statement.shared_at else None))
    options = list(plan.treatment_options.all())
    chosen = [o for o in options if o.chosen]
    return {"chair": next((m for m in accepted if m.is_chair), None), "speakers": speakers,
            "order_missing": any(m.speaking_order is None for m in accepted),
            "options": chosen or options, "options_chosen": bool(chosen),
            "enquiry": plan.enquiry, "boundaries": _live_boundaries(plan),
            "agreed": [m for m in accepted if m.agreed_to_boundaries(plan)],
            "accepted": accepted, "reminders": REMINDERS}
