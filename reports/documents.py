"""What each report shows: the data read for it (through the surveys and assistance selectors), put into
a template context, rendered to HTML in the report's language. Call inside `translation.override`."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assistance.models import Need
from portal.models import Country
from surveys import analysis
from surveys.analysis import Counts, answers_as_of, percent_text, replied_as_of, statuses_as_of
from surveys.charts import Bar, compliance_chart
from surveys.models import Answer, Article, Comment, Question, Response
from surveys.selectors import response_scope
from surveys.services.offline import vocabulary_for
from surveys.structure import structure_for
from surveys.values import is_answered, visible_question_ids

from .charts import ranking_chart
from .models import Audience, ConferenceSession, ReportKind
from .rendering import css_string, page_counter_content

Kind = Question.Kind

# Document symbol after the session's prefix, per report (country profiles add the State's code).
SYMBOLS = {
    ReportKind.ANALYTICAL: "2",
    ReportKind.TECHNICAL_ASSISTANCE: "3",
    ReportKind.CONTRIBUTIONS: "4",
}
FONTS = {
    "ar": "Noto Naskh Arabic, Noto Sans Arabic, Noto Sans, sans-serif",
    "zh-hans": "Noto Sans CJK SC, Noto Sans, sans-serif",
}
DEFAULT_FONT = "Noto Sans, Noto Serif, sans-serif"


class ReportUnavailable(ValidationError):
    """The report cannot be built from the data there is (e.g. nothing has been reported yet)."""


def symbol_for(session: ConferenceSession, kind: str, country: Country | None = None) -> str:
    if kind == ReportKind.COUNTRY_PROFILE:
        return f"{session.symbol_prefix}CRP.{country.iso3}"
    return f"{session.symbol_prefix}{SYMBOLS[kind]}"


def font_family(language: str) -> str:
    return FONTS.get(language, DEFAULT_FONT)


def _frame(*, session, kind, language, title, subtitle="", country=None) -> dict:
    """What every report has: cover, running headers, page counter, fonts and direction."""
    bidi = translation.get_language_info(language)["bidi"]
    symbol = symbol_for(session, kind, country)
    return {
        "session": session,
        "symbol": symbol,
        "symbol_css": css_string(symbol),
        "title": title,
        "subtitle": subtitle,
        "language": language,
        "language_name": translation.get_language_info(language)["name_local"],
        "direction": "rtl" if bidi else "ltr",
        "bidi": bidi,
        "font_family": font_family(language),
        "issued_on": timezone.localdate(),
        "page_counter": page_counter_content(_("Page %(page)s of %(pages)s")),
    }


# --- Country profile ------------------------------------------------------------------------------------------

ITEM_LABELS = {
    Kind.COMPLIANCE: lambda: _("Compliance"),
    Kind.LEGISLATION: lambda: _("Measures cited"),
    Kind.ASSISTANCE: lambda: _("Challenges and technical assistance"),
}


@dataclass
class Item:
    """One answer as the profile prints it."""

    question: Question
    label: str
    text: str = ""
    references: list[dict] = field(default_factory=list)
    assistance: dict | None = None
    comments: list[Comment] = field(default_factory=list)
    not_answered: bool = False


@dataclass
class Block:
    heading: str
    items: list[Item] = field(default_factory=list)


@dataclass
class Part:
    anchor: str
    title: str
    blocks: list[Block] = field(default_factory=list)


def _choice_label(question: Question, value) -> str:
    for choice in question.choices.all():
        if choice.value == value:
            return choice.label
    return str(value)


def _item(question: Question, value, vocabulary) -> Item:
    label = ITEM_LABELS[question.kind]() if question.kind in ITEM_LABELS else question.text
    item = Item(question=question, label=label)
    if question.kind in (Kind.COMPLIANCE, Kind.SINGLE_CHOICE):
        item.text = _choice_label(question, value)
    elif question.kind == Kind.MULTIPLE_CHOICE:
        item.text = "; ".join(_choice_label(question, v) for v in value or [])
    elif question.kind == Kind.LEGISLATION:
        item.references = [row for row in value or [] if isinstance(row, dict)]
    elif question.kind == Kind.ASSISTANCE:
        item.assistance = {
            "challenges": [vocabulary.challenge_labels.get(c, c) for c in value.get("challenges") or []],
            "challenges_other": value.get("challenges_other") or "",
            "would_help": vocabulary.yes_no.get(value.get("would_help") or "", ""),
            "kinds": [vocabulary.kind_labels.get(k, k) for k in value.get("kinds") or []],
            "details": value.get("details") or "",
            "receiving": vocabulary.yes_no.get(value.get("receiving") or "", ""),
            "received_from": value.get("received_from") or "",
        }
    elif question.kind == Kind.FILE:
        item.text = "; ".join(str(f.get("name", "")) for f in value or [] if isinstance(f, dict))
    else:
        item.text = str(value)
    return item


def country_profile_response(session: ConferenceSession, country: Country) -> Response:
    """The State's response, if it had answered anything by the data cut-off."""
    response = (
        Response.objects.filter(questionnaire=session.questionnaire, country=country)
        .select_related("questionnaire", "country")
        .first()
    )
    if (
        response is None
        or not answers_as_of(Answer.objects.filter(response=response), session.cutoff_at).exists()
    ):
        raise ReportUnavailable(
            _("%(state)s has not answered this session's questionnaire yet: there is no profile to print.")
            % {"state": country.name}
        )
    return response


