from django import forms

from carepath.ui.forms import UswdsFormMixin

from .actions import EDITABLE_FIELDS
from .models import CONSENT_DATA_CATEGORIES, CareTeamRole, ConsentRegime, LevelOfCare, Patient

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PatientForm(UswdsFormMixin, forms.ModelForm):
    class Meta:
        model = Patient
        fields = EDITABLE_FIELDS
        widgets = {"date_of_birth": DATE}
        help_texts = {
            "date_of_birth": "For example 2001-04-28.",
            "nhs_number": "Optional. 10 digits; spaces are fine.",
            "pronouns": "Optional, for example they/them.",
        }


class PatientCreateForm(PatientForm):
    confirm_duplicate = forms.BooleanField(
        required=False, label="I have checked: this is a different person; create the record")


class CareTeamForm(UswdsFormMixin, forms.Form):
    user = forms.ModelChoiceField(queryset=None, label="Staff member", to_field_name="uuid")
    role = forms.ChoiceField(choices=CareTeamRole.choices, label="Role on the care team")

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff


class EpisodeOpenForm(UswdsFormMixin, forms.Form):
    reason = forms.CharField(max_length=300, label="Reason for referral")
    level_of_care = forms.ChoiceField(choices=LevelOfCare.choices)


class LevelChangeForm(UswdsFormMixin, forms.Form):
    level_of_care = forms.ChoiceField(choices=LevelOfCare.choices, label="New level of care")
    reason = forms.CharField(max_length=300, label="Reason for the change")


class EpisodeCloseForm(UswdsFormMixin, forms.Form):
    closed_reason = forms.CharField(max_length=300, label="Reason for closing")


class ConsentForm(UswdsFormMixin, forms.Form):
    regime = forms.ChoiceField(choices=ConsentRegime.choices, label="Legal basis")
    recipient = forms.CharField(max_length=200, help_text="The named person or organisation.")
    purpose = forms.CharField(max_length=300, help_text="Why the information is disclosed.")
    data_categories = forms.MultipleChoiceField(
        choices=CONSENT_DATA_CATEGORIES, widget=forms.CheckboxSelectMultiple,
        label="Information that may be disclosed")
    starts_on = forms.DateField(widget=DATE, label="Starts on")
    expires_on = forms.DateField(widget=DATE, label="Expires on")


class RevokeConsentForm(UswdsFormMixin, forms.Form):
    reason = forms.CharField(max_length=300, required=False, label="Reason (optional)")
