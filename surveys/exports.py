"""The answers of every State to one questionnaire version, as CSV or XLSX: one row per State and question
answered, with the questionnaire's codes as stable keys and the texts in a chosen language.

Every text a spreadsheet program could run as a formula is neutralized with the offline workbook's
`guard`. The CSV is streamed and the XLSX written in openpyxl's write-only mode, so that 200 States ×
740 questions never sit in memory as a whole. Every export is recorded in the audit trail.
"""

import csv
from collections.abc import Iterator
from datetime import UTC
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from portal.audit import audit_record
from portal.models import User

from .analysis import NO_GROUP, group_label
from .models import Answer, Question, Questionnaire, Response
from .services.offline import CELL_LIMIT, answer_text, guard, vocabulary_for
from .structure import structure_for
from .values import is_answered

COLUMNS = (
    "iso3",
    "state",
    "regional_group",
    "response_status",
    "question_code",
    "provision_code",
    "question",
    "answer",
    "answer_language",
    "version",
    "updated_at",
)
BATCH = 2000
CHOICE_KINDS = (Question.Kind.COMPLIANCE, Question.Kind.SINGLE_CHOICE)
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _check_language(language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("This language is not offered."))


def _record(*, questionnaire: Questionnaire, language: str, file_format: str, by, ip_address) -> None:
    audit_record(
        actor=by,
        action="responses.exported",
        target=questionnaire,
        summary=f"Exported the responses to {questionnaire.code} as {file_format.upper()} ({language})",
        data={"format": file_format, "language": language},
        ip_address=ip_address,
    )


def _batches(questionnaire: Questionnaire, language: str) -> Iterator[list[list]]:
    """The rows, as plain values (texts guarded), in batches read from the database as they go."""
    structure = structure_for(questionnaire)
    vocabulary = vocabulary_for(language)
    responses = {
        r.pk: r
        for r in Response.objects.filter(questionnaire=questionnaire).select_related("country").order_by()
    }
    with translation.override(language):
        questions = {
            q.pk: (
                q,
                guard(q.code),
                guard(q.provision.code if q.provision_id else ""),
                guard(q.text),
            )
            for q in structure.questions
        }
        states = {
            pk: (
                guard(r.country.iso3),
                guard(r.country.name),
                guard(str(group_label(r.country.regional_group or NO_GROUP))),
                guard(str(r.get_status_display())),
            )
            for pk, r in responses.items()
        }
    answers = (
        Answer.objects.filter(response__questionnaire=questionnaire)
        .order_by(
            "response__country__iso3", "question__section__position", "question__position", "question_id"
        )
        .values_list("response_id", "question_id", "value", "language", "version", "updated_at")
    )
    # The same few texts come back for every State: compute each once.
    choice_texts: dict[tuple[int, str], str] = {}
    languages: dict[str, str] = {}
    batch = []

    def flush():
        # Labels of choices and code lists follow the active language: write the batch in the one chosen.
        with translation.override(language):
            rows = []
            for response_id, question_id, value, answer_language, version, updated_at in batch:
                question, code, provision_code, question_text = questions[question_id]
                if question.kind in CHOICE_KINDS:
                    key = (question_id, value)
                    if key not in choice_texts:
                        choice_texts[key] = guard(answer_text(question, value, vocabulary))
                    text = choice_texts[key]
                else:
                    text = guard(answer_text(question, value, vocabulary))
                if answer_language not in languages:
                    languages[answer_language] = guard(answer_language)
                rows.append(
                    [
                        *states[response_id],
                        code,
                        provision_code,
                        question_text,
                        text,
                        languages[answer_language],
                        version,
                        updated_at.astimezone(UTC).isoformat(timespec="seconds"),
                    ]
                )
        batch.clear()
        return rows

    for item in answers.iterator(chunk_size=BATCH):
        question = questions.get(item[1])
        if question is None or not is_answered(question[0].kind, item[2]):
            continue
        batch.append(item)
        if len(batch) >= BATCH:
            yield flush()
    if batch:
        yield flush()


class _Echo:
    """A file-like object whose write gives back what was written, for csv.writer in a generator."""

    def write(self, value):
        return value


def _csv_lines(questionnaire: Questionnaire, language: str) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # The byte-order mark makes spreadsheet programs read the file as UTF-8 (Arabic, Chinese, Russian).
    yield "\ufeff" + writer.writerow(COLUMNS)
    for rows in _batches(questionnaire, language):
        # One chunk per batch rather than per line: far fewer writes to the client.
        yield "".join(writer.writerow(row) for row in rows)


def responses_csv(
    questionnaire: Questionnaire, *, language: str, by: User | None = None, ip_address: str | None = None
) -> Iterator[str]:
    """The export as CSV lines, produced as they are read (for a StreamingHttpResponse). The audit event
    is recorded now, before the first line."""
    _check_language(language)
    _record(questionnaire=questionnaire, language=language, file_format="csv", by=by, ip_address=ip_address)
    return _csv_lines(questionnaire, language)


def responses_xlsx(
    questionnaire: Questionnaire, *, language: str, by: User | None = None, ip_address: str | None = None
) -> bytes:
    """The export as an XLSX workbook with one sheet, written row by row."""
    _check_language(language)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=questionnaire.code[:31])
    sheet.freeze_panes = "A2"
    sheet.append(list(COLUMNS))
    with translation.override(language):
        too_long = _("[Cut: the full answer is in the CSV export and online.]")
    for rows in _batches(questionnaire, language):
        for row in rows:
            for index, value in enumerate(row):
                if isinstance(value, str) and len(value) > CELL_LIMIT:
                    row[index] = value[: CELL_LIMIT - len(too_long) - 1] + " " + too_long
            sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    _record(questionnaire=questionnaire, language=language, file_format="xlsx", by=by, ip_address=ip_address)
    return buffer.getvalue()


def export_filename(questionnaire: Questionnaire, language: str, extension: str) -> str:
    return f"{questionnaire.code}-responses-{language}.{extension}"
