"""Drug-screen panels are reference data an administrator manages: every change is
recorded in the audit chain, like the other admins (AuditedAdminMixin)."""

from django import forms
from django.contrib import admin

from carepath.accounts.admin import AuditedAdminMixin

from .models import ANALYTES, Panel


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
