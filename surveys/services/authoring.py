"""Writing questionnaires: the rules that keep a version consistent, publishing, and copying a version
into a new draft."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.models import User

from ..models import Choice, Condition, Question, Questionnaire, Section

TRANSLATED_SUFFIXES = ("en", "ar", "es", "fr", "ru", "zh_hans")


def questionnaire_ensure_editable(questionnaire: Questionnaire) -> None:
    """Refuse any change to a version that is no longer a draft, saying how to change it instead."""
    if not questionnaire.is_editable:
        raise ValidationError(
            _(
                "The questionnaire “%(code)s” is %(status)s and can no longer change, so that every answer "
                "stays tied to the wording that was asked. Copy it into a new draft, change the draft, "
                "then publish the draft."
            )
            % {"code": questionnaire.code, "status": questionnaire.get_status_display().lower()},
            code="not_editable",
        )


def question_order_key(question: Question, section: Section | None = None) -> tuple:
    section = section or question.section
    return (section.position, question.position, question.code)


def condition_errors(
    *,
    depends_on: Question,
    values: Iterable[str],
    target_question: Question | None = None,
    target_section: Section | None = None,
    choice_values: dict[int, set[str]] | None = None,
) -> list[str]:
    """Why a display condition would be wrong, as translated sentences (empty when it is right).

    `choice_values` maps question ids to their choice values; it saves a query per condition when many
    conditions are checked together.
    """
    errors = []
    values = list(values)
    target = target_question or target_section
    target_label = target.code if target is not None else "?"
    if target is not None and depends_on.questionnaire_id != target.questionnaire_id:
        errors.append(
            _("The condition of %(target)s points to %(source)s, which belongs to another questionnaire.")
            % {"target": target_label, "source": depends_on.code}
        )
        return errors
    if not depends_on.has_choices:
        errors.append(
            _("The condition of %(target)s points to %(source)s, which is not a question with choices.")
            % {"target": target_label, "source": depends_on.code}
        )
        return errors
    if target_question is not None:
        if depends_on.pk == target_question.pk:
            errors.append(_("The question %(target)s cannot depend on itself.") % {"target": target_label})
        elif question_order_key(depends_on) >= question_order_key(target_question):
            errors.append(
                _(
                    "The condition of %(target)s points to %(source)s, which comes later: a condition may only "
                    "depend on an earlier question."
                )
                % {"target": target_label, "source": depends_on.code}
            )
    if target_section is not None and depends_on.section.position >= target_section.position:
        errors.append(
            _("The condition of section %(target)s points to %(source)s, which is not in an earlier section.")
            % {"target": target_label, "source": depends_on.code}
        )
    if not values:
        errors.append(_("The condition of %(target)s names no value.") % {"target": target_label})
    if choice_values is not None:
        known = choice_values.get(depends_on.pk, set())
    else:
        known = set(depends_on.choices.values_list("value", flat=True))
    unknown = [value for value in values if value not in known]
    if unknown:
        errors.append(
            _("The condition of %(target)s uses values that %(source)s does not offer: %(values)s.")
            % {"target": target_label, "source": depends_on.code, "values": ", ".join(unknown)}
        )
    return errors


def _dependency_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """A cycle in the graph 'shown item -> item it depends on', if any (as a list of codes)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in edges.get(node, ()):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if state.get(nxt) is None and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in list(edges):
        if state.get(node) is None and (found := visit(node)):
            return found
    return None


def questionnaire_errors(questionnaire: Questionnaire) -> list[str]:
    """Every reason this version could not be published; empty when it is consistent."""
    errors = []
    sections = {s.pk: s for s in questionnaire.sections.all()}
    questions = list(questionnaire.questions.all())
    if not questions:
        errors.append(_("The questionnaire has no question."))
    by_id = {q.pk: q for q in questions}
    choice_values: dict[int, set[str]] = {}
    for question_id, value in Choice.objects.filter(question__questionnaire=questionnaire).values_list(
        "question_id", "value"
    ):
        choice_values.setdefault(question_id, set()).add(value)
    for question in questions:
        question.section = sections[question.section_id]
        if question.has_choices and not choice_values.get(question.pk):
            errors.append(_("The question %(code)s has no choices.") % {"code": question.code})
        if not question.text_en:
            errors.append(_("The question %(code)s has no English text.") % {"code": question.code})
    edges: dict[str, set[str]] = {}
    conditions = (
        Condition.objects.filter(depends_on__questionnaire=questionnaire).select_related(
            "question", "section"
        )
        | Condition.objects.filter(question__questionnaire=questionnaire)
        | Condition.objects.filter(section__questionnaire=questionnaire)
    )
    for condition in conditions.distinct():
        depends_on = by_id.get(condition.depends_on_id)
        target_question = by_id.get(condition.question_id) if condition.question_id else None
        target_section = sections.get(condition.section_id) if condition.section_id else None
        if depends_on is None or (target_question is None and target_section is None):
            errors.append(_("A condition points to a question or section of another questionnaire."))
            continue
        errors.extend(
            condition_errors(
                depends_on=depends_on,
                values=condition.values,
                target_question=target_question,
                target_section=target_section,
                choice_values=choice_values,
            )
        )
        target_code = target_question.code if target_question else f"section:{target_section.code}"
        edges.setdefault(target_code, set()).add(depends_on.code)
    cycle = _dependency_cycle(edges)
    if cycle:
        errors.append(_("The conditions form a cycle: %(cycle)s.") % {"cycle": " → ".join(cycle)})
    return errors


