"""Forms for starting, editing and signing a discharge, and readmitting. They parse
what was typed; the actions check it against the record. A refused form keeps
everything typed."""

from __future__ import annotations

from django import forms
from django.utils.dateparse import parse_datetime

from carepath.patients.models import LevelOfCare
from carepath.ui.forms import UswdsFormMixin

from .actions_discharge import AFTERCARE_MAX, SUMMARY_MAX
from .models import DischargeReason

REASON_CHOICES = [("", "- Choose -"), *DischargeReason.choices]
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _reason_field():
    return forms.ChoiceField(
        label="Reason for discharge", choices=REASON_CHOICES,
        error_messages={"required": "Choose the reason for discharge.",
                        "invalid_choice": "Choose the reason for discharge from the list."})


def _date_field():
    return forms.DateField(
        label="Discharge date", widget=DATE_WIDGET,
        help_text="Not in the future, and not before the episode opened.",
        error_messages={"required": "Enter the discharge date.",
                        "invalid": "Enter the discharge date, such as 2026-03-14."})


class StartDischargeForm(UswdsFormMixin, forms.Form):
    reason = _reason_field()
    discharged_on = _date_field()


class DischargeForm(UswdsFormMixin, forms.Form):
    reason = _reason_field()
    discharged_on = _date_field()
    summary = forms.CharField(
        label="Discharge summary", required=False,
        widget=forms.Textarea(attrs={"rows": 24}),
        help_text="Drafted from the record: check every line, then write your own summary "
                  "under “Clinician's summary”.",
        max_length=SUMMARY_MAX,
        error_messages={"max_length": f"Keep the summary under {SUMMARY_MAX} characters."})
    aftercare_plan = forms.CharField(
        label="Aftercare plan", required=False, widget=forms.Textarea(attrs={"rows": 10}),
        help_text="What the patient takes home, in plain words: groups and appointments, "
                  "who to call and when, what to do if they use again. The patient sees this "
                  "on their own record once the discharge is signed. Leave empty if the "
                  "patient died.",
        max_length=AFTERCARE_MAX,
        error_messages={"max_length": f"Keep the aftercare plan under {AFTERCARE_MAX} "
                                      "characters."})
    confirm_died = forms.BooleanField(
        label="I confirm the patient has died (only for a discharge because the patient died)",
        required=False)
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        cleaned = super().clean()
        try:
            parse_datetime(cleaned.get("version") or "")
        except ValueError:  # well formed but not a date: a mangled hidden field
            cleaned["version"] = ""
            self.add_error(None, "This form is out of date: copy your text, reload the "
                                 "page and add it again.")
        return cleaned

    def version_value(self):
        value = self.cleaned_data.get("version") or ""
        return parse_datetime(value) if value else None


class ReadmitForm(UswdsFormMixin, forms.Form):
    reason = forms.CharField(
        label="Reason for readmission", max_length=300,
        error_messages={"required": "Say why the patient is readmitted.",
                        "max_length": "Keep the reason under 300 characters."})
    level_of_care = forms.ChoiceField(
        label="Level of care", choices=[("", "- Choose -"), *LevelOfCare.choices],
        error_messages={"required": "Choose the level of care to readmit to.",
                        "invalid_choice": "Choose the level of care from the list."})
