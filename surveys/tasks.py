"""Background tasks of the questionnaires: the XLSX export of every State's answers is written by the
worker (`manage.py db_worker`), never in a request."""

from django_tasks import task

from . import exports


@task(queue_name="reports")
def build_export(job_id: int) -> None:
    exports.export_build(job_id=job_id)
