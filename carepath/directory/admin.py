"""Services are reference data and may also be kept in the Django admin. Changes made
there are audited like those on the staff pages (object type ``directory.service``)."""

from django.contrib import admin
from django.utils import timezone

from carepath.audit import log as audit
from carepath.audit.models import Action

from .actions_services import OBJECT_TYPE
from .models import Service


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "provider", "town", "postcode", "country", "places_available",
                    "capacity_confirmed_at", "active"]
    list_filter = ["country", "active", "offers_withdrawal", "offers_residential",
                   "offers_intensive_outpatient", "offers_outpatient", "offers_aftercare"]
    search_fields = ["name", "provider", "town", "postcode"]
    readonly_fields = ["uuid", "created_at", "updated_at", "updated_by"]
    raw_id_fields = ["operated_by"]

    def save_model(self, request, obj, form, change):
        obj.updated_at = timezone.now()
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def _audit(self, request, obj, action, message=""):
        audit.record(audit.Context.from_request(request, via="admin"), action, obj=obj,
                     object_type=OBJECT_TYPE, details={"change": str(message)[:500]})

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
