"""What an answer's value looks like for each kind of question, when it counts as answered, and whether
a question is shown given the other answers. Plain functions, no database."""

from collections.abc import Mapping

from .models import Question

Kind = Question.Kind


def is_answered(kind: str, value) -> bool:
    if value is None:
        return False
    if kind == Kind.ASSISTANCE:
        return bool(value.get("would_help") or value.get("challenges") or value.get("kinds"))
    if kind in (Kind.MULTIPLE_CHOICE, Kind.LEGISLATION, Kind.FILE):
        return bool(value)
    return value != ""


def _condition_met(source_kind: str, source_value, values: list[str]) -> bool:
    if source_value is None:
        return False
    if source_kind == Kind.MULTIPLE_CHOICE:
        return bool(set(source_value) & set(values))
    return source_value in values


def visible_question_ids(structure, values: Mapping[int, object]) -> set[int]:
    """Questions shown given the current answers (question id -> value): every condition of the question
    and of its section must hold. Conditions only point backwards, so one pass in order suffices."""
    visible: set[int] = set()
    section_shown = {}
    for section in structure.sections:
        section_shown[section.pk] = all(
            source in visible and _condition_met(structure.by_id[source].kind, values.get(source), wanted)
            for source, wanted in structure.section_conditions.get(section.pk, ())
        )
    for question in structure.questions:
        if not section_shown.get(question.section_id, True):
            continue
        if all(
            source in visible and _condition_met(structure.by_id[source].kind, values.get(source), wanted)
            for source, wanted in structure.conditions.get(question.pk, ())
        ):
            visible.add(question.pk)
    return visible


MAX_TEXT = 100_000
YES_NO = ("yes", "no")


def value_errors(question: Question, value, *, assistance_kinds=(), challenge_kinds=()) -> list[str]:
    """Why a value does not fit its question (translated sentences), or an empty list."""
    from decimal import Decimal, InvalidOperation

    from django.utils.dateparse import parse_date
    from django.utils.translation import gettext as _

    if value is None:
        return []
    kind = question.kind
    choice_values = {c.value for c in question.choices.all()} if question.has_choices else set()
    if kind in (Kind.COMPLIANCE, Kind.SINGLE_CHOICE):
        if value != "" and value not in choice_values:
            return [_("Choose one of the offered answers.")]
    elif kind == Kind.MULTIPLE_CHOICE:
        if not isinstance(value, list) or not set(value) <= choice_values:
            return [_("Choose among the offered answers.")]
    elif kind == Kind.LONG_TEXT:
        if not isinstance(value, str):
            return [_("Enter text.")]
        if len(value) > MAX_TEXT:
            return [_("The text is longer than %(max)s characters.") % {"max": MAX_TEXT}]
    elif kind == Kind.NUMBER:
        if value == "":
            return []
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return [_("Enter a number.")]
        if not number.is_finite():
            return [_("Enter a number.")]
        if question.min_value is not None and number < question.min_value:
            return [
                _("Enter a number of at least %(min)s.")
                % {"min": format(Decimal(question.min_value).normalize(), "f")}
            ]
        if question.max_value is not None and number > question.max_value:
            return [
                _("Enter a number of at most %(max)s.")
                % {"max": format(Decimal(question.max_value).normalize(), "f")}
            ]
    elif kind == Kind.DATE:
        if value != "" and (not isinstance(value, str) or parse_date(value) is None):
            return [_("Enter a valid date.")]
    elif kind == Kind.LEGISLATION:
        if not isinstance(value, list):
            return [_("The references could not be read.")]
        for row in value:
            if not isinstance(row, dict) or not row.get("title"):
                return [_("Each reference needs a title.")]
            if row.get("url") and not str(row["url"]).startswith(("http://", "https://")):
                return [_("Links must start with http:// or https://.")]
            if row.get("in_force_on") and parse_date(str(row["in_force_on"])) is None:
                return [_("Enter a valid date.")]
            if any(len(str(v)) > 2000 for v in row.values()):
                return [_("The text is longer than %(max)s characters.") % {"max": 2000}]
    elif kind == Kind.ASSISTANCE:
        if not isinstance(value, dict):
            return [_("The answer could not be read.")]
        errors = []
        if not set(value.get("challenges") or []) <= set(challenge_kinds):
            errors.append(_("Choose among the offered challenges."))
        if not set(value.get("kinds") or []) <= set(assistance_kinds):
            errors.append(_("Choose among the offered kinds of assistance."))
        for key in ("would_help", "receiving"):
            if value.get(key) not in ("", None, *YES_NO):
                errors.append(_("Answer yes or no."))
        if any(isinstance(v, str) and len(v) > MAX_TEXT for v in value.values()):
            errors.append(_("The text is longer than %(max)s characters.") % {"max": MAX_TEXT})
        return errors
    return []
