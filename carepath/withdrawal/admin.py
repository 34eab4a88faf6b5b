"""Admin for red-flag rules: reference data, not health data."""

from django import forms
from django.contrib import admin, messages

from . import redflags
from .models import RedFlagRule


@admin.action(description="Copy CarePath's default red-flag rules into these rules' "
                          "organisations (existing codes are kept)")
def copy_defaults(modeladmin, request, queryset):
    added = 0
    for organisation_id in set(queryset.values_list("organisation_id", flat=True)):
        added += install_default_rules(organisation_id)
    messages.success(request, f"{added} default rules added.")


def install_default_rules(organisation_id) -> int:
    """Copy DEFAULT_RULES into the organisation's own rows (then edit them). Idempotent."""
    added = 0
    for rule in redflags.DEFAULT_RULES:
        _, created = RedFlagRule.objects.get_or_create(
            organisation_id=organisation_id, code=rule.code,
            defaults={"label": rule.label, "field": rule.field,
                      "comparator": rule.comparator, "threshold": rule.threshold})
        added += created
    return added


class RedFlagRuleForm(forms.ModelForm):
    class Meta:
        model = RedFlagRule
        fields = ["organisation", "code", "label", "field", "comparator", "threshold",
                  "active"]
        help_texts = {"field": "A vital (heart_rate, systolic, diastolic, temperature, "
                               "respiratory_rate, spo2), craving, or symptom:<key> "
                               "(symptom keys are listed in docs/withdrawal.md)."}

    def clean_field(self):
        value = self.cleaned_data["field"].strip()
        if not redflags.valid_field(value):
            raise forms.ValidationError(
                f"{value!r} is not a field the rules can read: use a vital, 'craving' or "
                "'symptom:<key>'.")
        return value


@admin.register(RedFlagRule)
class RedFlagRuleAdmin(admin.ModelAdmin):
    form = RedFlagRuleForm
    list_display = ["code", "label", "field", "comparator", "threshold", "active",
                    "organisation"]
    list_filter = ["organisation", "active"]
    search_fields = ["code", "label"]
    actions = [copy_defaults]
