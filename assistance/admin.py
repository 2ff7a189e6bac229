from django.contrib import admin

from .models import Activity, Contribution, ExchangeRate, Need, Offer, Provider


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "country")
    list_filter = ("kind",)
    search_fields = ("name",)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Needs, offers, activities, rates and contributions change through the portal's pages, where every
    change is checked and audited; the admin only shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Need)
class NeedAdmin(ReadOnlyAdmin):
    list_display = ("pk", "country", "instrument", "provision", "kind", "priority", "status", "source")
    list_filter = ("status", "priority", "source", "instrument", "country__regional_group")
    search_fields = ("country__name", "description", "provision__code")
    list_select_related = ("country", "instrument", "provision", "kind")


@admin.register(Offer)
class OfferAdmin(ReadOnlyAdmin):
    list_display = ("pk", "provider", "need", "status", "created_at")
    list_filter = ("status",)
    list_select_related = ("provider", "need__country", "need__kind", "need__provision", "need__instrument")


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ("title", "provider", "country", "status", "starts_on", "ends_on")
    list_filter = ("status",)
    search_fields = ("title", "provider__name", "country__name")
    list_select_related = ("provider", "country")


@admin.register(ExchangeRate)
class ExchangeRateAdmin(ReadOnlyAdmin):
    list_display = ("month", "currency", "units_per_usd")
    list_filter = ("month",)
    search_fields = ("currency",)


@admin.register(Contribution)
class ContributionAdmin(ReadOnlyAdmin):
    list_display = ("date", "donor", "kind", "amount", "currency", "amount_usd", "earmark")
    list_filter = ("kind", "earmark")
    search_fields = ("donor__name", "reference")
    list_select_related = ("donor",)
