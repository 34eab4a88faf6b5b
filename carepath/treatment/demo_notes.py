"""Demo notes, made through the actions (so they are audited and signed as real ones):
for three of the demo clinician's patients a signed DAP note awaiting co-signature, a
signed SOAP note co-signed by the supervisor, a signed note with an amendment and a
draft; and, when the sessions demo made a past group session the demo clinician leads,
its signed group note (one note per attendee)."""

from __future__ import annotations

from django.utils import timezone

from carepath.accounts.models import User
from carepath.audit import log as audit
from carepath.patients.models import Patient

from . import actions_group_notes as group_actions
from . import actions_notes as actions
from .models import ClinicalNote, GroupNote, Session, SessionStatus

DAP = {"data": "Reports five days without ketamine; craving 4/10 in the evenings. "
               "Urinary frequency improving.",
       "assessment": "Engaged and motivated; evenings alone are the main risk.",
       "plan": "Evening routine plan; relapse-prevention group Thursday; review in a week."}
SOAP = {"subjective": "Feels 'flat' since stopping; sleeping six hours.",
        "objective": "Calm, good eye contact, on time.",
        "assessment": "Low mood after stopping, as discussed; no risk disclosed today.",
        "plan": "PHQ-9 next session; behavioural activation homework."}
FREE = {"text": "Phoned to rearrange Tuesday's session; agreed Wednesday 14:00."}


def add_demo_notes(org, seed):
    staff = {u.username: u for u in User.objects.filter(
        organisation=org, username__in=["clinician", "supervisor"])}
    clinician, supervisor = staff.get("clinician"), staff.get("supervisor")
    if clinician is None or ClinicalNote.objects.filter(author=clinician).exists():
        return
    ctx = audit.Context(user=clinician, purpose="demo data load", via="demo")
    sup_ctx = audit.Context(user=supervisor, purpose="demo data load", via="demo")
    patients = list(Patient.objects.filter(organisation=org, care_team__user=clinician)
                    .order_by("pk")[:3])
    for n, patient in enumerate(patients):
        objectives = list(actions.active_objectives(patient)[:1])
        signed = actions.sign_note(ctx, actions.save_draft(
            ctx, patient, template="dap", sections=DAP, title="Week 2 review",
            objectives=objectives))
        if n == 0:
            actions.amend_note(ctx, signed, reason="Craving score was recorded wrongly",
                               text="Craving was 5/10 in the evenings, not 4/10.")
        cosigned = actions.sign_note(ctx, actions.save_draft(
            ctx, patient, template="soap", sections=SOAP, title="Individual CBT"))
        if supervisor is not None:
            actions.cosign_note(sup_ctx, cosigned)
        if n == 1:
            actions.save_draft(ctx, patient, template="free", sections=FREE,
                               title="Phone call (draft)")
    _group_note(ctx, org, clinician)


def _group_note(ctx, org, clinician) -> None:
    """A signed group note for the newest past group session the clinician leads, if the
    sessions demo made one."""
    session = (Session.objects
               .filter(organisation=org, clinician=clinician, format="group",
                       starts_at__lt=timezone.now())
               .exclude(status=SessionStatus.CANCELLED)
               .exclude(pk__in=GroupNote.objects.values("session_id"))
               .order_by("-starts_at").first())
    if session is None:
        return
    patients = group_actions.attendees(session)
    if not patients:
        return
    try:
        group_actions.sign_group_note(
            ctx, session, topic="Triggers and urge surfing", modality=session.session_type,
            content="The group mapped personal high-risk situations and practised urge "
                    "surfing for five minutes.",
            sections={str(p.uuid): "Took part; named one personal trigger and one plan "
                                   "for it." for p in patients})
    except Exception:  # noqa: BLE001 - a demo must load even if a session is unusual
        return
