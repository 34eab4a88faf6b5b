"""The reminder preferences form. The action checks the combination (address on file,
reminder time outside quiet hours) with messages naming the field."""

from __future__ import annotations

from django import forms

from carepath.ui.forms import UswdsFormMixin

from . import reminder_channels

TIME_WIDGET = {"type": "time", "step": 60}


def _time_field(label: str, help_text: str, required_message: str) -> forms.TimeField:
    return forms.TimeField(
        label=label, help_text=help_text, widget=forms.TimeInput(attrs=TIME_WIDGET,
                                                                 format="%H:%M"),
        error_messages={"required": required_message,
                        "invalid": f"{label}: enter a time such as 19:00."})


class ReminderPreferencesForm(UswdsFormMixin, forms.Form):
    reminder_time = _time_field("Time of my daily reminder",
                                "Reminders come at or soon after this time.",
                                "Enter the time for your daily reminder, such as 19:00.")
    channel = forms.ChoiceField(
        label="How to remind me", widget=forms.RadioSelect,
        error_messages={"required": "Choose how to be reminded: email or text message."})
    quiet_start = _time_field("Quiet hours start", "Nothing is sent from this time …",
                              "Enter when your quiet hours start, such as 22:00.")
    quiet_end = _time_field("Quiet hours end", "… until this time. The same start and end "
                                               "means no quiet hours.",
                            "Enter when your quiet hours end, such as 08:00.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [(c.name, c.label)
                                          for c in reminder_channels.CHANNELS.values()]

    def action_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"reminder_time": data["reminder_time"], "channel": data["channel"],
                "quiet_start": data["quiet_start"], "quiet_end": data["quiet_end"]}
