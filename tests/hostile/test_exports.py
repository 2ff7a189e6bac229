"""Text people typed, exported to CSV and XLSX: whatever starts like a formula (= + - @ tab, carriage
return) is neutralized with a leading quote, in every export of the portal."""

import csv
from io import BytesIO, StringIO

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from assistance.models import Activity, Contribution, Need
from portal.models import AuditEvent, Role
from surveys import exports
from surveys.models import Answer, Comment
from surveys.services.offline import FORMULA_STARTS, ILLEGAL_CHARACTERS_RE, guard, unguard

from .checks import is_neutral
from .strategies import characters, examples, hostile_text
from .strategies import dangerous_text as typed_text

# Stored directly in the database, which holds no NUL character (the forms and services refuse it).
dangerous_text = typed_text.map(lambda text: text.replace("\x00", ""))

pytestmark = pytest.mark.django_db


@examples(200)
@given(text=st.one_of(hostile_text, dangerous_text, st.text(alphabet=characters)))
def test_guard_neutralizes_every_formula_and_unguard_gives_the_text_back(text):
    guarded = guard(text)
    assert not guarded.startswith(FORMULA_STARTS)
    if text.startswith(FORMULA_STARTS) and not ILLEGAL_CHARACTERS_RE.search(text) and "\r\n" not in text:
        assert guarded == "'" + text
    if not ILLEGAL_CHARACTERS_RE.search(text) and "\r\n" not in text:
        assert unguard(guarded) == text


def _csv_cells(content: str) -> list[str]:
    return [cell for row in csv.reader(StringIO(content.lstrip("\ufeff"))) for cell in row]


def _xlsx_cells(content: bytes) -> list:
    workbook = load_workbook(BytesIO(content))
    return [
        cell for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for cell in row
    ]


def _assert_neutral(cells, typed):
    bad = [cell for cell in cells if not is_neutral(cell)]
    assert not bad, bad
    # The typed text is there, behind its guard (unless the cell had to be cut).
    assert any(
        isinstance(cell, str) and unguard(cell) == guard(typed)[1:] for cell in cells
    ) or not typed.startswith(FORMULA_STARTS)


def _streamed(reply) -> str:
    return b"".join(reply.streaming_content).decode() if reply.streaming else reply.content.decode()


@examples(8)
@given(text=dangerous_text)
def test_answers_and_comments_are_neutral_in_the_response_exports(world, as_role, text):
    Answer.objects.filter(response=world.response, question__code="U-T").update(value=text)
    reviewer = world.users[Role.REVIEWER]
    # The services behind the export pages (the pages may hand the work to the task worker).
    as_csv = "".join(exports.responses_csv(world.questionnaire, language="en", by=reviewer))
    as_xlsx = exports.responses_xlsx(world.questionnaire, language="fr", by=reviewer)
    typed = ILLEGAL_CHARACTERS_RE.sub("", text)
    _assert_neutral(_csv_cells(as_csv), typed)
    _assert_neutral(_xlsx_cells(as_xlsx), typed)


@examples(8)
@given(text=dangerous_text)
def test_answers_are_neutral_in_the_offline_workbook(world, as_role, text):
    Answer.objects.filter(response=world.response, question__code="U-T").update(value=text)
    reply = as_role(Role.FOCAL_POINT).get(reverse("surveys:offline_download", args=[world.response.pk]))
    assert reply.status_code == 200
    cells = [
        cell
        for sheet in load_workbook(BytesIO(reply.content)).worksheets
        if not sheet.title.startswith("_")
        for row in sheet.iter_rows(values_only=True)
        for cell in row
    ]
    assert all(is_neutral(cell) for cell in cells), [c for c in cells if not is_neutral(c)]


@examples(8)
@given(text=dangerous_text, file_format=st.sampled_from(("csv", "xlsx")))
def test_typed_texts_are_neutral_in_the_assistance_exports(world, as_role, text, file_format):
    Need.objects.filter(pk=world.need.pk).update(description=text)
    Activity.objects.filter(pk=world.activity.pk).update(title=text)
    Contribution.objects.filter(pk=world.contribution.pk).update(reference=text[:100], note=text)
    client = as_role(Role.REVIEWER)
    for name in ("needs", "activities", "contributions"):
        reply = client.get(reverse("assistance:export", args=[name, file_format]), {"language": "en"})
        assert reply.status_code == 200, name
        if file_format == "csv":
            cells = _csv_cells(_streamed(reply))
            assert all(is_neutral(cell) for cell in cells), name
        else:
            cells = _xlsx_cells(reply.content)
            assert all(is_neutral(cell) for cell in cells), name


@examples(8)
@given(text=dangerous_text)
def test_typed_texts_are_neutral_in_the_audit_trail_export(world, as_role, text):
    AuditEvent.objects.create(action="comment.added", actor_email=text[:200], summary=text[:255])
    Comment.objects.filter(pk=world.comment.pk).update(body=text)
    reply = as_role(Role.REVIEWER).get(reverse("surveys:audit_trail"), {"format": "csv"})
    assert reply.status_code == 200
    cells = _csv_cells(_streamed(reply))
    assert all(is_neutral(cell) for cell in cells), [c for c in cells if not is_neutral(c)]
