"""Forms for the withdrawal chart: they parse what was typed for the actions, which do
the checking (ranges, times) and name the field and the limit; everything typed is kept."""

from __future__ import annotations

from django import forms

from carepath.ui.forms import (
    KeyedForm,
    UswdsFormMixin,
    local_datetime_field,
    now_to_the_minute,
)

from . import symptoms, vitals


class ObservationForm(KeyedForm):
    taken_at = local_datetime_field("Time taken", "the observations were taken")
    craving = forms.TypedChoiceField(
        label="Craving (0 none to 10 the strongest imaginable)", required=False,
        choices=[("", "Not rated")] + [(str(n), str(n)) for n in range(11)],
        coerce=int, empty_value=None,
        error_messages={"invalid_choice": "Craving must be a whole number from 0 to 10."})
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for s in symptoms.SYMPTOMS:
            choices = [("", "Not rated")] + [(str(n), f"{n}: {anchor}")
                                             for n, anchor in enumerate(s.anchors)]
            self.fields[f"symptom_{s.key}"] = forms.TypedChoiceField(
                label=s.label, required=False, choices=choices, coerce=int, empty_value=None,
                error_messages={"invalid_choice": f"{s.label} must be rated with a whole "
                                                  "number from 0 to 3."})
        for v in vitals.VITALS:
            # Text, not a number field: the action checks it and names the limit.
            self.fields[v.field] = forms.CharField(
                label=f"{v.label} ({v.unit})", required=False, max_length=8,
                help_text=f"{v.low}–{v.high}",
                widget=forms.TextInput(attrs={"inputmode": "decimal" if v.decimals
                                              else "numeric", "class": "usa-input "
                                              "usa-input--small"}))
        if not self.is_bound:
            self.initial.setdefault("taken_at", now_to_the_minute())

    def symptom_fields(self):
        return [self[f"symptom_{s.key}"] for s in symptoms.SYMPTOMS]

    def vital_fields(self):
        return [self[v.field] for v in vitals.VITALS]

    def to_data(self) -> dict:
        data = self.cleaned_data
        return {"taken_at": data.get("taken_at"), "craving": data.get("craving"),
                "note": data.get("note", ""),
                "symptoms": {s.key: data.get(f"symptom_{s.key}") for s in symptoms.SYMPTOMS
                             if data.get(f"symptom_{s.key}") is not None},
                **{v.field: (data.get(v.field) or "").strip() for v in vitals.VITALS}}


def _hours(label, low, high):
    message = f"{label} must be a whole number of hours from {low} to {high}."
    return forms.IntegerField(label=label, required=False, min_value=low, max_value=high,
                              error_messages={"invalid": message, "min_value": message,
                                              "max_value": message})


class PlanForm(UswdsFormMixin, forms.Form):
    early_every_hours = _hours("Observe every (hours), first phase", 1, 24)
    early_for_hours = _hours("First phase lasts (hours)", 0, 336)
    later_every_hours = _hours("Then observe every (hours)", 1, 24)

    def to_values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v is not None}


class MedicationForm(KeyedForm):
    given_at = local_datetime_field("Time given", "it was given")
    medicine = forms.CharField(label="Medicine", max_length=120,
                               error_messages={"required": "Enter the medicine."})
    dose = forms.CharField(label="Dose", max_length=60, help_text="For example 10 mg.",
                           error_messages={"required": "Enter the dose."})
    route = forms.CharField(label="Route", max_length=40, required=False,
                            help_text="For example by mouth.")
    reason = forms.CharField(label="Why it was given", max_length=300,
                             error_messages={"required": "Enter why it was given."})
    note = forms.CharField(label="Note", required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("given_at", now_to_the_minute())


class EnteredInErrorForm(UswdsFormMixin, forms.Form):
    reason = forms.CharField(label="Why is this entry in error?", max_length=300,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "Say why this entry is in error "
                                                         "(at least 10 characters)."})
