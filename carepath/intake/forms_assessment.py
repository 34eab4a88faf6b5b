"""Forms for booking, recording and placing: they parse what was typed into values for
the actions (which do the checking that needs the patient), and keep it on error."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from carepath.accounts.models import AccountType
from carepath.ui.forms import UswdsFormMixin

from . import placement, substances
from .actions_assessment import ASSESSOR_ROLES, SOCIAL_FIELDS
from .models import DIMENSIONS
from .models.assessment import Route

YES_NO = [("", "Not asked"), ("yes", "Yes"), ("no", "No")]
RATINGS = [("", "Not rated")] + [(str(n), str(n)) for n in range(5)]


def _yes_no(value):
    return {"yes": True, "no": False}.get(value)


def assessors(organisation_id):
    return (get_user_model().objects.filter(organisation_id=organisation_id,
                                            account_type=AccountType.STAFF, is_active=True,
                                            role__in=ASSESSOR_ROLES)
            .order_by("last_name", "first_name"))


class BookingForm(UswdsFormMixin, forms.Form):
    assessor = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), label="Assessor",
        error_messages={"required": "Choose the clinician who will assess.",
                        "invalid_choice": "Choose the clinician who will assess from the "
                                          "list."})
    booked_for = forms.DateTimeField(
        label="Date and time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"required": "Enter the date and time of the assessment.",
                        "invalid": "Enter the date and time of the assessment, such as "
                                   "2026-03-14 10:30."})
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, organisation_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = assessors(organisation_id)
        self.fields["assessor"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.username} ({u.get_role_display()})")
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())


def _int_field(label, low, high, what):
    message = f"{what} must be a whole number from {low} to {high}."
    return forms.IntegerField(label=label, required=False, min_value=low, max_value=high,
                              error_messages={"invalid": message, "min_value": message,
                                              "max_value": message})


class AssessmentForm(UswdsFormMixin, forms.Form):
    """The whole assessment. Nothing is required here: completion checks that."""

    age_first_use = _int_field("Age at first use", 1, 120, "Age at first use")
    years_of_use = forms.DecimalField(
        label="Years of use", required=False, max_digits=4, decimal_places=1,
        error_messages={"invalid": "Years of use must be a number, such as 2.5.",
                        "max_digits": "Years of use must be between 0 and 80.",
                        "max_whole_digits": "Years of use must be between 0 and 80.",
                        "max_decimal_places": "Give years of use to one decimal place."})
    days_per_week = _int_field("Days a week it is used", 0, 7, "Days per week")
    grams_per_using_day = forms.DecimalField(
        label="Typical grams per using day", required=False, max_digits=5, decimal_places=2,
        help_text="Leave empty if not known.",
        error_messages={"invalid": "Typical grams per using day must be a number, such as "
                                   "1.5.",
                        "max_digits": "Typical grams per using day must be between 0 and "
                                      "100.",
                        "max_whole_digits": "Typical grams per using day must be between 0 "
                                            "and 100.",
                        "max_decimal_places": "Give grams to two decimal places."})
    route = forms.ChoiceField(label="Usual route", required=False,
                              choices=[("", "Not asked")] + Route.choices,
                              error_messages={"invalid_choice": "Choose a route from the "
                                                                "list."})
    binges = forms.ChoiceField(label="Binges (days of repeated large doses)", required=False,
                               choices=YES_NO)
    k_holes = forms.ChoiceField(label="K-holes", required=False, choices=YES_NO)
    last_use = forms.DateField(
        label="Last use", required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter the date of last use, such as 2026-03-14."})
    red_flags = forms.MultipleChoiceField(
        label="Red flags seen at assessment", required=False, choices=placement.RED_FLAGS,
        widget=forms.CheckboxSelectMultiple,
        help_text="Suggested red flags (a design list, not guideline text).")
    summary = forms.CharField(label="Clinician's summary", required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in substances.SUBSTANCES:
            self.fields[substances.field_name(key, "frequency")] = forms.ChoiceField(
                label=f"{label}: how often", required=False,
                choices=[("", "Not asked")] + substances.FREQUENCIES,
                error_messages={"invalid_choice": f"{label}: choose how often from the "
                                                  "list."})
            self.fields[substances.field_name(key, "notes")] = forms.CharField(
                label=f"{label}: notes", required=False, max_length=substances.NOTES_MAX,
                error_messages={"max_length": f"{label} notes: keep them under "
                                              f"{substances.NOTES_MAX} characters."})
        for key, label in SOCIAL_FIELDS:
            self.fields[f"social_{key}"] = forms.CharField(
                label=label, required=False, widget=forms.Textarea(attrs={"rows": 2}))
        for number, name in DIMENSIONS:
            rating_label = (f"Dimension {number}, {name}: rating"
                            if number != "6" else
                            f"Dimension 6, {name}: {placement.DIMENSION_6_LABEL}")
            self.fields[f"dimension_{number}_rating"] = forms.ChoiceField(
                label=rating_label, required=False, choices=RATINGS,
                error_messages={"invalid_choice": f"Dimension {number}: the rating must be "
                                                  "from 0 to 4."})
            self.fields[f"dimension_{number}_notes"] = forms.CharField(
                label=f"Dimension {number}: notes", required=False,
                widget=forms.Textarea(attrs={"rows": 2}))

    @classmethod
    def initial_for(cls, assessment) -> dict:
        initial = {f: getattr(assessment, f) for f in
                   ("age_first_use", "years_of_use", "days_per_week", "grams_per_using_day",
                    "route", "last_use", "summary", "red_flags")}
        for f in ("binges", "k_holes"):
            value = getattr(assessment, f)
            initial[f] = "" if value is None else ("yes" if value else "no")
        for key, value in (assessment.other_substances or {}).items():
            initial[substances.field_name(key, "frequency")] = value.get("frequency", "")
            initial[substances.field_name(key, "notes")] = value.get("notes", "")
        for key, text in (assessment.social or {}).items():
            initial[f"social_{key}"] = text
        for number, value in (assessment.dimensions or {}).items():
            rating = value.get("rating")
            initial[f"dimension_{number}_rating"] = "" if rating is None else str(rating)
            initial[f"dimension_{number}_notes"] = value.get("notes", "")
        return initial

    def to_data(self) -> dict:
        c = self.cleaned_data
        data = {f: c.get(f) for f in ("age_first_use", "years_of_use", "days_per_week",
                                      "grams_per_using_day", "last_use")}
        data["route"] = c.get("route") or ""
        data["binges"] = _yes_no(c.get("binges"))
        data["k_holes"] = _yes_no(c.get("k_holes"))
        data["red_flags"] = list(c.get("red_flags") or [])
        data["summary"] = c.get("summary") or ""
        data["other_substances"] = {
            key: {"frequency": c.get(substances.field_name(key, "frequency")) or "",
                  "notes": c.get(substances.field_name(key, "notes")) or ""}
            for key, _ in substances.SUBSTANCES}
        data["social"] = {key: c.get(f"social_{key}") or "" for key, _ in SOCIAL_FIELDS}
        data["dimensions"] = {
            number: {"rating": int(c[f"dimension_{number}_rating"])
                     if c.get(f"dimension_{number}_rating") not in (None, "") else None,
                     "notes": c.get(f"dimension_{number}_notes") or ""}
            for number, _ in DIMENSIONS}
        return data

    # Groups for the template, so it stays plain.
    def ketamine_fields(self):
        return [self[f] for f in ("age_first_use", "years_of_use", "days_per_week",
                                  "grams_per_using_day", "route", "binges", "k_holes",
                                  "last_use")]

    def substance_rows(self):
        return [(label, self[substances.field_name(key, "frequency")],
                 self[substances.field_name(key, "notes")])
                for key, label in substances.SUBSTANCES]

    def social_fields(self):
        return [self[f"social_{key}"] for key, _ in SOCIAL_FIELDS]

    def dimension_rows(self):
        return [(number, name, self[f"dimension_{number}_rating"],
                 self[f"dimension_{number}_notes"]) for number, name in DIMENSIONS]


class PlacementForm(forms.Form):
    chosen_level = forms.ChoiceField(
        label="Level of care", choices=placement.LEVELS, required=False,
        error_messages={"required": "Choose a level of care.",
                        "invalid_choice": "Choose one of the five levels of care."})
    override_reason = forms.CharField(
        label="Why a different level", required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "usa-textarea"}),
        help_text="Needed when the level differs from the recommendation (at least 10 "
                  "characters).")
    service = forms.UUIDField(label="Service", required=False,
                              error_messages={"invalid": "Choose a service from the list."})
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())


def default_booking_time():
    now = timezone.localtime()
    return (now + timedelta(days=1)).replace(hour=10, minute=0, second=0,
                                                      microsecond=0)