def country_profile_context(
    session: ConferenceSession, country: Country, audience: str, language: str
) -> dict:
    response = country_profile_response(session, country)
    cutoff = session.cutoff_at
    structure = structure_for(response.questionnaire)
    scope = response_scope(response, structure)
    # The answers as they stood at the data cut-off: each one's latest revision saved by then.
    values = dict(
        answers_as_of(Answer.objects.filter(response=response), cutoff).values_list(
            "question_id", "value_then"
        )
    )
    visible = visible_question_ids(structure, values)
    status = statuses_as_of(Response.objects.filter(pk=response.pk), cutoff).get(response.pk, response.status)
    comments: dict[int, list[Comment]] = {}
    for comment in (
        Comment.objects.filter(response=response, created_at__lte=cutoff)
        .select_related("author")
        .order_by("created_at")
    ):
        if comment.resolved_at is not None and comment.resolved_at > cutoff:
            comment.resolved_at = None  # resolved after the cut-off: still open then
        if audience == Audience.STATE and comment.resolved_at is None:
            continue
        comments.setdefault(comment.question_id, []).append(comment)
    vocabulary = vocabulary_for(language)
    provisions_needing: list[dict] = []
    parts: list[Part] = []
    answered = shown = 0
    for section in structure.sections:
        if section.instrument_id not in scope:
            continue
        part = Part(anchor=f"s-{section.pk}", title=section.title)
        current: Block | None = None
        current_provision = object()
        for question in structure.by_section.get(section.pk, []):
            if question.pk not in visible:
                continue
            shown += 1
            value = values.get(question.pk)
            if question.provision_id != current_provision:
                current_provision = question.provision_id
                heading = question.provision.reference if question.provision else section.title
                current = Block(heading=heading)
                part.blocks.append(current)
            if is_answered(question.kind, value):
                answered += 1
                item = _item(question, value, vocabulary)
                if question.kind == Kind.ASSISTANCE and value.get("would_help") == "yes":
                    provisions_needing.append(
                        {
                            "reference": current.heading,
                            "section": section.title,
                            "kinds": item.assistance["kinds"],
                            "details": item.assistance["details"],
                        }
                    )
            elif question.kind == Kind.COMPLIANCE:
                item = Item(question=question, label=ITEM_LABELS[Kind.COMPLIANCE](), not_answered=True)
            else:
                continue
            item.comments = comments.get(question.pk, [])
            current.items.append(item)
        part.blocks = [b for b in part.blocks if b.items]
        if part.blocks:
            parts.append(part)
    comment_list = [c for thread in comments.values() for c in thread]
    context = _frame(
        session=session,
        kind=ReportKind.COUNTRY_PROFILE,
        language=language,
        title=_("Country profile: %(state)s") % {"state": country.name},
        subtitle=Audience(audience).label,
        country=country,
    )
    context.update(
        {
            "country": country,
            "response": response,
            "response_status": Response.Status(status).label,
            "submitted_at": response.submitted_at
            if response.submitted_at and response.submitted_at <= cutoff
            else None,
            "accepted_at": response.accepted_at
            if response.accepted_at and response.accepted_at <= cutoff
            else None,
            "audience": audience,
            "for_secretariat": audience == Audience.SECRETARIAT,
            "parts": parts,
            "needs": provisions_needing,
            "recorded_needs": _recorded_needs(country, cutoff),
            "answered": answered,
            "shown": shown,
            "percent": percent_text(100 * answered / shown if shown else 0),
            "comment_count": len(comment_list),
            "resolved_count": sum(1 for c in comment_list if c.resolved_at),
            "toc": [
                {"anchor": "status", "title": _("Status of the response")},
                *({"anchor": p.anchor, "title": p.title} for p in parts),
                {"anchor": "needs", "title": _("Technical assistance needs")},
            ],
        }
    )
    return context


