"""Background tasks: reports are built by a worker (`manage.py db_worker`), never in a request."""

from django_tasks import task

from . import services


@task(queue_name="reports")
def build_report(job_id: int) -> None:
    services.report_build(job_id=job_id)
