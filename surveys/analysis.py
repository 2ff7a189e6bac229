"""Reads for the Secretariat's analysis of a cycle: compliance per provision (Yes / Yes, in part / No /
not answered), globally and by regional group, and the States behind each figure.

Who is counted: the States expected to answer a provision are those party to its instrument
(`TreatyParticipation` with status "party") plus those whose response opted into the instrument
(`Response.extra_instruments`). Only replies count as answers: a response submitted, under review,
returned for clarification, resubmitted or accepted. A draft in progress is not yet a reply, so its
answers count as "not answered".

Every figure comes from a fixed number of aggregate queries (one GROUP BY over the answers, one over
the participations, one over the opt-ins), whatever the number of States or provisions.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import CharField, Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.fields.json import JSONField
from django.db.models.functions import Cast
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.models import AuditEvent, Country, RegionalGroup, TreatyParticipation, User
from portal.permissions import is_secretariat

from .models import Answer, AnswerRevision, Instrument, Question, Questionnaire, Response
from .structure import structure_for

REPLIED_STATUSES = (
    Response.Status.SUBMITTED,
    Response.Status.UNDER_REVIEW,
    Response.Status.RETURNED,
    Response.Status.RESUBMITTED,
    Response.Status.ACCEPTED,
)
YES, PARTIAL, NO, NOT_ANSWERED = "yes", "partial", "no", "not_answered"
CATEGORIES = (YES, PARTIAL, NO, NOT_ANSWERED)
CATEGORY_LABELS = {
    YES: _("Yes"),
    PARTIAL: _("Yes, in part"),
    NO: _("No"),
    NOT_ANSWERED: _("Not answered"),
}
# Entities outside the five United Nations regional groups (e.g. the European Union) have an empty
# group; this key names them in filters and links.
NO_GROUP = "none"


def can_view_analysis(user: User) -> bool:
    """The analysis and the exports of all States' answers are for the Secretariat only."""
    return is_secretariat(user)


def regional_groups() -> list[tuple[str, str]]:
    """(key, label) of every group a State can be counted in, in display order."""
    return [*RegionalGroup.choices, (NO_GROUP, _("Outside the regional groups"))]


def group_label(key: str) -> str:
    return dict(regional_groups()).get(key, key)


# --- As of a date (the data cut-off of a Conference session) -----------------------------------------------


def value_as_of(as_of: datetime) -> Subquery:
    """For an Answer queryset: the value of the answer's latest revision saved at or before `as_of`
    (NULL when there was none then: the question was not answered yet). One correlated subquery, served
    by the (answer, version) index; portable (no DISTINCT ON)."""
    return Subquery(
        AnswerRevision.objects.filter(answer_id=OuterRef("pk"), changed_at__lte=as_of)
        .order_by("-version")
        .values("value")[:1],
        output_field=JSONField(),
    )


def answers_as_of(answers: QuerySet[Answer], as_of: datetime) -> QuerySet[Answer]:
    """The answers that had a value at `as_of`, annotated `value_then` with it."""
    return answers.annotate(value_then=value_as_of(as_of)).filter(
        Exists(AnswerRevision.objects.filter(answer_id=OuterRef("pk"), changed_at__lte=as_of))
    )


def _status_events(as_of: datetime, *, before: bool) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(
        object_type=Response._meta.label_lower,
        object_id=Cast(OuterRef("pk"), CharField()),
        action__startswith="response.",
        data__has_key="to",
    )
    if before:
        return events.filter(created_at__lte=as_of).order_by("-created_at", "-id")
    return events.filter(created_at__gt=as_of).order_by("created_at", "id")


def statuses_as_of(responses: QuerySet[Response], as_of: datetime) -> dict[int, str]:
    """Each response's status at `as_of`, from the audit trail of its status changes (one query): the
    status the last change before it led to; else the status the first change after it left; else (no
    change recorded at all) the current status. A response created after `as_of` did not exist then."""
    rows = (
        responses.order_by()
        .annotate(
            status_then=Subquery(_status_events(as_of, before=True).values("data__to")[:1]),
            status_before_next=Subquery(_status_events(as_of, before=False).values("data__from")[:1]),
        )
        .values_list("pk", "status", "created_at", "status_then", "status_before_next")
    )
    result = {}
    for pk, status, created_at, then, before_next in rows:
        if created_at > as_of:
            continue
        result[pk] = then or before_next or status
    return result


