"""Authoring in the admin: drafts are edited with the six languages side by side; published versions
are read-only, with the way forward (copy into a new draft) explained."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline, TranslationTabularInline

from .models import (
    Article,
    AssistanceKind,
    ChallengeKind,
    Choice,
    Condition,
    CrossReference,
    Instrument,
    Provision,
    Question,
    Questionnaire,
    Section,
)
from .services.authoring import condition_errors, questionnaire_ensure_editable


class LockedWhenPublishedMixin:
    """Objects of a version that is no longer a draft can be read but not changed."""

    def _questionnaire_of(self, obj):
        if obj is None:
            return None
        return obj if isinstance(obj, Questionnaire) else getattr(obj, "questionnaire", None)

    def has_change_permission(self, request, obj=None):
        questionnaire = self._questionnaire_of(obj)
        if questionnaire is not None and not questionnaire.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        questionnaire = self._questionnaire_of(obj)
        if questionnaire is not None and not questionnaire.is_editable:
            return False
        return super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        questionnaire = self._questionnaire_of(obj)
        if questionnaire is not None and not questionnaire.is_editable:
            try:
                questionnaire_ensure_editable(questionnaire)
            except ValidationError as error:
                messages.warning(request, " ".join(error.messages))
        return super().change_view(request, object_id, form_url, extra_context)


class DraftOnlyForm(forms.ModelForm):
    """New sections and questions may only be added to a draft."""

    def clean(self):
        data = super().clean()
        questionnaire = data.get("questionnaire")
        if questionnaire is not None:
            questionnaire_ensure_editable(questionnaire)
        return data


class ChoiceInline(TranslationTabularInline):
    model = Choice
    extra = 0


class ConditionInlineForm(forms.ModelForm):
    class Meta:
        model = Condition
        fields = ("depends_on", "values")

    def clean(self):
        data = super().clean()
        question = self.instance.question if self.instance.question_id else None
        parent = getattr(self, "parent_question", None) or question
        if data.get("depends_on") and parent is not None and parent.pk:
            errors = condition_errors(
                depends_on=data["depends_on"], values=data.get("values") or [], target_question=parent
            )
            if errors:
                raise ValidationError(errors)
        return data


class ConditionInline(admin.TabularInline):
    model = Condition
    fk_name = "question"
    form = ConditionInlineForm
    extra = 0
    raw_id_fields = ("depends_on",)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        class BoundForm(formset.form):
            parent_question = obj

        formset.form = BoundForm
        return formset


@admin.register(Questionnaire)
class QuestionnaireAdmin(LockedWhenPublishedMixin, TranslationAdmin):
    list_display = ("code", "title", "status", "published_at", "previous")
    list_filter = ("status",)
    readonly_fields = ("status", "published_at", "previous")
    search_fields = ("code", "title")


@admin.register(Section)
class SectionAdmin(LockedWhenPublishedMixin, TranslationAdmin):
    form = DraftOnlyForm
    list_display = ("code", "title", "questionnaire", "position")
    list_filter = ("questionnaire", "instrument")
    search_fields = ("code", "title")
    raw_id_fields = ("article",)


@admin.register(Question)
class QuestionAdmin(LockedWhenPublishedMixin, TranslationAdmin):
    form = DraftOnlyForm
    list_display = ("code", "kind", "questionnaire", "section", "required")
    list_filter = ("questionnaire", "kind", "required", "section__instrument")
    search_fields = ("code", "text")
    raw_id_fields = ("section", "provision", "continues")
    inlines = [ChoiceInline, ConditionInline]


class ProvisionInline(TranslationStackedInline):
    model = Provision
    extra = 0


@admin.register(Instrument)
class InstrumentAdmin(TranslationAdmin):
    list_display = ("code", "short_title", "adopted_on", "entered_into_force_on")


@admin.register(Article)
class ArticleAdmin(TranslationAdmin):
    list_display = ("__str__", "instrument", "number")
    list_filter = ("instrument",)
    inlines = [ProvisionInline]


@admin.register(Provision)
class ProvisionAdmin(TranslationAdmin):
    list_display = ("code", "reference", "obligation", "theme")
    list_filter = ("article__instrument", "obligation", "theme")
    search_fields = ("code", "requirement")


@admin.register(CrossReference)
class CrossReferenceAdmin(TranslationAdmin):
    list_display = ("source", "target", "note")
    raw_id_fields = ("source", "target")


@admin.register(AssistanceKind, ChallengeKind)
class CodeListAdmin(TranslationAdmin):
    list_display = ("code", "label", "position", "is_active")
    list_editable = ("position", "is_active")
