import csv
import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from portal.models import AuditEvent, Role
from surveys import exports
from surveys.models import Answer, Choice, ExportJob, Question, Questionnaire, Response

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
QUEUES = ["default", "reports"]
# The test settings run tasks at once; DUMMY only stores them, as a worker that has not started yet.
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": QUEUES}}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": QUEUES}}


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
    assert client.get(url, {"language": "xx"}).status_code == 400


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _ask_xlsx(client, questionnaire, language="fr"):
    return client.post(
        reverse("surveys:responses_export_xlsx", kwargs={"code": questionnaire.code}), {"language": language}
    )


def test_the_xlsx_request_only_queues_a_job_and_writes_nothing(client, reviewer, answered, media, settings):
    settings.TASKS = DUMMY
    client.force_login(reviewer)
    reply = _ask_xlsx(client, answered)
    job = ExportJob.objects.get()
    assert reply.status_code == 302 and reply["Location"] == job.get_absolute_url()
    assert (job.status, job.progress, job.file.name, job.language) == ("queued", 0, "", "fr")
    assert not AuditEvent.objects.filter(action="responses.exported").exists()
    page = client.get(job.get_absolute_url())
    assert page.status_code == 200
    assert 'id="report-progress"' in page.content.decode()
    assert "<script>" not in page.content.decode()  # the progress script is a static file (CSP)
    status = client.get(reverse("surveys:export_job_status", kwargs={"code": answered.code, "pk": job.pk}))
    assert status.json()["status"] == "queued"
    download = reverse("surveys:export_job_download", kwargs={"code": answered.code, "pk": job.pk})
    assert client.get(download).status_code == 404  # nothing to download yet
    # Asking again while it waits is the same job.
    _ask_xlsx(client, answered)
    assert ExportJob.objects.count() == 1


