"""Users and the organisation: reference data, managed by administrators."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Organisation, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "time_zone"]
    readonly_fields = ["next_mrn"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "account_type", "role", "is_active"]
    list_filter = ["account_type", "role", "is_active"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("CarePath", {"fields": ("organisation", "account_type", "role", "supervisor")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("CarePath", {"fields": ("organisation", "account_type", "role", "supervisor")}),
    )