def replied_as_of(questionnaire: Questionnaire, as_of: datetime) -> list[int]:
    """The responses to `questionnaire` that were replies at `as_of`."""
    statuses = statuses_as_of(Response.objects.filter(questionnaire=questionnaire), as_of)
    return [pk for pk, status in statuses.items() if status in REPLIED_STATUSES]


def _group_key(regional_group: str) -> str:
    return regional_group or NO_GROUP


def percent_text(value: float) -> str:
    """A percentage as written in the current language, rounded to a whole number."""
    # Translators: a percentage, e.g. "25%"; write it as your language does ("25 %", "٪25").
    return gettext("%(value)s%%") % {"value": round(value)}


def category_of(value) -> str:
    """The compliance category of a stored answer value (anything else counts as not answered)."""
    return value if value in (YES, PARTIAL, NO) else NOT_ANSWERED


@dataclass
class Counts:
    expected: int = 0
    yes: int = 0
    partial: int = 0
    no: int = 0

    @property
    def not_answered(self) -> int:
        return max(self.expected - self.yes - self.partial - self.no, 0)

    def get(self, category: str) -> int:
        return getattr(self, category)

    def percent(self, category: str) -> float:
        return 100 * self.get(category) / self.expected if self.expected else 0.0

    def add(self, other: "Counts") -> None:
        self.expected += other.expected
        self.yes += other.yes
        self.partial += other.partial
        self.no += other.no

    def cells(self) -> list[dict]:
        """Per category: key, label, count and percentage, in display order (for tables and charts)."""
        return [
            {
                "key": key,
                "label": CATEGORY_LABELS[key],
                "count": self.get(key),
                "percent": self.percent(key),
                "percent_text": percent_text(self.percent(key)),
            }
            for key in CATEGORIES
        ]


@dataclass
class ProvisionRow:
    """Compliance with one provision, from its compliance question."""

    question: Question
    instrument: Instrument
    counts: Counts

    @property
    def provision(self):
        return self.question.provision


@dataclass
class GroupRow:
    """Totals for one regional group: State × provision pairs, summed over the provisions."""

    key: str
    label: str
    counts: Counts


@dataclass
class InstrumentBlock:
    instrument: Instrument
    rows: list[ProvisionRow] = field(default_factory=list)


@dataclass
class Overview:
    """Everything the analysis page shows, computed from one set of queries."""

    instruments: list[InstrumentBlock]
    groups: list[GroupRow]
    regional_group: str = ""
    # Per instrument code, the regional group totals over its provisions (same tally, no more queries).
    groups_by_instrument: dict[str, list[GroupRow]] = field(default_factory=dict)


@dataclass
class _Tally:
    """Raw counts, keyed by regional group: answers per (question, group, category) and States
    expected per (instrument code, group)."""

    questions: list[Question]
    instruments: dict[int, Instrument]  # question id -> instrument
    answers: dict[tuple[int, str, str], int]
    expected: dict[tuple[str, str], int]


def _compliance_questions(questionnaire: Questionnaire, instrument: str | None):
    structure = structure_for(questionnaire)
    sections = {s.pk: s for s in structure.sections}
    questions, instruments = [], {}
    for question in structure.questions:
        if question.kind != Question.Kind.COMPLIANCE or question.provision_id is None:
            continue
        section_instrument = sections[question.section_id].instrument
        if instrument and section_instrument.code != instrument:
            continue
        questions.append(question)
        instruments[question.pk] = section_instrument
    return questions, instruments


def _answer_in_scope() -> Q:
    """The answer's State is expected to answer the question's instrument: party to it, or opted in."""
    party = TreatyParticipation.objects.filter(
        country_id=OuterRef("response__country_id"),
        treaty=OuterRef("question__section__instrument__code"),
        status=TreatyParticipation.Status.PARTY,
    )
    opted = Response.extra_instruments.through.objects.filter(
        response_id=OuterRef("response_id"), instrument_id=OuterRef("question__section__instrument_id")
    )
    return Exists(party) | Exists(opted)


