from django import template

from ..models import AssistanceKind, ChallengeKind, Question

register = template.Library()


@register.simple_tag
def choice_labels(question, value):
    """Choice values as their labels (uses the question's prefetched choices)."""
    labels = {c.value: c.label for c in question.choices.all()}
    if isinstance(value, list):
        return ", ".join(labels.get(v, v) for v in value)
    return labels.get(value, value)


@register.simple_tag
def code_list_labels(kind, codes):
    model = AssistanceKind if kind == "assistance" else ChallengeKind
    labels = dict(model.objects.filter(code__in=codes or []).values_list("code", "label"))
    return ", ".join(str(labels.get(c, c)) for c in codes or [])


@register.filter
def is_choice_kind(question):
    return question.kind in Question.CHOICE_KINDS


@register.filter
def is_blank(value):
    """No answer at all: nothing, an empty text or an empty list."""
    return value is None or value == "" or value == []