def _recorded_needs(country: Country, cutoff) -> list:
    """The State's needs in the assistance register (from its answers or recorded by the Secretariat)
    recorded by the data cut-off (shown with their current status)."""
    return list(
        Need.objects.filter(country=country, created_at__lte=cutoff)
        .select_related("provision", "instrument", "kind")
        .order_by("-updated_at")[:200]
    )


# --- Analytical report ---------------------------------------------------------------------------------------


def _sum(counts_list) -> Counts:
    total = Counts()
    for counts in counts_list:
        total.add(counts)
    return total


def _replied(session: ConferenceSession) -> list[int]:
    """The responses that were replies at the session's data cut-off."""
    return replied_as_of(session.questionnaire, session.cutoff_at)


def _assistance_tallies(session: ConferenceSession, vocabulary, replied: list[int]) -> tuple[list, list]:
    """Challenges cited and kinds of assistance requested, over every reply as it stood at the cut-off:
    (label, answers, States)."""
    challenges: Counter = Counter()
    challenge_states: dict[str, set] = {}
    kinds: Counter = Counter()
    kind_states: dict[str, set] = {}
    rows = answers_as_of(
        Answer.objects.filter(
            question__questionnaire=session.questionnaire,
            question__kind=Kind.ASSISTANCE,
            response_id__in=replied,
        ),
        session.cutoff_at,
    ).values_list("response__country_id", "value_then")
    for country_id, value in rows.iterator(chunk_size=5000):
        if not isinstance(value, dict):
            continue
        for code in value.get("challenges") or []:
            challenges[code] += 1
            challenge_states.setdefault(code, set()).add(country_id)
        if value.get("would_help") == "yes":
            for code in value.get("kinds") or []:
                kinds[code] += 1
                kind_states.setdefault(code, set()).add(country_id)
    challenge_rows = [
        (vocabulary.challenge_labels.get(code, code), n, len(challenge_states[code]))
        for code, n in challenges.most_common()
    ]
    kind_rows = [
        (vocabulary.kind_labels.get(code, code), n, len(kind_states[code])) for code, n in kinds.most_common()
    ]
    return challenge_rows, kind_rows


