"""Forms for consented sharing. They parse; the actions (actions_sharing,
actions_encouragement) decide. A refused form keeps everything typed."""

from __future__ import annotations

import uuid

from django import forms

from carepath.ui.forms import UswdsFormMixin

from .actions_encouragement import TEXT_MAX
from .actions_sharing import DEFAULT_PURPOSE, PURPOSE_MAX

# The choices as the patient reads them, in three groups. Nothing is ticked for them:
# consent is something the person does, not a default (docs/consented-sharing.md).
EVERYDAY = [
    ("attendance", "Attendance: whether I went to my sessions"),
    ("milestones", "Milestones: my days in recovery and programmes I complete"),
    ("appointments", "Upcoming appointments: dates and times, not what they are about"),
    ("encouragement", "Encouragement: they can send me short messages"),
]
CLINICAL = [
    ("clinical_notes", "My clinical notes: what my care team writes about my sessions "
                       "(not counselling notes)"),
    ("measures", "My questionnaire scores: the name of each questionnaire, the date, the "
                 "score and what it means"),
]
COUNSELLING = [
    ("counselling_notes", "My SUD counselling notes: the most private notes from my "
                          "counselling. Only on a consent of their own."),
]


class GrantForm(UswdsFormMixin, forms.Form):
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)
    email = forms.CharField(
        label="Their email address", max_length=254, required=False,
        help_text="The address they use for their CarePath family account.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    categories = forms.MultipleChoiceField(
        label="What they may see", required=False, choices=EVERYDAY + CLINICAL + COUNSELLING,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"}),
        error_messages={"invalid_choice": "What: choose from the list."})
    purpose = forms.CharField(
        label="Why you are sharing", max_length=PURPOSE_MAX, required=False,
        initial=DEFAULT_PURPOSE,
        error_messages={"max_length": f"Why: keep it to {PURPOSE_MAX} characters."})
    expires_on = forms.DateField(
        label="Share until", required=False,
        help_text="The last day they can see it. At most one year from today; you can "
                  "stop sharing sooner at any time.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Until: enter a date, such as 2026-12-31."})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())

    def boxes(self, group):
        """The checkboxes of one group, for the template."""
        values = {value for value, _ in group}
        return [box for box in self["categories"] if box.data["value"] in values]

    def everyday_boxes(self):
        return self.boxes(EVERYDAY)

    def clinical_boxes(self):
        return self.boxes(CLINICAL)

    def counselling_boxes(self):
        return self.boxes(COUNSELLING)


class RevokeForm(forms.Form):
    consent = forms.UUIDField()
    reason = forms.CharField(max_length=300, required=False)


class EncouragementSettingForm(forms.Form):
    encouragement_on = forms.TypedChoiceField(choices=[("1", "on"), ("0", "off")],
                                              coerce=lambda v: v == "1")


class EncourageForm(UswdsFormMixin, forms.Form):
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(
        label="Your message", max_length=TEXT_MAX,
        help_text=f"A few kind words, up to {TEXT_MAX} characters.",
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": TEXT_MAX}),
        error_messages={"required": "Message: write a few words first.",
                        "max_length": f"Message: keep it to {TEXT_MAX} characters."})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())
