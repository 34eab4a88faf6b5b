"""The gate in front of every intervention-plan page: the plan's accepted team, or nothing.

``plan_view`` loads the plan, asks the policy for the signed-in person's membership
(``access.policy.plan_membership``) and hands the view ``(request, plan, member)``. Anyone
else (staff included: the plan is the family's, not a clinical record) gets a 404 and a
denied event in the audit log. GETs are audited as reads of the plan.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404

from carepath.access.policy import plan_membership
from carepath.audit import log as audit
from carepath.audit.models import Action, Outcome

from .models import InterventionPlan

OBJECT_TYPE = "family.plan"


def plan_queryset():
    """Everything a step page's indicator reads, in a fixed number of queries."""
    return InterventionPlan.objects.select_related("organisation", "enquiry").prefetch_related(
        "members__statement", "treatment_options__service", "boundaries")


def plan_view(view=None, *, audit_read: bool = True):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, plan_id, *args, **kwargs):
            plan = get_object_or_404(plan_queryset(), uuid=plan_id)
            member = plan_membership(request.user, plan)
            ctx = audit.Context.from_request(request)
            if member is None:
                audit.record(ctx, Action.READ, obj=plan, object_type=OBJECT_TYPE,
                             outcome=Outcome.DENIED, details={"reason": "not_on_plan_team"})
                raise Http404("No such plan.")
            if audit_read and request.method in ("GET", "HEAD"):
                audit.record(ctx, Action.READ, obj=plan, object_type=OBJECT_TYPE,
                             details={"page": view.__name__})
            return view(request, plan, member, *args, **kwargs)

        return wrapped

    return decorator(view) if view is not None else decorator
