"""Every change to the relapse-prevention plan: permission, validation, one transaction,
audit. The only writer of plans.

The plan is co-written: the person (their own record) and their care team may both save.
Each save is a new version numbered last + 1; earlier versions are never changed. An
editor says which version they started from (``based_on_version``): when someone saved a
newer one meanwhile, the save is refused so nobody's words are silently overwritten.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from carepath.access import guards
from carepath.access.policy import own_record_access, patient_access, patient_change_access
from carepath.accounts.idempotency import digest_of, run_once
from carepath.accounts.models import AccountType
from carepath.audit import log as audit
from carepath.audit.models import Action

from .models import RelapsePreventionPlan

OBJECT_TYPE = "recovery.relapsepreventionplan"
WEB_ENDPOINT = "recovery.plan.save"

# Limits are design choices: a plan someone can read on a phone in a hard moment.
ITEM_MAX_CHARS = 200
LIST_MAX_ITEMS = 20
COPING_MAX_ITEMS = 30
PEOPLE_MAX = 10
NAME_MAX = 80
RELATIONSHIP_MAX = 60
PHONE_MAX_CHARS = 30
PHONE_DIGITS = (3, 20)
CHANGE_NOTE_MAX = 200
SAVE_ATTEMPTS = 3

# The plain lists, in the order the plan shows them.
LISTS = {
    "reasons": "Reasons for recovery",
    "triggers": "Triggers",
    "high_risk_situations": "High-risk situations",
    "warning_signs": "Early warning signs",
    "safe_places": "Safe places and activities",
}
COPING_KINDS = {"cbt": "CBT skills", "dbt": "DBT distress-tolerance skills",
                "other": "Other things that help"}
SECTIONS = [*LISTS, "coping_strategies", "people"]
SECTION_LABELS = {**LISTS, "coping_strategies": "Coping strategies",
                  "people": "People to contact"}
PHONE_CHARACTERS = re.compile(r"^[0-9 +\-()]+$")

PLAN_REFUSED = "You do not have access to change this person's relapse-prevention plan."


class PlanConflict(ValidationError):
    """A newer version was saved after the editor opened the plan."""

    def __init__(self, latest: RelapsePreventionPlan, based_on: int):
        self.latest = latest
        self.based_on = based_on
        who = latest.written_by.display_name if latest.written_by_id else "someone"
        super().__init__({"based_on_version": [
            f"This plan changed while you were editing: version {latest.version} was saved "
            f"by {who} after you opened version {based_on or 'none'}. Nothing was saved and "
            "what you typed is kept below. Read the newer version, then save again if your "
            "words should replace it (every version stays in the history)."]})


# --- Who may save -----------------------------------------------------------------------

def save_decision(user, patient):
    """The person on their own record, or staff who may change the record."""
    own = own_record_access(user, patient)
    if own:
        return own
    return patient_change_access(user, patient)


def require_save(ctx: audit.Context, patient):
    """The gate, audited when refused. Call it outside any transaction the refusal's
    audit record could be rolled back with."""
    return guards.require_change(ctx, patient, OBJECT_TYPE,
                                 decision=save_decision(ctx.user, patient), message=PLAN_REFUSED)


# --- Validation -------------------------------------------------------------------------

def _short_text(value, where: str, errors: list, maximum: int = ITEM_MAX_CHARS) -> str:
    text = " ".join(str(value or "").split())
    if len(text) > maximum:
        errors.append(f"{where} has {len(text)} characters: keep it to {maximum}.")
    return text


def _string_list(key: str, raw, errors: dict) -> list[str]:
    label = LISTS[key]
    if raw is None:
        return []
    if not isinstance(raw, list):
        errors[key] = [f"{label}: give a list of short phrases."]
        return []
    problems: list[str] = []
    items = []
    for number, value in enumerate(raw, 1):
        if not isinstance(value, str):
            problems.append(f"{label}: item {number} is not text.")
            continue
        text = _short_text(value, f"{label}: item {number}", problems)
        if text:
            items.append(text)
    if len(items) > LIST_MAX_ITEMS:
        problems.append(f"{label}: {len(items)} items is too many; keep it to "
                        f"{LIST_MAX_ITEMS}, one a line.")
    if problems:
        errors[key] = problems
    return items


def _coping(raw, errors: dict) -> list[dict]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        errors["coping_strategies"] = ["Coping strategies: give a list."]
        return []
    items, counts = [], {}
    for number, value in enumerate(raw, 1):
        value = value if isinstance(value, dict) else {}
        kind = value.get("kind")
        if kind not in COPING_KINDS:
            errors.setdefault("coping_strategies", []).append(
                f"Coping strategies: item {number} needs a kind (cbt, dbt or other).")
            continue
        label = COPING_KINDS[kind]
        counts[kind] = counts.get(kind, 0) + 1
        problems: list[str] = []
        text = _short_text(value.get("text"), f"{label}: item {counts[kind]}", problems)
        if problems:
            errors.setdefault(f"coping_strategies.{kind}", []).extend(problems)
        if text:
            items.append({"kind": kind, "text": text})
    if len(items) > COPING_MAX_ITEMS:
        errors.setdefault("coping_strategies", []).append(
            f"Coping strategies: {len(items)} is too many; keep it to {COPING_MAX_ITEMS} "
            "in all.")
    return items


def phone_problem(phone: str) -> str | None:
    """Why a phone number cannot be dialled from a tap, or None when it can."""
    if not phone:
        return "enter a phone number"
    if len(phone) > PHONE_MAX_CHARS:
        return f"the phone number is too long (at most {PHONE_MAX_CHARS} characters)"
    if not PHONE_CHARACTERS.match(phone):
        return "the phone number may contain only digits, spaces, +, - and brackets"
    digits = sum(c.isdigit() for c in phone)
    low, high = PHONE_DIGITS
    if not low <= digits <= high:
        return f"the phone number needs {low} to {high} digits (it has {digits})"
    return None


def _people(raw, errors: dict) -> list[dict]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        errors["people"] = ["People to contact: give a list."]
        return []
    people = []
    for index, value in enumerate(raw):
        value = value if isinstance(value, dict) else {}
        where = f"People to contact, row {index + 1}"
        problems: list[str] = []
        name = _short_text(value.get("name"), f"{where}: the name", problems, NAME_MAX)
        relationship = _short_text(value.get("relationship"), f"{where}: the relationship",
                                   problems, RELATIONSHIP_MAX)
        phone = " ".join(str(value.get("phone") or "").split())
        if not (name or relationship or phone):
            continue  # an empty row
        if problems:
            errors.setdefault(f"people.{index}.name", []).extend(problems)
        if not name:
            errors.setdefault(f"people.{index}.name", []).append(f"{where}: enter a name.")
        problem = phone_problem(phone)
        if problem:
            who = f" ({name})" if name else ""
            errors.setdefault(f"people.{index}.phone", []).append(f"{where}{who}: {problem}.")
        people.append({"name": name, "relationship": relationship, "phone": phone})
    if len(people) > PEOPLE_MAX:
        errors.setdefault("people", []).append(
            f"People to contact: {len(people)} is too many; keep it to {PEOPLE_MAX}.")
    return people


def clean_content(content) -> dict:
    """The plan's sections, tidied (spaces collapsed, empty items dropped), or a
    ValidationError naming each field and item that is wrong."""
    if not isinstance(content, dict):
        raise ValidationError({"content": ["The plan must be a set of named sections."]})
    unknown = sorted(set(content) - set(SECTIONS))
    errors: dict[str, list[str]] = {}
    if unknown:
        errors["content"] = [f"Unknown plan section: {', '.join(unknown)}. The sections are "
                             f"{', '.join(SECTIONS)}."]
    cleaned: dict = {key: _string_list(key, content.get(key), errors) for key in LISTS}
    cleaned["coping_strategies"] = _coping(content.get("coping_strategies"), errors)
    cleaned["people"] = _people(content.get("people"), errors)
    if not errors and not any(cleaned.values()):
        errors["content"] = ["The plan is empty: add at least one thing to any section "
                             "(a reason for recovery is a good start)."]
    if errors:
        raise ValidationError(errors)
    return cleaned


def content_of(plan: RelapsePreventionPlan | None) -> dict:
    return {key: list(getattr(plan, key)) if plan else [] for key in SECTIONS}


def _check_written_with(patient, written_with) -> None:
    if written_with is None:
        return
    if (written_with.account_type != AccountType.STAFF
            or written_with.organisation_id != patient.organisation_id
            or not patient_access(written_with, patient)):
        raise ValidationError({"written_with": [
            "Written with: name a member of this person's care team."]})


# --- Saving -----------------------------------------------------------------------------

def _latest(patient) -> RelapsePreventionPlan | None:
    return (RelapsePreventionPlan.objects.select_related("written_by")
            .filter(patient=patient).order_by("-version").first())


def _create_version(ctx, patient, content, change_note, written_with, based_on_version):
    latest = _latest(patient)
    top = latest.version if latest else 0
    if based_on_version is not None and top > based_on_version:
        raise PlanConflict(latest, based_on_version)
    if (latest is not None and content_of(latest) == content
            and latest.written_with_id == getattr(written_with, "pk", None)):
        raise ValidationError({"content": [
            f"Nothing has changed since version {latest.version}: there is nothing to save."]})
    plan = RelapsePreventionPlan.objects.create(
        organisation_id=patient.organisation_id, patient=patient, version=top + 1,
        written_by=ctx.user, written_with=written_with, change_note=change_note, **content)
    before = content_of(latest)
    audit.record(ctx, Action.CREATE, patient=patient, obj=plan, details={
        "version": plan.version, "based_on_version": based_on_version,
        "sections_changed": [k for k in SECTIONS if before[k] != content[k]],
        "written_with": str(written_with.uuid) if written_with else None})
    return plan


def save_plan(ctx: audit.Context, patient, *, content: dict, change_note: str = "",
              written_with=None, based_on_version: int | None = None
              ) -> RelapsePreventionPlan:
    """Save ``content`` as the next version of the person's plan.

    ``based_on_version``: the version the editor started from (0 for a first plan); when
    a newer one exists the save is refused with ``PlanConflict``. None skips the check.
    Two saves racing for the same number: the unique constraint refuses one, which is
    tried again with the next number (and the conflict check)."""
    require_save(ctx, patient)
    content = clean_content(content)
    note_errors: list[str] = []
    change_note = _short_text(change_note, "What changed", note_errors, CHANGE_NOTE_MAX)
    if note_errors:
        raise ValidationError({"change_note": note_errors})
    _check_written_with(patient, written_with)
    for attempt in range(SAVE_ATTEMPTS):
        try:
            with transaction.atomic():
                return _create_version(ctx, patient, content, change_note, written_with,
                                       based_on_version)
        except IntegrityError:
            if attempt == SAVE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def save_plan_once(ctx: audit.Context, patient, *, key: str | None,
                   endpoint: str = WEB_ENDPOINT, **fields
                   ) -> tuple[RelapsePreventionPlan, bool]:
    """``save_plan`` once per submission key: a retried or double-tapped form returns the
    version the first one saved and ``False``. Raises ``KeyReused`` when the key comes
    back with different content."""
    require_save(ctx, patient)  # outside run_once's transaction: a refusal stays audited
    digest = digest_of({k: v for k, v in fields.items() if k != "written_with"}
                       | {"written_with": getattr(fields.get("written_with"), "pk", None),
                          "patient": str(patient.uuid)})
    made, earlier = run_once(ctx.user, endpoint, key, digest,
                             lambda: save_plan(ctx, patient, **fields))
    if made is not None:
        return made, True
    return RelapsePreventionPlan.objects.get(uuid=earlier, patient=patient), False
