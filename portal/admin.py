from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from .models import AuditEvent, Country, Invitation, TreatyParticipation, User


class TreatyParticipationInline(admin.TabularInline):
    model = TreatyParticipation
    extra = 0
    max_num = 4


@admin.register(Country)
class CountryAdmin(TranslationAdmin):
    list_display = ("name", "iso2", "iso3", "kind", "regional_group")
    list_filter = ("kind", "regional_group")
    search_fields = ("name", "iso2", "iso3")
    inlines = [TreatyParticipationInline]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "full_name", "role", "country", "provider", "is_active")
    list_filter = ("role", "is_active", "country__regional_group")
    search_fields = ("email", "full_name")
    autocomplete_fields = ("country",)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name", "preferred_language")}),
        (_("Role"), {"fields": ("role", "country", "provider")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("email", "full_name", "role", "country", "provider", "password1", "password2")}),
    )


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "role", "country", "expires_at", "accepted_at", "revoked_at")
    list_filter = ("role",)
    search_fields = ("email", "full_name")
    readonly_fields = [f.name for f in Invitation._meta.fields]

    def has_add_permission(self, request):
        # Invitations are sent from the Team page, which e-mails the link; a bare row would be useless.
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit trail is append-only: readable here, never editable."""

    list_display = ("created_at", "actor_email", "action", "country", "summary")
    list_filter = ("action",)
    search_fields = ("actor_email", "summary", "object_id")
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
