"""USWDS classes for Django form widgets, so templates stay plain."""

from django import forms
from django.core.exceptions import ValidationError


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
