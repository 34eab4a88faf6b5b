"""Programmes, their timetables (slots) and rooms are reference data, kept in the admin.
Changes are audited like other admin changes (object types treatment.programme, .room)."""

from django.contrib import admin

from carepath.audit import log as audit
from carepath.audit.models import Action

from .models import Programme, ProgrammeSlot, Room


class _AuditedAdmin(admin.ModelAdmin):
    def _audit(self, request, obj, action, message=""):
        audit.record(audit.Context.from_request(request, via="admin"), action,
                     object_type=obj._meta.label_lower,
                     object_id=str(getattr(obj, "uuid", obj.pk)),
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


class ProgrammeSlotInline(admin.TabularInline):
    model = ProgrammeSlot
    extra = 0
    fields = ["weekday", "start_time", "duration_minutes", "session_type", "format", "title",
              "week_from", "week_to", "capacity", "clinician", "room"]
    raw_id_fields = ["clinician"]


@admin.register(Programme)
class ProgrammeAdmin(_AuditedAdmin):
    list_display = ["name", "organisation", "level_of_care", "duration_days", "active"]
    list_filter = ["level_of_care", "active"]
    search_fields = ["name"]
    readonly_fields = ["uuid"]
    inlines = [ProgrammeSlotInline]


@admin.register(Room)
class RoomAdmin(_AuditedAdmin):
    list_display = ["name", "organisation", "capacity"]
    search_fields = ["name"]
