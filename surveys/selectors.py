"""Reads for questionnaires. Each page gets everything it shows in a fixed number of queries."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, QuerySet

from portal.models import SECRETARIAT_ROLES, Role, User

from .models import (
    Answer,
    Attachment,
    Choice,
    Comment,
    Condition,
    CrossReference,
    Instrument,
    Question,
    Questionnaire,
    Response,
    Section,
)
from .structure import Structure, structure_for
from .values import is_answered, visible_question_ids


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


# --- Filling ------------------------------------------------------------------------------------------------


def responses_visible_to(user: User) -> QuerySet[Response]:
    """Scoped by State before anything else: national users see their own State's responses only."""
    responses = Response.objects.select_related("questionnaire", "country")
    if user.role in SECRETARIAT_ROLES:
        return responses
    if user.role in (Role.FOCAL_POINT, Role.CONTRIBUTOR):
        return responses.filter(country_id=user.country_id)
    return responses.none()


@dataclass
class SectionProgress:
    section: Section
    in_scope: bool
    shown: int = 0
    answered: int = 0
    required_missing: int = 0
    open_comments: int = 0

    @property
    def percent(self):
        return round(100 * self.answered / self.shown) if self.shown else 100


@dataclass
class ResponseState:
    response: Response
    structure: Structure
    scope: set[int]
    answers: dict[int, Answer]
    values: dict[int, object]
    visible: set[int]
    open_comments: dict[int, int]
    progress: list[SectionProgress] = field(default_factory=list)

    @property
    def shown_total(self):
        return sum(p.shown for p in self.progress if p.in_scope)

    @property
    def answered_total(self):
        return sum(p.answered for p in self.progress if p.in_scope)

    @property
    def percent(self):
        return round(100 * self.answered_total / self.shown_total) if self.shown_total else 0

    @property
    def missing(self) -> list[Question]:
        return missing_questions(structure=self.structure, values=self.values, scope=self.scope)


def response_scope(response: Response, structure: Structure) -> set[int]:
    """Instrument ids the response covers: those the State is party to, plus those it opted into."""
    from portal.models import TreatyParticipation

    party = set(
        TreatyParticipation.objects.filter(country_id=response.country_id, status="party").values_list(
            "treaty", flat=True
        )
    )
    ids = {s.instrument_id for s in structure.sections if s.instrument.code in party}
    ids |= {i.pk for i in response.extra_instruments.all()}
    return ids


def missing_questions(*, structure: Structure, values: dict[int, object], scope: set[int]) -> list[Question]:
    """Required questions, shown and in scope, that have no answer yet: what stands between a response
    and its submission."""
    visible = visible_question_ids(structure, values)
    sections = {s.pk: s for s in structure.sections}
    return [
        q
        for q in structure.questions
        if q.required
        and q.pk in visible
        and sections[q.section_id].instrument_id in scope
        and not is_answered(q.kind, values.get(q.pk))
    ]


def response_state(response: Response, *, section: Section | None = None) -> ResponseState:
    """Everything the response pages show about where the State stands, in a fixed number of queries.

    Values of every answer are read (for progress and conditions); whole answers, with who changed
    them, only for the questions of `section`.
    """
    structure = structure_for(response.questionnaire)
    scope = response_scope(response, structure)
    values = dict(Answer.objects.filter(response=response).values_list("question_id", "value"))
    answers = {}
    if section is not None:
        answers = {
            a.question_id: a
            for a in Answer.objects.filter(response=response, question__section=section).select_related(
                "updated_by"
            )
        }
    visible = visible_question_ids(structure, values)
    open_comments = dict(
        Comment.objects.filter(response=response, resolved_at__isnull=True)
        .values("question_id")
        .annotate(n=Count("id"))
        .values_list("question_id", "n")
    )
    state = ResponseState(response, structure, scope, answers, values, visible, open_comments)
    for section in structure.sections:
        progress = SectionProgress(section=section, in_scope=section.instrument_id in scope)
        for question in structure.by_section.get(section.pk, []):
            if question.pk not in visible:
                continue
            progress.shown += 1
            progress.open_comments += open_comments.get(question.pk, 0)
            if is_answered(question.kind, values.get(question.pk)):
                progress.answered += 1
            elif question.required:
                progress.required_missing += 1
        state.progress.append(progress)
    return state


