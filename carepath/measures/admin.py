"""Instrument settings are reference data: an administrator switches an instrument off or
picks a published cut-off. Changes are audited like every admin change."""

from django import forms
from django.contrib import admin

from carepath.accounts.admin import AuditedAdminMixin

from . import catalogue
from .models import InstrumentSetting


class InstrumentSettingForm(forms.ModelForm):
    instrument_id = forms.ChoiceField(choices=lambda: [(i, i) for i in catalogue.ids()])

    class Meta:
        model = InstrumentSetting
        fields = ["organisation", "instrument_id", "enabled", "parameters"]

    def clean(self):
        data = super().clean()
        instrument = data.get("instrument_id")
        if instrument:
            defn = catalogue.get(instrument)
            declared = defn.scoring.get("parameters", {})
            for name, value in (data.get("parameters") or {}).items():
                if name not in declared:
                    self.add_error("parameters", f"{instrument} has no parameter {name!r}.")
                elif value not in declared[name]["allowed"]:
                    self.add_error("parameters", f"{name} must be one of "
                                                 f"{declared[name]['allowed']}.")
            if not data.get("enabled", True) and not defn.switchable:
                self.add_error("enabled", f"{defn.title} cannot be switched off.")
        return data


@admin.register(InstrumentSetting)
class InstrumentSettingAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = InstrumentSettingForm
    list_display = ["instrument_id", "organisation", "enabled", "parameters"]
    list_filter = ["organisation", "enabled"]
