"""Forms for enrolment, sessions, attendance and outreach: they parse what was typed;
the actions check it. A refused form keeps everything typed."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from carepath.accounts.models import AccountType
from carepath.ui.forms import UswdsFormMixin

from .actions_programmes import LEAD_ROLES
from .models import (
    AttendanceStatus,
    OutreachOutcome,
    Programme,
    Room,
    SessionFormat,
    SessionType,
)

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def leads(organisation_id):
    return (get_user_model().objects.filter(organisation_id=organisation_id,
                                            account_type=AccountType.STAFF, is_active=True,
                                            role__in=LEAD_ROLES)
            .order_by("last_name", "first_name", "pk"))


def _label_user(user):
    return f"{user.display_name} ({user.get_role_display()})"


class _KeyedForm(UswdsFormMixin, forms.Form):
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())


class EnrolForm(_KeyedForm):
    programme = forms.ModelChoiceField(
        queryset=Programme.objects.none(), label="Programme",
        error_messages={"required": "Choose a programme.",
                        "invalid_choice": "Choose a programme from the list."})
    starts_on = forms.DateField(
        label="Starts on", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Enter the date the programme starts.",
                        "invalid": "Enter the start date, such as 2026-03-14."})
    clinician = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), label="Individual sessions with",
        help_text="Leads the programme's individual sessions unless the programme names "
                  "someone.",
        error_messages={"required": "Choose who leads the individual sessions.",
                        "invalid_choice": "Choose who leads the individual sessions from the "
                                          "list."})

    def __init__(self, *args, organisation_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.filter(
            organisation_id=organisation_id, active=True).order_by("name")
        self.fields["programme"].label_from_instance = lambda p: (
            f"{p.name} ({p.get_level_of_care_display()}, {p.duration_days} days)")
        self.fields["clinician"].queryset = leads(organisation_id)
        self.fields["clinician"].label_from_instance = _label_user
        if not self.is_bound:
            self.initial.setdefault("starts_on", timezone.localdate())


class _TimesMixin(forms.Form):
    starts_at = forms.DateTimeField(
        label="Starts at", widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS,
        error_messages={"required": "Enter the date and time the session starts.",
                        "invalid": "Enter the date and time, such as 2026-03-14 10:30."})
    duration_minutes = forms.IntegerField(
        label="Duration (minutes)", min_value=1, max_value=100000,
        error_messages={"required": "Enter the duration in minutes.",
                        "invalid": "Enter the duration as a whole number of minutes."})
    room = forms.ModelChoiceField(queryset=Room.objects.none(), required=False,
                                  label="Room", empty_label="No room")
    confirm_overlap = forms.BooleanField(
        required=False, label="Book it anyway: I have checked the overlap")


class ScheduleForm(_KeyedForm, _TimesMixin):
    session_type = forms.ChoiceField(choices=SessionType.choices, label="Kind of session")
    format = forms.ChoiceField(choices=SessionFormat.choices, label="Format")
    title = forms.CharField(required=False, max_length=120, label="Title (optional)",
                            help_text="Shown on calendars: never a patient's name.")
    clinician = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), label="Led by",
        error_messages={"required": "Choose who leads the session.",
                        "invalid_choice": "Choose who leads the session from the list."})
    capacity = forms.IntegerField(required=False, min_value=2, max_value=50,
                                  label="Places (group or family)",
                                  error_messages={"min_value": "Places must be between 2 and 50.",
                                                  "max_value": "Places must be between 2 and 50."})

    field_order = ["session_type", "format", "title", "starts_at", "duration_minutes",
                   "clinician", "room", "capacity", "confirm_overlap", "submission_key"]

    def __init__(self, *args, organisation_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clinician"].queryset = leads(organisation_id)
        self.fields["clinician"].label_from_instance = _label_user
        self.fields["room"].queryset = Room.objects.filter(
            organisation_id=organisation_id).order_by("name")
        if not self.is_bound:
            soon = (timezone.localtime() + timedelta(days=1)).replace(minute=0, second=0,
                                                                       microsecond=0)
            self.initial.setdefault("starts_at", soon)
            self.initial.setdefault("duration_minutes", 60)


class RescheduleForm(UswdsFormMixin, _TimesMixin):
    reason = forms.CharField(max_length=300, label="Why is it moved?",
                             error_messages={"required": "Say why the session is moved."})

    def __init__(self, *args, organisation_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = Room.objects.filter(
            organisation_id=organisation_id).order_by("name")


class CancelForm(UswdsFormMixin, forms.Form):
    reason = forms.CharField(max_length=300, label="Why is it cancelled?",
                             error_messages={"required": "Say why the session is cancelled."})


RECORDABLE = [("", "Not recorded yet")] + [
    (value, label) for value, label in AttendanceStatus.choices
    if value != AttendanceStatus.EXPECTED]


class AttendanceForm(UswdsFormMixin, forms.Form):
    """One status and reason pair per attendee the user may change, in one form."""

    def __init__(self, *args, attendances=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for row in attendances:
            status = f"status_{row.uuid}"
            reason = f"reason_{row.uuid}"
            name = row.patient.display_name
            self.fields[status] = forms.ChoiceField(
                choices=RECORDABLE, required=False, label=f"Attendance of {name}",
                initial="" if row.status == AttendanceStatus.EXPECTED else row.status)
            self.fields[reason] = forms.CharField(
                required=False, max_length=300, label=f"Reason {name}'s place was cancelled",
                initial=row.cancelled_reason)
            self.rows.append((row, status, reason))

    def bound_rows(self):
        return [(row, self[status], self[reason]) for row, status, reason in self.rows]

    def entries(self) -> dict:
        return {str(row.uuid): (self.cleaned_data.get(status) or "",
                                self.cleaned_data.get(reason) or "")
                for row, status, reason in self.rows}


class CloseOutreachForm(UswdsFormMixin, forms.Form):
    outcome = forms.ChoiceField(choices=[("", "Choose")] + OutreachOutcome.choices,
                                label="What happened?",
                                error_messages={"required": "Choose what happened."})
    note = forms.CharField(required=False, max_length=2000, label="Note (optional)",
                           widget=forms.Textarea(attrs={"rows": 2}))


class AddToGroupForm(UswdsFormMixin, forms.Form):
    session = forms.UUIDField(widget=forms.HiddenInput)
