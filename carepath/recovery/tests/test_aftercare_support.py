"""Helpers for the aftercare, follow-up and reminder tests. Holds no tests itself."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from carepath.accounts.models import AccountType
from carepath.conftest import ctx_for
from carepath.patients import actions as patient_actions
from carepath.treatment import actions_discharge as discharge_actions

AFTERCARE = "Weekly aftercare group on Tuesdays; call the team if you use."
# Words a reminder must never carry: what it is about is health data.
HEALTH_WORDS = ("ketamine", "craving", "check-in", "check in", "checkin", "relapse", "drug",
                "use", "window", "follow-up", "follow up", "festival", "bladder", "mood",
                "recovery")


def link_account(patient, make_user, *, email="person@example.org"):
    """A patient account linked to the record, as after an accepted invitation."""
    user = make_user(None, account_type=AccountType.PATIENT)
    user.email = email
    user.save(update_fields=["email"])
    patient.user = user
    patient.save(update_fields=["user"])
    return user


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def sign_discharge(patient, clinician, *, reason="completed", days_ago=0):
    """Open an episode long enough ago, then start, write and sign its discharge."""
    patient_actions.open_episode(
        ctx_for(clinician), patient, reason="Daily ketamine use", level_of_care="outpatient",
        opened_at=timezone.now() - timedelta(days=days_ago + 40))
    ctx = ctx_for(clinician)
    on = timezone.localdate() - timedelta(days=days_ago)
    draft = discharge_actions.start_discharge(ctx, patient, reason=reason, discharged_on=on)
    text = draft.summary.replace(discharge_actions.drafting.CLINICIAN_PROMPT,
                                 "Completed the programme; no risks at discharge.")
    draft = discharge_actions.save_draft(
        ctx, draft, reason=reason, discharged_on=on, summary=text,
        aftercare_plan="" if reason == "died" else AFTERCARE)
    return discharge_actions.sign_discharge(ctx, draft, confirm_died=reason == "died")


def readmit(patient, clinician):
    return discharge_actions.readmit(ctx_for(clinician), patient, reason="Asked to come back",
                                     level_of_care="outpatient")


def assert_no_health_words(text: str, *extra: str) -> None:
    lowered = text.lower()
    for word in (*HEALTH_WORDS, *extra):
        assert word.lower() not in lowered, (word, text)
