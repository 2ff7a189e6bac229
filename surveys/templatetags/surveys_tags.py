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


@register.simple_tag(takes_context=True)
def code_list_labels(context, kind, codes):
    """Codes of the assistance block as labels. The two short code lists are read once per request,
    not once per answer shown (a history or comparison page shows many)."""
    # Kept on the request: each {% include %} of an answer gets a render context of its own.
    holder = context.get("request") or context.render_context
    cache = getattr(holder, "_surveys_code_list_labels", None)
    if cache is None:
        cache = {}
        holder._surveys_code_list_labels = cache
    if kind not in cache:
        model = AssistanceKind if kind == "assistance" else ChallengeKind
        cache[kind] = {item.code: item.label for item in model.objects.all()}
    labels = cache[kind]
    return ", ".join(str(labels.get(c, c)) for c in codes or [])


@register.filter
def is_choice_kind(question):
    return question.kind in Question.CHOICE_KINDS


@register.filter
def is_blank(value):
    """No answer at all: nothing, an empty text or an empty list."""
    return value is None or value == "" or value == []
