"""Writes: sessions, asking for a report (served from the store when its inputs have not changed), building
it in a worker with progress and signs of life, failing cleanly, retrying."""

import logging
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from portal import jobs as background
from portal.audit import audit_record
from portal.models import Country, User
from surveys.models import Questionnaire

from . import documents, permissions
from .models import Audience, ConferenceSession, ReportJob, ReportKind
from .rendering import render_pdf
from .selectors import fingerprint, is_stale

logger = logging.getLogger(__name__)


def session_save(
    *,
    by: User,
    number: int,
    title: str,
    start_date: date,
    end_date: date,
    venue: str,
    symbol_prefix: str,
    data_cutoff: date,
    questionnaire: Questionnaire,
    session: ConferenceSession | None = None,
) -> ConferenceSession:
    """Create or change a Conference session (administrators only), audited."""
    if not permissions.can_manage_sessions(by):
        raise PermissionDenied
    created = session is None
    session = session or ConferenceSession()
    session.number, session.title, session.venue = number, title, venue
    session.start_date, session.end_date, session.data_cutoff = start_date, end_date, data_cutoff
    session.symbol_prefix, session.questionnaire = symbol_prefix, questionnaire
    session.full_clean()
    return _save_audited(session, by=by, created=created)


def session_admin_save(*, by: User, session: ConferenceSession, changed_fields=()) -> ConferenceSession:
    """Save a session created or edited in the admin (its form has validated every field and every
    language of the translated ones), audited as `session_save` does."""
    if not permissions.can_manage_sessions(by):
        raise PermissionDenied
    return _save_audited(session, by=by, created=session.pk is None, changed_fields=changed_fields)


def _save_audited(
    session: ConferenceSession, *, by: User, created: bool, changed_fields=()
) -> ConferenceSession:
    with transaction.atomic():
        session.save()
        audit_record(
            actor=by,
            action="session.created" if created else "session.changed",
            summary=f"Conference session {session.number}: {session.title}",
            target=session,
            data={"fields": sorted(changed_fields)} if changed_fields else None,
        )
    return session


def _clean_request(*, kind: str, language: str, country: Country | None, audience: str) -> str:
    if kind not in ReportKind.values:
        raise ValidationError(_("There is no such report."))
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(
            _("Reports are offered in %(languages)s only.")
            % {"languages": ", ".join(str(name) for _code, name in settings.LANGUAGES)}
        )
    if kind == ReportKind.COUNTRY_PROFILE:
        if country is None:
            raise ValidationError(_("Choose the State whose profile you want."))
        audience = audience or Audience.STATE
        if audience not in Audience.values:
            raise ValidationError(_("Choose whom the profile is for."))
        return audience
    return ""


def report_request(
    *,
    by: User,
    session: ConferenceSession,
    kind: str,
    language: str,
    country: Country | None = None,
    audience: str = "",
) -> ReportJob:
    """Ask for a report. The same report on unchanged data is the stored file (or the job already building
    it); otherwise a new job is queued for a worker. Refused when there is nothing to report."""
    audience = _clean_request(kind=kind, language=language, country=country, audience=audience)
    if kind != ReportKind.COUNTRY_PROFILE:
        country = None
    if not permissions.can_request(by, kind=kind, country=country, audience=audience):
        raise PermissionDenied
    with translation.override(language):
        documents.check_available(session=session, kind=kind, country=country)
    digest = fingerprint(session=session, kind=kind, language=language, country=country, audience=audience)
    with transaction.atomic():
        existing = (
            ReportJob.objects.select_for_update()
            .filter(session=session, fingerprint=digest)
            .exclude(status=ReportJob.Status.FAILED)
            .order_by("-created_at")
        )
        for job in existing:
            if job.status == ReportJob.Status.DONE and job.file and job.file.storage.exists(job.file.name):
                return job
            if job.status == ReportJob.Status.QUEUED or (
                job.status == ReportJob.Status.RUNNING and not is_stale(job)
            ):
                return job
        job = ReportJob.objects.create(
            session=session,
            kind=kind,
            language=language,
            country=country,
            audience=audience,
            fingerprint=digest,
            requested_by=by,
        )
        audit_record(
            actor=by,
            action="report.requested",
            summary=f"{job.get_kind_display()} ({language}) for session {session.number}",
            target=job,
            country=country,
        )
    _enqueue(job)
    return job


def _enqueue(job: ReportJob) -> None:
    from .tasks import build_report

    # Called once the job row is committed (outside `report_request`'s transaction); the database queue
    # stores the task in the caller's transaction, if any, so a worker never sees a task before its job.
    build_report.enqueue(job.pk)


def report_retry(*, by: User, job: ReportJob) -> ReportJob:
    """Ask again for a report whose job failed (or whose worker died): a fresh job on the current data."""
    if not permissions.can_read(by, job):
        raise PermissionDenied
    if job.status == ReportJob.Status.RUNNING and is_stale(job):
        _fail(job.pk, _("The worker stopped while building the report."))
        job.refresh_from_db()
    if job.status != ReportJob.Status.FAILED:
        raise ValidationError(_("Only a failed report can be retried."))
    return report_request(
        by=by,
        session=job.session,
        kind=job.kind,
        language=job.language,
        country=job.country,
        audience=job.audience,
    )


def _touch(job_id: int, progress: int) -> None:
    background.touch(ReportJob, job_id, progress)


def _fail(job_id: int, reason: str) -> None:
    background.fail(ReportJob, job_id, reason)


def _file_name(job: ReportJob) -> str:
    symbol = documents.symbol_for(job.session, job.kind, job.country)
    return f"{slugify(symbol.replace('/', '-').replace('.', '-'))}-{job.language}.pdf"


def report_build(*, job_id: int) -> ReportJob | None:
    """Build one queued report (run by the task worker). Marks it running, records progress and a sign of
    life at every step, stores the PDF, and ends done or failed with the reason."""
    if not background.claim(ReportJob, job_id):
        return None  # already taken, finished or gone
    job = ReportJob.objects.select_related("session__questionnaire", "country").get(pk=job_id)
    try:
        with translation.override(job.language):
            context = documents.context_for(
                session=job.session,
                kind=job.kind,
                language=job.language,
                country=job.country,
                audience=job.audience,
            )
            _touch(job_id, 20)
            html = documents.render_html(kind=job.kind, context=context)
            _touch(job_id, 35)
            rendered = render_pdf(html, on_layout=lambda _pages: _touch(job_id, 85))
        background.finish(job, file_name=_file_name(job), content=rendered.pdf, pages=rendered.pages)
        return job
    except documents.ReportUnavailable as refusal:
        _fail(job_id, " ".join(refusal.messages))
    except Exception as error:
        logger.exception("Report job %s failed", job_id)
        with translation.override(job.language):
            _fail(
                job_id,
                _(
                    "The report could not be built (%(error)s). Try again; if it fails again, tell the Secretariat's technical team."
                )
                % {"error": type(error).__name__},
            )
    job.refresh_from_db()
    return job
