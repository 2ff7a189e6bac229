"""Template helpers for the PDF reports."""

import unicodedata

from django import template

register = template.Library()


@register.filter
def text_dir(value) -> str:
    """ "rtl" or "ltr" from the first strongly directional character of a user's text, so that a Latin
    reference in an Arabic document (or Arabic text in an English one) keeps its own order."""
    for char in str(value or ""):
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "auto"
