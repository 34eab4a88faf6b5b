"""The crisis page behind the crisis button on every portal page: crisis lines, the care
team's contact, the plan's people, and the person's choice to tell their care team."""

from __future__ import annotations

import re
import time
import uuid

from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from carepath.alerts import crisis
from carepath.audit import log as audit
from carepath.patients.models import CareTeamMember, CareTeamRole

from . import actions_crisis, queries_plans
from .models import CareTeamContact
from .portal_guard import local_zone, portal_view

# The service worker fetches the page ahead of need (to have it offline) with this
# header: that is not the person pressing the button, so it is not counted as a press.
PREFETCH_HEADER = "HTTP_X_CAREPATH_PREFETCH"
# A submission key older than this is not a retry but an old page sent again (from the
# browser's history): it gets a fresh key, so a new request for help is never swallowed.
KEY_FRESH_SECONDS = 600


def tel_href(number: str) -> str:
    """tel: link for a number as people write it ("07700 900 123", "+44 (0)20 ...")."""
    number = (number or "").strip()
    plus = number.startswith("+")
    digits = re.sub(r"\D", "", number.replace("(0)", "")) if plus else re.sub(r"\D", "", number)
    return f"tel:{'+' if plus else ''}{digits}" if digits else ""


def new_submission_key() -> str:
    return f"{int(time.time())}.{uuid.uuid4().hex}"


def fresh_key(key: str) -> str | None:
    """The key if it is a recent one this page made; None (no de-duplication) otherwise."""
    made, _, rest = (key or "").partition(".")
    if not made.isdigit() or not rest:
        return None
    return key if 0 <= time.time() - int(made) <= KEY_FRESH_SECONDS else None


def _plan_people(patient) -> list[dict]:
    plan = queries_plans.current_plan(patient)
    people = []
    for person in (plan.people if plan else []) or []:
        if not isinstance(person, dict) or not person.get("name"):
            continue
        people.append({"name": person.get("name", ""),
                       "relationship": person.get("relationship", ""),
                       "phone": person.get("phone", ""),
                       "href": tel_href(person.get("phone", ""))})
    return people


def _key_worker(patient):
    member = (CareTeamMember.objects.filter(patient=patient, role=CareTeamRole.KEY_WORKER)
              .select_related("user").order_by("added_at").first())
    return member.user if member else None


@portal_view("recovery.crisis_page")
def crisis_page(request, patient):
    prefetch = request.META.get(PREFETCH_HEADER) == "1"
    if not prefetch:
        actions_crisis.record_press(audit.Context.from_request(request), patient)
    contact = CareTeamContact.objects.filter(organisation_id=patient.organisation_id).first()
    alert = actions_crisis.open_team_alert(patient)
    return render(request, "recovery/portal/crisis.html", {
        "patient": patient, "zone": local_zone(patient),
        "crisis_lines": crisis.lines_for(patient.organisation),
        "contact": contact,
        "contact_href": tel_href(contact.phone) if contact else "",
        "key_worker": _key_worker(patient),
        "people": _plan_people(patient),
        "told_at": alert.raised_at if alert else None,
        "submission_key": new_submission_key(),
    })


@require_POST
@portal_view("recovery.crisispress")
def tell_team(request, patient):
    actions_crisis.tell_team(audit.Context.from_request(request), patient,
                             submission_key=fresh_key(request.POST.get("submission_key")))
    return redirect("recovery:crisis")