def reuse_offers(state: ResponseState, questions: list[Question]) -> dict[int, list[dict]]:
    """Answers that could serve for each question: the same question of a cross-referenced provision in
    this response, and the State's accepted answer to the question it continues in the earlier version."""
    structure = state.structure
    provision_codes = {q.provision_id: q.provision.code for q in structure.questions if q.provision_id}
    offers: dict[int, list[dict]] = {}
    previous_values = {}
    previous = state.response.questionnaire.previous_id
    if previous and any(q.continues_id for q in questions):
        previous_values = dict(
            Answer.objects.filter(
                response__questionnaire_id=previous,
                response__country_id=state.response.country_id,
                response__status=Response.Status.ACCEPTED,
                question_id__in=[q.continues_id for q in questions if q.continues_id],
            ).values_list("question_id", "value")
        )
    for question in questions:
        if is_answered(question.kind, state.values.get(question.pk)):
            continue
        found = []
        if question.provision_id:
            suffix = question.code.rsplit("-", 1)[-1]
            for related in structure.related_provisions.get(question.provision_id, []):
                other = structure.by_code.get(f"{provision_codes.get(related)}-{suffix}")
                if (
                    other is not None
                    and other.kind == question.kind
                    and is_answered(other.kind, state.values.get(other.pk))
                ):
                    found.append({"kind": "crossref", "question": other, "value": state.values[other.pk]})
        if question.continues_id and is_answered(question.kind, previous_values.get(question.continues_id)):
            found.append(
                {"kind": "previous", "question": None, "value": previous_values[question.continues_id]}
            )
        if found:
            offers[question.pk] = found
    return offers


def section_attachments(response: Response, question_ids) -> dict[int, list[Attachment]]:
    result: dict[int, list[Attachment]] = {}
    for attachment in Attachment.objects.filter(
        answer__response=response, answer__question_id__in=question_ids, removed_at__isnull=True
    ).select_related("answer"):
        result.setdefault(attachment.answer.question_id, []).append(attachment)
    return result


# --- Review -------------------------------------------------------------------------------------------------


@dataclass
class QueueRow:
    country: object
    response: Response | None
    status: str
    required_total: int
    required_answered: int
    last_activity: object
    days_since_submission: int | None
    overdue: bool

    @property
    def percent(self):
        return round(100 * self.required_answered / self.required_total) if self.required_total else 0

    @property
    def status_label(self):
        return Response.Status(self.status).label


def review_queue(questionnaire: Questionnaire, *, today=None) -> list[QueueRow]:
    """Every State with its response (or none yet) to a cycle, in a constant number of queries.

    Progress counts the required questions of the instruments the State answers for (the compliance
    question of each provision) that have an answer.
    """
    from django.db.models import Max
    from django.utils import timezone

    from portal.models import Country, TreatyParticipation

    today = today or timezone.localdate()
    structure = structure_for(questionnaire)
    instrument_by_code = {s.instrument.code: s.instrument_id for s in structure.sections}
    section_instrument = {s.pk: s.instrument_id for s in structure.sections}
    required_per_instrument: dict[int, int] = {}
    required_ids = set()
    for question in structure.questions:
        if question.required:
            required_ids.add(question.pk)
            instrument = section_instrument[question.section_id]
            required_per_instrument[instrument] = required_per_instrument.get(instrument, 0) + 1
    parties: dict[int, set[int]] = {}
    for country_id, treaty in TreatyParticipation.objects.filter(status="party").values_list(
        "country_id", "treaty"
    ):
        if treaty in instrument_by_code:
            parties.setdefault(country_id, set()).add(instrument_by_code[treaty])
    responses = {
        r.country_id: r
        for r in Response.objects.filter(questionnaire=questionnaire)
        .annotate(last_activity=Max("answers__updated_at"))
        .prefetch_related("extra_instruments")
    }
    # Counted by the database: one row per (response, instrument), not one per answer.
    answered: dict[tuple[int, int], int] = {
        (response_id, instrument_id): n
        for response_id, instrument_id, n in Answer.objects.filter(
            response__questionnaire=questionnaire, question_id__in=required_ids
        )
        .values("response_id", "question__section__instrument_id")
        .annotate(n=Count("id"))
        .values_list("response_id", "question__section__instrument_id", "n")
    }
    rows = []
    for country in Country.objects.all():
        response = responses.get(country.pk)
        scope = set(parties.get(country.pk, set()))
        if response is not None:
            scope |= {i.pk for i in response.extra_instruments.all()}
        status = response.status if response else Response.Status.NOT_STARTED
        submitted_at = response.submitted_at if response else None
        done = status not in Response.EDITABLE_STATUSES
        rows.append(
            QueueRow(
                country=country,
                response=response,
                status=status,
                required_total=sum(required_per_instrument.get(i, 0) for i in scope),
                required_answered=sum(answered.get((response.pk, i), 0) for i in scope) if response else 0,
                last_activity=getattr(response, "last_activity", None) if response else None,
                days_since_submission=(today - timezone.localdate(submitted_at)).days
                if submitted_at
                else None,
                overdue=bool(questionnaire.deadline and today > questionnaire.deadline and not done),
            )
        )
    return rows


def comments_for(response: Response, question_ids) -> dict[int, list[Comment]]:
    threads: dict[int, list[Comment]] = {}
    for comment in Comment.objects.filter(response=response, question_id__in=question_ids).select_related(
        "author"
    ):
        threads.setdefault(comment.question_id, []).append(comment)
    return threads
