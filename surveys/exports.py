"""The answers of every State to one questionnaire version, as CSV or XLSX: one row per State and question
answered, with the questionnaire's codes as stable keys and the texts in a chosen language.

Every text a spreadsheet program could run as a formula is neutralized with the offline workbook's
`guard`. The CSV is streamed and the XLSX written in openpyxl's write-only mode, so that 200 States ×
740 questions never sit in memory as a whole. Every export is recorded in the audit trail.

The XLSX of a whole cycle takes over half a minute to write, so a request never writes it: it asks for an
`ExportJob` that the task worker builds (`export_request`, `export_build`), with progress and signs of
life; the finished file is kept privately and served again while the answers have not changed (a
fingerprint of the inputs), and every download is recorded in the audit trail.
"""

import csv
import hashlib
import json
import logging
from collections.abc import Callable, Iterator
from datetime import UTC, timedelta
from io import BytesIO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from portal import jobs as background
from portal.audit import audit_record
from portal.models import Country, User

from .analysis import NO_GROUP, can_view_analysis, group_label
from .models import Answer, ExportJob, Question, Questionnaire, Response
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
    """The export as an XLSX workbook with one sheet, written row by row (in the worker: `export_build`)."""
    _check_language(language)
    content, _rows = _xlsx(questionnaire, language)
    _record(questionnaire=questionnaire, language=language, file_format="xlsx", by=by, ip_address=ip_address)
    return content


