from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from . import services
from .models import ConferenceSession, ReportJob


@admin.register(ConferenceSession)
class ConferenceSessionAdmin(TranslationAdmin):
    list_display = ("number", "title", "start_date", "end_date", "venue", "symbol_prefix", "data_cutoff")
    search_fields = ("title", "venue", "symbol_prefix")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and services.permissions.can_manage_sessions(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and services.permissions.can_manage_sessions(
            request.user
        )

    def save_model(self, request, obj, form, change):
        # Audited like sessions saved through the service.
        services.session_admin_save(by=request.user, session=obj, changed_fields=form.changed_data)


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
    list_display = ("session", "kind", "language", "country", "status", "progress", "pages", "created_at")
    list_filter = ("kind", "language", "status")
    readonly_fields = [field.name for field in ReportJob._meta.fields]

    def has_add_permission(self, request):
        return False
