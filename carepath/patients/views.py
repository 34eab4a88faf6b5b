"""Patient record pages: thin; they parse input, call actions or queries, render."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from carepath.access.guards import patient_view
from carepath.access.policy import may_create_patients, may_manage_care_team
from carepath.accounts.models import AccountType, Role
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.ui.forms import add_action_errors

from . import actions, queries
from .forms import (
    CareTeamForm,
    ConsentForm,
    EpisodeCloseForm,
    EpisodeOpenForm,
    LevelChangeForm,
    PatientCreateForm,
    PatientForm,
    RevokeConsentForm,
)
from .models import Patient

TABS = [("summary", "Summary", "patients:chart"), ("care_team", "Care team", "patients:care_team"),
        ("episodes", "Episodes of care", "patients:episodes"),
        ("consents", "Consents", "patients:consents")]


def add_chart_tabs(tabs: list[tuple[str, str, str]]) -> None:
    """Let a later app add its chart tabs (key, label, url name) before Measures, in the
    order its ready() runs (the order care happens); adding one twice changes nothing."""
    for tab in tabs:
        keys = [t[0] for t in TABS]
        if tab[0] not in keys:
            TABS.insert(keys.index("measures") if "measures" in keys else len(TABS), tab)


def _ctx(request):
    return audit.Context.from_request(request)


def _render_chart(request, patient, tab, template, extra=None):
    context = {"patient": patient, "tab": tab, "tabs": TABS,
               "access": getattr(request, "patient_access", None), **queries.chart(patient)}
    context.update(extra or {})
    return render(request, template, context)


def _apply(form, call):
    """Run an action; turn its ValidationError into form errors. Returns the result or None."""
    try:
        return call()
    except ValidationError as exc:
        add_action_errors(form, exc)
    return None


def _clinical_staff(patient):
    return get_user_model().objects.filter(
        organisation_id=patient.organisation_id, account_type=AccountType.STAFF,
        is_active=True).exclude(role__in=[Role.ADMINISTRATOR, Role.ANALYST]).order_by(
        "last_name", "first_name")


@login_required
def create(request):
    if not may_create_patients(request.user):
        raise PermissionDenied
    form = PatientCreateForm(request.POST or None)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "confirm_duplicate"}
        try:
            patient = _apply(form, lambda: actions.create_patient(
                _ctx(request), data, confirm_duplicate=form.cleaned_data["confirm_duplicate"]))
        except actions.PossibleDuplicate as dup:
            patient, duplicates = None, dup.matches
        if patient is not None:
            messages.success(request, f"{patient.display_name} registered with MRN {patient.mrn}.")
            return redirect("patients:chart", patient_id=patient.uuid)
    return render(request, "patients/create.html", {"form": form, "duplicates": duplicates})


@login_required
@patient_view()
def chart(request, patient):
    return _render_chart(request, patient, "summary", "patients/chart_summary.html")


@login_required
@patient_view()
def edit(request, patient):
    # A copy: the form writes into its instance, the action compares with the original.
    form = PatientForm(request.POST or None, instance=Patient.objects.get(pk=patient.pk))
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in actions.EDITABLE_FIELDS}
        if _apply(form, lambda: actions.update_patient(_ctx(request), patient, data)):
            messages.success(request, "Record updated.")
            return redirect("patients:chart", patient_id=patient.uuid)
    return _render_chart(request, patient, "summary", "patients/edit.html", {"form": form})


@login_required
@patient_view("patients.careteammember")
def care_team(request, patient):
    form = CareTeamForm(request.POST or None, staff=_clinical_staff(patient))
    if request.method == "POST" and form.is_valid():
        member = _apply(form, lambda: actions.add_care_team_member(
            _ctx(request), patient, form.cleaned_data["user"], form.cleaned_data["role"]))
        if member is not None:
            messages.success(request, f"{member.user.display_name} added to the care team.")
            return redirect("patients:care_team", patient_id=patient.uuid)
    return _render_chart(request, patient, "care_team", "patients/chart_care_team.html", {
        "form": form, "can_manage": may_manage_care_team(request.user, patient)})


@login_required
@require_POST
@patient_view("patients.careteammember")
def care_team_remove(request, patient, member_id):
    membership = get_object_or_404(patient.care_team, uuid=member_id)
    try:
        actions.remove_care_team_member(_ctx(request), membership)
        messages.success(request, f"{membership.user.display_name} removed from the care team.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("patients:care_team", patient_id=patient.uuid)


@login_required
@patient_view("patients.episodeofcare")
def episodes(request, patient):
    form = EpisodeOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        episode = _apply(form, lambda: actions.open_episode(_ctx(request), patient,
                                                            **form.cleaned_data))
        if episode is not None:
            messages.success(request, "Episode of care opened.")
            return redirect("patients:episodes", patient_id=patient.uuid)
    return _render_chart(request, patient, "episodes", "patients/chart_episodes.html", {
        "form": form, "level_form": LevelChangeForm(), "close_form": EpisodeCloseForm()})


@login_required
@require_POST
@patient_view("patients.episodeofcare")
def episode_level(request, patient, episode_id):
    episode = get_object_or_404(patient.episodes, uuid=episode_id)
    form = LevelChangeForm(request.POST)
    if form.is_valid() and _apply(form, lambda: actions.change_level_of_care(
            _ctx(request), episode, **form.cleaned_data)):
        messages.success(request, "Level of care changed.")
        return redirect("patients:episodes", patient_id=patient.uuid)
    return _render_chart(request, patient, "episodes", "patients/chart_episodes.html", {
        "form": EpisodeOpenForm(), "level_form": form, "close_form": EpisodeCloseForm()})


@login_required
@require_POST
@patient_view("patients.episodeofcare")
def episode_close(request, patient, episode_id):
    episode = get_object_or_404(patient.episodes, uuid=episode_id)
    form = EpisodeCloseForm(request.POST)
    if form.is_valid() and _apply(form, lambda: actions.close_episode(
            _ctx(request), episode, reason=form.cleaned_data["closed_reason"])):
        messages.success(request, "Episode of care closed.")
        return redirect("patients:episodes", patient_id=patient.uuid)
    return _render_chart(request, patient, "episodes", "patients/chart_episodes.html", {
        "form": EpisodeOpenForm(), "level_form": LevelChangeForm(), "close_form": form})


@login_required
@patient_view("patients.consent")
def consents(request, patient):
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        consent = _apply(form, lambda: actions.record_consent(_ctx(request), patient,
                                                              form.cleaned_data))
        if consent is not None:
            messages.success(request, f"Consent for {consent.recipient} recorded.")
            return redirect("patients:consents", patient_id=patient.uuid)
    return _render_chart(request, patient, "consents", "patients/chart_consents.html",
                         {"form": form, "revoke_form": RevokeConsentForm()})


@login_required
@require_POST
@patient_view("patients.consent")
def consent_revoke(request, patient, consent_id):
    consent = get_object_or_404(patient.consents, uuid=consent_id)
    actions.revoke_consent(_ctx(request), consent, reason=request.POST.get("reason", ""))
    messages.success(request, f"Consent for {consent.recipient} revoked.")
    return redirect("patients:consents", patient_id=patient.uuid)


@login_required
@patient_view("patients.consent", action=Action.PRINT)
def consent_print(request, patient, consent_id):
    consent = get_object_or_404(patient.consents, uuid=consent_id)
    return render(request, "patients/consent_print.html", {"patient": patient,
                                                            "consent": consent})
