import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from portal.models import AuditEvent, Role
from surveys import exports
from surveys.models import Answer, Choice, Question, Questionnaire, Response

from ..factories import CountryFactory, TreatyParticipationFactory
from .factories import (
    ArticleFactory,
    InstrumentFactory,
    ProvisionFactory,
    QuestionFactory,
    QuestionnaireFactory,
    ResponseFactory,
    SectionFactory,
    compliance_question,
)

pytestmark = pytest.mark.django_db
PAYLOAD = "=cmd|' /C calc'!A0"


def _answer(response, question, value, language="en"):
    return Answer.objects.create(
        response=response, question=question, value=value, language=language, updated_at=timezone.now()
    )


@pytest.fixture
def answered(db):
    """Two States: Alpha submitted (compliance "partial", a text that is a formula payload), Beta has a
    draft with the compliance question only; a third question nobody answered."""
    questionnaire = QuestionnaireFactory(status=Questionnaire.Status.PUBLISHED, published_at=timezone.now())
    untoc = InstrumentFactory(code="UNTOC")
    provision = ProvisionFactory(article=ArticleFactory(instrument=untoc, number="5"), code="UNTOC-5-1")
    section = SectionFactory(questionnaire=questionnaire, instrument=untoc, code="UNTOC-5", position=1)
    compliance = compliance_question(
        section=section,
        provision=provision,
        code="UNTOC-5-1-C",
        position=1,
        text_fr="Votre pays est-il conforme ?",
    )
    Choice.objects.filter(question=compliance, value="partial").update(label_fr="Oui, en partie")
    text = QuestionFactory(section=section, provision=provision, code="UNTOC-5-1-E", position=2)
    QuestionFactory(section=section, provision=provision, code="UNTOC-5-1-X", position=3)
    alpha = CountryFactory(iso2="AL", iso3="ALP", name="Alpha", regional_group="african")
    alpha.name_fr = "Alphonie"
    alpha.save()
    beta = CountryFactory(iso2="BE", iso3="BET", name="Beta", regional_group="asia_pacific")
    for country in (alpha, beta):
        TreatyParticipationFactory(country=country, treaty="UNTOC")
    a = ResponseFactory(
        questionnaire=questionnaire,
        country=alpha,
        status=Response.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    _answer(a, compliance, "partial")
    _answer(a, text, PAYLOAD, language="fr")
    b = ResponseFactory(questionnaire=questionnaire, country=beta, status=Response.Status.IN_PROGRESS)
    _answer(b, compliance, "yes")
    _answer(b, text, "")  # cleared: not an answer
    return questionnaire


def _csv(questionnaire, language="en"):
    text = "".join(exports.responses_csv(questionnaire, language=language))
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_has_stable_keys_and_one_row_per_state_and_question_answered(answered):
    rows = _csv(answered)
    assert rows[0] == list(exports.COLUMNS)
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert [(r["iso3"], r["question_code"]) for r in records] == [
        ("ALP", "UNTOC-5-1-C"),
        ("ALP", "UNTOC-5-1-E"),
        ("BET", "UNTOC-5-1-C"),
    ]
    first = records[0]
    assert first["state"] == "Alpha"
    assert first["regional_group"] == "African States"
    assert first["response_status"] == "Submitted"
    assert first["provision_code"] == "UNTOC-5-1"
    assert first["answer"] == "Yes, in part"
    assert first["version"] == "1"
    assert first["updated_at"].endswith("+00:00")
    assert records[1]["answer_language"] == "fr"
    assert records[2]["response_status"] == "In progress"


def test_labels_come_in_the_language_asked(answered):
    rows = _csv(answered, language="fr")
    assert rows[0] == list(exports.COLUMNS)  # keys never translated
    alpha = dict(zip(rows[0], rows[1], strict=True))
    assert alpha["state"] == "Alphonie"
    assert alpha["question"] == "Votre pays est-il conforme ?"
    assert alpha["answer"] == "Oui, en partie"
    assert alpha["regional_group"] == "États d'Afrique"
    assert alpha["response_status"] == "Soumise"
    assert translation.get_language() == "en"  # the export does not leave French active


def test_formula_payloads_are_neutralized_in_csv(answered):
    rows = _csv(answered)
    answers = [row[exports.COLUMNS.index("answer")] for row in rows[1:]]
    assert f"'{PAYLOAD}" in answers
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_xlsx_matches_the_csv_and_neutralizes_formulas(answered):
    content = exports.responses_xlsx(answered, language="fr")
    sheet = load_workbook(io.BytesIO(content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == list(exports.COLUMNS)
    assert len(rows) == 4
    assert rows[1][exports.COLUMNS.index("answer")] == "Oui, en partie"
    payload_cell = next(c for row in sheet.iter_rows() for c in row if c.value == f"'{PAYLOAD}")
    assert payload_cell.data_type == "s"  # text, never a formula
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_export_views_stream_the_csv_and_record_an_audit_event(client, reviewer, answered):
    client.force_login(reviewer)
    url = reverse("surveys:responses_export_csv", kwargs={"code": answered.code})
    response = client.get(url, {"language": "fr"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert f"{answered.code}-responses-fr.csv" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Alphonie" in body
    event = AuditEvent.objects.get(action="responses.exported")
    assert event.actor == reviewer
    assert event.data == {"format": "csv", "language": "fr"}
    xlsx = client.get(reverse("surveys:responses_export_xlsx", kwargs={"code": answered.code}))
    assert xlsx.status_code == 200
    assert load_workbook(io.BytesIO(xlsx.content)).active.max_row == 4
    assert AuditEvent.objects.filter(action="responses.exported").count() == 2
    assert client.get(url, {"language": "xx"}).status_code == 400


@pytest.mark.parametrize("role", [Role.FOCAL_POINT, Role.CONTRIBUTOR, Role.PROVIDER])
def test_exports_are_refused_outside_the_secretariat(client, users_by_role, role, answered):
    client.force_login(users_by_role[role])
    for name in ("responses_export_csv", "responses_export_xlsx"):
        assert client.get(reverse(f"surveys:{name}", kwargs={"code": answered.code})).status_code == 403
    assert not AuditEvent.objects.filter(action="responses.exported").exists()


def test_every_kind_of_the_shipped_questionnaire_is_written_as_text(shipped_questionnaire):
    country = CountryFactory(iso2="AL", iso3="ALP", name="Alpha")
    response = ResponseFactory(
        questionnaire=shipped_questionnaire,
        country=country,
        status=Response.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    values = {
        Question.Kind.COMPLIANCE: "no",
        Question.Kind.LONG_TEXT: "+1 line",
        Question.Kind.LEGISLATION: [
            {"title": "Act 12", "article": "5", "url": "https://example.org", "in_force_on": ""}
        ],
        Question.Kind.ASSISTANCE: {"challenges": [], "would_help": "yes", "kinds": [], "details": "-"},
    }
    questions = list(shipped_questionnaire.questions.filter(code__startswith="UNTOC-5-1-"))
    for question in questions:
        _answer(response, question, values[question.kind])
    rows = _csv(shipped_questionnaire, language="fr")
    records = {row[4]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert set(records) == {q.code for q in questions}
    assert records["UNTOC-5-1-C"]["answer"] == "Non"
    assert records["UNTOC-5-1-E"]["answer"] == "'+1 line"
    assert records["UNTOC-5-1-L"]["answer"].startswith("Act 12 | 5 | https://example.org")
    assert "Oui" in records["UNTOC-5-1-TA"]["answer"]