def condition_create(
    *,
    by: User | None,
    depends_on: Question,
    values: list[str],
    question: Question | None = None,
    section: Section | None = None,
) -> Condition:
    """Add a display condition to a draft, refusing one that points nowhere, later, or in a circle."""
    target = question or section
    questionnaire_ensure_editable(target.questionnaire)
    errors = condition_errors(
        depends_on=depends_on, values=values, target_question=question, target_section=section
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        condition = Condition.objects.create(
            question=question, section=section, depends_on=depends_on, values=values
        )
        audit_record(
            actor=by,
            action="questionnaire.condition_added",
            target=condition,
            summary=f"Condition on {target.code}: {depends_on.code} in {values}",
        )
    return condition


def questionnaire_publish(*, by: User | None, questionnaire: Questionnaire) -> Questionnaire:
    """Publish a draft after checking it as a whole. From then on it never changes."""
    questionnaire_ensure_editable(questionnaire)
    errors = questionnaire_errors(questionnaire)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        questionnaire.status = Questionnaire.Status.PUBLISHED
        questionnaire.published_at = timezone.now()
        questionnaire.save(update_fields=["status", "published_at", "updated_at"])
        audit_record(
            actor=by,
            action="questionnaire.published",
            target=questionnaire,
            summary=f"Published questionnaire {questionnaire.code}",
        )
    return questionnaire


def questionnaire_close(*, by: User | None, questionnaire: Questionnaire) -> Questionnaire:
    if questionnaire.status != Questionnaire.Status.PUBLISHED:
        raise ValidationError(_("Only a published questionnaire can be closed."))
    with transaction.atomic():
        questionnaire.status = Questionnaire.Status.CLOSED
        questionnaire.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=by,
            action="questionnaire.closed",
            target=questionnaire,
            summary=f"Closed questionnaire {questionnaire.code}",
        )
    return questionnaire


def _translated(obj, field: str) -> dict[str, str]:
    return {f"{field}_{suffix}": getattr(obj, f"{field}_{suffix}") for suffix in TRANSLATED_SUFFIXES}


def questionnaire_copy(*, by: User | None, source: Questionnaire, code: str) -> Questionnaire:
    """Copy a version into a new draft. Each new question records the question it continues."""
    if Questionnaire.objects.filter(code=code).exists():
        raise ValidationError({"code": _("A questionnaire with this code already exists.")})
    with transaction.atomic():
        draft = Questionnaire(
            code=code,
            status=Questionnaire.Status.DRAFT,
            previous=source,
            **_translated(source, "title"),
            **_translated(source, "description"),
        )
        draft.full_clean()
        draft.save()
        section_map = {}
        for section in source.sections.all():
            section_map[section.pk] = Section.objects.create(
                questionnaire=draft,
                code=section.code,
                instrument_id=section.instrument_id,
                article_id=section.article_id,
                position=section.position,
                **_translated(section, "title"),
            )
        question_map = {}
        for question in source.questions.all():
            question_map[question.pk] = Question(
                questionnaire=draft,
                section=section_map[question.section_id],
                code=question.code,
                kind=question.kind,
                provision_id=question.provision_id,
                position=question.position,
                required=question.required,
                min_value=question.min_value,
                max_value=question.max_value,
                continues=question,
                **_translated(question, "text"),
                **_translated(question, "help_text"),
            )
        Question.objects.bulk_create(question_map.values())
        Choice.objects.bulk_create(
            Choice(
                question=question_map[c.question_id],
                value=c.value,
                position=c.position,
                **_translated(c, "label"),
            )
            for c in Choice.objects.filter(question__questionnaire=source)
        )
        Condition.objects.bulk_create(
            Condition(
                question=question_map.get(c.question_id),
                section=section_map.get(c.section_id),
                depends_on=question_map[c.depends_on_id],
                values=list(c.values),
            )
            for c in Condition.objects.filter(depends_on__questionnaire=source)
        )
        audit_record(
            actor=by,
            action="questionnaire.copied",
            target=draft,
            summary=f"Copied questionnaire {source.code} into the draft {code}",
        )
    return draft


def questionnaire_set_deadline(*, by: User | None, questionnaire: Questionnaire, deadline) -> Questionnaire:
    """The submission deadline of a cycle. It is not part of the wording, so it may change after publishing."""
    if questionnaire.status == Questionnaire.Status.CLOSED:
        raise ValidationError(_("The cycle is closed."))
    with transaction.atomic():
        previous = questionnaire.deadline
        questionnaire.deadline = deadline
        questionnaire.save(update_fields=["deadline", "updated_at"])
        audit_record(
            actor=by,
            action="questionnaire.deadline_set",
            target=questionnaire,
            summary=f"Deadline of {questionnaire.code}: {previous} → {deadline}",
            data={"from": str(previous), "to": str(deadline)},
        )
    return questionnaire
