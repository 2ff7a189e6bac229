from io import BytesIO

import pytest
from openpyxl import load_workbook

from portal.models import AuditEvent
from surveys.models import Questionnaire
from surveys.services.spreadsheet import ImportRefused, questionnaire_export, questionnaire_import

pytestmark = pytest.mark.django_db


def _sheets(data: bytes) -> dict[str, list[tuple]]:
    workbook = load_workbook(BytesIO(data))
    return {name: list(workbook[name].iter_rows(values_only=True)) for name in workbook.sheetnames}


def _to_bytes(workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _edited(data: bytes, edit) -> bytes:
    workbook = load_workbook(BytesIO(data))
    edit(workbook)
    return _to_bytes(workbook)


def _set(workbook, sheet, row, column, value):
    header = [c.value for c in workbook[sheet][1]]
    workbook[sheet].cell(row=row, column=header.index(column) + 1).value = value


@pytest.fixture
def exported(shipped_questionnaire):
    return questionnaire_export(shipped_questionnaire)


def test_export_then_import_reproduces_the_questionnaire_exactly(
    shipped_questionnaire, exported, administrator
):
    renamed = _edited(exported, lambda wb: _set(wb, "questionnaire", 2, "code", "omnibus-copy"))
    imported = questionnaire_import(data=renamed, by=administrator)
    assert imported.status == Questionnaire.Status.DRAFT
    again = _sheets(questionnaire_export(imported))
    original = _sheets(exported)
    original["questionnaire"][1] = ("omnibus-copy", *original["questionnaire"][1][1:])
    assert again == original
    assert imported.questions.count() == shipped_questionnaire.questions.count() == 740
    assert AuditEvent.objects.filter(action="questionnaire.imported").exists()


def test_export_has_one_column_per_language(exported):
    header = _sheets(exported)["questions"][0]
    for suffix in ("en", "ar", "es", "fr", "ru", "zh_hans"):
        assert f"text::{suffix}" in header


def _refusal(data, administrator):
    before = Questionnaire.objects.count()
    with pytest.raises(ImportRefused) as excinfo:
        questionnaire_import(data=data, by=administrator)
    assert Questionnaire.objects.count() == before, "a refused file must write nothing"
    return excinfo.value.problems


def _new_code(workbook):
    _set(workbook, "questionnaire", 2, "code", "omnibus-new")


def test_duplicate_question_code_is_refused_with_its_place(exported, administrator):
    def edit(wb):
        _new_code(wb)
        _set(wb, "questions", 3, "code", "UNTOC-5-1-C")

    problems = _refusal(_edited(exported, edit), administrator)
    assert any(
        p.sheet == "questions" and p.row == 3 and p.column == "code" and "twice" in p.message
        for p in problems
    )


def test_condition_pointing_nowhere_is_refused(exported, administrator):
    def edit(wb):
        _new_code(wb)
        _set(wb, "questions", 3, "show_if", "NO-SUCH-QUESTION=yes")

    problems = _refusal(_edited(exported, edit), administrator)
    [problem] = problems
    assert (problem.sheet, problem.row, problem.column) == ("questions", 3, "show_if")
    assert "NO-SUCH-QUESTION" in problem.message


def test_condition_pointing_to_a_later_question_is_refused(exported, administrator):
    def edit(wb):
        _new_code(wb)
        _set(wb, "questions", 2, "show_if", "UNTOC-5-1-TA=yes")

    problems = _refusal(_edited(exported, edit), administrator)
    assert any(p.row == 2 and p.column == "show_if" for p in problems)


def test_missing_english_text_is_refused(exported, administrator):
    def edit(wb):
        _new_code(wb)
        _set(wb, "questions", 5, "text::en", None)

    [problem] = _refusal(_edited(exported, edit), administrator)
    assert (problem.sheet, problem.row, problem.column) == ("questions", 5, "text::en")


def test_unknown_question_kind_is_refused(exported, administrator):
    def edit(wb):
        _new_code(wb)
        _set(wb, "questions", 4, "kind", "essay")

    problems = _refusal(_edited(exported, edit), administrator)
    assert any((p.sheet, p.row, p.column) == ("questions", 4, "kind") for p in problems)


def test_importing_over_a_published_version_is_refused(exported, administrator):
    [problem] = _refusal(exported, administrator)
    assert problem.column == "code"
    assert "published" in problem.message


def test_a_file_that_is_not_a_workbook_is_refused(administrator):
    [problem] = _refusal(b"%PDF-1.4 not a spreadsheet", administrator)
    assert "not an XLSX workbook" in problem.message


def test_missing_sheet_and_column_are_named(exported, administrator):
    def edit(wb):
        del wb["choices"]
        wb["sections"].delete_cols(2)

    problems = _refusal(_edited(exported, edit), administrator)
    assert any(p.sheet == "choices" and "missing" in p.message for p in problems)
    assert any(p.sheet == "sections" and p.column == "instrument" for p in problems)


def test_replacing_a_draft_needs_consent(exported, administrator):
    renamed = _edited(exported, _new_code)
    first = questionnaire_import(data=renamed, by=administrator)
    with pytest.raises(ImportRefused):
        questionnaire_import(data=renamed, by=administrator)
    second = questionnaire_import(data=renamed, by=administrator, replace_draft=True)
    assert second.code == first.code
    assert Questionnaire.objects.filter(code="omnibus-new").count() == 1
