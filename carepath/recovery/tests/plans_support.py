"""Helpers for the plan, risk-window and Recovery-tab tests (functions, not fixtures)."""

from __future__ import annotations

from carepath.accounts.models import AccountType
from carepath.conftest import ctx_for
from carepath.recovery import actions_plans

PLAN = {
    "reasons": ["Back to work", "My sister"],
    "triggers": ["Payday", "Friday nights"],
    "high_risk_situations": ["Club nights"],
    "warning_signs": ["Skipping meals"],
    "coping_strategies": [{"kind": "dbt", "text": "TIPP: cold water on my face"},
                          {"kind": "cbt", "text": "Urge surfing"},
                          {"kind": "other", "text": "Walk the dog"}],
    "people": [{"name": "Sam", "relationship": "sister", "phone": "+44 (0)7700 900-123"}],
    "safe_places": ["The gym"],
}


def own_account(patient, make_user):
    """A patient portal account linked to ``patient``'s record."""
    user = make_user("", account_type=AccountType.PATIENT)
    patient.user = user
    patient.save(update_fields=["user"])
    return user


def with_changes(**changes) -> dict:
    return {**PLAN, **changes}


def save(user, patient, content=None, **kwargs):
    return actions_plans.save_plan(ctx_for(user), patient, content=content or PLAN, **kwargs)


def plan_post(content: dict, **extra) -> dict:
    """Form data for the plan editor holding ``content``."""
    data = {key: "\n".join(content.get(key, [])) for key in actions_plans.LISTS}
    for kind in actions_plans.COPING_KINDS:
        data[f"coping_{kind}"] = "\n".join(s["text"] for s in content.get(
            "coping_strategies", []) if s["kind"] == kind)
    for n, person in enumerate(content.get("people", []), 1):
        for part in ("name", "relationship", "phone"):
            data[f"person_{n}_{part}"] = person[part]
    return {**data, **{k: str(v) for k, v in extra.items()}}
