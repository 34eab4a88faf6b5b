"""The check-in form: it parses what was tapped and typed for the action, which checks
every range and names the field; a refused form keeps everything."""

from __future__ import annotations

import re
import uuid

from django import forms

from carepath.ui.forms import UswdsFormMixin

# Offered as checkboxes; anything else can be typed. Chosen because they are the ones
# most often used alongside ketamine in the seeds and CLINICAL.md (co-dependence on
# alcohol, benzodiazepines or GHB changes the level of care).
COMMON_SUBSTANCES = ["Alcohol", "Cannabis", "Cocaine", "MDMA", "Benzodiazepines",
                     "GHB or GBL", "Nitrous oxide", "Opioids"]
SCALE = [(str(n), str(n)) for n in range(11)]
YES_NO = [("yes", "Yes"), ("no", "No")]
_SPLIT = re.compile(r"[,;\n]+")


def _scale(label: str, low: str, high: str, *, required=True) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=SCALE, coerce=int, empty_value=None, required=required,
        widget=forms.RadioSelect, help_text=f"0 {low}, 10 {high}",
        error_messages={"required": f"{label}: choose a whole number from 0 to 10.",
                        "invalid_choice": f"{label} must be a whole number from 0 to 10."})


def _yes_no(label: str, *, required=True) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=YES_NO, coerce=lambda v: v == "yes", empty_value=None,
        required=required, widget=forms.RadioSelect,
        error_messages={"required": f"{label}: answer yes or no.",
                        "invalid_choice": f"{label}: answer yes or no."})


def _others(text: str) -> list[str]:
    return [part.strip() for part in _SPLIT.split(text or "") if part.strip()]


def plan_triggers(plan) -> list[str]:
    """The triggers written in the person's plan (short texts), for the checkboxes."""
    if plan is None:
        return []
    found = []
    for item in plan.triggers or []:
        text = item.get("text", "") if isinstance(item, dict) else str(item)
        text = " ".join(text.split())[:80]
        if text and text not in found:
            found.append(text)
    return found


class CheckInForm(UswdsFormMixin, forms.Form):
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)
    craving = _scale("Craving for ketamine today", "none", "the strongest you can imagine")
    mood = _scale("Mood today", "very low", "very good")
    sleep_hours = forms.CharField(
        label="Hours of sleep last night", required=False, max_length=6,
        help_text="For example 7 or 6.5. Leave blank if you are not sure.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    used_ketamine = _yes_no("Did you use ketamine today?")
    other_substances = forms.MultipleChoiceField(
        label="Did you use anything else today?", required=False,
        choices=[(s, s) for s in COMMON_SUBSTANCES], widget=forms.CheckboxSelectMultiple)
    other_substances_other = forms.CharField(
        label="Something else (separate with commas)", required=False, max_length=400)
    triggers = forms.MultipleChoiceField(
        label="Did you meet any of your triggers today?", required=False, choices=[],
        widget=forms.CheckboxSelectMultiple)
    triggers_other = forms.CharField(
        label="Another trigger (separate with commas)", required=False, max_length=400)
    bladder_pain = _scale("Bladder or pelvic pain today", "none", "the worst you can imagine")
    blood_in_urine = _yes_no("Have you seen blood in your urine?")
    support_contact = _yes_no("Were you in touch with someone who supports your recovery "
                              "today?", required=False)
    note = forms.CharField(label="Anything else you want to note", required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
    checkin_date = forms.DateField(
        label="Day this check-in is about", required=False,
        help_text="Today unless you are catching up on a day in the last week.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Date must be a date such as 2026-03-14."})

    def __init__(self, *args, triggers: list[str] | None = None, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        offered = list(triggers or [])
        # A trigger ticked on a plan since changed stays offered when the form comes back.
        for ticked in self.data.getlist("triggers") if self.is_bound else []:
            if ticked not in offered and len(ticked) <= 80:
                offered.append(ticked)
        self.fields["triggers"].choices = [(t, t) for t in offered]
        if not offered:
            self.fields["triggers_other"].label = ("Did you meet any triggers today? "
                                                   "(separate with commas)")
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())
            self.initial.setdefault("bladder_pain", "0")
            if today is not None:
                self.initial.setdefault("checkin_date", today)

    @property
    def has_plan_triggers(self) -> bool:
        return bool(self.fields["triggers"].choices)

    def to_data(self) -> dict:
        """What the action checks: the same fields the API takes."""
        d = self.cleaned_data
        return {
            "checkin_date": d.get("checkin_date"),
            "craving": d.get("craving"),
            "mood": d.get("mood"),
            "sleep_hours": (d.get("sleep_hours") or "").strip() or None,
            "used_ketamine": d.get("used_ketamine"),
            "other_substances": list(d.get("other_substances") or [])
            + _others(d.get("other_substances_other")),
            "triggers": list(d.get("triggers") or []) + _others(d.get("triggers_other")),
            "bladder_pain": d.get("bladder_pain"),
            "blood_in_urine": d.get("blood_in_urine"),
            "support_contact": d.get("support_contact"),
            "note": d.get("note") or "",
        }

