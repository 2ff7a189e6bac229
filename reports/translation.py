from modeltranslation.translator import TranslationOptions, register

from .models import ConferenceSession


@register(ConferenceSession)
class ConferenceSessionTranslation(TranslationOptions):
    """A session's title and venue appear on the cover of reports in every language."""

    fields = ("title", "venue")
    required_languages = ("en",)
