"""Forms of step 2, consult a professional."""

from __future__ import annotations

from django import forms

from carepath.ui.forms import UswdsFormMixin

from .actions_consult import NOTES_MAX
from .forms_plans import SubmissionKeyMixin


class ChooseServiceForm(forms.Form):
    service = forms.UUIDField(error_messages={
        "required": "Choose an advisor or interventionist from the list.",
        "invalid": "Choose an advisor or interventionist from the list."})


class RequestAdvisorForm(SubmissionKeyMixin, UswdsFormMixin, forms.Form):
    question = forms.CharField(
        label="Anything the intake team should know before they call you (optional)",
        required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Keep it short. They will call or email you, not the person.")


class NotesForm(UswdsFormMixin, forms.Form):
    notes = forms.CharField(label="Notes from the team's talks with the professional",
                            required=False, max_length=NOTES_MAX,
                            widget=forms.Textarea(attrs={"rows": 5}))
