"""Spreadsheets and files sent to the imports: the questionnaire import, the offline response import
(preview, then apply), with random bytes, misleading names and valid workbooks changed cell by cell,
sheet by sheet and byte by byte. Never a server error; a refused file changes nothing."""

from io import BytesIO

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from portal.models import AuditEvent, Role
from surveys.models import Answer, AnswerRevision, Choice, Condition, Question, Questionnaire, Section
from surveys.services import offline, spreadsheet

from .checks import assert_inert, rows
from .strategies import (
    cell_safe,
    dangerous_text,
    examples,
    file_bytes,
    file_names,
    hostile_text,
    mutated_workbook,
    upload_named,
)

pytestmark = pytest.mark.django_db

QUESTIONNAIRE_TABLES = (Questionnaire, Section, Question, Choice, Condition, AuditEvent)
ANSWER_TABLES = (Answer, AnswerRevision, AuditEvent)


def _save(workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def questionnaire_file(world):
    """The world's questionnaire exported, under a new code: importing it as it is makes a new draft."""
    workbook = load_workbook(BytesIO(spreadsheet.questionnaire_export(world.questionnaire)))
    sheet = workbook["questionnaire"]
    headers = [cell.value for cell in sheet[1]]
    sheet.cell(row=2, column=headers.index("code") + 1, value="hostile-import")
    return _save(workbook)


@pytest.fixture
def offline_file(world):
    return offline.response_export(response=world.response, language="en", by=world.users[Role.FOCAL_POINT])


def _import(client, data, name="questionnaire.xlsx", replace=False):
    form = {"file": upload_named(name, data)}
    if replace:
        form["replace_draft"] = "on"
    return client.post(reverse("surveys:questionnaire_import"), form)


def test_the_unchanged_questionnaire_file_imports(world, as_role, questionnaire_file):
    """The starting point of the mutations below is a file the import accepts."""
    reply = _import(as_role(Role.ADMINISTRATOR), questionnaire_file)
    assert reply.status_code == 302
    assert Questionnaire.objects.filter(code="hostile-import", status=Questionnaire.Status.DRAFT).exists()


@examples(15)
@given(data=st.data())
def test_questionnaire_import_of_a_changed_workbook_never_fails_and_a_refusal_changes_nothing(
    world, as_role, questionnaire_file, data
):
    client = as_role(Role.ADMINISTRATOR)
    content = data.draw(st.one_of(mutated_workbook(questionnaire_file), file_bytes), label="file")
    name = data.draw(st.one_of(st.just("questionnaire.xlsx"), file_names), label="name")
    before = rows(*QUESTIONNAIRE_TABLES)
    reply = _import(client, content, name, replace=data.draw(st.booleans(), label="replace"))
    assert reply.status_code in (200, 302)
    if reply.status_code == 200:
        assert rows(*QUESTIONNAIRE_TABLES) == before
        assert_inert(reply.content.decode())
    else:
        assert_inert(client.get(reply["Location"]).content.decode())


@examples(8)
@given(text=dangerous_text)
def test_markup_imported_in_a_questionnaire_is_text_when_read(world, as_role, questionnaire_file, text):
    workbook = load_workbook(BytesIO(questionnaire_file))
    sheet = workbook["questions"]
    headers = [cell.value for cell in sheet[1]]
    sheet.cell(row=2, column=headers.index("text::en") + 1, value=cell_safe(text))
    client = as_role(Role.ADMINISTRATOR)
    reply = _import(client, _save(workbook), replace=True)
    page = client.get(reply["Location"]) if reply.status_code == 302 else reply
    assert_inert(page.content.decode())
    draft = Questionnaire.objects.filter(code="hostile-import").first()
    if draft is not None:
        for instrument in ("untoc",):
            url = reverse("surveys:instrument_read", args=[draft.code, instrument])
            assert_inert(client.get(url).content.decode())


def _upload(client, world, data, name="answers.xlsx"):
    return client.post(
        reverse("surveys:offline_upload", args=[world.response.pk]),
        {"file": upload_named(name, data)},
    )


def test_the_unchanged_offline_file_previews(world, as_role, offline_file):
    reply = _upload(as_role(Role.FOCAL_POINT), world, offline_file)
    assert reply.status_code == 200
    assert reply.context["preview"].changes == []


@examples(15)
@given(data=st.data())
def test_offline_import_of_a_changed_workbook_never_fails_and_a_refusal_changes_nothing(
    world, as_role, offline_file, data
):
    client = as_role(data.draw(st.sampled_from((Role.FOCAL_POINT, Role.CONTRIBUTOR)), label="role"))
    content = data.draw(st.one_of(mutated_workbook(offline_file), file_bytes), label="file")
    before = rows(*ANSWER_TABLES)
    preview = _upload(client, world, content, data.draw(st.one_of(st.just("answers.xlsx"), file_names)))
    assert preview.status_code in (200, 400)
    assert_inert(preview.content.decode())
    assert rows(*ANSWER_TABLES) == before  # a preview writes nothing
    resolutions = data.draw(
        st.dictionaries(
            st.sampled_from(("resolution-U-T", "resolution-U-N", "resolution-U-C", "fingerprint")),
            st.one_of(st.sampled_from(("mine", "theirs")), hostile_text),
            max_size=3,
        ),
        label="resolutions",
    )
    applied = client.post(reverse("surveys:offline_apply", args=[world.response.pk]), resolutions)
    assert applied.status_code in (302, 400, 409)
    if applied.status_code != 302 or preview.status_code == 400:
        assert rows(*ANSWER_TABLES)["Answer"] == before["Answer"]
    assert_inert(client.get(world.response.get_absolute_url()).content.decode())


@examples(10)
@given(texts=st.lists(dangerous_text, min_size=1, max_size=3))
def test_formulas_typed_offline_are_refused_or_kept_as_text(world, as_role, texts):
    """What a person types into the answer column is an answer, never a formula that runs."""
    focal_point = world.users[Role.FOCAL_POINT]
    workbook = load_workbook(
        BytesIO(offline.response_export(response=world.response, language="en", by=focal_point))
    )
    sheet = workbook["UNTOC"]
    codes = {row[0].value: row[0].row for row in sheet.iter_rows(min_row=2)}
    for code, text in zip(("U-T", "U-L", "U-A"), texts, strict=False):
        sheet.cell(row=codes[code], column=offline.ANSWER, value=cell_safe(text))
    client = as_role(Role.FOCAL_POINT)
    before = rows(*ANSWER_TABLES)
    preview = _upload(client, world, _save(workbook))
    assert preview.status_code in (200, 400)
    assert_inert(preview.content.decode())
    if preview.status_code == 400:
        assert client.post(reverse("surveys:offline_apply", args=[world.response.pk])).status_code == 302
        assert rows(*ANSWER_TABLES) == before
        return
    fingerprint = preview.context["preview"].fingerprint
    applied = client.post(
        reverse("surveys:offline_apply", args=[world.response.pk]), {"fingerprint": fingerprint}
    )
    assert applied.status_code == 302
    exported = load_workbook(
        BytesIO(offline.response_export(response=world.response, language="en", by=None))
    )
    for row in exported["UNTOC"].iter_rows(min_row=2, values_only=True):
        assert not str(row[offline.ANSWER - 1] or "").startswith(offline.FORMULA_STARTS), row
