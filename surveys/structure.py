"""The shape of a published questionnaire (sections, questions, choices, conditions, cross-references),
read once per process and kept: a published version never changes, so the cache never goes stale.
Pages use it to compute visibility and progress without querying the questionnaire again."""

import threading
from dataclasses import dataclass, field

from django.db.models import Prefetch

from .models import Choice, Condition, CrossReference, Question, Questionnaire, Section


@dataclass
class Structure:
    questionnaire_id: int
    sections: list[Section]
    questions: list[Question]  # ordered, each with prefetched choices
    by_id: dict[int, Question] = field(default_factory=dict)
    by_code: dict[str, Question] = field(default_factory=dict)
    by_section: dict[int, list[Question]] = field(default_factory=dict)
    conditions: dict[int, list[tuple[int, list[str]]]] = field(
        default_factory=dict
    )  # question -> [(source, values)]
    section_conditions: dict[int, list[tuple[int, list[str]]]] = field(default_factory=dict)
    # provision id -> provision ids of other instruments that ask the same thing
    related_provisions: dict[int, list[int]] = field(default_factory=dict)
    # question id -> the technical-assistance questions whose needs depend on it (itself, or through the
    # conditions that show them); see assistance.services.needs
    assistance_dependents: dict[int, list[int]] = field(default_factory=dict)

    def condition_sources(self, question: Question) -> set[int]:
        """Every question whose answer decides whether `question` is shown (transitively)."""
        sources: set[int] = set()
        pending = [question]
        while pending:
            current = pending.pop()
            pairs = [
                *self.conditions.get(current.pk, ()),
                *self.section_conditions.get(current.section_id, ()),
            ]
            for source, _values in pairs:
                if source not in sources:
                    sources.add(source)
                    pending.append(self.by_id[source])
        return sources

    def section_instrument_ids(self) -> set[int]:
        return {s.instrument_id for s in self.sections}


_cache: dict[tuple[int, str], Structure] = {}
_lock = threading.Lock()


def clear_cache():
    with _lock:
        _cache.clear()


def _build(questionnaire: Questionnaire) -> Structure:
    sections = list(questionnaire.sections.select_related("instrument", "article").order_by("position"))
    questions = list(
        questionnaire.questions.select_related("provision")
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("position")))
        .order_by("section__position", "position", "code")
    )
    structure = Structure(questionnaire_id=questionnaire.pk, sections=sections, questions=questions)
    for question in questions:
        structure.by_id[question.pk] = question
        structure.by_code[question.code] = question
        structure.by_section.setdefault(question.section_id, []).append(question)
    for condition in Condition.objects.filter(depends_on__questionnaire=questionnaire):
        target = (
            structure.conditions.setdefault(condition.question_id, [])
            if condition.question_id
            else structure.section_conditions.setdefault(condition.section_id, [])
        )
        target.append((condition.depends_on_id, list(condition.values)))
    provision_ids = {q.provision_id for q in questions if q.provision_id}
    for source_id, target_id in CrossReference.objects.filter(source_id__in=provision_ids).values_list(
        "source_id", "target_id"
    ):
        structure.related_provisions.setdefault(source_id, []).append(target_id)
        structure.related_provisions.setdefault(target_id, []).append(source_id)
    for question in questions:
        if question.kind == Question.Kind.ASSISTANCE:
            for source in {question.pk, *structure.condition_sources(question)}:
                structure.assistance_dependents.setdefault(source, []).append(question.pk)
    return structure


def structure_for(questionnaire: Questionnaire) -> Structure:
    """The cached structure of a published (or closed) version; drafts are read fresh every time."""
    if questionnaire.is_editable:
        return _build(questionnaire)
    key = (questionnaire.pk, questionnaire.published_at.isoformat() if questionnaire.published_at else "")
    structure = _cache.get(key)
    if structure is None:
        structure = _build(questionnaire)
        with _lock:
            _cache[key] = structure
    return structure
