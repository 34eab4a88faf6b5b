"""Drug-screen panels, CM schedules and each organisation's CM settings are reference data
an administrator manages: every change is recorded in the audit chain, like the other
admins (AuditedAdminMixin). A schedule's parameters are checked by the engine's own
validation (schedules.params_for), so a mistyped schedule is refused naming the field."""

from django import forms
from django.contrib import admin

from carepath.accounts.admin import AuditedAdminMixin

from .models import ANALYTES, CMSchedule, CMSettings, Panel, Target
from .schedules import ScheduleError, params_for


class PanelForm(forms.ModelForm):
    # Ticked from the known analytes, so a panel never names one the screens cannot show.
    analytes = forms.MultipleChoiceField(
        choices=list(ANALYTES.items()), widget=forms.CheckboxSelectMultiple,
        help_text="Ketamine and norketamine are not on standard immunoassay panels: tick "
                  "them when the test names them.")

    class Meta:
        model = Panel
        fields = ["organisation", "name", "specimen", "analytes", "active"]


@admin.register(Panel)
class PanelAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = PanelForm
    list_display = ["name", "organisation", "specimen", "active"]
    list_filter = ["active", "specimen"]



class CMScheduleForm(forms.ModelForm):
    targets = forms.MultipleChoiceField(choices=Target.choices,
                                        widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = CMSchedule
        fields = ["organisation", "programme", "name", "kind", "parameters", "targets", "active"]
        help_texts = {"parameters": "Empty for the defaults (Higgins vouchers or the classic "
                                    "500-slip bowl); see docs/contingency-management.md."}

    def clean(self):
        cleaned = super().clean()
        try:
            params_for(cleaned.get("kind") or "", cleaned.get("parameters") or {})
        except ScheduleError as exc:
            self.add_error("parameters", str(exc))
        return cleaned


@admin.register(CMSchedule)
class CMScheduleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = CMScheduleForm
    list_display = ["name", "organisation", "programme", "kind", "active"]
    list_filter = ["active", "kind"]


@admin.register(CMSettings)
class CMSettingsAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["organisation", "currency", "annual_cap"]
