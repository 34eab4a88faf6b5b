"""Reads of referrals and waitlists, already narrowed by the access policy.

A patient's referral is listed only to users who may list that patient
(``access.policy.visible_patients``); a referral made for an enquiry only to users
who may see that enquiry (``access.policy.visible_enquiries``: a clinician only those of
the enquiries they work). Both only within the user's organisation.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from carepath.access.policy import (
    may_work_intake,
    sees_every_enquiry,
    visible_enquiries,
    visible_patients,
)
from carepath.patients.models import Patient

from .actions_referrals import OPEN_STATUSES
from .models import Affiliation, Referral, ReferralStatus, ReferralStatusChange, WaitlistEntry


def _enquiries():
    # The enquiry model through the relation: directory sits below intake and imports none of it.
    return Referral._meta.get_field("enquiry").related_model.objects.all()


def visible_referrals(user):
    """Every referral of the user's organisation this user may see (no ordering applied)."""
    if not user.is_authenticated or user.organisation_id is None:
        return Referral.objects.none()
    patients = visible_patients(user, Patient.objects.all()).values("pk")
    allowed = Q(patient__in=patients)
    if sees_every_enquiry(user):
        allowed |= Q(patient__isnull=True)
    elif may_work_intake(user):
        # The enquiry's referral names the person: only with the enquiry (or one's own).
        allowed |= Q(patient__isnull=True) & (
            Q(enquiry__in=visible_enquiries(user, _enquiries()).values("pk")) | Q(referred_by=user))
    return Referral.objects.filter(allowed, organisation_id=user.organisation_id)


def may_see(user, referral: Referral) -> bool:
    """One referral, by the list's rule (a patient's is then checked by the chart's guard)."""
    return visible_referrals(user).filter(pk=referral.pk).exists()


def overdue(queryset, now=None):
    """Open referrals whose status check date has passed."""
    return queryset.filter(status__in=OPEN_STATUSES, check_due_at__lte=now or timezone.now())


def referral_list(user, *, status: str = "", due: bool = False, patient=None):
    qs = visible_referrals(user)
    if patient is not None:
        qs = qs.filter(patient=patient)
    if status in ReferralStatus.values:
        qs = qs.filter(status=status)
    elif status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    # The overdue view puts the longest-waiting check first.
    qs = overdue(qs).order_by("check_due_at", "pk") if due else qs.order_by("-sent_at", "-pk")
    return qs.select_related("service", "patient", "referred_by", "enquiry")


def with_history(referrals: list[Referral]) -> list[Referral]:
    """Attach each referral's status changes in one query (``referral.history``)."""
    by_referral: dict[int, list] = {r.pk: [] for r in referrals}
    for change in (ReferralStatusChange.objects.filter(referral__in=list(by_referral))
                   .select_related("changed_by").order_by("changed_at", "pk")):
        by_referral[change.referral_id].append(change)
    for referral in referrals:
        referral.history = by_referral[referral.pk]
    return referrals


def open_waitlist(service, user):
    """A service's open entries for the user's organisation, oldest first: the ones the
    user may see, and how many others there are (counted, not named)."""
    entries = (WaitlistEntry.objects.filter(service=service, removed_at__isnull=True,
                                            patient__organisation_id=user.organisation_id)
               .order_by("added_at", "pk"))
    visible_ids = visible_patients(user, Patient.objects.all()).values("pk")
    shown = list(entries.filter(patient__in=visible_ids).select_related("patient", "added_by"))
    hidden = entries.exclude(patient__in=visible_ids).count()
    return shown, hidden


# --- the anti-brokering report -----------------------------------------------------------

@dataclass
class ServiceLine:
    service_uuid: str
    name: str
    town: str
    provider: str
    sent: int = 0
    by_status: dict = field(default_factory=dict)
    affiliations: list = field(default_factory=list)  # (affiliation label, details)
    all_attested: bool = True
    admitted_days: list = field(default_factory=list)

    @property
    def affiliated(self) -> int:
        return len(self.affiliations)

    @property
    def median_days_to_admission(self) -> float | None:
        return round(statistics.median(self.admitted_days), 1) if self.admitted_days else None

    def count(self, status: str) -> int:
        return self.by_status.get(status, 0)

    @property
    def status_counts(self) -> list[tuple[str, int]]:
        return [(label, self.count(value)) for value, label in ReferralStatus.choices]


def referral_report(organisation_id, *, since=None, until=None) -> list[ServiceLine]:
    """By service: referrals sent, by status, declared affiliations with their details,
    whether every referral was attested fee-free, and the median days from sent to
    admitted. Names services and counts only: no patient or enquiry appears."""
    qs = Referral.objects.filter(organisation_id=organisation_id)
    if since:
        qs = qs.filter(sent_at__date__gte=since)
    if until:
        qs = qs.filter(sent_at__date__lte=until)
    lines: dict[int, ServiceLine] = {}
    counts = (qs.values("service_id", "service__uuid", "service__name", "service__town",
                        "service__provider", "status")
              .annotate(n=Count("pk"), attested=Count("pk", filter=Q(no_fee_attested=True)))
              .order_by())
    for row in counts:
        line = lines.setdefault(row["service_id"], ServiceLine(
            str(row["service__uuid"]), row["service__name"], row["service__town"],
            row["service__provider"]))
        line.sent += row["n"]
        line.by_status[row["status"]] = row["n"]
        if row["attested"] != row["n"]:
            line.all_attested = False
    labels = dict(Affiliation.choices)
    for service_id, affiliation, details in (
            qs.exclude(affiliation=Affiliation.NONE).order_by("sent_at", "pk")
            .values_list("service_id", "affiliation", "affiliation_details")):
        lines[service_id].affiliations.append((labels.get(affiliation, affiliation), details))
    for service_id, sent_at, admitted_at in (
            ReferralStatusChange.objects.filter(referral__in=qs,
                                                to_status=ReferralStatus.ADMITTED)
            .values_list("referral__service_id", "referral__sent_at", "changed_at")):
        days = (admitted_at - sent_at).total_seconds() / 86400
        lines[service_id].admitted_days.append(days)
    return sorted(lines.values(), key=lambda line: (-line.sent, line.name))
