"""Forms for the intake pipeline. They parse what was typed; the rules (who can be
reached, which stage may follow which) live in actions_enquiries, whose field errors
the views put back on these forms."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib.auth import get_user_model

from carepath.accounts.models import AccountType, Role
from carepath.patients.models import SexAtBirth
from carepath.ui.forms import UswdsFormMixin

from . import queries_enquiries as queries
from .actions_enquiries import TRANSITIONS
from .models.enquiries import EnquirySource, PreferredContact, Stage

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
INTAKE_ROLES = (Role.INTAKE_ADVISOR, Role.CLINICIAN, Role.SUPERVISOR)
ASSESSOR_ROLES = (Role.CLINICIAN, Role.NURSE, Role.PRESCRIBER, Role.SUPERVISOR)


def intake_staff(organisation_id):
    return get_user_model().objects.filter(
        organisation_id=organisation_id, account_type=AccountType.STAFF, is_active=True,
        role__in=INTAKE_ROLES).order_by("last_name", "first_name", "pk")


def assessors(organisation_id):
    return get_user_model().objects.filter(
        organisation_id=organisation_id, account_type=AccountType.STAFF, is_active=True,
        role__in=ASSESSOR_ROLES).order_by("last_name", "first_name", "pk")


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name} ({obj.get_role_display()})"


class EnquiryForm(UswdsFormMixin, forms.Form):
    """A phone call, a family member or friend calling, or a professional referral.
    Nearly everything is optional here: the action says what is missing, in words."""

    source = forms.ChoiceField(
        label="How did this enquiry come in?",
        choices=[(v, label) for v, label in EnquirySource.choices
                 if v != EnquirySource.CALLBACK])
    given_name = forms.CharField(max_length=100, required=False,
                                 label="Given name of the person who needs help")
    family_name = forms.CharField(max_length=100, required=False, label="Family name")
    date_of_birth = forms.DateField(required=False, widget=DATE, label="Date of birth",
                                    help_text="If known. For example 2001-04-28.")
    phone = forms.CharField(max_length=40, required=False, label="Their phone number")
    email = forms.EmailField(required=False, label="Their email address")
    preferred_contact = forms.ChoiceField(choices=PreferredContact.choices,
                                          label="How they prefer to be contacted")
    best_time = forms.CharField(max_length=100, required=False, label="Best time to contact")
    postcode = forms.CharField(max_length=20, required=False, label="Postcode or ZIP")
    contact_consent = forms.BooleanField(
        required=False, label="They agreed that we may store these contact details to get "
        "back to them")
    caller_name = forms.CharField(max_length=150, required=False,
                                  label="Caller's name (if someone called on their behalf)")
    caller_relationship = forms.CharField(max_length=60, required=False,
                                          label="Caller's relationship to the person",
                                          help_text="For example mother, partner, GP.")
    caller_phone = forms.CharField(max_length=40, required=False, label="Caller's phone number")
    caller_email = forms.EmailField(required=False, label="Caller's email address")
    referrer_organisation = forms.CharField(
        max_length=200, required=False, label="Referring organisation",
        help_text="For a professional referral: the GP practice, hospital or service.")
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}),
                              label="What they told us")
    risk_flagged = forms.BooleanField(
        required=False, label="Needs urgent attention (a risk was mentioned)")
    assigned_to = StaffChoiceField(queryset=None, required=False, to_field_name="uuid",
                                   label="Assigned to", empty_label="Nobody yet")
    next_action = forms.CharField(max_length=200, required=False, label="Next action")
    next_action_due = forms.DateField(required=False, widget=DATE, label="Next action due on")
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, organisation_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = intake_staff(organisation_id)
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())

    SECTIONS = (
        ("How it came in", ("source", "referrer_organisation")),
        ("The person who needs help", ("given_name", "family_name", "date_of_birth", "phone",
                                       "email", "preferred_contact", "best_time", "postcode",
                                       "contact_consent")),
        ("Someone calling on their behalf", ("caller_name", "caller_relationship",
                                             "caller_phone", "caller_email")),
        ("What they told us", ("summary", "risk_flagged")),
        ("What happens next", ("assigned_to", "next_action", "next_action_due")),
    )

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]


class StageForm(UswdsFormMixin, forms.Form):
    stage = forms.ChoiceField(label="Move to stage")
    note = forms.CharField(max_length=500, required=False, label="Note",
                           widget=forms.Textarea(attrs={"rows": 2}))
    outcome_reason = forms.CharField(
        max_length=300, required=False, label="Outcome reason",
        help_text="Needed for referred elsewhere and not proceeding.")

    def __init__(self, *args, current_stage=Stage.NEW, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [("", "Choose a stage")] + [
            (s, Stage(s).label) for s in TRANSITIONS.get(current_stage, ())]
        self.fields["stage"].error_messages["required"] = "Choose the stage to move to."
        self.fields["stage"].error_messages["invalid_choice"] = (
            "That stage cannot follow the current one; choose one from the list.")


class NextActionForm(UswdsFormMixin, forms.Form):
    next_action = forms.CharField(max_length=200, required=False, label="Next action",
                                  help_text="For example: call back after 6pm.")
    next_action_due = forms.DateField(required=False, widget=DATE, label="Due on")
    assigned_to = StaffChoiceField(queryset=None, required=False, to_field_name="uuid",
                                   label="Assigned to", empty_label="Nobody")

    def __init__(self, *args, organisation_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = intake_staff(organisation_id)
        self.fields["next_action_due"].error_messages["invalid"] = (
            "Enter the due date as a date, for example 2026-05-01.")


class FilterForm(UswdsFormMixin, forms.Form):
    """GET filters: stages, sources and staff UUIDs only, never a name."""

    stage = forms.ChoiceField(required=False, label="Stage")
    source = forms.ChoiceField(required=False, label="Source",
                               choices=[("", "Any source"), *EnquirySource.choices])
    assignee = forms.ChoiceField(required=False, label="Assigned to")
    overdue = forms.BooleanField(required=False, label="Overdue only")

    def __init__(self, *args, organisation_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [("", "Open (not closed)"), (queries.ALL, "All stages"),
                                        *Stage.choices]
        staff = [(str(u.uuid), u.display_name) for u in intake_staff(organisation_id)]
        self.fields["assignee"].choices = [("", "Anyone"), (queries.UNASSIGNED, "Nobody"),
                                           *staff]

    def filters(self) -> queries.Filters:
        if not self.is_valid():
            return queries.Filters()
        data = self.cleaned_data
        return queries.Filters(stage=data["stage"] or queries.OPEN, source=data["source"],
                               assignee=data["assignee"], overdue=data["overdue"])


class ConvertForm(UswdsFormMixin, forms.Form):
    """Only what the patient record needs and the enquiry may lack; the rest is copied."""

    legal_given_name = forms.CharField(max_length=100, label="Legal given name")
    legal_family_name = forms.CharField(max_length=100, label="Legal family name")
    preferred_name = forms.CharField(max_length=100, required=False, label="Preferred name")
    date_of_birth = forms.DateField(widget=DATE, label="Date of birth",
                                    help_text="For example 2001-04-28.")
    sex_at_birth = forms.ChoiceField(choices=SexAtBirth.choices, label="Sex at birth",
                                     initial=SexAtBirth.NOT_STATED)
    confirm_duplicate = forms.BooleanField(
        required=False, label="I have checked: these are not the same person; create a new "
        "record")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in (("legal_given_name", "legal given name"),
                            ("legal_family_name", "legal family name"),
                            ("date_of_birth", "date of birth")):
            self.fields[name].error_messages["required"] = (
                f"Enter the person's {label}; the patient record needs it.")
        self.fields["date_of_birth"].error_messages["invalid"] = (
            "Enter the date of birth as a date, for example 2001-04-28.")

    @staticmethod
    def initial_from(enquiry) -> dict:
        return {"legal_given_name": enquiry.given_name, "legal_family_name": enquiry.family_name,
                "date_of_birth": enquiry.date_of_birth}

    def extra(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "confirm_duplicate"}


class BookForm(UswdsFormMixin, forms.Form):
    assessor = StaffChoiceField(queryset=None, to_field_name="uuid", label="Clinician",
                                empty_label="Choose a clinician")
    booked_for = forms.DateTimeField(widget=DATETIME, label="Date and time",
                                     input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                     help_text="For example 2026-05-01 14:30.")
    # A one-time key: a double click or a re-sent form finds the first booking.
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, organisation_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())
        self.fields["assessor"].queryset = assessors(organisation_id)
        self.fields["assessor"].error_messages["required"] = (
            "Choose the clinician who will do the assessment.")
        self.fields["booked_for"].error_messages.update(
            required="Choose the date and time of the assessment.",
            invalid="Enter the date and time of the assessment, for example 2026-05-01 14:30.")
