"""Forms for planner steps 4 to 7. They parse what was typed; the actions check the rules
(dates in the past, distinct speaking order, required notes). A refused form keeps
everything typed."""

from __future__ import annotations

import uuid

from django import forms

from carepath.directory.search import LEVEL_CHOICES
from carepath.ui.forms import UswdsFormMixin

from . import steps
from .actions_boundaries import TEXT_MAX
from .actions_follow_up import NOTES_MAX
from .actions_hold import PLACE_MAX, speaker_field
from .actions_options import SUPPORT_NOTE_MAX
from .models import InterventionOutcome

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class KeyedForm(UswdsFormMixin, forms.Form):
    """A form with a hidden one-time submission key, so a retry is not a second write."""

    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())

    @property
    def key(self) -> str | None:
        value = self.cleaned_data.get("submission_key")
        return str(value) if value else None


# --- Step 4 ----------------------------------------------------------------------------

class ServiceSearchForm(UswdsFormMixin, forms.Form):
    q = forms.CharField(label="Town, postcode or name", max_length=100, required=False,
                        help_text="Part of a town, a postcode, or the service's name.")
    level = forms.ChoiceField(label="Level of care", required=False,
                              choices=[("", "Any level of care"), *LEVEL_CHOICES])


class AddOptionForm(UswdsFormMixin, forms.Form):
    service = forms.UUIDField(widget=forms.HiddenInput, error_messages={
        "required": "Service: search above and choose one.",
        "invalid": "Service: search above and choose one."})
    support_note = forms.CharField(
        label="How we will support this", max_length=SUPPORT_NOTE_MAX, required=False,
        help_text="For example: we will drive you there and sit with you.",
        error_messages={"max_length": f"How we will support this: keep it to "
                                      f"{SUPPORT_NOTE_MAX} characters."})


class ChooseOptionsForm(UswdsFormMixin, forms.Form):
    chosen = forms.MultipleChoiceField(
        label="The option(s) we will offer", required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"}))

    def __init__(self, *args, options=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chosen"].choices = [(str(o.uuid), o.service.name) for o in options]
        if not self.is_bound:
            self.initial["chosen"] = [str(o.uuid) for o in options if o.chosen]


class PreBookForm(KeyedForm):
    pass


# --- Step 5 ----------------------------------------------------------------------------

class BoundaryForm(KeyedForm):
    text = forms.CharField(
        label="If help is refused, I will…", max_length=TEXT_MAX,
        help_text=f"What you yourself will do, in one or two sentences (up to {TEXT_MAX} "
                  "characters). For example: I will stop giving you money.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Your boundary: say what you will do if help is refused.",
                        "max_length": f"Your boundary: keep it to {TEXT_MAX} characters."})


class AgreeForm(forms.Form):
    seen = forms.CharField(widget=forms.HiddenInput, required=False)


# --- Step 6 ----------------------------------------------------------------------------

class HoldForm(UswdsFormMixin, forms.Form):
    intervention_date = forms.DateField(
        label="Date", required=False, widget=DATE_WIDGET,
        help_text="The same date as on step 1; changing it here changes it there.",
        error_messages={"invalid": "Date: enter a date, such as 2026-07-03."})
    intervention_time = forms.TimeField(
        label="Time", required=False, widget=TIME_WIDGET,
        error_messages={"invalid": "Time: enter a time, such as 18:30."})
    place = forms.CharField(label="Place", max_length=PLACE_MAX, required=False,
                            help_text="Where exactly: private and calm, where they feel safe.",
                            error_messages={"max_length": f"Place: keep it to {PLACE_MAX} "
                                                          "characters."})
    rehearsal_date = forms.DateField(
        label="Rehearsal date", required=False, widget=DATE_WIDGET,
        help_text="Before the intervention: practise together, in order.",
        error_messages={"invalid": "Rehearsal date: enter a date, such as 2026-07-01."})
    checklist = forms.MultipleChoiceField(
        label="Checklist", required=False, choices=steps.HOLD_CHECKLIST,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"}))

    def __init__(self, *args, plan, accepted, **kwargs):
        super().__init__(*args, **kwargs)
        self.accepted = accepted
        n = len(accepted)
        for m in accepted:
            self.fields[speaker_field(m)] = forms.IntegerField(
                label=f"{m.name}{' (chair)' if m.is_chair else ''}", required=False,
                min_value=1, max_value=n, widget=forms.NumberInput(attrs={
                    "class": "usa-input usa-input--xs", "inputmode": "numeric"}),
                error_messages={"invalid": f"Order for {m.name}: a number from 1 to {n}.",
                                "min_value": f"Order for {m.name}: a number from 1 to {n}.",
                                "max_value": f"Order for {m.name}: a number from 1 to {n}."})
        if not self.is_bound:
            self.initial.update({
                "intervention_date": plan.intervention_date,
                "intervention_time": plan.intervention_time, "place": plan.place,
                "rehearsal_date": plan.rehearsal_date,
                "checklist": [k for k, _ in steps.HOLD_CHECKLIST
                              if (plan.checklist or {}).get(k)],
                **{speaker_field(m): m.speaking_order for m in accepted}})

    def speaker_fields(self):
        return [self[speaker_field(m)] for m in self.accepted]

    def orders(self) -> dict:
        return {m.pk: self.cleaned_data.get(speaker_field(m)) for m in self.accepted}


# --- Step 7 ----------------------------------------------------------------------------

class FollowUpForm(UswdsFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="What happened?", choices=InterventionOutcome.choices,
        widget=forms.RadioSelect(attrs={"class": "usa-radio__input"}),
        error_messages={"required": "Outcome: choose agreed, refused for now or partly agreed.",
                        "invalid_choice": "Outcome: choose agreed, refused for now or "
                                          "partly agreed."})
    outcome_notes = forms.CharField(
        label="Notes", required=False, max_length=NOTES_MAX,
        help_text="Needed for “partly agreed”: what they agreed to and what they did not. "
                  "Only your team sees these.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": f"Notes: keep them to {NOTES_MAX} characters."})
    review_date = forms.DateField(
        label="Review date", required=False, widget=DATE_WIDGET,
        help_text="Needed for “refused for now”: when the team will talk again.",
        error_messages={"invalid": "Review date: enter a date, such as 2026-08-01."})

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and plan.outcome:
            self.initial.update({"outcome": plan.outcome, "outcome_notes": plan.outcome_notes,
                                 "review_date": plan.review_date})
