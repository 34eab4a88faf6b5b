"""Recovery reference data in the admin: how patients reach their care team (shown on the
crisis page). Health data (check-ins, plans, presses) is never edited here: it would
bypass the actions and their audit. Changes are audited like other admin changes."""

from django.contrib import admin

from carepath.audit import log as audit
from carepath.audit.models import Action

from .models import CareTeamContact


@admin.register(CareTeamContact)
class CareTeamContactAdmin(admin.ModelAdmin):
    list_display = ["organisation", "phone", "hours"]
    search_fields = ["organisation__name"]
    fields = ["organisation", "phone", "hours", "out_of_hours"]

    def _audit(self, request, obj, action, message=""):
        audit.record(audit.Context.from_request(request, via="admin"), action,
                     object_type=obj._meta.label_lower, object_id=str(obj.pk),
                     details={"change": str(message)[:500]})

    def log_addition(self, request, obj, message):
        self._audit(request, obj, Action.CREATE, message)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._audit(request, obj, Action.UPDATE, message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            self._audit(request, obj, Action.DELETE)
        return super().log_deletions(request, queryset)
