"""The person's reminder preferences at /my/reminders/: time, channel, quiet hours, opting
out and back in, and the last 20 reminders (sent, held or not sent)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from carepath.audit import log as audit
from carepath.ui.forms import add_action_errors

from . import actions_reminders as actions
from .forms_reminders import ReminderPreferencesForm
from .portal_guard import portal_view
from .profiles import profile_for
from .reminders import recent_sends


@portal_view(actions.OBJECT_TYPE)
def my_reminders(request, patient):
    ctx = audit.Context.from_request(request)
    profile = profile_for(patient)
    form = None
    if request.method == "POST":
        choice = request.POST.get("opt")
        if choice in ("out", "in"):
            actions.set_opted_out(ctx, patient, choice == "out")
            messages.success(request, "Reminders stopped. You can start them again here at "
                                      "any time." if choice == "out" else
                             "Reminders started again.")
            return redirect("recovery:my_reminders")
        form = ReminderPreferencesForm(request.POST)
        if form.is_valid():
            try:
                actions.save_preferences(ctx, patient, **form.action_kwargs())
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, "Your reminder settings were saved.")
                return redirect("recovery:my_reminders")
    if form is None:
        form = ReminderPreferencesForm(initial={
            "reminder_time": profile.reminder_time, "channel": profile.reminder_channel,
            "quiet_start": profile.quiet_start, "quiet_end": profile.quiet_end})
    return render(request, "recovery/reminders/preferences.html", {
        "patient": patient, "profile": profile, "form": form,
        "opted_out": profile.reminders_opted_out_at is not None,
        "sends": recent_sends(patient), "time_zone": patient.organisation.time_zone,
    }, status=400 if form.errors else 200)