def _tally(
    questionnaire: Questionnaire, instrument: str | None = None, as_of: datetime | None = None
) -> _Tally:
    questions, instruments = _compliance_questions(questionnaire, instrument)
    codes = sorted({i.code for i in instruments.values()})
    answers: dict[tuple[int, str, str], int] = {}
    expected: dict[tuple[str, str], int] = {}
    if not questions:
        return _Tally(questions, instruments, answers, expected)
    # Model ordering (applied explicitly by the translation manager) would split the groups: clear it.
    replies = Answer.objects.filter(
        question__questionnaire=questionnaire,
        question__kind=Question.Kind.COMPLIANCE,
        question__section__instrument__code__in=codes,
    ).filter(_answer_in_scope())
    if as_of is None:
        replies = replies.filter(response__status__in=REPLIED_STATUSES).annotate(value_then=F("value"))
    else:
        # Replies at the cut-off, with the value each answer had then.
        replies = replies.filter(response_id__in=replied_as_of(questionnaire, as_of)).annotate(
            value_then=value_as_of(as_of)
        )
    answer_rows = (
        replies.order_by()
        .values_list("question_id", "response__country__regional_group", "value_then")
        .annotate(n=Count("id"))
    )
    for question_id, group, value, n in answer_rows:
        category = category_of(value)
        if category != NOT_ANSWERED:
            key = (question_id, _group_key(group), category)
            answers[key] = answers.get(key, 0) + n
    party_rows = (
        TreatyParticipation.objects.filter(status=TreatyParticipation.Status.PARTY, treaty__in=codes)
        .order_by()
        .values_list("treaty", "country__regional_group")
        .annotate(n=Count("id"))
    )
    for treaty, group, n in party_rows:
        key = (treaty, _group_key(group))
        expected[key] = expected.get(key, 0) + n
    party_elsewhere = TreatyParticipation.objects.filter(
        country_id=OuterRef("response__country_id"),
        treaty=OuterRef("instrument__code"),
        status=TreatyParticipation.Status.PARTY,
    )
    opted_rows = (
        Response.extra_instruments.through.objects.filter(
            response__questionnaire=questionnaire, instrument__code__in=codes
        )
        .exclude(Exists(party_elsewhere))
        .order_by()
        .values_list("instrument__code", "response__country__regional_group")
        .annotate(n=Count("id"))
    )
    for treaty, group, n in opted_rows:
        key = (treaty, _group_key(group))
        expected[key] = expected.get(key, 0) + n
    return _Tally(questions, instruments, answers, expected)


def _counts(tally: _Tally, question: Question, groups: list[str]) -> Counts:
    code = tally.instruments[question.pk].code
    counts = Counts()
    for group in groups:
        counts.add(
            Counts(
                expected=tally.expected.get((code, group), 0),
                yes=tally.answers.get((question.pk, group, YES), 0),
                partial=tally.answers.get((question.pk, group, PARTIAL), 0),
                no=tally.answers.get((question.pk, group, NO), 0),
            )
        )
    return counts


def _groups_for(regional_group: str) -> list[str]:
    every = [key for key, _label in regional_groups()]
    return [regional_group] if regional_group in every else every


def _provision_rows(tally: _Tally, regional_group: str) -> list[ProvisionRow]:
    groups = _groups_for(regional_group)
    return [
        ProvisionRow(question=q, instrument=tally.instruments[q.pk], counts=_counts(tally, q, groups))
        for q in tally.questions
    ]


def _group_rows(tally: _Tally) -> list[GroupRow]:
    rows = []
    for key, label in regional_groups():
        counts = Counts()
        for question in tally.questions:
            counts.add(_counts(tally, question, [key]))
        if key != NO_GROUP or counts.expected:
            rows.append(GroupRow(key=key, label=label, counts=counts))
    return rows


