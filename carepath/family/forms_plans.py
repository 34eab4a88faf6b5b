"""Forms of the planner's start and step 1 (plan and team). The forms only parse; the
actions hold the rules (a past date, an address already on the team) so they hold for any
caller. A refused form keeps everything typed."""

from __future__ import annotations

import uuid

from django import forms

from carepath.ui.forms import UswdsFormMixin

from .models import InterventionPlan, MemberRole

DATE_HELP = "For example 2026-06-14. Leave empty if you have not chosen a day yet."


def new_submission_key() -> str:
    return str(uuid.uuid4())


class SubmissionKeyMixin(forms.Form):
    submission_key = forms.UUIDField(required=False, widget=forms.HiddenInput)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        # A date picker needs ISO dates whatever the locale's display format.
        super().__init__(attrs, format="%Y-%m-%d")


class PlanBasicsForm(UswdsFormMixin, forms.Form):
    setting = forms.CharField(
        label="Where will you meet?", max_length=300, required=False,
        help_text=InterventionPlan._meta.get_field("setting").help_text)
    intervention_date = forms.DateField(label="Date of the intervention", required=False,
                                        widget=DateInput, help_text=DATE_HELP)


class PlanNewForm(SubmissionKeyMixin, PlanBasicsForm):
    loved_one_name = forms.CharField(
        label="The name you use for the person you are worried about", max_length=100,
        help_text="A first name or the name the family uses is enough. They never see the plan.",
        error_messages={"required": "Enter the name you use for the person you are "
                                    "worried about."})
    field_order = ["loved_one_name", "setting", "intervention_date"]


class InviteForm(SubmissionKeyMixin, UswdsFormMixin, forms.Form):
    name = forms.CharField(label="Their name", max_length=150,
                           error_messages={"required": "Enter the name of the person to invite."})
    email = forms.EmailField(label="Their email address",
                             error_messages={"required": "Enter their email address.",
                                             "invalid": "Enter an email address like "
                                                        "name@example.org."})
    role = forms.ChoiceField(label="Their role", choices=MemberRole.choices,
                             initial=MemberRole.FAMILY)
    relationship = forms.CharField(label="How they know the person (optional)", max_length=60,
                                   required=False, help_text="For example: sister, best friend.")
    field_order = ["name", "email", "role", "relationship"]


class MemberChoiceForm(forms.Form):
    """Choosing a team member (new chair, or someone to remove)."""

    member = forms.UUIDField(error_messages={"required": "Choose someone on the team.",
                                             "invalid": "Choose someone on the team."})
