"""Reads for questionnaires. Each page gets everything it shows in a fixed number of queries."""

from django.db.models import Count, Prefetch, QuerySet

from portal.models import SECRETARIAT_ROLES, User

from .models import Choice, Condition, CrossReference, Instrument, Question, Questionnaire, Section


def questionnaires_visible_to(user: User) -> QuerySet[Questionnaire]:
    questionnaires = Questionnaire.objects.annotate(question_count=Count("questions"))
    if user.role in SECRETARIAT_ROLES:
        return questionnaires
    return questionnaires.exclude(status=Questionnaire.Status.DRAFT)


def questionnaire_instruments(questionnaire: Questionnaire) -> list[Instrument]:
    """The instruments a version covers, each with its sections (articles) and their question counts."""
    sections = questionnaire.sections.select_related("article").annotate(question_count=Count("questions"))
    return list(
        Instrument.objects.filter(sections__questionnaire=questionnaire)
        .distinct()
        .prefetch_related(
            Prefetch("sections", queryset=sections.order_by("position"), to_attr="version_sections")
        )
    )


def instrument_reading(
    *, questionnaire: Questionnaire, instrument: Instrument, obligation: str = "", theme: str = ""
) -> list[Section]:
    """Sections of one instrument with their questions, provisions, choices, conditions and
    cross-references, for reading and printing."""
    questions = Question.objects.select_related("provision").prefetch_related(
        Prefetch("choices", queryset=Choice.objects.order_by("position")),
        Prefetch(
            "conditions",
            queryset=Condition.objects.select_related("depends_on").prefetch_related("depends_on__choices"),
        ),
        Prefetch(
            "provision__cross_references_from",
            queryset=CrossReference.objects.select_related("target__article__instrument"),
        ),
        Prefetch(
            "provision__cross_references_to",
            queryset=CrossReference.objects.select_related("source__article__instrument"),
        ),
    )
    if obligation:
        questions = questions.filter(provision__obligation=obligation)
    if theme:
        questions = questions.filter(provision__theme=theme)
    sections = (
        questionnaire.sections.filter(instrument=instrument)
        .select_related("article")
        .prefetch_related(
            Prefetch("questions", queryset=questions.order_by("position"), to_attr="shown_questions")
        )
        .order_by("position")
    )
    return [section for section in sections if section.shown_questions]