def compliance_by_provision(
    questionnaire: Questionnaire, *, instrument: str | None = None, regional_group: str = ""
) -> list[ProvisionRow]:
    """One row per provision (in the questionnaire's order) with the States expected to answer it and
    how many answered yes, partly, no, or not at all; for every State or for one regional group
    (`regional_group` is a `RegionalGroup` value, or `NO_GROUP`). `instrument` is an instrument code."""
    return _provision_rows(_tally(questionnaire, instrument), regional_group)


def compliance_by_group(
    questionnaire: Questionnaire, *, instrument: str | None = None, as_of: datetime | None = None
) -> list[GroupRow]:
    """Per regional group, the totals over the provisions (each State × provision pair counts once).
    With `as_of`, the replies and answers as they stood then."""
    return _group_rows(_tally(questionnaire, instrument, as_of))


def compliance_overview(
    questionnaire: Questionnaire,
    *,
    instrument: str | None = None,
    regional_group: str = "",
    as_of: datetime | None = None,
) -> Overview:
    """The provision rows, grouped by instrument, and the regional group totals, from one tally. With
    `as_of`, the replies and answers as they stood then (see `value_as_of`, `replied_as_of`)."""
    tally = _tally(questionnaire, instrument, as_of)
    blocks: dict[int, InstrumentBlock] = {}
    for row in _provision_rows(tally, regional_group):
        blocks.setdefault(row.instrument.pk, InstrumentBlock(instrument=row.instrument)).rows.append(row)
    by_instrument = {}
    for block in blocks.values():
        code = block.instrument.code
        only = [q for q in tally.questions if tally.instruments[q.pk].code == code]
        by_instrument[code] = _group_rows(_Tally(only, tally.instruments, tally.answers, tally.expected))
    return Overview(
        instruments=list(blocks.values()),
        groups=_group_rows(tally),
        regional_group=regional_group,
        groups_by_instrument=by_instrument,
    )


def compliance_question(
    questionnaire: Questionnaire, provision_code: str
) -> tuple[Question, Instrument] | None:
    """The compliance question of a provision in this version, and its instrument."""
    structure = structure_for(questionnaire)
    sections = {s.pk: s for s in structure.sections}
    for question in structure.questions:
        if (
            question.kind == Question.Kind.COMPLIANCE
            and question.provision_id
            and question.provision.code == provision_code
        ):
            return question, sections[question.section_id].instrument
    return None


@dataclass
class StateRow:
    country: Country
    status: str | None  # the response's status; None when the State has not started one
    response_id: int | None = None

    @property
    def group_label(self):
        return group_label(_group_key(self.country.regional_group))

    @property
    def status_label(self):
        if self.status is None:
            return _("No response")
        return Response.Status(self.status).label


def states_for(
    questionnaire: Questionnaire, provision_code: str, answer: str, regional_group: str = ""
) -> list[StateRow]:
    """The States behind one bar: those expected to answer the provision whose reply says `answer`
    (a category: yes, partial, no or not_answered), in one regional group or all (""). Ordered by name
    in the current language."""
    found = compliance_question(questionnaire, provision_code)
    if found is None or answer not in CATEGORIES:
        return []
    question, instrument = found
    response = Response.objects.filter(questionnaire=questionnaire, country_id=OuterRef("pk"))
    party = TreatyParticipation.objects.filter(
        country_id=OuterRef("pk"), treaty=instrument.code, status=TreatyParticipation.Status.PARTY
    )
    opted = response.filter(extra_instruments=instrument)
    replied = Answer.objects.filter(
        question=question, response__country_id=OuterRef("pk"), response__status__in=REPLIED_STATUSES
    )
    countries = (
        Country.objects.filter(Exists(party) | Exists(opted))
        .annotate(
            response_status=Subquery(response.values("status")[:1]),
            response_pk=Subquery(response.values("pk")[:1]),
            answer_value=Subquery(replied.values("value")[:1], output_field=JSONField()),
        )
        .order_by()
    )
    if regional_group:
        countries = countries.filter(regional_group="" if regional_group == NO_GROUP else regional_group)
    rows = [
        StateRow(country=c, status=c.response_status, response_id=c.response_pk)
        for c in countries
        if category_of(c.answer_value) == answer
    ]
    rows.sort(key=lambda row: row.country.name.casefold())
    return rows
