"""Journeys of national focal points and contributors filling in their State's response."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from surveys.models import Answer, Questionnaire, Response
from surveys.structure import clear_cache
from tests.factories import TreatyParticipationFactory

from .conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def response(state_a):
    clear_cache()
    call_command("load_questionnaire", verbosity=0)
    TreatyParticipationFactory(country=state_a, treaty="UNTOC")
    questionnaire = Questionnaire.objects.get(code="omnibus-2026")
    return Response.objects.create(questionnaire=questionnaire, country=state_a)


def _section(response, code="UNTOC-5"):
    return f"/responses/{response.pk}/sections/{code}/"


def _saved(page):
    expect(page.locator("[data-save-status]")).to_have_class(re.compile("text-success"), timeout=10_000)


def test_focal_point_fills_a_section_in_arabic_and_finds_it_after_reload(
    page, response, focal_point, password
):
    sign_in(page, focal_point.email, password, "ar")
    page.goto(f"/ar{_section(response)}")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    first = page.locator("#q-UNTOC-5-1-C")
    examples = page.locator("#q-UNTOC-5-1-E")
    expect(examples).to_be_hidden()
    # "Yes, in part" shows the follow-up questions at once, without a page load.
    first.get_by_label("نعم، جزئيا").check()
    expect(examples).to_be_visible()
    text = "صدر القانون رقم 12 لسنة 2019 بشأن مكافحة الجريمة المنظمة، وأُدين بموجبه 34 شخصا."
    examples.get_by_role("textbox").first.fill(text)
    # This answer's own status: the page-wide one may still show the earlier save of the first question.
    expect(examples.locator("[data-question-status]")).to_have_class(re.compile("text-success"), timeout=10_000)
    _saved(page)
    page.reload()
    expect(page.locator("#q-UNTOC-5-1-C").get_by_label("نعم، جزئيا")).to_be_checked()
    expect(page.locator("#q-UNTOC-5-1-E").get_by_role("textbox").first).to_have_value(text)
    answer = Answer.objects.get(response=response, question__code="UNTOC-5-1-E")
    assert (answer.value, answer.language, answer.updated_by) == (text, "ar", focal_point)


def test_two_contributors_change_the_same_answer_and_the_second_sees_the_conflict(
    new_page, console, response, focal_point, contributor, password
):
    console.expected.append("409")
    first, second = new_page(), new_page()
    sign_in(first, focal_point.email, password)
    sign_in(second, contributor.email, password)
    Answer.objects.create(
        response=response,
        question=response.questionnaire.questions.get(code="UNTOC-5-1-C"),
        value="partial",
        updated_at="2026-01-01T00:00Z",
        updated_by=focal_point,
    )
    for page in (first, second):
        page.goto(f"/en{_section(response)}")
    first_box = first.locator("#q-UNTOC-5-1-E").get_by_role("textbox").first
    first_box.fill("Version of the focal point")
    _saved(first)
    second_box = second.locator("#q-UNTOC-5-1-E").get_by_role("textbox").first
    second_box.fill("Version of the contributor")
    conflict = second.locator("#q-UNTOC-5-1-E .autosave-conflict")
    expect(conflict).to_be_visible(timeout=10_000)
    expect(conflict).to_contain_text("Version of the focal point")
    expect(second_box).to_have_value("Version of the contributor")  # nothing typed is lost
    assert Answer.objects.get(question__code="UNTOC-5-1-E").value == "Version of the focal point"
    # The contributor keeps theirs, knowingly.
    conflict.get_by_role("button", name="Keep my answer").click()
    _saved(second)
    answer = Answer.objects.get(question__code="UNTOC-5-1-E")
    assert (answer.value, answer.version) == ("Version of the contributor", 2)


def test_typed_text_survives_an_expired_session(new_page, console, response, contributor, password):
    console.expected.append("403")  # the saves refused while signed out
    page = new_page()
    sign_in(page, contributor.email, password)
    Answer.objects.create(
        response=response,
        question=response.questionnaire.questions.get(code="UNTOC-5-1-C"),
        value="no",
        updated_at="2026-01-01T00:00Z",
    )
    page.goto(f"/en{_section(response)}")
    page.context.clear_cookies()  # the session ends while the page is open
    box = page.locator("#q-UNTOC-5-1-TA").get_by_label("Describe the assistance needed")
    box.fill("Training for prosecutors on financial investigations")
    expect(page.locator("[data-save-status]")).to_contain_text("session has expired", timeout=10_000)
    # Signing in again in another tab of the same browser lets the waiting save go through.
    other = page.context.new_page()
    sign_in(other, contributor.email, password)
    _saved(page)
    value = Answer.objects.get(question__code="UNTOC-5-1-TA").value
    assert value["details"] == "Training for prosecutors on financial investigations"


def test_spreadsheet_round_trip_changes_exactly_the_answers_edited_offline(
    page, response, focal_point, password, tmp_path
):
    from io import BytesIO

    from openpyxl import load_workbook

    from surveys.services import offline

    question = response.questionnaire.questions
    Answer.objects.create(
        response=response,
        question=question.get(code="UNTOC-5-1-C"),
        value="yes",
        updated_at="2026-01-01T00:00Z",
    )
    Answer.objects.create(
        response=response,
        question=question.get(code="UNTOC-6-1-C"),
        value="no",
        updated_at="2026-01-01T00:00Z",
    )
    before = dict(Answer.objects.filter(response=response).values_list("question__code", "value"))
    sign_in(page, focal_point.email, password, "fr")
    page.goto(f"/fr/responses/{response.pk}/")
    with page.expect_download() as download_info:
        page.locator("form[action$='/offline/download/'] button[type=submit]").click()
    path = tmp_path / "offline.xlsx"
    download_info.value.save_as(path)

    # Offline, in French: two answers changed, nothing else.
    workbook = load_workbook(path)
    edits = {"UNTOC-5-1-C": "Oui, en partie", "UNTOC-6-1-E": "Trois condamnations en 2025."}
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(min_row=2):
            if row[0].value in edits:
                sheet.cell(row=row[0].row, column=offline.ANSWER, value=edits[row[0].value])
    buffer = BytesIO()
    workbook.save(buffer)
    edited = tmp_path / "edited.xlsx"
    edited.write_bytes(buffer.getvalue())

    page.goto(f"/fr/responses/{response.pk}/offline/upload/")
    page.locator("input[type=file]").set_input_files(edited)
    page.locator("main form[enctype] button[type=submit]").click()
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("main table")).to_contain_text("Trois condamnations en 2025.")
    page.locator("main form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(rf"/fr/responses/{response.pk}/$"))

    after = dict(Answer.objects.filter(response=response).values_list("question__code", "value"))
    assert after == {**before, "UNTOC-5-1-C": "partial", "UNTOC-6-1-E": "Trois condamnations en 2025."}
    assert Answer.objects.get(response=response, question__code="UNTOC-6-1-C").version == 1
