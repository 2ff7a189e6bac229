"""Money in the current language's conventions (CLDR through Babel) and small helpers of the assistance pages."""

from decimal import Decimal

from babel.numbers import format_currency
from django import template
from django.utils.translation import get_language, to_locale

register = template.Library()

STATUS_BADGES = {
    "identified": "text-bg-secondary",
    "shared": "text-bg-info",
    "matched": "text-bg-primary",
    "in_progress": "text-bg-warning",
    "met": "text-bg-success",
    "withdrawn": "text-bg-light border",
    "open": "text-bg-info",
    "accepted": "text-bg-success",
    "declined": "text-bg-secondary",
    "planned": "text-bg-primary",
    "completed": "text-bg-success",
    "cancelled": "text-bg-light border",
    "high": "text-bg-danger",
    "medium": "text-bg-warning",
    "low": "text-bg-secondary",
}


@register.filter
def money(amount, currency="USD"):
    """`{{ amount|money:"EUR" }}` → "€250,000.00" in English, "250 000,00 €" in French."""
    if amount is None or amount == "":
        return ""
    locale = to_locale(get_language() or "en")
    return format_currency(Decimal(amount), currency or "USD", locale=locale)


@register.filter
def badge(status):
    """The Bootstrap badge classes of a status or priority."""
    return STATUS_BADGES.get(str(status), "text-bg-secondary")
