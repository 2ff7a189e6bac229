from modeltranslation.translator import TranslationOptions, register

from .models import (
    Article,
    AssistanceKind,
    ChallengeKind,
    Choice,
    CrossReference,
    Instrument,
    Provision,
    Question,
    Questionnaire,
    Section,
)


@register(Instrument)
class InstrumentTranslation(TranslationOptions):
    fields = ("title", "short_title")
    required_languages = ("en",)


@register(Article)
class ArticleTranslation(TranslationOptions):
    fields = ("title",)
    required_languages = ("en",)


@register(Provision)
class ProvisionTranslation(TranslationOptions):
    fields = ("reference", "requirement")
    required_languages = ("en",)


@register(CrossReference)
class CrossReferenceTranslation(TranslationOptions):
    fields = ("note",)


@register(AssistanceKind)
class AssistanceKindTranslation(TranslationOptions):
    fields = ("label",)
    required_languages = ("en",)


@register(ChallengeKind)
class ChallengeKindTranslation(TranslationOptions):
    fields = ("label",)
    required_languages = ("en",)


@register(Questionnaire)
class QuestionnaireTranslation(TranslationOptions):
    fields = ("title", "description")
    required_languages = {"en": ("title",)}


@register(Section)
class SectionTranslation(TranslationOptions):
    fields = ("title",)
    required_languages = ("en",)


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("text", "help_text")
    required_languages = {"en": ("text",)}


@register(Choice)
class ChoiceTranslation(TranslationOptions):
    fields = ("label",)
    required_languages = ("en",)
