"""Forms for drug screens: they parse what was typed for the actions, which do the
checking (the panel's analytes, times, who) and name the field; everything typed is kept."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from carepath.ui.forms import (
    KeyedForm,
    UswdsFormMixin,
    local_datetime_field,
    now_to_the_minute,
)

from .models import AnalyteResult, ScreenMethod, Specimen
from .queries_screens import analyte_label, ordered_analytes

RESULT_PREFIX = "result_"


class ChoosePanelForm(UswdsFormMixin, forms.Form):
    panel = forms.ModelChoiceField(queryset=None, to_field_name="uuid", label="Panel",
                                   empty_label=None)

    def __init__(self, *args, panels=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["panel"].queryset = panels


class ScreenForm(KeyedForm):
    """A collected screen on one panel: a radio per analyte on that panel."""

    panel = forms.ModelChoiceField(queryset=None, to_field_name="uuid", widget=forms.HiddenInput,
                                   error_messages={"invalid_choice": "Choose one of this "
                                                   "organisation's active panels."})
    specimen = forms.ChoiceField(choices=Specimen.choices, label="Specimen")
    collected_at = local_datetime_field("Collected at", "the specimen was collected")
    collected_by = forms.ModelChoiceField(queryset=None, to_field_name="uuid",
                                          label="Collected by")
    observed_by = forms.ModelChoiceField(queryset=None, to_field_name="uuid", required=False,
                                         label="Observed by (optional)",
                                         empty_label="Not observed")
    method = forms.ChoiceField(choices=ScreenMethod.choices, label="Method",
                               initial=ScreenMethod.POINT_OF_CARE)
    confirms = forms.ModelChoiceField(
        queryset=None, to_field_name="uuid", required=False, empty_label="None",
        label="Laboratory result confirming which point-of-care screen (optional)")
    dilute = forms.BooleanField(required=False, label="Dilute specimen")
    adulterated = forms.BooleanField(required=False, label="Adulteration suspected")
    reported_use = forms.CharField(
        required=False, label="What the person tells us about their use (optional)",
        help_text="In their words where possible. Shown beside the results.",
        widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, panel, panels, staff, earlier, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.panel_obj = panel
        self.fields["panel"].queryset = panels
        self.fields["collected_by"].queryset = staff
        self.fields["observed_by"].queryset = staff
        self.fields["confirms"].queryset = earlier
        self.fields["confirms"].label_from_instance = (
            lambda s: f"{timezone.localtime(s.collected_at):%d %b %Y %H:%M} — {s.panel.name}")
        for code in ordered_analytes(panel.analytes):
            self.fields[RESULT_PREFIX + code] = forms.ChoiceField(
                label=analyte_label(code), choices=AnalyteResult.choices,
                widget=forms.RadioSelect(attrs={"class": "usa-radio__input"}),
                error_messages={"required": f"Choose a result for {analyte_label(code)}."})
        if not self.is_bound:
            self.initial.update({"panel": panel.uuid, "specimen": panel.specimen,
                                 "collected_at": now_to_the_minute(),
                                 "collected_by": getattr(user, "uuid", None)})

    def result_fields(self):
        return [self[RESULT_PREFIX + code] for code in ordered_analytes(self.panel_obj.analytes)]

    def results(self) -> dict:
        """Every result typed, including one for an analyte not on the panel (a crafted
        post): the action refuses it by name rather than the form dropping it silently."""
        typed = {k[len(RESULT_PREFIX):]: v for k, v in self.data.items()
                 if k.startswith(RESULT_PREFIX)}
        typed.update({code: self.cleaned_data[RESULT_PREFIX + code]
                      for code in self.panel_obj.analytes
                      if self.cleaned_data.get(RESULT_PREFIX + code)})
        return typed

    def values(self) -> dict:
        data = self.cleaned_data
        return {"panel": data["panel"], "specimen": data["specimen"],
                "collected_at": data["collected_at"], "collected_by": data["collected_by"],
                "observed_by": data.get("observed_by"), "method": data["method"],
                "confirms": data.get("confirms"), "dilute": data["dilute"],
                "adulterated": data["adulterated"], "reported_use": data["reported_use"],
                "results": self.results(), "submission_key": data.get("submission_key")}


class MissedForm(KeyedForm):
    panel = forms.ModelChoiceField(queryset=None, to_field_name="uuid", label="Panel",
                                   empty_label=None)
    scheduled_for = local_datetime_field("The screen was due at", "the screen was due")

    def __init__(self, *args, panels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["panel"].queryset = panels


class AmendForm(UswdsFormMixin, forms.Form):
    analyte = forms.ChoiceField(label="Analyte")
    to_result = forms.ChoiceField(label="Corrected result", choices=AnalyteResult.choices,
                                  widget=forms.RadioSelect(attrs={"class": "usa-radio__input"}))
    reason = forms.CharField(label="Reason for the amendment", max_length=300,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "Give the reason for the amendment."})

    def __init__(self, *args, analytes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["analyte"].choices = [(a.code, f"{a.label} (now {a.result.lower()})")
                                          for a in analytes]
