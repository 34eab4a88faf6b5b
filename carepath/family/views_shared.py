"""What a supporter sees of a patient who shares with them, and the encouragement form.

Access is decided on every request by carepath.access.policy (supporter_access), so a
revocation or an expiry takes effect on the very next page. Every look is audited with
object type ``family.shared_<category>`` (allowed: the consent relied on; refused: why),
which is what the patient's "who saw my information" page reads. Every page that shows
anything of the patient carries the redisclosure notice (family/partials/redisclosure.html).
A refusal shows nothing of the patient, not even their name.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from carepath.access.guards import GUARD_ATTRIBUTE
from carepath.access.policy import Decision, supporter_access, supporter_shared_categories
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.patients.models import Patient
from carepath.recovery.portal_guard import local_today, local_zone

from . import actions_encouragement, queries_shared
from .forms_sharing import EncourageForm
from .models import EncouragementMessage
from .queries_shared import SHAREABLE, first_name, label

PREFIX = "family.shared_"


def supporter_guarded(view):
    """Mark a view as patient-scoped and guarded (the URL walker checks the marker): each
    view below decides with the supporter policy and audits before showing anything."""
    setattr(view, GUARD_ATTRIBUTE, True)
    return view


def _ctx(request):
    return audit.Context.from_request(request)


def _patient(patient_id) -> Patient:
    patient = Patient.objects.select_related("organisation").filter(uuid=patient_id).first()
    if patient is None:
        raise Http404("No such person")
    return patient


def _refused(request, decision: Decision, *, status=403, text=""):
    return TemplateResponse(request, "family/shared/refused.html",
                            {"reason": decision.basis, "text": text}, status=status)


def _allowed(request, patient, object_type: str, consents) -> None:
    audit.record(_ctx(request), Action.READ, patient=patient, object_type=object_type,
                 details={"basis": "supporter_consent",
                          "consents": sorted({str(c.uuid) for c in consents})})


def _notices(consents) -> list:
    """One redisclosure notice per distinct regime and purpose among the consents used."""
    seen, notices = set(), []
    for consent in consents:
        if (consent.regime, consent.purpose) not in seen:
            seen.add((consent.regime, consent.purpose))
            notices.append(consent)
    return notices


def _context(patient, consents, **extra) -> dict:
    return {"patient_uuid": patient.uuid, "name": first_name(patient),
            "org_tz": local_zone(patient), "notices": _notices(consents), **extra}


@supporter_guarded
@login_required
@require_http_methods(["GET", "HEAD"])
def shared_record(request, patient_id):
    patient = _patient(patient_id)
    shared = supporter_shared_categories(request.user, patient)
    if not shared:
        audit.denied(_ctx(request), patient=patient, object_type=PREFIX + "record",
                     reason="no_consent")
        return _refused(request, Decision(False, "no_consent"))
    _allowed(request, patient, PREFIX + "record", shared.values())
    categories = [(c, label(c), shared[c]) for c in SHAREABLE if c in shared]
    return TemplateResponse(request, "family/shared/record.html", _context(
        patient, shared.values(), categories=categories))


def _decide(request, patient, category: str) -> Decision:
    """Ask the policy for this category; audit the answer either way."""
    if category not in SHAREABLE:
        decision, object_type = Decision(False, "unknown_category"), PREFIX + "unknown"
    else:
        decision, object_type = supporter_access(request.user, patient, category), \
            PREFIX + category
    if not decision:
        audit.denied(_ctx(request), patient=patient, object_type=object_type,
                     reason=decision.basis)
    else:
        _allowed(request, patient, object_type, [decision.consent])
    return decision


def _category_data(category, patient, request) -> dict:
    page = request.GET.get("page")
    if category == "attendance":
        return {"page": queries_shared.attendance(patient, page)}
    if category == "appointments":
        return {"rows": queries_shared.appointments(patient)}
    if category == "milestones":
        return {"milestones": queries_shared.milestones(patient, local_today(patient))}
    if category == "measures":
        return {"page": queries_shared.measures(patient, page)}
    if category == "clinical_notes":
        return {"page": queries_shared.clinical_notes(patient, page)}
    if category == "counselling_notes":
        return {"page": queries_shared.counselling_notes(patient, page)}
    return {}


@supporter_guarded
@login_required
@require_http_methods(["GET", "HEAD"])
def shared_category(request, patient_id, category):
    patient = _patient(patient_id)
    if category == "encouragement":
        return _encourage(request, patient)
    decision = _decide(request, patient, category)
    if not decision:
        return _refused(request, decision)
    return TemplateResponse(request, "family/shared/category.html", _context(
        patient, [decision.consent], category=category, category_label=label(category),
        consent=decision.consent, **_category_data(category, patient, request)))


@supporter_guarded
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def encourage(request, patient_id):
    return _encourage(request, _patient(patient_id))


def _encourage(request, patient):
    ctx = _ctx(request)
    try:
        consent = actions_encouragement.may_send(ctx, patient)
    except actions_encouragement.EncouragementRefused as refused:
        return _refused(request, Decision(False, "encouragement"), text=str(refused.args[0]))
    form = EncourageForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions_encouragement.send(ctx, patient, text=data["text"],
                                           key=data.get("submission_key"))
            except actions_encouragement.EncouragementRefused as refused:
                return _refused(request, Decision(False, "encouragement"),
                                text=str(refused.args[0]))
            except ValidationError as exc:
                form.add_error("text", exc.message_dict.get("text", exc.messages))
            else:
                messages.success(request, f"Your message is on its way to {first_name(patient)}.")
                return redirect("family:encourage", patient_id=patient.uuid)
        status = 400
    # The page shows the patient's name: a look, audited like any other category.
    _allowed(request, patient, PREFIX + "encouragement", [consent])
    sent = (EncouragementMessage.objects.filter(patient=patient, supporter=request.user)
            .order_by("-sent_at", "-pk")[:10])
    return TemplateResponse(request, "family/shared/encourage.html", _context(
        patient, [consent], form=form, sent=sent, category_label=label("encouragement")),
        status=status)
