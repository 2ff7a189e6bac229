"""The shipped questionnaire covers every substantive article, in six languages, consistently."""

import json
from pathlib import Path

import pytest

from surveys.models import (
    Article,
    AssistanceKind,
    ChallengeKind,
    Choice,
    Condition,
    CrossReference,
    Instrument,
    Provision,
    Question,
    Section,
)
from surveys.services.authoring import TRANSLATED_SUFFIXES, questionnaire_errors
from surveys.services.content import CONTENT_DIR, questionnaire_build, reference_data_load

pytestmark = pytest.mark.django_db

SUBSTANTIVE_ARTICLES = {
    "UNTOC": [str(n) for n in range(5, 32)],
    "TIP": [str(n) for n in range(5, 14)],
    "SOM": [str(n) for n in range(6, 17)] + ["18"],
    "FA": [str(n) for n in range(5, 16)],
}


def _assert_all_languages(queryset, fields):
    for obj in queryset:
        for field in fields:
            for suffix in TRANSLATED_SUFFIXES:
                value = getattr(obj, f"{field}_{suffix}")
                assert value and value.strip(), f"{obj} has no {field} in {suffix}"


def test_every_substantive_article_is_covered(shipped_questionnaire):
    for code, numbers in SUBSTANTIVE_ARTICLES.items():
        present = set(Article.objects.filter(instrument__code=code).values_list("number", flat=True))
        assert set(numbers) <= present, f"{code} lacks articles {sorted(set(numbers) - present)}"
        for number in numbers:
            section = Section.objects.get(questionnaire=shipped_questionnaire, code=f"{code}-{number}")
            assert section.questions.filter(kind=Question.Kind.COMPLIANCE).exists(), section.code


def test_each_provision_asks_compliance_legislation_examples_and_assistance(shipped_questionnaire):
    provisions = Provision.objects.all()
    assert provisions.count() >= 59
    kinds_per_provision = {}
    for provision_code, kind in Question.objects.filter(questionnaire=shipped_questionnaire).values_list(
        "provision__code", "kind"
    ):
        kinds_per_provision.setdefault(provision_code, set()).add(kind)
    expected = {
        Question.Kind.COMPLIANCE,
        Question.Kind.LEGISLATION,
        Question.Kind.LONG_TEXT,
        Question.Kind.ASSISTANCE,
    }
    for provision in provisions:
        assert kinds_per_provision.get(provision.code) == expected, provision.code


def test_follow_up_questions_depend_on_the_compliance_answer(shipped_questionnaire):
    question = Question.objects.get(questionnaire=shipped_questionnaire, code="UNTOC-5-1-TA")
    [condition] = question.conditions.all()
    assert condition.depends_on.code == "UNTOC-5-1-C"
    assert sorted(condition.values) == ["no", "partial"]
    legislation = Question.objects.get(questionnaire=shipped_questionnaire, code="UNTOC-5-1-L")
    assert sorted(legislation.conditions.get().values) == ["partial", "yes"]
    assert questionnaire_errors(shipped_questionnaire) == []


def test_every_text_exists_in_six_languages(shipped_questionnaire):
    _assert_all_languages(Instrument.objects.all(), ["title", "short_title"])
    _assert_all_languages(Article.objects.all(), ["title"])
    _assert_all_languages(Provision.objects.all(), ["reference", "requirement"])
    _assert_all_languages(Section.objects.filter(questionnaire=shipped_questionnaire), ["title"])
    _assert_all_languages(Question.objects.filter(questionnaire=shipped_questionnaire), ["text", "help_text"])
    _assert_all_languages(Choice.objects.filter(question__questionnaire=shipped_questionnaire), ["label"])
    _assert_all_languages(AssistanceKind.objects.all(), ["label"])
    _assert_all_languages(ChallengeKind.objects.all(), ["label"])
    _assert_all_languages(CrossReference.objects.all(), ["note"])
    _assert_all_languages([shipped_questionnaire], ["title", "description"])


def test_obligation_levels_and_themes_are_set(shipped_questionnaire):
    assert not Provision.objects.filter(obligation="").exists()
    assert not Provision.objects.filter(theme="").exists()
    assert set(Provision.objects.values_list("obligation", flat=True)) == {
        "mandatory",
        "consider",
        "optional",
    }
    assert Provision.objects.get(code="UNTOC-5-1").obligation == "mandatory"


def test_protocols_are_cross_referenced_to_the_convention(shipped_questionnaire):
    pairs = set(CrossReference.objects.values_list("source__code", "target__code"))
    assert ("TIP-5-2", "UNTOC-5-1") in pairs
    for source, target in pairs:
        assert source.split("-")[0] != target.split("-")[0]


def test_assistance_kinds_are_the_ten_of_the_review_practice(shipped_questionnaire):
    assert list(AssistanceKind.objects.values_list("code", flat=True)) == [
        "legislative_drafting",
        "legal_advice",
        "model_legislation",
        "good_practices",
        "action_plan",
        "onsite_expert",
        "training",
        "institution_building",
        "equipment",
        "other",
    ]


def test_loading_again_changes_nothing(shipped_questionnaire):
    counts = reference_data_load()
    assert counts["changed"] == 0
    questionnaire, created = questionnaire_build()
    assert not created
    assert questionnaire.pk == shipped_questionnaire.pk
    assert (
        Condition.objects.count()
        == Question.objects.filter(kind__in=["legislation", "long_text", "assistance"]).count()
    )


def test_content_files_are_well_formed():
    for name in ("untoc.json", "tip.json", "som.json", "fa.json"):
        data = json.loads((Path(CONTENT_DIR) / name).read_text(encoding="utf-8"))
        codes = [p["code"] for a in data["articles"] for p in a["provisions"]]
        assert len(codes) == len(set(codes)), name
        assert all(code.startswith(data["code"] + "-") for code in codes), name
