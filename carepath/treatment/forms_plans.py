"""Forms for plan rows, review and acknowledgement: they parse what was typed for the
actions (which do the checking that needs the plan) and keep it on error."""

from __future__ import annotations

from django import forms

from carepath.measures import catalogue
from carepath.ui.forms import UswdsFormMixin

from .actions_plans import (
    FREQUENCY_MAX,
    REVIEW_EVERY_MAX,
    REVIEW_EVERY_MIN,
)
from .models import ObjectiveStatus, ProblemKind, SessionType

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PLAN_MEASURES = ("phq-9", "gad-7", "pcl-5")


def _measure_choices():
    known = set(catalogue.ids())
    return [(m, catalogue.get(m).title) for m in PLAN_MEASURES if m in known]


class ProblemForm(UswdsFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Kind of problem", choices=ProblemKind.choices,
                             error_messages={"required": "Choose the kind of problem.",
                                             "invalid_choice": "Choose the kind of problem "
                                                               "from the list."})
    statement = forms.CharField(label="Problem", widget=forms.Textarea(attrs={"rows": 2}),
                                error_messages={"required": "Problem: enter some text."})
    measures = forms.MultipleChoiceField(
        label="Measures followed", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Leave empty to use the usual measure for the kind (depression: PHQ-9, "
                  "anxiety: GAD-7, PTSD: PCL-5).")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measures"].choices = _measure_choices()


class GoalForm(UswdsFormMixin, forms.Form):
    in_patients_words = forms.CharField(
        label="Goal, in the patient's own words", widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Goal in the patient's words: enter some text."})


class ObjectiveForm(UswdsFormMixin, forms.Form):
    text = forms.CharField(label="Objective (measurable: what, how much, by when)",
                           widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": "Objective: enter some text."})
    target_date = forms.DateField(
        label="Target date", widget=DATE_WIDGET,
        error_messages={"required": "Enter the target date, such as 2026-06-30.",
                        "invalid": "Enter the target date as a date, such as 2026-06-30."})
    status = forms.ChoiceField(label="Status", choices=ObjectiveStatus.choices,
                               initial=ObjectiveStatus.OPEN)


class InterventionForm(UswdsFormMixin, forms.Form):
    modality = forms.ChoiceField(label="Modality", choices=SessionType.choices,
                                 error_messages={"invalid_choice": "Choose the modality from "
                                                                   "the list."})
    frequency = forms.CharField(label="How often", max_length=FREQUENCY_MAX,
                                help_text="For example: weekly, 50 minutes.",
                                error_messages={"required": "How often: enter some text.",
                                                "max_length": f"How often: keep it under "
                                                              f"{FREQUENCY_MAX} characters."})
    responsible = forms.ChoiceField(
        label="Responsible clinician",
        error_messages={"required": "Choose the responsible clinician.",
                        "invalid_choice": "Choose the responsible clinician from the list."})

    def __init__(self, *args, staff=(), **kwargs):
        """``staff``: the organisation's possible responsible clinicians, read once per
        page (so many forms on one page cost one query)."""
        super().__init__(*args, **kwargs)
        self.staff = {str(u.pk): u for u in staff}
        self.fields["responsible"].choices = [("", "Choose…")] + [
            (pk, f"{u.display_name} ({u.get_role_display()})") for pk, u in self.staff.items()]

    def responsible_user(self):
        return self.staff.get(self.cleaned_data.get("responsible"))


class IntervalForm(UswdsFormMixin, forms.Form):
    review_every_days = forms.IntegerField(
        label="Review every (days)", min_value=REVIEW_EVERY_MIN, max_value=REVIEW_EVERY_MAX,
        error_messages={k: f"Review every must be a whole number of days from "
                           f"{REVIEW_EVERY_MIN} to {REVIEW_EVERY_MAX}."
                        for k in ("required", "invalid", "min_value", "max_value")})


class ReviewForm(UswdsFormMixin, forms.Form):
    summary = forms.CharField(label="Review summary", widget=forms.Textarea(attrs={"rows": 4}),
                              error_messages={"required": "Review summary: write at least 10 "
                                                          "characters."})
    next_review_on = forms.DateField(
        label="Next review", required=False, widget=DATE_WIDGET,
        help_text="Leave empty for today plus the plan's review interval.",
        error_messages={"invalid": "Enter the next review as a date, such as 2026-06-30."})

    def __init__(self, *args, objectives=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.objectives = list(objectives)
        for objective in self.objectives:
            name = f"objective_{objective.uuid}"
            self.fields[name] = forms.ChoiceField(
                label=objective.text, choices=ObjectiveStatus.choices,
                initial=objective.status,
                error_messages={"invalid_choice": "Choose working on it, met or not met."})

    def statuses(self) -> dict:
        return {str(o.uuid): self.cleaned_data[f"objective_{o.uuid}"] for o in self.objectives}

    def objective_fields(self):
        return [self[f"objective_{o.uuid}"] for o in self.objectives]


class AcknowledgementForm(UswdsFormMixin, forms.Form):
    how = forms.CharField(label="How the patient acknowledged the plan", max_length=300,
                          help_text="For example: read it with me and signed a printed copy.",
                          error_messages={"required": "Say how the patient acknowledged "
                                                      "the plan.",
                                          "max_length": "How it was acknowledged: keep it "
                                                        "under 300 characters."})
    acknowledged_at = forms.DateTimeField(
        label="When", required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"], help_text="Leave empty for now.",
        error_messages={"invalid": "Enter when, such as 2026-03-14 10:30."})
