"""The offline round trip: download a response as a spreadsheet, fill it in, upload, preview, apply."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assistance.models import Need
from portal.models import AuditEvent
from surveys.models import (
    Answer,
    AnswerRevision,
    AssistanceKind,
    ChallengeKind,
    Condition,
    Question,
    Questionnaire,
    Response,
)
from surveys.services import offline
from surveys.services.answers import answer_save
from surveys.structure import clear_cache
from tests.factories import TreatyParticipationFactory, UserFactory

from .factories import ChoiceFactory, InstrumentFactory, QuestionFactory, QuestionnaireFactory, SectionFactory

pytestmark = pytest.mark.django_db

Kind = Question.Kind
CHOICES_FR = (("yes", "Yes", "Oui"), ("partial", "Yes, in part", "Oui, en partie"), ("no", "No", "Non"))
LEGISLATION = [
    {"title": "Penal Code", "article": "Art. 5", "url": "https://example.org/pc", "in_force_on": "2010-01-01"}
]
ASSISTANCE = {
    "challenges": ["coordination"],
    "challenges_other": "Staff turnover",
    "would_help": "yes",
    "kinds": ["drafting", "training"],
    "details": "Two workshops\nand a guide",
    "receiving": "no",
    "received_from": "",
}


@pytest.fixture(autouse=True)
def _fresh_structure():
    # Questionnaires built by factories get reused ids after each rollback: never read a stale structure.
    clear_cache()
    yield
    clear_cache()


def _compliance(section, code, **kwargs):
    question = QuestionFactory(section=section, code=code, kind=Kind.COMPLIANCE, **kwargs)
    for position, (value, en, fr) in enumerate(CHOICES_FR):
        ChoiceFactory(question=question, value=value, label_en=en, label_fr=fr, position=position)
    return question


def _small_questionnaire(code="small-1"):
    """Two instruments, every kind of question, one of them conditional."""
    questionnaire = QuestionnaireFactory(
        code=code, status=Questionnaire.Status.PUBLISHED, published_at=timezone.now()
    )
    untoc = SectionFactory(
        questionnaire=questionnaire, instrument=InstrumentFactory(code="UNTOC"), code="U-5"
    )
    tip = SectionFactory(
        questionnaire=questionnaire,
        instrument=InstrumentFactory(code="TIP", title_en="Protocol", short_title_en="TIP Protocol"),
        code="T-5",
    )
    compliance = _compliance(untoc, "U-C", text_en="Compliant?", text_fr="Conforme ?", required=True)
    text = QuestionFactory(section=untoc, code="U-T", kind=Kind.LONG_TEXT, text_en="Examples?")
    Condition.objects.create(question=text, depends_on=compliance, values=["yes", "partial"])
    QuestionFactory(section=untoc, code="U-N", kind=Kind.NUMBER, min_value=0, max_value=1000)
    QuestionFactory(section=untoc, code="U-D", kind=Kind.DATE)
    single = QuestionFactory(section=untoc, code="U-S", kind=Kind.SINGLE_CHOICE)
    ChoiceFactory(question=single, value="a", label_en="Alpha", label_fr="Alpha FR", position=1)
    ChoiceFactory(question=single, value="b", label_en="Beta", label_fr="Bêta", position=2)
    multiple = QuestionFactory(section=untoc, code="U-M", kind=Kind.MULTIPLE_CHOICE)
    for position, (value, en, fr) in enumerate((("x", "Police", "Police"), ("y", "Courts", "Tribunaux"))):
        ChoiceFactory(question=multiple, value=value, label_en=en, label_fr=fr, position=position)
    QuestionFactory(section=untoc, code="U-L", kind=Kind.LEGISLATION)
    QuestionFactory(section=untoc, code="U-F", kind=Kind.FILE)
    QuestionFactory(section=untoc, code="U-A", kind=Kind.ASSISTANCE)
    _compliance(tip, "T-C")
    QuestionFactory(section=tip, code="T-T", kind=Kind.LONG_TEXT)
    return questionnaire


@pytest.fixture
def code_lists(db):
    # update_or_create: the shipped questionnaire, when loaded for the module, brings its own code lists.
    for model, code, en, fr in (
        (ChallengeKind, "coordination", "Coordination", "Coordination FR"),
        (ChallengeKind, "budget", "Budget", "Budget FR"),
        (AssistanceKind, "drafting", "Drafting", "Rédaction"),
        (AssistanceKind, "training", "Training", "Formation"),
    ):
        model.objects.update_or_create(
            code=code, defaults={"label_en": en, "label_fr": fr, "is_active": True}
        )


@pytest.fixture
def small(state_a, code_lists):
    for treaty in ("UNTOC", "TIP"):
        TreatyParticipationFactory(country=state_a, treaty=treaty)
    questionnaire = _small_questionnaire()
    return Response.objects.create(questionnaire=questionnaire, country=state_a)


@pytest.fixture
def shipped_response(shipped_questionnaire, state_a):
    TreatyParticipationFactory(country=state_a, treaty="UNTOC")
    return Response.objects.create(questionnaire=shipped_questionnaire, country=state_a)


def _save(response, code, value, by, base_version=None):
    question = response.questionnaire.questions.get(code=code)
    current = Answer.objects.filter(response=response, question=question).first()
    if base_version is None:
        base_version = current.version if current else 0
    return answer_save(response=response, question=question, value=value, base_version=base_version, by=by)


def _answer(response, code):
    return Answer.objects.filter(response=response, question__code=code).first()


def _workbook(data):
    return load_workbook(BytesIO(data))


def _find(workbook, code):
    for sheet in workbook.worksheets:
        if sheet.title.startswith("_"):
            continue
        for row in sheet.iter_rows(min_row=2):
            if row[0].value == code:
                return sheet, row[0].row
    raise AssertionError(code)


def _edit(data, edits: dict[str, str]) -> bytes:
    """Type answers into the file as a person would (column E)."""
    workbook = _workbook(data)
    for code, text in edits.items():
        sheet, row = _find(workbook, code)
        sheet.cell(row=row, column=offline.ANSWER, value=text)
    return _save_workbook(workbook)


def _save_workbook(workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _snapshot(response):
    return sorted(Answer.objects.filter(response=response).values_list("question__code", "version", "value"))


def _refused(response, data, by) -> list[str]:
    before = _snapshot(response)
    with pytest.raises(offline.OfflineRefused) as refused:
        offline.response_import_apply(response=response, data=data, by=by, resolutions={})
    assert _snapshot(response) == before
    return [str(p) for p in refused.value.problems]


# --- Export -------------------------------------------------------------------------------------------------


def test_export_has_one_sheet_per_instrument_in_scope_and_a_hidden_meta_sheet(small, focal_point):
    workbook = _workbook(offline.response_export(response=small, language="fr", by=focal_point))
    assert [s.title for s in workbook.worksheets if s.sheet_state == "visible"] == ["UNTOC", "TIP"]
    meta_sheet = workbook["_meta"]
    assert meta_sheet.sheet_state == "hidden"
    meta = {row[0]: row[1] for row in meta_sheet.iter_rows(values_only=True)}
    assert meta["country"] == "AA"
    assert meta["questionnaire"] == "small-1"
    assert meta["language"] == "fr"
    assert meta["response"] == str(small.pk)
    assert len(meta["structure"]) == 64
    sheet = workbook["UNTOC"]
    assert sheet.freeze_panes == "B2"
    assert sheet["A1"].font.b
    assert sheet.column_dimensions["F"].hidden and sheet.column_dimensions["G"].hidden
    assert [c.value for c in sheet["A"][1:]] == [
        "U-C",
        "U-T",
        "U-N",
        "U-D",
        "U-S",
        "U-M",
        "U-L",
        "U-F",
        "U-A",
    ]
    # The question and its answers in the chosen language, including the conditional question.
    assert sheet["B2"].value == "Conforme ?"
    assert sheet["D2"].value == "Oui; Oui, en partie; Non"
    assert sheet["E2"].alignment.wrap_text
    assert any("E2" in str(dv.sqref) for dv in sheet.data_validations.dataValidation)
    assert AuditEvent.objects.filter(action="response.offline_export", actor=focal_point).exists()


def test_state_that_is_party_to_one_instrument_gets_one_sheet(state_a, code_lists, focal_point):
    TreatyParticipationFactory(country=state_a, treaty="TIP")
    response = Response.objects.create(questionnaire=_small_questionnaire(), country=state_a)
    workbook = _workbook(offline.response_export(response=response, language="en", by=focal_point))
    assert [s.title for s in workbook.worksheets if s.sheet_state == "visible"] == ["TIP"]


def test_every_kind_is_written_as_text_in_the_chosen_language(small, focal_point):
    values = {
        "U-C": "partial",
        "U-T": "Line one\nLine two",
        "U-N": "12.5",
        "U-D": "2024-03-31",
        "U-S": "b",
        "U-M": ["x", "y"],
        "U-L": LEGISLATION,
        "U-A": ASSISTANCE,
    }
    for code, value in values.items():
        _save(small, code, value, focal_point)
    workbook = _workbook(offline.response_export(response=small, language="fr", by=focal_point))
    cells = {code: workbook["UNTOC"].cell(row=_find(workbook, code)[1], column=5).value for code in values}
    assert cells["U-C"] == "Oui, en partie"
    assert cells["U-T"] == "Line one\nLine two"
    assert cells["U-N"] == "12.5"
    assert cells["U-D"] == "2024-03-31"
    assert cells["U-S"] == "Bêta"
    assert cells["U-M"] == "Police; Tribunaux"
    assert cells["U-L"] == "Penal Code | Art. 5 | https://example.org/pc | 2010-01-01"
    assert cells["U-A"].splitlines() == [
        # The line names are written in the language of the spreadsheet too.
        "Difficultés: Coordination FR",
        "Autres difficultés: Staff turnover",
        "Assistance utile: Oui",
        "Types d'assistance: Rédaction; Formation",
        "Précisions: Two workshops",
        "and a guide",
        "Assistance reçue: Non",
        "Reçue de:",
    ]


# --- Import: nothing changed, and what changed --------------------------------------------------------------


def test_unchanged_file_changes_nothing(shipped_response, focal_point):
    _save(shipped_response, "UNTOC-5-1-C", "yes", focal_point)
    _save(shipped_response, "UNTOC-5-1-L", LEGISLATION, focal_point)
    data = offline.response_export(response=shipped_response, language="fr", by=focal_point)
    preview = offline.response_import_preview(response=shipped_response, data=data, by=focal_point)
    assert preview.changes == []
    assert preview.ignored == []
    before = _snapshot(shipped_response)
    result = offline.response_import_apply(
        response=shipped_response, data=data, by=focal_point, resolutions={}
    )
    assert result["saved"] == 0
    assert _snapshot(shipped_response) == before


def test_every_kind_round_trips_through_its_text(small, focal_point):
    values = {
        "U-C": "partial",
        "U-T": "Line one\nLine two",
        "U-N": "12.5",
        "U-D": "2024-03-31",
        "U-S": "b",
        "U-M": ["x", "y"],
        "U-L": LEGISLATION,
        "U-A": ASSISTANCE,
    }
    for code, value in values.items():
        _save(small, code, value, focal_point)
    exported = offline.response_export(response=small, language="fr", by=focal_point)
    texts = {
        code: _workbook(exported)["UNTOC"].cell(row=_find(_workbook(exported), code)[1], column=5).value
        for code in values
    }
    # Clear every answer online (and the needs its assistance answer revealed), then upload the file:
    # each text must read back as the value it was.
    Need.objects.filter(answer__response=small).delete()
    Answer.objects.filter(response=small).delete()
    blank = offline.response_export(response=small, language="fr", by=focal_point)
    preview = offline.response_import_preview(response=small, data=_edit(blank, texts), by=focal_point)
    assert {c.code: c.new_value for c in preview.changes} == values
    assert {c.status for c in preview.changes} == {"new"}


def test_three_edits_are_previewed_and_applied_and_nothing_else(shipped_response, focal_point):
    _save(shipped_response, "UNTOC-5-1-C", "yes", focal_point)
    _save(shipped_response, "UNTOC-5-1-E", "Old example", focal_point)
    _save(shipped_response, "UNTOC-5-1-L", LEGISLATION, focal_point)
    _save(shipped_response, "UNTOC-5-3-C", "no", focal_point)
    data = offline.response_export(response=shipped_response, language="fr", by=focal_point)
    workbook = _workbook(data)
    sheet, row = _find(workbook, "UNTOC-5-1-L")
    legislation_text = sheet.cell(row=row, column=5).value
    edited = _edit(
        data,
        {
            "UNTOC-6-1-C": "Oui, en partie",
            "UNTOC-5-1-E": "Nouvel exemple\nsur deux lignes",
            "UNTOC-5-1-L": legislation_text + "\nLoi 2020-12 | art. 3 | https://example.org/loi | 2020-06-01",
        },
    )
    preview = offline.response_import_preview(response=shipped_response, data=edited, by=focal_point)
    changes = {c.code: c for c in preview.changes}
    assert set(changes) == {"UNTOC-6-1-C", "UNTOC-5-1-E", "UNTOC-5-1-L"}
    assert changes["UNTOC-6-1-C"].status == "new"
    assert changes["UNTOC-6-1-C"].new_value == "partial"
    assert changes["UNTOC-6-1-C"].old_value is None
    assert changes["UNTOC-5-1-E"].status == "update"
    assert changes["UNTOC-5-1-E"].old_value == "Old example"
    assert changes["UNTOC-5-1-E"].new_value == "Nouvel exemple\nsur deux lignes"
    assert changes["UNTOC-5-1-L"].new_value == [
        *LEGISLATION,
        {
            "title": "Loi 2020-12",
            "article": "art. 3",
            "url": "https://example.org/loi",
            "in_force_on": "2020-06-01",
        },
    ]
    assert (changes["UNTOC-5-1-L"].exported_version, changes["UNTOC-5-1-L"].current_version) == (1, 1)

    before = {code: (version, value) for code, version, value in _snapshot(shipped_response)}
    revisions = AnswerRevision.objects.count()
    result = offline.response_import_apply(
        response=shipped_response, data=edited, by=focal_point, resolutions={}, ip_address="192.0.2.1"
    )
    assert result == {"new": 1, "updated": 2, "kept_mine": 0, "kept_theirs": 0, "saved": 3}
    after = {code: (version, value) for code, version, value in _snapshot(shipped_response)}
    assert after["UNTOC-6-1-C"] == (1, "partial")
    assert after["UNTOC-5-1-E"] == (2, "Nouvel exemple\nsur deux lignes")
    assert after["UNTOC-5-1-L"][0] == 2
    assert {k: v for k, v in after.items() if k not in changes} == {
        k: v for k, v in before.items() if k not in changes
    }
    assert AnswerRevision.objects.count() == revisions + 3
    new_revisions = AnswerRevision.objects.filter(answer__response=shipped_response).order_by("-id")[:3]
    assert {r.source for r in new_revisions} == {AnswerRevision.Source.SPREADSHEET}
    assert {r.language for r in new_revisions} == {"fr"}
    event = AuditEvent.objects.get(action="response.offline_import")
    assert event.data["saved"] == 3


def test_a_label_or_code_in_another_language_reads_too(small, focal_point):
    data = offline.response_export(response=small, language="fr", by=focal_point)
    edited = _edit(data, {"U-C": "Yes, in part", "U-S": "alpha fr", "U-M": "y\nPolice", "U-N": "9,5"})
    preview = offline.response_import_preview(response=small, data=edited, by=focal_point)
    assert {c.code: c.new_value for c in preview.changes} == {
        "U-C": "partial",
        "U-S": "a",
        "U-M": ["y", "x"],
        "U-N": "9.5",
    }


def test_changes_to_file_questions_are_ignored_with_a_note(small, focal_point):
    data = offline.response_export(response=small, language="en", by=focal_point)
    preview = offline.response_import_preview(
        response=small, data=_edit(data, {"U-F": "my-law.pdf"}), by=focal_point
    )
    assert preview.changes == []
    assert len(preview.ignored) == 1
    assert "UNTOC" in str(preview.ignored[0])


# --- Conflicts ----------------------------------------------------------------------------------------------


def _conflicting_upload(response, focal_point, contributor):
    _save(response, "U-T", "Exported text", focal_point)
    data = offline.response_export(response=response, language="en", by=focal_point)
    _save(response, "U-T", "Changed online meanwhile", contributor)
    return _edit(data, {"U-T": "Changed offline", "U-N": "7"})


def test_an_answer_changed_online_meanwhile_is_a_conflict(small, focal_point, contributor):
    data = _conflicting_upload(small, focal_point, contributor)
    preview = offline.response_import_preview(response=small, data=data, by=focal_point)
    conflict = next(c for c in preview.changes if c.code == "U-T")
    assert conflict.status == "conflict"
    assert conflict.old_value == "Changed online meanwhile"
    assert conflict.new_value == "Changed offline"
    assert (conflict.exported_version, conflict.current_version) == (1, 2)
    assert [c.code for c in preview.conflicts] == ["U-T"]


def test_keeping_theirs_leaves_the_online_answer(small, focal_point, contributor):
    data = _conflicting_upload(small, focal_point, contributor)
    result = offline.response_import_apply(
        response=small, data=data, by=focal_point, resolutions={"U-T": "theirs"}
    )
    assert result["kept_theirs"] == 1 and result["saved"] == 1
    assert _answer(small, "U-T").value == "Changed online meanwhile"
    assert _answer(small, "U-T").version == 2
    assert _answer(small, "U-N").value == "7"


def test_keeping_mine_overwrites_the_online_answer(small, focal_point, contributor):
    data = _conflicting_upload(small, focal_point, contributor)
    offline.response_import_apply(response=small, data=data, by=focal_point, resolutions={"U-T": "mine"})
    answer = _answer(small, "U-T")
    assert (answer.value, answer.version) == ("Changed offline", 3)


def test_a_conflict_without_a_choice_is_not_applied(small, focal_point, contributor):
    data = _conflicting_upload(small, focal_point, contributor)
    before = _snapshot(small)
    with pytest.raises(offline.OfflineUnresolved) as unresolved:
        offline.response_import_apply(response=small, data=data, by=focal_point, resolutions={})
    assert "U-T" in unresolved.value.messages[0]
    assert _snapshot(small) == before


def test_an_answer_changed_after_the_preview_stops_the_apply(small, focal_point, contributor):
    data = offline.response_export(response=small, language="en", by=focal_point)
    edited = _edit(data, {"U-T": "Mine", "U-N": "7"})
    preview = offline.response_import_preview(response=small, data=edited, by=focal_point)
    _save(small, "U-T", "Theirs", contributor)
    with pytest.raises(offline.OfflineUnresolved):
        offline.response_import_apply(
            response=small, data=edited, by=focal_point, resolutions={}, fingerprint=preview.fingerprint
        )
    assert _answer(small, "U-N") is None


def test_a_conflict_raised_while_saving_aborts_everything(small, focal_point, monkeypatch):
    data = offline.response_export(response=small, language="en", by=focal_point)
    edited = _edit(data, {"U-T": "Mine", "U-N": "7"})
    real_save = offline.answer_save
    calls = []

    def racing_save(**kwargs):
        calls.append(kwargs["question"].code)
        if len(calls) == 2:
            raise offline.AnswerConflict(real_save(**{**kwargs, "value": "9"}))
        return real_save(**kwargs)

    monkeypatch.setattr(offline, "answer_save", racing_save)
    problems = _refused(small, edited, focal_point)
    assert "Upload the file again" in problems[0]
    assert not AuditEvent.objects.filter(action="response.offline_import").exists()


# --- Refusals -----------------------------------------------------------------------------------------------


def test_another_states_file_is_refused(small, focal_point, state_b, other_focal_point):
    for treaty in ("UNTOC", "TIP"):
        TreatyParticipationFactory(country=state_b, treaty=treaty)
    theirs = Response.objects.create(questionnaire=small.questionnaire, country=state_b)
    data = offline.response_export(response=theirs, language="en", by=other_focal_point)
    problems = _refused(small, _edit(data, {"U-T": "Hello"}), focal_point)
    assert problems == [
        "This file holds the answers of Betaland, not of Alphaland. Upload only a spreadsheet downloaded "
        "from your own State's response."
    ]


def test_another_versions_file_is_refused(small, focal_point):
    newer = Response.objects.create(questionnaire=_small_questionnaire("small-2"), country=small.country)
    data = offline.response_export(response=newer, language="en", by=focal_point)
    problems = _refused(small, data, focal_point)
    assert len(problems) == 1
    assert "version “small-2”" in problems[0] and "version “small-1”" in problems[0]


def test_a_tampered_meta_sheet_is_refused(small, focal_point):
    workbook = _workbook(offline.response_export(response=small, language="en", by=focal_point))
    for row in workbook["_meta"].iter_rows():
        if row[0].value == "country":
            row[1].value = "BB"
    problems = _refused(small, _save_workbook(workbook), focal_point)
    assert "“_meta”" in problems[0] and "changed" in problems[0]


def test_tampered_hidden_versions_are_refused(small, focal_point, contributor):
    data = _conflicting_upload(small, focal_point, contributor)
    workbook = _workbook(data)
    sheet, row = _find(workbook, "U-T")
    sheet.cell(row=row, column=offline.VERSION, value=2)  # pretend it was exported after their change
    problems = _refused(small, _save_workbook(workbook), focal_point)
    assert problems[0].startswith("Sheet “UNTOC”: The hidden columns")


def test_a_file_without_meta_or_not_a_workbook_is_refused(small, focal_point):
    workbook = _workbook(offline.response_export(response=small, language="en", by=focal_point))
    del workbook["_meta"]
    assert "“_meta” sheet is missing" in _refused(small, _save_workbook(workbook), focal_point)[0]
    assert _refused(small, b"code,answer\nU-T,hello\n", focal_point) == ["This file is not an XLSX workbook."]


def test_a_deleted_row_is_refused_naming_sheet_row_and_column(small, focal_point):
    workbook = _workbook(offline.response_export(response=small, language="en", by=focal_point))
    workbook["UNTOC"].delete_rows(4)  # U-N
    problems = _refused(small, _save_workbook(workbook), focal_point)
    assert problems == [
        "Sheet “UNTOC”, row 4, column “A (Code)”: The question U-N is missing from the sheet; rows must not be "
        "deleted."
    ]


def test_a_renamed_code_is_refused_naming_sheet_row_and_column(small, focal_point):
    workbook = _workbook(offline.response_export(response=small, language="en", by=focal_point))
    workbook["TIP"]["A3"] = "T-TEXT"
    problems = _refused(small, _save_workbook(workbook), focal_point)
    assert (
        "Sheet “TIP”, row 3, column “A (Code)”: “T-TEXT” is not a question of this questionnaire." in problems
    )
    assert any("T-T is missing" in p for p in problems)


def test_moved_rows_and_a_missing_sheet_are_refused(small, focal_point):
    workbook = _workbook(offline.response_export(response=small, language="en", by=focal_point))
    sheet = workbook["UNTOC"]
    sheet["A3"], sheet["A4"] = "U-N", "U-T"
    del workbook["TIP"]
    problems = _refused(small, _save_workbook(workbook), focal_point)
    assert (
        "Sheet “UNTOC”, row 4, column “A (Code)”: The row was moved: rows must keep their order." in problems
    )
    assert "Sheet “TIP”: The sheet is missing." in problems


def test_a_bad_number_is_refused_naming_sheet_row_and_column(small, focal_point):
    data = offline.response_export(response=small, language="en", by=focal_point)
    problems = _refused(small, _edit(data, {"U-N": "twelve", "U-T": "fine"}), focal_point)
    assert problems == ["Sheet “UNTOC”, row 4, column “E (Your answer)”: “twelve” is not a number."]
    problems = _refused(small, _edit(data, {"U-N": "5000"}), focal_point)
    assert problems == ["Sheet “UNTOC”, row 4, column “E (Your answer)”: Enter a number of at most 1000."]


def test_unreadable_answers_are_refused_with_their_place(small, focal_point):
    data = offline.response_export(response=small, language="en", by=focal_point)
    edited = _edit(
        data,
        {
            "U-C": "Maybe",
            "U-D": "31/03/2024",
            "U-L": "| art. 3",
            "U-A": "Would help: perhaps",
        },
    )
    problems = _refused(small, edited, focal_point)
    assert [p.split(":")[0] for p in problems] == [
        "Sheet “UNTOC”, row 2, column “E (Your answer)”",
        "Sheet “UNTOC”, row 5, column “E (Your answer)”",
        "Sheet “UNTOC”, row 8, column “E (Your answer)”",
        "Sheet “UNTOC”, row 10, column “E (Your answer)”",
    ]


def test_refusals_are_in_the_persons_language(small, focal_point):
    from django.utils import translation

    with translation.override("fr"):
        assert _refused(small, b"not a workbook", focal_point) == ["Ce fichier n'est pas un classeur XLSX."]


# --- Formula injection --------------------------------------------------------------------------------------


def test_a_formula_in_an_answer_is_neutralized_and_round_trips(small, focal_point):
    payload = '=HYPERLINK("http://evil.example","click")'
    _save(small, "U-T", payload, focal_point)
    _save(small, "U-C", "yes", focal_point)
    data = offline.response_export(response=small, language="en", by=focal_point)
    workbook = _workbook(data)
    sheet, row = _find(workbook, "U-T")
    cell = sheet.cell(row=row, column=offline.ANSWER)
    assert cell.data_type == "s"
    assert cell.value == "'" + payload
    assert offline.response_import_preview(response=small, data=data, by=focal_point).changes == []
    # Typed as text (as Excel stores a cell typed with a leading quote), it is read as the text.
    typed = payload.replace("click", "go")
    cell.value = typed
    cell.data_type = "s"
    preview = offline.response_import_preview(response=small, data=_save_workbook(workbook), by=focal_point)
    assert {c.code: c.new_value for c in preview.changes} == {"U-T": typed}


def test_a_real_formula_typed_in_a_cell_is_refused(small, focal_point):
    data = offline.response_export(response=small, language="en", by=focal_point)
    problems = _refused(small, _edit(data, {"U-T": "=1+1"}), focal_point)
    assert problems == [
        "Sheet “UNTOC”, row 3, column “E (Your answer)”: Formulas are not accepted: type the answer as plain text."
    ]


def test_guard_and_unguard_are_inverse():
    for text in ("=1", "+1", "-x", "@a", "\tx", "'=x", "''+y", "'plain", "plain", "", "'"):
        guarded = offline.guard(text)
        assert not guarded.startswith(offline.FORMULA_STARTS)
        assert offline.unguard(guarded) == text


# --- Pages --------------------------------------------------------------------------------------------------


def _upload(client, response, data, name="answers.xlsx"):
    return client.post(
        reverse("surveys:offline_upload", args=[response.pk]),
        {
            "file": SimpleUploadedFile(
                name, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
        },
    )


def test_focal_point_downloads_uploads_previews_and_applies(client, small, focal_point, contributor):
    client.force_login(focal_point)
    _save(small, "U-T", "Exported text", focal_point)
    page = client.get(reverse("surveys:offline_upload", args=[small.pk]))
    assert page.status_code == 200
    download = client.get(reverse("surveys:offline_download", args=[small.pk]), {"lang": "fr"})
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="AA-small-1-fr.xlsx"'
    _save(small, "U-T", "Changed online", contributor)
    edited = _edit(download.content, {"U-T": "Changed offline", "U-C": "Oui"})

    preview = _upload(client, small, edited)
    assert preview.status_code == 200
    assert [(c.code, c.status) for c in preview.context["preview"].changes] == [
        ("U-C", "new"),
        ("U-T", "conflict"),
    ]
    html = preview.content.decode()
    assert 'name="resolution-U-T"' in html and "Keep theirs (the answer online now)" in html
    fingerprint = preview.context["preview"].fingerprint

    applied = client.post(
        reverse("surveys:offline_apply", args=[small.pk]),
        {"resolution-U-T": "mine", "fingerprint": fingerprint},
        follow=True,
    )
    assert applied.redirect_chain[-1][0] == small.get_absolute_url()
    assert "The spreadsheet was applied: 2 answers changed." in applied.content.decode()
    assert _answer(small, "U-T").value == "Changed offline"
    assert _answer(small, "U-C").value == "yes"
    assert f"offline_upload_{small.pk}" not in client.session


def test_a_conflict_left_unanswered_shows_the_preview_again(client, small, focal_point, contributor):
    client.force_login(focal_point)
    data = _conflicting_upload(small, focal_point, contributor)
    _upload(client, small, data)
    page = client.post(reverse("surveys:offline_apply", args=[small.pk]), {})
    assert page.status_code == 409
    assert "Choose which answer to keep for U-T." in page.content.decode()
    assert _answer(small, "U-N") is None


def test_a_refused_upload_shows_the_problems_and_keeps_the_form(client, small, focal_point):
    client.force_login(focal_point)
    page = _upload(client, small, b"plain text")
    assert page.status_code == 400
    html = page.content.decode()
    assert "This file is not an XLSX workbook." in html
    assert 'type="file"' in html
    assert client.post(reverse("surveys:offline_apply", args=[small.pk])).status_code == 302


def test_contributor_of_another_state_gets_404(client, small, state_b):
    outsider = UserFactory(contributor=True, country=state_b)
    client.force_login(outsider)
    assert client.get(reverse("surveys:offline_download", args=[small.pk])).status_code == 404
    assert client.get(reverse("surveys:offline_upload", args=[small.pk])).status_code == 404
    assert client.post(reverse("surveys:offline_apply", args=[small.pk])).status_code == 404


def test_reviewer_downloads_but_does_not_upload(client, small, reviewer, focal_point):
    data = offline.response_export(response=small, language="en", by=focal_point)
    client.force_login(reviewer)
    assert client.get(reverse("surveys:offline_download", args=[small.pk])).status_code == 200
    assert client.get(reverse("surveys:offline_upload", args=[small.pk])).status_code == 403
    assert _upload(client, small, _edit(data, {"U-T": "x"})).status_code == 403
    assert client.post(reverse("surveys:offline_apply", args=[small.pk])).status_code == 403
    assert _answer(small, "U-T") is None


def test_submitted_response_cannot_be_uploaded_to(client, small, focal_point):
    data = offline.response_export(response=small, language="en", by=focal_point)
    Response.objects.filter(pk=small.pk).update(status=Response.Status.SUBMITTED, submitted_at=timezone.now())
    client.force_login(focal_point)
    assert _upload(client, small, _edit(data, {"U-T": "x"})).status_code == 403
    assert client.get(reverse("surveys:offline_download", args=[small.pk])).status_code == 200


def test_upload_larger_than_the_limit_is_refused(client, small, focal_point, settings):
    settings.OMNIBUS_MAX_IMPORT_BYTES = 100
    client.force_login(focal_point)
    page = _upload(client, small, b"x" * 200)
    assert page.status_code == 400
    assert "larger than" in page.content.decode()


def test_an_inserted_column_is_refused(small, focal_point):
    workbook = _workbook(offline.response_export(response=small, language="en", by=focal_point))
    workbook["UNTOC"].insert_cols(3)
    problems = _refused(small, _save_workbook(workbook), focal_point)
    assert problems == [
        "Sheet “UNTOC”, row 1, column “C”: This column should be “Kind”: columns must not be added, "
        "removed or moved."
    ]


def test_an_answer_too_long_for_a_cell_is_changed_online_only(small, focal_point):
    _save(small, "U-T", "x" * 40_000, focal_point)
    data = offline.response_export(response=small, language="en", by=focal_point)
    workbook = _workbook(data)
    sheet, row = _find(workbook, "U-T")
    assert sheet.cell(row=row, column=offline.ANSWER).value.startswith("This answer is too long")
    preview = offline.response_import_preview(
        response=small, data=_edit(data, {"U-T": "short"}), by=focal_point
    )
    assert preview.changes == [] and len(preview.ignored) == 1


def test_download_and_preview_pages_use_a_fixed_number_of_queries(
    client, shipped_response, focal_point, django_assert_max_num_queries
):
    client.force_login(focal_point)
    url = reverse("surveys:offline_download", args=[shipped_response.pk])
    client.get(url)  # the questionnaire's structure is read once per process
    with django_assert_max_num_queries(12):
        data = client.get(url, {"lang": "fr"}).content
    edited = _edit(data, {"UNTOC-5-1-C": "Oui", "UNTOC-5-1-E": "Exemple", "UNTOC-6-1-C": "Non"})
    with django_assert_max_num_queries(16):
        assert _upload(client, shipped_response, edited).status_code == 200


def test_a_response_covering_no_instrument_explains_instead_of_failing(client, state_b, code_lists):
    # State B is party to nothing in this questionnaire and has opted into nothing.
    response = Response.objects.create(questionnaire=_small_questionnaire("small-none"), country=state_b)
    client.force_login(UserFactory(focal_point=True, country=state_b))
    reply = client.get(reverse("surveys:offline_download", args=[response.pk]), follow=True)
    assert reply.redirect_chain[0] == (response.get_absolute_url(), 302)
    assert "this response covers none of the instruments" in reply.content.decode()
    assert not AuditEvent.objects.filter(action="response.offline_export").exists()