def test_the_worker_writes_the_xlsx_and_the_download_is_audited(client, reviewer, answered, media):
    client.force_login(reviewer)
    reply = _ask_xlsx(client, answered)  # the immediate backend of the tests runs the task at once
    job = ExportJob.objects.get()
    assert (job.status, job.progress, job.rows, job.error) == ("done", 100, 3, "")
    assert job.started_at <= job.finished_at and job.heartbeat_at and job.requested_by == reviewer
    assert str(job.file.path).startswith(str(media))
    page = client.get(reply["Location"])
    assert 'id="export-download"' in page.content.decode()
    assert client.get(
        reverse("surveys:export_job_status", kwargs={"code": answered.code, "pk": job.pk})
    ).json() == {"status": "done", "label": "Done", "progress": 100, "error": ""}
    download = client.get(
        reverse("surveys:export_job_download", kwargs={"code": answered.code, "pk": job.pk})
    )
    assert download.status_code == 200
    assert download["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert f"{answered.code}-responses-fr.xlsx" in download["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert sheet.max_row == 4
    event = AuditEvent.objects.get(action="responses.exported")
    assert (event.actor, event.data) == (reviewer, {"format": "xlsx", "language": "fr"})
    # Unchanged answers: the stored file again, no new job; a changed answer: a new one.
    assert _ask_xlsx(client, answered)["Location"] == job.get_absolute_url()
    Answer.objects.filter(value="yes").update(value="no", updated_at=timezone.now())
    assert _ask_xlsx(client, answered)["Location"] != job.get_absolute_url()
    assert ExportJob.objects.count() == 2
    assert _ask_xlsx(client, answered, language="xx").status_code == 400


def test_the_export_job_records_progress_as_it_writes(answered, reviewer, media, settings, monkeypatch):
    settings.TASKS = DUMMY
    monkeypatch.setattr(exports, "BATCH", 1)
    job = exports.export_request(questionnaire=answered, language="en", by=reviewer)
    seen = []
    touch = exports._touch
    monkeypatch.setattr(exports, "_touch", lambda pk, progress: (seen.append(progress), touch(pk, progress)))
    exports.export_build(job_id=job.pk)
    assert seen == sorted(seen) and len(seen) == 3 and 0 < seen[0] < 100
    job.refresh_from_db()
    assert job.status == "done"
    assert exports.export_build(job_id=job.pk) is None  # a finished job is not built twice


def test_a_failure_marks_the_job_failed_with_the_reason_and_it_can_be_retried(
    client, reviewer, answered, media, monkeypatch
):
    def broken(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(exports, "_xlsx", broken)
    client.force_login(reviewer)
    _ask_xlsx(client, answered)
    job = ExportJob.objects.get()
    assert job.status == "failed" and "MemoryError" in job.error and not job.file
    page = client.get(job.get_absolute_url()).content.decode()
    assert "MemoryError" in page and 'id="export-error"' in page
    monkeypatch.undo()
    retry = client.post(reverse("surveys:export_job_retry", kwargs={"code": answered.code, "pk": job.pk}))
    fresh = ExportJob.objects.exclude(pk=job.pk).get()
    assert retry["Location"] == fresh.get_absolute_url() and fresh.status == "done"


def test_a_job_whose_worker_died_is_shown_failed_and_can_be_asked_for_again(
    client, reviewer, answered, media, settings
):
    settings.TASKS = DUMMY
    client.force_login(reviewer)
    _ask_xlsx(client, answered)
    job = ExportJob.objects.get()
    long_ago = timezone.now() - exports.STALE_AFTER - timedelta(seconds=1)
    ExportJob.objects.filter(pk=job.pk).update(
        status="running", progress=40, started_at=long_ago, heartbeat_at=long_ago
    )
    status = client.get(reverse("surveys:export_job_status", kwargs={"code": answered.code, "pk": job.pk}))
    assert status.json()["status"] == "failed"
    assert status.json()["error"] == str(exports.STALE_MESSAGE)
    assert str(exports.STALE_MESSAGE) in client.get(job.get_absolute_url()).content.decode()
    # A dead job is not handed out again: asking again queues a new one.
    _ask_xlsx(client, answered)
    assert ExportJob.objects.count() == 2
    settings.TASKS = IMMEDIATE
    retry = client.post(reverse("surveys:export_job_retry", kwargs={"code": answered.code, "pk": job.pk}))
    job.refresh_from_db()
    assert job.status == "failed" and job.error == str(exports.STALE_MESSAGE)
    assert retry.status_code == 302 and retry["Location"] != job.get_absolute_url()
    # A worker that comes back late does not overwrite the verdict.
    assert exports.export_build(job_id=job.pk) is None


@pytest.mark.parametrize("role", [Role.FOCAL_POINT, Role.CONTRIBUTOR, Role.PROVIDER])
def test_exports_are_refused_outside_the_secretariat(client, users_by_role, role, answered):
    client.force_login(users_by_role[role])
    assert (
        client.get(reverse("surveys:responses_export_csv", kwargs={"code": answered.code})).status_code == 403
    )
    assert _ask_xlsx(client, answered).status_code == 403
    assert not AuditEvent.objects.filter(action="responses.exported").exists()
    assert not ExportJob.objects.exists()
    with pytest.raises(PermissionDenied):
        exports.export_request(questionnaire=answered, language="en", by=users_by_role[role])


@pytest.mark.parametrize("role", [Role.FOCAL_POINT, Role.CONTRIBUTOR, Role.PROVIDER])
def test_an_export_job_and_its_file_are_for_the_secretariat_only(
    client, users_by_role, reviewer, administrator, role, answered, media
):
    job = exports.export_request(questionnaire=answered, language="en", by=reviewer)
    job.refresh_from_db()
    assert job.status == "done"
    kwargs = {"code": answered.code, "pk": job.pk}
    client.force_login(users_by_role[role])
    for name in ("export_job_detail", "export_job_status", "export_job_download"):
        assert client.get(reverse(f"surveys:{name}", kwargs=kwargs)).status_code == 403
    assert client.post(reverse("surveys:export_job_retry", kwargs=kwargs)).status_code == 403
    client.logout()
    assert client.get(reverse("surveys:export_job_download", kwargs=kwargs)).status_code == 302  # sign in
    assert not AuditEvent.objects.filter(action="responses.exported").exists()
    # Any member of the Secretariat may fetch it; under another questionnaire's address it does not exist.
    client.force_login(administrator)
    assert client.get(reverse("surveys:export_job_download", kwargs=kwargs)).status_code == 200
    other = QuestionnaireFactory()
    assert (
        client.get(reverse("surveys:export_job_download", kwargs={**kwargs, "code": other.code})).status_code
        == 404
    )


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
