"""Reads for the Discharge tab, the print view and the patient's aftercare page. The
patient is already checked by the page's guard; everything here is scoped to them."""

from __future__ import annotations

from carepath.patients.models import EpisodeOfCare

from .models import Discharge, DischargeReason


def discharges_for(patient) -> list[Discharge]:
    """Every discharge of the patient, newest episode first."""
    return list(Discharge.objects.filter(patient=patient)
                .select_related("episode", "created_by", "signed_by")
                .order_by("-episode__opened_at", "-pk"))


def discharge_for(patient, discharge_id) -> Discharge | None:
    try:
        discharge = (Discharge.objects.select_related("episode", "created_by", "signed_by")
                     .get(patient=patient, uuid=discharge_id))
    except (Discharge.DoesNotExist, ValueError):
        return None
    discharge.patient = patient
    return discharge


def episode_chain(patient) -> list[EpisodeOfCare]:
    """The patient's episodes, newest first, each with ``previous_episode`` and
    ``readmission_of`` (the episode that follows it, or None) set without more queries."""
    episodes = list(patient.episodes.order_by("-opened_at", "-pk"))
    by_pk = {e.pk: e for e in episodes}
    for e in episodes:
        e.readmission_of = None
    for e in episodes:
        if e.previous_episode_id in by_pk:
            e.previous = by_pk[e.previous_episode_id]
            by_pk[e.previous_episode_id].readmission_of = e
        else:
            e.previous = None
    return episodes


def aftercare_for(patient) -> Discharge | None:
    """The aftercare plan the patient sees: from their latest signed discharge that has
    one. A discharge because the patient died never shows one."""
    return (Discharge.objects.filter(patient=patient, signed_at__isnull=False)
            .exclude(reason=DischargeReason.DIED).exclude(aftercare_plan="")
            .select_related("episode", "signed_by").order_by("-signed_at", "-pk").first())
