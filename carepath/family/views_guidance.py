"""Guidance for families (public pages) and the supporter's own well-being check-in."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render

from carepath.accounts.models import AccountType
from carepath.audit import log as audit
from carepath.intake import selfcheck
from carepath.ui.forms import add_action_errors

from . import actions_wellbeing, guidance
from . import wellbeing as checkin_data
from .forms_accounts import new_submission_key
from .forms_wellbeing import WellbeingForm
from .views_accounts import supporter_view, zone_for


def _guide_context(request) -> dict:
    user = request.user
    signed_in = user.is_authenticated
    organisation = user.organisation if signed_in else selfcheck.front_door()
    return {
        # Signed-in people keep their own navigation; visitors get the public shell.
        "base_template": "ui/base.html" if signed_in else "ui/public_base.html",
        "is_supporter": signed_in and user.account_type == AccountType.SUPPORTER,
        "crisis_lines": checkin_data.crisis_lines(organisation),
    }


def guide(request):
    return render(request, "family/guide/index.html",
                  {"topics": guidance.TOPICS, **_guide_context(request)})


def guide_topic(request, topic):
    found = guidance.topic(topic)
    if found is None:
        raise Http404("No such guide.")
    return render(request, "family/guide/topic.html",
                  {"topic": found, "topics": guidance.TOPICS, **_guide_context(request)})


@supporter_view(actions_wellbeing.OBJECT_TYPE)
def wellbeing(request):
    user = request.user
    form = WellbeingForm(request.POST or None,
                         initial={"submission_key": new_submission_key()})
    result = None
    if request.method == "POST" and form.is_valid():
        key = form.cleaned_data["submission_key"]
        try:
            checkin, _ = actions_wellbeing.record_checkin(
                audit.Context.from_request(request), form.answers(),
                submission_key=str(key) if key else None)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            # Shown at once, not after a redirect: the safety answer is never stored.
            result = {"checkin": checkin, "unsafe": form.feels_unsafe,
                      "high_strain": checkin_data.is_high_strain(checkin.total)}
            form = WellbeingForm(initial={"submission_key": new_submission_key()})
    organisation = user.organisation
    return render(request, "family/wellbeing/checkin.html", {
        "form": form, "result": result, "history": actions_wellbeing.history(user),
        "scale_max_total": checkin_data.SCALE_MAX * len(checkin_data.QUESTIONS),
        "threshold": checkin_data.STRAIN_THRESHOLD,
        "safety_lines": checkin_data.safety_lines(organisation),
        "family_support": checkin_data.family_support(organisation),
        "crisis_lines": checkin_data.crisis_lines(organisation), "zone": zone_for(user)},
        status=400 if form.errors else 200)
