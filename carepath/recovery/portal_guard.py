"""The gate in front of every /my/ page: the signed-in person's own record, or nothing.

``portal_view`` finds the record linked to the signed-in patient account, asks the policy
(``own_record_access``), audits a GET as a read of ``object_type``, and hands the view the
patient. Staff and supporters get a 404: /my/ pages are the person's own, and a staff
member opens a record through the chart instead.
"""

from __future__ import annotations

from datetime import date
from functools import wraps
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils import timezone

from carepath.access.policy import own_record_access
from carepath.accounts.models import AccountType
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.patients.models import Patient

PORTAL_ATTRIBUTE = "carepath_portal_guard"


def own_record(user) -> Patient | None:
    if not user.is_authenticated or user.account_type != AccountType.PATIENT:
        return None
    return (Patient.objects.select_related("organisation").filter(user=user).first())


def portal_view(object_type: str, *, audit_read: bool = True):
    """Decorate a view taking ``(request, patient, ...)``; GETs are audited as reads."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            patient = own_record(request.user)
            if patient is None or not own_record_access(request.user, patient):
                raise Http404("This page is for a patient signed in to their own record.")
            if audit_read and request.method in ("GET", "HEAD"):
                audit.record(audit.Context.from_request(request), Action.READ,
                             patient=patient, object_type=object_type,
                             details={"basis": "own_record", "page": view.__name__})
            return view(request, patient, *args, **kwargs)

        setattr(wrapped, PORTAL_ATTRIBUTE, True)
        return wrapped

    return decorator


def local_zone(patient) -> ZoneInfo:
    """The organisation's time zone: times are shown, and days counted, in it."""
    return ZoneInfo(getattr(patient.organisation, "time_zone", "") or settings.TIME_ZONE)


def local_today(patient) -> date:
    """Today in the organisation's time zone (check-ins are about local days)."""
    return timezone.localdate(timezone=local_zone(patient))
