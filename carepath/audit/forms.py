from django import forms

from carepath.ui.forms import UswdsFormMixin

from .models import Action

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AuditFilterForm(UswdsFormMixin, forms.Form):
    username = forms.CharField(required=False, max_length=150, label="User (username)")
    mrn = forms.CharField(required=False, max_length=20, label="Patient MRN")
    date_from = forms.DateField(required=False, widget=DATE, label="From")
    date_to = forms.DateField(required=False, widget=DATE, label="To")
    action = forms.ChoiceField(required=False, choices=[("", "Any action"), *Action.choices])
    denied_only = forms.BooleanField(required=False, label="Refusals only")

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", "The end date is before the start date.")
        return data
