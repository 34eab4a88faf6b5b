"""Test helpers for planner steps 4 to 7 (options, boundaries, hold, follow up).

Plans and members come from plans_support.make_plan; this adds directory services, the
step URLs and the audit look-ups the late-step tests share."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from carepath.audit.models import AuditEvent, Outcome
from carepath.directory.models import Service
from carepath.family.models import Boundary, TreatmentOption

from .plans_support import (  # noqa: F401  (re-exported for the late-step tests)
    add_member,
    complete_step_one,
    make_plan,
    make_supporter,
    supporter_client,
    write_statement,
)

PLAN_OBJECT = "family.plan"


def make_service(**fields) -> Service:
    data = {"name": "Harbour Recovery", "provider": "Harbour Trust",
            "address_line1": "1 Quay Street", "town": "Bristol", "postcode": "BS1 4AA",
            "latitude": 51.45, "longitude": -2.59, "phone": "0117 000 0000",
            "offers_outpatient": True, "places_available": 3, "waiting_days": 5,
            "capacity_confirmed_at": timezone.now() - timedelta(days=2), **fields}
    return Service.objects.create(**data)


def step_url(plan, slug: str) -> str:
    return reverse(f"family:step_{slug}", kwargs={"plan_id": plan.uuid})


def run_sheet_url(plan) -> str:
    return reverse("family:run_sheet", kwargs={"plan_id": plan.uuid})


def add_option(plan, service, *, chosen=False, note="") -> TreatmentOption:
    return TreatmentOption.objects.create(plan=plan, service=service, chosen=chosen,
                                          support_note=note, added_by=plan.created_by)


def add_boundary(plan, member, text="I will stop lending you money.") -> Boundary:
    return Boundary.objects.create(plan=plan, member=member, text=text)


def future(days=14):
    return timezone.localdate() + timedelta(days=days)


def past(days=1):
    return timezone.localdate() - timedelta(days=days)


def plan_events(plan, **filters):
    return AuditEvent.objects.filter(object_type=PLAN_OBJECT, object_id=str(plan.uuid),
                                     **filters)


def denied_events(plan, **filters):
    return plan_events(plan, outcome=Outcome.DENIED, **filters)


def assert_no_free_text(event, *texts):
    """The audit details carry ids and flags, never what somebody typed."""
    flat = repr(event.details)
    for text in texts:
        assert text not in flat
