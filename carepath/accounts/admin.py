"""Users and the organisation: reference data, managed by administrators."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from carepath.audit import log as audit
from carepath.audit.models import Action

from .models import Organisation, User


class AuditedAdminMixin:
    """Role, account and organisation changes are security events: into the audit chain."""

    def _audit(self, request, obj, event, message=""):
        audit.record(audit.Context.from_request(request, via="admin"), Action.SECURITY,
                     object_type=obj._meta.label_lower, object_id=str(getattr(obj, "uuid", obj.pk)),
                     details={"event": event, "change": str(message)[:500]})

    def log_addition(self, request, obj, message):
        self._audit(request, obj, "created", message)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._audit(request, obj, "changed", message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            self._audit(request, obj, "deleted")
        return super().log_deletions(request, queryset)


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "country", "time_zone"]
    readonly_fields = ["next_mrn"]


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
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
