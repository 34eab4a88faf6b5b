"""The "who saw my information" page: every look by a supporter at what a patient shares, read
from the audit log (the same events the views write), so the page cannot disagree with
the record of what happened.

Only events whose object type starts "family.shared" and whose actor is a supporter
account count: staff reads of the chart are a different question (the audit report).
One query per list, whatever the number of rows (the actor comes with a join).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from carepath.accounts.models import AccountType
from carepath.audit.models import AuditEvent, Outcome
from carepath.pagination import paginate

from .queries_shared import label

PREFIX = "family.shared_"
PAGE_SIZE = 30

# What the pages that are not one category show.
OTHER_LABELS = {"record": "Your first name and the list of what you share",
                "unknown": "A page that does not exist"}


@dataclass(frozen=True)
class Look:
    who: str
    what: str
    when: datetime
    refused: bool
    reason: str = ""


REFUSAL_WORDS = {
    "no_consent_for_category": "you had not shared this with them, or the sharing had ended",
    "encouragement_turned_off": "you had turned encouragement messages off",
}


def category_of(object_type: str) -> str:
    return object_type[len(PREFIX):] if object_type.startswith(PREFIX) else object_type


def _what(object_type: str) -> str:
    category = category_of(object_type)
    return OTHER_LABELS.get(category) or label(category)


def _events(patient, outcome: str):
    return (AuditEvent.objects.filter(patient_uuid=patient.uuid, object_type__startswith=PREFIX,
                                      actor__account_type=AccountType.SUPPORTER,
                                      outcome=outcome)
            .select_related("actor").order_by("-occurred_at", "-seq")
            .only("occurred_at", "object_type", "details", "actor_username",
                  "actor__first_name", "actor__last_name", "actor__username"))


def _looks(page, refused: bool):
    page.object_list = [
        Look(who=e.actor.display_name if e.actor else e.actor_username,
             what=_what(e.object_type), when=e.occurred_at, refused=refused,
             reason=REFUSAL_WORDS.get((e.details or {}).get("reason", ""),
                                      "they did not have access") if refused else "")
        for e in page.object_list]
    return page


def views(patient, page=1):
    """Each allowed look, newest first."""
    return _looks(paginate(_events(patient, Outcome.ALLOWED), page, PAGE_SIZE), False)


def refused(patient, page=1):
    """Each refused attempt ("tried to look, was refused"), newest first."""
    return _looks(paginate(_events(patient, Outcome.DENIED), page, PAGE_SIZE), True)