def _xlsx(
    questionnaire: Questionnaire, language: str, on_rows: Callable[[int], None] | None = None
) -> tuple[bytes, int]:
    """The workbook's bytes and its number of answer rows; `on_rows(written)` is called after each batch."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=questionnaire.code[:31])
    sheet.freeze_panes = "A2"
    sheet.append(list(COLUMNS))
    with translation.override(language):
        too_long = _("[Cut: the full answer is in the CSV export and online.]")
    written = 0
    for rows in _batches(questionnaire, language):
        for row in rows:
            for index, value in enumerate(row):
                if isinstance(value, str) and len(value) > CELL_LIMIT:
                    row[index] = value[: CELL_LIMIT - len(too_long) - 1] + " " + too_long
            sheet.append(row)
        written += len(rows)
        if on_rows is not None:
            on_rows(written)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), written


def export_filename(questionnaire: Questionnaire, language: str, extension: str) -> str:
    return f"{questionnaire.code}-responses-{language}.{extension}"


# --- The XLSX export as a background job ----------------------------------------------------------------------

logger = logging.getLogger(__name__)

# Bump when the file's layout or content changes: stored files of older versions are not served again.
EXPORT_VERSION = "1"
# The worker records a sign of life after every batch; a job "running" without one for this long has lost
# its worker (killed, out of memory, machine restarted) and is shown failed, ready to be asked for again.
STALE_AFTER = timedelta(seconds=getattr(settings, "EXPORTS_STALE_AFTER_SECONDS", 300))
STALE_MESSAGE = gettext_lazy("The worker stopped while writing the file.")


def _stamp(queryset) -> list:
    row = queryset.order_by().aggregate(latest=Max("updated_at"), n=Count("pk"))
    return [row["latest"].isoformat() if row["latest"] else "", row["n"]]


def export_fingerprint(questionnaire: Questionnaire, *, language: str, file_format: str = "xlsx") -> str:
    """SHA-256 of what the file depends on: latest change and row count of the answers, responses and
    States it reads, the questionnaire, the language, the format and the layout version."""
    payload = {
        "version": EXPORT_VERSION,
        "questionnaire": [questionnaire.pk, questionnaire.updated_at.isoformat()],
        "language": language,
        "format": file_format,
        "answers": _stamp(Answer.objects.filter(response__questionnaire=questionnaire)),
        "responses": _stamp(Response.objects.filter(questionnaire=questionnaire)),
        "countries": _stamp(Country.objects.all()),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def is_stale(job: ExportJob, *, now=None) -> bool:
    """A job "running" whose worker has not shown a sign of life for too long."""
    return background.is_stale(job, stale_after=STALE_AFTER, now=now)


def shown_status(job: ExportJob) -> str:
    """The status people see: a stale running job is failed."""
    return background.shown_status(job, stale_after=STALE_AFTER)


def shown_error(job: ExportJob) -> str:
    if job.status == ExportJob.Status.FAILED:
        return job.error
    return str(STALE_MESSAGE) if is_stale(job) else ""


def export_request(
    *, questionnaire: Questionnaire, language: str, by: User, file_format: str = ExportJob.Format.XLSX
) -> ExportJob:
    """Ask for the export of every State's answers (Secretariat only). On unchanged answers it is the stored
    file, or the job already writing it; otherwise a new job is queued for the worker. Nothing is written
    here."""
    if not can_view_analysis(by):
        raise PermissionDenied
    _check_language(language)
    if file_format not in ExportJob.Format.values:
        raise ValidationError(_("This format is not offered."))
    digest = export_fingerprint(questionnaire, language=language, file_format=file_format)
    with transaction.atomic():
        existing = (
            ExportJob.objects.select_for_update()
            .filter(questionnaire=questionnaire, fingerprint=digest)
            .exclude(status=ExportJob.Status.FAILED)
            .order_by("-created_at", "-id")
        )
        for job in existing:
            if job.status == ExportJob.Status.DONE and job.file and job.file.storage.exists(job.file.name):
                return job
            if job.status == ExportJob.Status.QUEUED or (
                job.status == ExportJob.Status.RUNNING and not is_stale(job)
            ):
                return job
        job = ExportJob.objects.create(
            questionnaire=questionnaire,
            language=language,
            file_format=file_format,
            fingerprint=digest,
            requested_by=by,
        )
    from .tasks import build_export

    # Once the job row is committed: the database queue stores the task in the caller's transaction, if
    # any, so a worker never sees a task before its job.
    build_export.enqueue(job.pk)
    return job


def export_retry(*, by: User, job: ExportJob) -> ExportJob:
    """Ask again for an export whose job failed (or whose worker died): a fresh job on the current data."""
    if not can_view_analysis(by):
        raise PermissionDenied
    if is_stale(job):
        _fail(job.pk, str(STALE_MESSAGE))
        job.refresh_from_db()
    if job.status != ExportJob.Status.FAILED:
        raise ValidationError(_("Only a failed export can be asked for again."))
    return export_request(
        questionnaire=job.questionnaire, language=job.language, by=by, file_format=job.file_format
    )


def export_downloaded(*, job: ExportJob, by: User, ip_address: str | None = None) -> None:
    """Someone downloads the finished file: recorded in the audit trail like every export."""
    if not can_view_analysis(by):
        raise PermissionDenied
    _record(
        questionnaire=job.questionnaire,
        language=job.language,
        file_format=job.file_format,
        by=by,
        ip_address=ip_address,
    )


def _touch(job_id: int, progress: int) -> None:
    background.touch(ExportJob, job_id, progress)


def _fail(job_id: int, reason: str) -> None:
    background.fail(ExportJob, job_id, reason)


def export_build(*, job_id: int) -> ExportJob | None:
    """Write one queued export (run by the task worker): marks it running, records progress and a sign of
    life after every batch of rows, stores the file, and ends done or failed with the reason."""
    if not background.claim(ExportJob, job_id):
        return None  # already taken, finished or gone
    job = ExportJob.objects.select_related("questionnaire").get(pk=job_id)
    try:
        total = Answer.objects.filter(response__questionnaire=job.questionnaire).count() or 1
        content, rows = _xlsx(
            job.questionnaire,
            job.language,
            on_rows=lambda written: _touch(job_id, min(95, 2 + 93 * written // total)),
        )
        background.finish(
            job,
            file_name=export_filename(job.questionnaire, job.language, job.file_format),
            content=content,
            rows=rows,
        )
        return job
    except Exception as error:
        logger.exception("Export job %s failed", job_id)
        with translation.override(job.language):
            _fail(
                job_id,
                _(
                    "The file could not be written (%(error)s). Ask for it again; if it fails again, tell the Secretariat's technical team."
                )
                % {"error": type(error).__name__},
            )
    job.refresh_from_db()
    return job
