"""Loading the questionnaire shipped with the portal (surveys/content/*.json) into the database.

The instruments, their articles and provisions, the code lists and the cross-references are reference
data: loading updates them. The questionnaire itself is created once and published; a later run leaves
an existing version alone (published versions never change).
"""

import json
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from portal.audit import audit_record

from ..models import (
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
from .authoring import TRANSLATED_SUFFIXES, questionnaire_errors

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"
INSTRUMENT_FILES = ("untoc.json", "tip.json", "som.json", "fa.json")
# Question suffixes created for every provision, in order.
PROVISION_QUESTIONS = ("C", "L", "E", "TA")


def _read(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def _i18n(field: str, texts: dict[str, str]) -> dict[str, str]:
    """{"en": ..} -> {"field_en": ..} for every language."""
    return {f"{field}_{suffix}": texts.get(suffix, "") for suffix in TRANSLATED_SUFFIXES}


def _sync(model, lookup: dict, values: dict):
    """Create or update one row; return it and whether anything changed."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), True
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if changed:
        for k in changed:
            setattr(obj, k, values[k])
        obj.save()
    return obj, bool(changed)


def reference_data_load(directory: Path = CONTENT_DIR) -> dict[str, int]:
    """Instruments, articles, provisions, cross-references and code lists; idempotent."""
    common = _read(directory / "common.json")
    counts = {"instruments": 0, "articles": 0, "provisions": 0, "changed": 0}
    with transaction.atomic():
        instruments = {}
        for position, filename in enumerate(INSTRUMENT_FILES, start=1):
            data = _read(directory / filename)
            instrument, changed = _sync(
                Instrument,
                {"code": data["code"]},
                {
                    "position": position,
                    "adopted_on": _date(data.get("adopted_on")),
                    "entered_into_force_on": _date(data.get("entered_into_force_on")),
                    "supplements": instruments.get(data.get("supplements")),
                    **_i18n("title", data["title"]),
                    **_i18n("short_title", data["short_title"]),
                },
            )
            instruments[instrument.code] = instrument
            counts["instruments"] += 1
            counts["changed"] += changed
            for article_position, article_data in enumerate(data["articles"], start=1):
                article, changed = _sync(
                    Article,
                    {"instrument": instrument, "number": article_data["number"]},
                    {"position": article_position, **_i18n("title", article_data["title"])},
                )
                counts["articles"] += 1
                counts["changed"] += changed
                for provision_position, p in enumerate(article_data["provisions"], start=1):
                    _, changed = _sync(
                        Provision,
                        {"code": p["code"]},
                        {
                            "article": article,
                            "position": provision_position,
                            "obligation": p["obligation"],
                            "theme": p["theme"],
                            **_i18n("reference", p["reference"]),
                            **_i18n("requirement", p["requirement"]),
                        },
                    )
                    counts["provisions"] += 1
                    counts["changed"] += changed
        provisions = {p.code: p for p in Provision.objects.all()}
        for source, target, note in _read(directory / "cross_references.json")["pairs"]:
            _, changed = _sync(
                CrossReference,
                {"source": provisions[source], "target": provisions[target]},
                _i18n("note", note),
            )
            counts["changed"] += changed
        for model, key in ((AssistanceKind, "assistance_kinds"), (ChallengeKind, "challenge_kinds")):
            for position, (code, labels) in enumerate(common[key], start=1):
                _, changed = _sync(model, {"code": code}, {"position": position, **_i18n("label", labels)})
                counts["changed"] += changed
    return counts


def _date(value):
    from datetime import date

    return date.fromisoformat(value) if value else None


def _section_title(pattern: dict[str, str], article: Article) -> dict[str, str]:
    return {
        f"title_{suffix}": pattern[suffix]
        % {"number": article.number, "title": getattr(article, f"title_{suffix}")}
        for suffix in TRANSLATED_SUFFIXES
    }


def questionnaire_build(*, directory: Path = CONTENT_DIR, publish: bool = True) -> tuple[Questionnaire, bool]:
    """Create the shipped questionnaire (one section per article, four questions per provision).

    Returns the questionnaire and whether it was created now.
    """
    common = _read(directory / "common.json")
    meta = common["questionnaire"]
    existing = Questionnaire.objects.filter(code=meta["code"]).first()
    if existing is not None:
        return existing, False
    wording = common["questions"]
    with transaction.atomic():
        questionnaire = Questionnaire.objects.create(
            code=meta["code"],
            status=Questionnaire.Status.DRAFT,
            **_i18n("title", meta["title"]),
            **_i18n("description", meta["description"]),
        )
        articles = (
            Article.objects.select_related("instrument")
            .prefetch_related("provisions")
            .order_by("instrument__position", "position")
        )
        sections = []
        for position, article in enumerate(articles, start=1):
            sections.append(
                Section(
                    questionnaire=questionnaire,
                    code=f"{article.instrument.code}-{article.number}",
                    instrument=article.instrument,
                    article=article,
                    position=position * 10,
                    **_section_title(common["section_title"], article),
                )
            )
        Section.objects.bulk_create(sections)
        sections_by_article = {s.article_id: s for s in sections}
        questions = []
        for article in articles:
            section = sections_by_article[article.pk]
            for provision in article.provisions.all():
                for index, suffix in enumerate(PROVISION_QUESTIONS):
                    spec = wording[suffix]
                    questions.append(
                        Question(
                            questionnaire=questionnaire,
                            section=section,
                            code=f"{provision.code}-{suffix}",
                            kind=spec["kind"],
                            provision=provision,
                            position=provision.position * 10 + index,
                            required=spec["required"],
                            **_i18n("text", spec["text"]),
                            **_i18n("help_text", spec["help"]),
                        )
                    )
        Question.objects.bulk_create(questions)
        by_code = {q.code: q for q in questions}
        choices, conditions = [], []
        for question in questions:
            provision_code, suffix = question.code.rsplit("-", 1)
            spec = wording[suffix]
            for position, (value, labels) in enumerate(spec.get("choices", []), start=1):
                choices.append(
                    Choice(question=question, value=value, position=position, **_i18n("label", labels))
                )
            if spec.get("shown_if"):
                conditions.append(
                    Condition(
                        question=question, depends_on=by_code[f"{provision_code}-C"], values=spec["shown_if"]
                    )
                )
        Choice.objects.bulk_create(choices)
        Condition.objects.bulk_create(conditions)
        errors = questionnaire_errors(questionnaire)
        if errors:
            raise ValueError("The shipped questionnaire is inconsistent: " + "; ".join(errors[:10]))
        if publish:
            questionnaire.status = Questionnaire.Status.PUBLISHED
            questionnaire.published_at = timezone.now()
            questionnaire.save(update_fields=["status", "published_at", "updated_at"])
        audit_record(
            actor=None,
            action="questionnaire.loaded",
            target=questionnaire,
            summary=f"Loaded the shipped questionnaire {questionnaire.code} ({len(questions)} questions)",
        )
    return questionnaire, True
