"""The life of a background job row (a PDF report, a spreadsheet export), shared by every kind of job.

A request creates the row (queued) and enqueues a task; the worker claims it (running), shows signs of life
with its progress, and ends it done (with the stored file) or failed (with the reason). A running job whose
worker shows no sign of life for too long is shown as failed and can be asked for again. Each job model has
the fields `status` (queued/running/done/failed), `progress`, `heartbeat_at`, `started_at`, `finished_at`,
`error`, `file`, `size`.
"""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


def is_stale(job, *, stale_after: timedelta, now=None) -> bool:
    """A job "running" whose worker has not shown a sign of life for too long."""
    if job.status != RUNNING:
        return False
    last = job.heartbeat_at or job.started_at or job.updated_at
    return last < (now or timezone.now()) - stale_after


def shown_status(job, *, stale_after: timedelta) -> str:
    """The status people see: a stale running job is failed."""
    return FAILED if is_stale(job, stale_after=stale_after) else job.status


def claim(model, job_id: int) -> bool:
    """The worker takes a queued job; False if it was already taken, finished or is gone."""
    now = timezone.now()
    return bool(
        model.objects.filter(pk=job_id, status=QUEUED).update(
            status=RUNNING, started_at=now, heartbeat_at=now, progress=1, updated_at=now
        )
    )


def touch(model, job_id: int, progress: int) -> None:
    """A sign of life with the progress made (percent)."""
    now = timezone.now()
    model.objects.filter(pk=job_id, status=RUNNING).update(
        progress=progress, heartbeat_at=now, updated_at=now
    )


def fail(model, job_id: int, reason: str) -> None:
    """End a job that is not done as failed, with the reason people will read."""
    now = timezone.now()
    model.objects.filter(pk=job_id).exclude(status=DONE).update(
        status=FAILED, error=reason[:2000], finished_at=now, updated_at=now
    )


def finish(job, *, file_name: str, content: bytes, **fields) -> bool:
    """Store the file and end the job done; False (nothing stored) if it was declared dead meanwhile, since a
    retry owns the work then."""
    job.refresh_from_db()
    if job.status != RUNNING:
        return False
    job.file.save(file_name, ContentFile(content), save=False)
    for name, value in fields.items():
        setattr(job, name, value)
    job.status, job.progress, job.size, job.error = DONE, 100, len(content), ""
    job.finished_at = job.heartbeat_at = timezone.now()
    job.save()
    return True
