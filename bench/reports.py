"""Seconds and pages of each PDF report for a full cycle (bench/seed.py: 200 States, every question
answered, needs, activities and contributions), built as the worker builds them.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/omnibus .venv/bin/python bench/reports.py [languages]

`languages` is a comma-separated list (default en,ar,zh-hans). Creates and drops its own database.
"""

import sys
import time
from datetime import date

from common import machine, setup_django, throwaway_database

setup_django()


def add_revisions() -> int:
    """The seed writes answers only; the reports read each answer's latest revision saved by the data
    cut-off (today). One revision per answer when it was saved, and for one answer in four a second one
    tomorrow, after the cut-off, that the reports must not see (those answers are read from their
    revisions, the others from the answer row)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO surveys_answerrevision (answer_id, version, value, language, source, changed_at, changed_by_id) "
            "SELECT id, version, value, language, 'form', updated_at, updated_by_id FROM surveys_answer"
        )
        first = cursor.rowcount
        cursor.execute(
            "INSERT INTO surveys_answerrevision (answer_id, version, value, language, source, changed_at, changed_by_id) "
            "SELECT id, version + 1, value, language, 'form', updated_at + interval '1 day', updated_by_id "
            "FROM surveys_answer WHERE id % 4 = 0"
        )
        second = cursor.rowcount
        # The answer row records its last change, as the filling services keep it.
        cursor.execute(
            "UPDATE surveys_answer SET version = version + 1, updated_at = updated_at + interval '1 day' "
            "WHERE id % 4 = 0"
        )
        return first + second


def data_reads(session, country, repeat=5):
    """Median seconds of reading each report's data (its context, before any HTML or PDF): what the
    cut-off queries change."""
    import statistics

    from django.utils import translation

    from reports import documents
    from reports.documents_assistance import technical_assistance_context

    reads = {
        "country profile": lambda: documents.country_profile_context(session, country, "secretariat", "en"),
        "analytical": lambda: documents.analytical_context(session, "en"),
        "technical assistance": lambda: technical_assistance_context(session, "en"),
    }
    with translation.override("en"):
        for label, read in reads.items():
            read()  # warm the structure cache
            seconds = []
            for _ in range(repeat):
                start = time.perf_counter()
                read()
                seconds.append(time.perf_counter() - start)
            print(f"data read: {label:<21} median {statistics.median(seconds):.2f} s (of {repeat})")


def main(languages):
    import logging

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("django_tasks").setLevel(logging.WARNING)
    import shutil
    import tempfile

    from django.conf import settings
    from django.utils import timezone
    from seed import seed_cycle

    from reports.models import ConferenceSession, ReportJob, ReportKind
    from reports.services import report_request

    # The PDFs go to a scratch directory removed afterwards, like the database.
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="omnibus-bench-reports-")
    with throwaway_database():
        started = time.perf_counter()
        data = seed_cycle(2026)
        print(f"Machine: {machine()}")
        print(
            f"Seed: {len(data['countries'])} States, {data['answers']} answers, {data['comments']} comments, "
            f"{data.get('needs', 0)} needs, {data.get('contributions', 0)} contributions "
            f"in {time.perf_counter() - started:.1f} s"
        )
        started = time.perf_counter()
        revisions = add_revisions()
        print(
            f"Revisions: {revisions} (each answer saved once, a quarter changed again after the cut-off) "
            f"in {time.perf_counter() - started:.1f} s"
        )
        reviewer = data["reviewer"]
        reviewer.is_verified = lambda: True
        session = ConferenceSession.objects.create(
            number=13,
            title_en="Thirteenth session of the Conference of the Parties",
            start_date=date(2026, 10, 12),
            end_date=date(2026, 10, 16),
            venue_en="Vienna",
            symbol_prefix="CTOC/COP/2026/",
            data_cutoff=timezone.localdate(),
            questionnaire=data["questionnaire"],
        )
        country = next(c for c in data["countries"] if c.iso2 == "FR")
        cases = [
            (ReportKind.COUNTRY_PROFILE, {"country": country, "audience": "secretariat"}),
            (ReportKind.ANALYTICAL, {}),
            (ReportKind.TECHNICAL_ASSISTANCE, {}),
            (ReportKind.CONTRIBUTIONS, {}),
        ]
        data_reads(session, country)
        for language in languages:
            for kind, extra in cases:
                start = time.perf_counter()
                try:
                    job = report_request(by=reviewer, session=session, kind=kind, language=language, **extra)
                except Exception as error:  # a report not available yet is reported, not fatal
                    print(f"{kind:<22} {language:<8} not built: {error}")
                    continue
                seconds = time.perf_counter() - start
                job.refresh_from_db()
                note = "" if job.status == ReportJob.Status.DONE else f"  {job.status}: {job.error}"
                print(
                    f"{kind:<22} {language:<8} {seconds:6.1f} s  {job.pages:4} pages  "
                    f"{job.size / 1024:7.0f} KiB{note}"
                )
            # Asking again on unchanged data serves the stored file.
            start = time.perf_counter()
            again = report_request(
                by=reviewer, session=session, kind=ReportKind.ANALYTICAL, language=language
            )
            print(
                f"{'analytical (again)':<22} {language:<8} {time.perf_counter() - start:6.2f} s  job {again.pk}"
            )
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


if __name__ == "__main__":
    main((sys.argv[1] if len(sys.argv) > 1 else "en,ar,zh-hans").split(","))
