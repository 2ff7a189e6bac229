from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .models import ConferenceSession, ReportJob


@admin.register(ConferenceSession)
class ConferenceSessionAdmin(TranslationAdmin):
    list_display = ("number", "title", "start_date", "end_date", "venue", "symbol_prefix", "data_cutoff")
    search_fields = ("title", "venue", "symbol_prefix")


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
    list_display = ("session", "kind", "language", "country", "status", "progress", "pages", "created_at")
    list_filter = ("kind", "language", "status")
    readonly_fields = [field.name for field in ReportJob._meta.fields]

    def has_add_permission(self, request):
        return False
