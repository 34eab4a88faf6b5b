"""The risk-time form: times typed on the organisation's wall clock, turned into aware
datetimes here; the action checks the rest. A refused form keeps everything typed."""

from __future__ import annotations

import uuid
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone

from carepath.ui.forms import UswdsFormMixin

from .actions_windows import LABEL_MAX
from .models import WindowRepeat

DATETIME_WIDGET_ATTRS = {"type": "datetime-local"}
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
REMIND_CHOICES = [(1, "1 hour before"), (2, "2 hours before"), (4, "4 hours before"),
                  (8, "8 hours before"), (12, "12 hours before"), (24, "1 day before"),
                  (48, "2 days before"), (72, "3 days before")]

# Ideas offered beside the name box: (label, repeats). The person's own words win.
SUGGESTIONS = [("Festival", WindowRepeat.NONE), ("Club night", WindowRepeat.WEEKLY),
               ("Weekend", WindowRepeat.WEEKLY), ("Payday", WindowRepeat.MONTHLY),
               ("Anniversary of …", WindowRepeat.NONE)]


def _datetime_field(label: str, hint: str) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, help_text=hint, input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs=DATETIME_WIDGET_ATTRS, format="%Y-%m-%dT%H:%M"),
        error_messages={"required": f"{label}: enter a date and time.",
                        "invalid": f"{label}: enter a date and time, such as "
                                   "2026-07-03 22:00."})


class RiskWindowForm(UswdsFormMixin, forms.Form):
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)
    label = forms.CharField(
        label="Name", max_length=LABEL_MAX,
        help_text="In your own words, such as “Festival”, “Club night” or “Payday”.",
        widget=forms.TextInput(attrs={"list": "risk-window-ideas", "autocomplete": "off"}),
        error_messages={"required": "Name: say what the time is, such as “Festival”.",
                        "max_length": f"Name: keep it to {LABEL_MAX} characters."})
    starts_at = _datetime_field("Starts", "The date and time it begins.")
    ends_at = _datetime_field("Ends", "The date and time it is over.")
    repeats = forms.ChoiceField(
        label="Repeats", choices=WindowRepeat.choices, initial=WindowRepeat.NONE,
        widget=forms.RadioSelect(attrs={"class": "usa-radio__input"}),
        error_messages={"required": "Repeats: choose once, every week or every month.",
                        "invalid_choice": "Repeats: choose once, every week or every month."})
    remind_hours_before = forms.TypedChoiceField(
        label="Remind me", choices=REMIND_CHOICES, coerce=int, initial=4,
        help_text="An extra check-in and a coping idea from your plan, this long before.",
        error_messages={"required": "Remind me: choose how long before.",
                        "invalid_choice": "Remind me: choose from 1 to 72 hours before."})

    def __init__(self, *args, tz: ZoneInfo, **kwargs):
        super().__init__(*args, **kwargs)
        self.tz = tz
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())

    def full_clean(self):
        # Typed on the organisation's wall clock, whatever the server's zone; a time that
        # a clock change skips or repeats is refused by Django with a message saying so.
        with timezone.override(self.tz):
            super().full_clean()
