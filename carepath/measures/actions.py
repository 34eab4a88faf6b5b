"""Every change to measures goes through here: permission, one transaction, audit.

Submitting a response scores it, stores the score beside the answers, and, when a
flag the definition marks urgent is raised, creates the alert in the same transaction.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from carepath.access.policy import patient_access, patient_change_access
from carepath.alerts import actions as alerts
from carepath.audit import log as audit
from carepath.audit.models import Action

from . import catalogue, engine
from .models import InstrumentSetting, Link, Mode, Response, Schedule


def setting_for(organisation_id, instrument_id) -> InstrumentSetting | None:
    return InstrumentSetting.objects.filter(organisation_id=organisation_id,
                                            instrument_id=instrument_id).first()


def available(organisation_id, instrument_id) -> catalogue.Definition:
    """The definition, if it exists and the organisation has not switched it off."""
    return _available_with_setting(organisation_id, instrument_id)[0]


def _available_with_setting(organisation_id, instrument_id):
    try:
        defn = catalogue.get(instrument_id)
    except LookupError:
        raise ValidationError(
            {"instrument": [f"There is no instrument {instrument_id!r}."]}) from None
    setting = setting_for(organisation_id, instrument_id)
    if setting is not None and not setting.enabled:
        raise ValidationError({"instrument": [
            f"{defn.title} is switched off for this organisation."]})
    return defn, setting


def enabled_instruments(organisation_id) -> list[catalogue.Definition]:
    off = set(InstrumentSetting.objects.filter(organisation_id=organisation_id, enabled=False)
              .values_list("instrument_id", flat=True))
    return [d for d in catalogue.load_all().values() if d.id not in off]


def _may_enter(user, patient, mode: str, defn) -> None:
    if mode == Mode.CLINICIAN:
        if not patient_change_access(user, patient):
            raise PermissionDenied("Only the care team can record measures for this patient.")
        return
    if mode == Mode.SELF_REPORT:
        decision = patient_access(user, patient)
        if not (decision and decision.basis == "own_record"):
            raise PermissionDenied("Only the patient can self-report on their own record.")
    if not defn.self_report:
        raise PermissionDenied(f"{defn.title} is completed by a clinician, not self-reported.")


def _errors(exc: engine.InvalidAnswers) -> ValidationError:
    return ValidationError({f"item_{e.item}": [e.message] for e in exc.errors})


def _urgent_summary(defn, result, flag_id: str) -> str:
    message = next((f.get("message", "") for f in defn.scoring.get("flags", [])
                    if f["id"] == flag_id), "")
    score = f" (total {result.total}, {result.band})" if result.total is not None else (
        f" ({result.band})" if result.band else "")
    return f"{defn.title}{score}: {message}"[:300]


def submit(ctx: audit.Context, patient, instrument_id: str, answers: dict, *, mode: str,
           draft: Response | None = None, amends: Response | None = None,
           amendment_reason: str = "") -> Response:
    """Score and store a submitted response; raise alerts for urgent flags.

    Raises ValidationError (keys item_<linkId>) with nothing stored when an answer is
    missing or out of range; the caller keeps what the person entered.
    """
    defn, setting = _available_with_setting(patient.organisation_id, instrument_id)
    _may_enter(ctx.user, patient, mode, defn)
    if amends is not None:
        if mode != Mode.CLINICIAN:
            raise PermissionDenied("Corrections to a submitted questionnaire are made by the "
                                   "care team.")
        if not amends.is_submitted or amends.patient_id != patient.pk \
                or amends.instrument_id != instrument_id:
            raise ValidationError({"amends": ["Only a submitted response of the same "
                                              "instrument and patient can be amended."]})
        if len(amendment_reason.strip()) < 5:
            raise ValidationError({"amendment_reason": ["Say why this is being amended."]})
    parameters = defn.parameters(setting.parameters if setting else None)
    try:
        result = engine.score(defn, answers, parameters)
    except engine.InvalidAnswers as exc:
        raise _errors(exc) from None
    now = timezone.now()
    with transaction.atomic():
        if draft is not None:
            draft = Response.objects.select_for_update().get(pk=draft.pk)
            if draft.is_submitted or draft.patient_id != patient.pk:
                raise ValidationError({"draft": ["This draft was already submitted."]})
            response = draft
        else:
            response = Response(organisation_id=patient.organisation_id, patient=patient,
                                instrument_id=defn.id, mode=mode, created_at=now)
        response.instrument_version = defn.version
        response.status = Response.Status.SUBMITTED
        response.answers = answers
        response.parameters = parameters
        response.total = result.total
        response.band = result.band or ""
        response.subscales = result.subscales
        response.flags = result.flags
        response.codes = result.codes
        response.entered_by = ctx.user
        response.submitted_at = now
        response.amends = amends
        response.amendment_reason = amendment_reason.strip()[:500]
        response.save()
        audit.record(ctx, Action.CREATE if draft is None else Action.UPDATE, patient=patient,
                     obj=response, details={"instrument": defn.id, "mode": mode,
                                            "submitted": True, "flags": result.flags,
                                            "amends": str(amends.uuid) if amends else None})
        for flag_id in result.urgent_flags:
            alerts.raise_alert(ctx, patient, flag=flag_id, source_type="measures.response",
                               source_uuid=response.uuid,
                               summary=_urgent_summary(defn, result, flag_id))
    response.urgent_flags = result.urgent_flags
    return response


def save_draft(ctx: audit.Context, patient, instrument_id: str, answers: dict, *, mode: str,
               draft: Response | None = None) -> Response:
    """Keep partial answers. Values are still checked (range), required ones are not."""
    defn = available(patient.organisation_id, instrument_id)
    _may_enter(ctx.user, patient, mode, defn)
    errors = engine.validate(defn, answers, draft=True)
    if errors:
        raise _errors(engine.InvalidAnswers(errors))
    with transaction.atomic():
        if draft is not None:
            response = Response.objects.select_for_update().get(pk=draft.pk)
            if response.is_submitted:
                raise ValidationError({"draft": ["This draft was already submitted."]})
        else:
            response = Response(organisation_id=patient.organisation_id, patient=patient,
                                instrument_id=defn.id, instrument_version=defn.version,
                                mode=mode, entered_by=ctx.user)
        response.answers = answers
        response.save()
        audit.record(ctx, Action.UPDATE if draft else Action.CREATE, patient=patient,
                     obj=response, details={"instrument": defn.id, "draft": True})
    return response


def add_schedule(ctx: audit.Context, *, instrument_id: str, every_days: int, patient=None,
                 level_of_care: str = "") -> Schedule:
    organisation_id = patient.organisation_id if patient else ctx.user.organisation_id
    defn = available(organisation_id, instrument_id)
    if patient is not None and not patient_change_access(ctx.user, patient):
        raise PermissionDenied("Only the care team can schedule measures for this patient.")
    if patient is None and getattr(ctx.user, "role", "") != "supervisor":
        raise PermissionDenied("Programme schedules are set by a supervisor.")
    if not 1 <= int(every_days) <= 365:
        raise ValidationError({"every_days": ["Choose between 1 and 365 days."]})
    with transaction.atomic():
        schedule = Schedule.objects.create(organisation_id=organisation_id, patient=patient,
                                           level_of_care=level_of_care,
                                           instrument_id=defn.id, every_days=every_days,
                                           created_by=ctx.user)
        audit.record(ctx, Action.CREATE, patient=patient, obj=schedule,
                     details={"instrument": defn.id, "every_days": every_days,
                              "level_of_care": level_of_care})
    return schedule


def stop_schedule(ctx: audit.Context, schedule: Schedule) -> None:
    if schedule.patient is not None and not patient_change_access(ctx.user, schedule.patient):
        raise PermissionDenied("Only the care team can change this schedule.")
    with transaction.atomic():
        Schedule.objects.filter(pk=schedule.pk).update(active=False)
        audit.record(ctx, Action.UPDATE, patient=schedule.patient, obj=schedule,
                     details={"active": False})


LINK_SIGNER = signing.Signer(salt="carepath.measures.link")


def link_token(link: Link) -> str:
    return LINK_SIGNER.sign(str(link.uuid))


def create_link(ctx: audit.Context, patient, instrument_id: str, channel: str) -> tuple[Link, str]:
    """Make a one-time link and send it; returns the link and its token."""
    from . import tasks

    defn = available(patient.organisation_id, instrument_id)
    if not patient_change_access(ctx.user, patient):
        raise PermissionDenied("Only the care team can send measures to this patient.")
    if not defn.self_report:
        raise ValidationError({"instrument": [f"{defn.title} is clinician-rated."]})
    address = patient.email if channel == Link.Channel.EMAIL else patient.phone
    if not address:
        raise ValidationError({"channel": ["The record has no "
                                           + ("email address." if channel == Link.Channel.EMAIL
                                              else "phone number.")]})
    with transaction.atomic():
        link = Link.objects.create(
            patient=patient, instrument_id=defn.id,
            channel=channel, created_by=ctx.user,
            expires_at=timezone.now() + timedelta(hours=settings.CAREPATH_MEASURE_LINK_HOURS))
        audit.record(ctx, Action.CREATE, patient=patient, obj=link,
                     details={"instrument": defn.id, "channel": channel})
        tasks.send_link.enqueue(str(link.uuid))
    return link, link_token(link)


def link_for_token(token: str) -> Link | None:
    try:
        link_uuid = LINK_SIGNER.unsign(token)
    except signing.BadSignature:
        return None
    return (Link.objects.select_related("patient", "patient__organisation")
            .filter(uuid=link_uuid).first())


def submit_by_link(link: Link, answers: dict, client_address: str = "") -> Response:
    """Complete the link's measure. The link is used up in the same transaction."""
    ctx = audit.Context(user=None, client_address=client_address,
                        purpose="measure by one-time link", via="link")
    with transaction.atomic():
        locked = Link.objects.select_for_update().get(pk=link.pk)
        if not locked.usable():
            raise ValidationError({"link": ["This link has expired or was already used."]})
        response = submit(ctx, link.patient, link.instrument_id, answers, mode=Mode.LINK)
        locked.used_at = timezone.now()
        locked.response = response
        locked.save(update_fields=["used_at", "response"])
    return response