def analytical_context(session: ConferenceSession, language: str) -> dict:
    replied = _replied(session)
    if not replied:
        raise ReportUnavailable(
            _("No State has replied to this session's questionnaire yet: there is nothing to analyse.")
        )
    questionnaire = session.questionnaire
    cutoff = session.cutoff_at
    overview = analysis.compliance_overview(questionnaire, as_of=cutoff)
    fonts = font_family(language)
    bidi = translation.get_language_info(language)["bidi"]
    article_ids = {row.provision.article_id for block in overview.instruments for row in block.rows}
    articles = {a.pk: a for a in Article.objects.filter(pk__in=article_ids)}
    instruments = []
    for block in overview.instruments:
        code = block.instrument.code
        by_article: dict[int, list] = {}
        for row in block.rows:
            by_article.setdefault(row.provision.article_id, []).append(row.counts)
        bars = [
            Bar(
                label=_("Article %(number)s") % {"number": articles[article_id].number},
                title=articles[article_id].title,
                counts=_sum(counts),
                link=lambda _category, code=code: f"#table-{code}",
            )
            for article_id, counts in by_article.items()
        ]
        group_rows = overview.groups_by_instrument[code]
        instruments.append(
            {
                "instrument": block.instrument,
                "anchor": f"i-{code}",
                "table_anchor": f"table-{code}",
                "total": _sum(row.counts for row in block.rows),
                "rows": block.rows,
                "groups": group_rows,
                "chart": compliance_chart(
                    chart_id=f"c-{code}",
                    title=_("Compliance by article: %(instrument)s")
                    % {"instrument": block.instrument.short_title},
                    description=_(
                        "Share of the States expected to answer each article's provisions, by answer."
                    ),
                    bars=bars,
                    bidi=bidi,
                    font_family=fonts,
                ),
            }
        )
    group_chart = compliance_chart(
        chart_id="c-groups",
        title=_("Compliance by regional group"),
        description=_("Share of State and provision pairs, by answer, in each regional group."),
        bars=[
            Bar(label=str(g.label), title=str(g.label), counts=g.counts, link=lambda _c: "#groups")
            for g in overview.groups
        ],
        bidi=bidi,
        font_family=fonts,
    )
    all_rows = [row for block in overview.instruments for row in block.rows if row.counts.expected]
    lowest = sorted(all_rows, key=lambda r: (r.counts.percent("yes"), -r.counts.percent("no")))[:10]
    vocabulary = vocabulary_for(language)
    challenge_rows, kind_rows = _assistance_tallies(session, vocabulary, replied)
    context = _frame(
        session=session,
        kind=ReportKind.ANALYTICAL,
        language=language,
        title=_("Analytical report on the implementation of the Convention and the Protocols thereto"),
    )
    context.update(
        {
            "replied": len(replied),
            "state_count": Response.objects.filter(
                questionnaire=questionnaire, created_at__lte=cutoff
            ).count(),
            "overall": _sum(row.counts for row in all_rows),
            "instruments": instruments,
            "groups": overview.groups,
            "group_chart": group_chart,
            "lowest": lowest,
            "challenges": challenge_rows,
            "kinds": kind_rows,
            "challenge_chart": _ranking("c-challenges", _("Main challenges"), challenge_rows, bidi, fonts),
            "kind_chart": _ranking(
                "c-kinds", _("Most requested kinds of technical assistance"), kind_rows, bidi, fonts
            ),
            "categories": [analysis.CATEGORY_LABELS[c] for c in analysis.CATEGORIES],
            "toc": [
                {"anchor": "summary", "title": _("Summary")},
                {"anchor": "groups", "title": _("Compliance by regional group")},
                *(
                    {
                        "anchor": i["anchor"],
                        "title": _("Compliance per provision: %(instrument)s")
                        % {"instrument": i["instrument"].short_title},
                    }
                    for i in instruments
                ),
                {"anchor": "challenges", "title": _("Main challenges")},
                {"anchor": "assistance", "title": _("Most requested kinds of technical assistance")},
            ],
        }
    )
    return context


def _ranking(chart_id, title, rows, bidi, fonts):
    return ranking_chart(
        chart_id=chart_id,
        title=title,
        description=title,
        items=[(label, states, str(states)) for label, _n, states in rows],
        bidi=bidi,
        font_family=fonts,
    )


# --- Assembly -------------------------------------------------------------------------------------------------

TEMPLATES = {
    ReportKind.COUNTRY_PROFILE: "reports/pdf/country_profile.html",
    ReportKind.ANALYTICAL: "reports/pdf/analytical.html",
    ReportKind.TECHNICAL_ASSISTANCE: "reports/pdf/technical_assistance.html",
    ReportKind.CONTRIBUTIONS: "reports/pdf/contributions.html",
}


def context_for(*, session, kind, language, country=None, audience="") -> dict[str, Any]:
    if kind == ReportKind.COUNTRY_PROFILE:
        return country_profile_context(session, country, audience, language)
    if kind == ReportKind.ANALYTICAL:
        return analytical_context(session, language)
    from . import documents_assistance

    if kind == ReportKind.TECHNICAL_ASSISTANCE:
        return documents_assistance.technical_assistance_context(session, language)
    return documents_assistance.contributions_context(session, language)


def check_available(*, session, kind, country=None) -> None:
    """Refuse early (before queueing) a report that would have nothing in it."""
    if kind == ReportKind.COUNTRY_PROFILE:
        country_profile_response(session, country)
    elif kind == ReportKind.ANALYTICAL:
        if not _replied(session):
            raise ReportUnavailable(
                _("No State has replied to this session's questionnaire yet: there is nothing to analyse.")
            )
    else:
        from . import documents_assistance

        documents_assistance.check_available(session, kind)


def render_html(*, kind: str, context: dict) -> str:
    return render_to_string(TEMPLATES[kind], context)


def offered_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]
