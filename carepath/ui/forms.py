"""USWDS classes for Django form widgets, so templates stay plain."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone


class UswdsFormMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "usa-checkbox__input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "usa-select")
            elif isinstance(widget, forms.Textarea):
                widget.attrs.setdefault("class", "usa-textarea")
            else:
                widget.attrs.setdefault("class", "usa-input")


def add_action_errors(form, exc: ValidationError) -> None:
    """Show an action's ValidationError on the form: field errors by the field, the rest
    at the top. The form keeps everything typed."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# Shared by the chart forms that record when something happened (observations, medication,
# drug screens): a local date-time picker, "now" to the minute, and a one-time form key.
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"},
                                      format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def local_datetime_field(label: str, what: str) -> forms.DateTimeField:
    """A required date and time whose messages say what it is the time of."""
    return forms.DateTimeField(
        label=label, widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS,
        error_messages={"required": f"Enter the date and time {what}.",
                        "invalid": f"Enter the date and time {what}, such as "
                                   "2026-03-14 10:30."})


def now_to_the_minute():
    return timezone.localtime().replace(second=0, microsecond=0)


class KeyedForm(UswdsFormMixin, forms.Form):
    """A form carrying a hidden one-time key, so a re-sent form changes nothing twice."""

    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())
