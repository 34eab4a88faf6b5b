"""Forms for the meetings log and follow-up answers. Ranges and dates are checked by the
actions (one place, messages naming the field); the forms parse and keep what was typed."""

from __future__ import annotations

from django import forms

from carepath.ui.forms import UswdsFormMixin

from .models import MeetingKind

YES_NO = [("yes", "Yes"), ("no", "No")]


class MeetingForm(UswdsFormMixin, forms.Form):
    met_on = forms.DateField(
        label="Date of the meeting",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Enter the date of the meeting.",
                        "invalid": "Enter the date of the meeting as a real date, such as "
                                   "2026-06-30 (year, month, day)."})
    kind = forms.ChoiceField(
        label="Kind of meeting", choices=MeetingKind.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of meeting: 12-step, SMART Recovery "
                                    "or other."})
    name = forms.CharField(label="Name of the group (optional)", required=False,
                           help_text="For example “Tuesday SMART group”.")
    note = forms.CharField(label="Note (optional)", required=False,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="Anything you want to remember about it.")
    submission_key = forms.CharField(required=False, widget=forms.HiddenInput)

    def action_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"met_on": data["met_on"], "kind": data["kind"], "name": data.get("name", ""),
                "note": data.get("note", ""),
                "submission_key": data.get("submission_key") or None}


class FollowUpForm(UswdsFormMixin, forms.Form):
    used_since_discharge = forms.ChoiceField(
        label="Have you used ketamine since you were discharged?", choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Answer yes or no: have you used ketamine since you "
                                    "were discharged?"})
    days_abstinent_past_30 = forms.IntegerField(
        label="In the past 30 days, on how many days did you not use ketamine?",
        help_text="A number from 0 to 30.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 30}),
        error_messages={"required": "Enter the number of days without ketamine in the past "
                                    "30 days, from 0 to 30.",
                        "invalid": "Days without ketamine in the past 30 days must be a "
                                   "whole number from 0 to 30."})
    wellbeing = forms.IntegerField(
        label="Overall, how would you rate your well-being, from 0 (poor) to 20 (good)?",
        help_text="A number from 0 to 20.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 20}),
        error_messages={"required": "Enter your overall well-being from 0 (poor) to 20 "
                                    "(good).",
                        "invalid": "Overall well-being must be a whole number from 0 (poor) "
                                   "to 20 (good)."})
    submission_key = forms.CharField(required=False, widget=forms.HiddenInput)

    def action_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"used_since_discharge": data["used_since_discharge"] == "yes",
                "days_abstinent_past_30": data["days_abstinent_past_30"],
                "wellbeing": data["wellbeing"],
                "submission_key": data.get("submission_key") or None}
