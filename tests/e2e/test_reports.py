"""A reviewer asks for the analytical report in Arabic, watches its progress, and downloads it."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from reports import services
from reports.models import ReportJob
from surveys.models import Response
from surveys.structure import clear_cache
from tests.factories import CountryFactory, TreatyParticipationFactory
from tests.reports.conftest import answer, pdf_pages, pdf_text
from tests.reports.factories import ConferenceSessionFactory
from tests.surveys.factories import ResponseFactory, published_questionnaire

from .conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ARABIC = re.compile("[\u0600-\u06ff]")


def test_reviewer_asks_for_the_arabic_analytical_report_watches_it_and_downloads_it(
    page, reviewer, password, monkeypatch, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    clear_cache()
    questionnaire = published_questionnaire(questions=3)
    for iso2, value in (("AA", "yes"), ("BB", "partial"), ("CC", "no")):
        country = CountryFactory(iso2=iso2)
        TreatyParticipationFactory(country=country, treaty="UNTOC")
        response = ResponseFactory(
            questionnaire=questionnaire,
            country=country,
            status=Response.Status.SUBMITTED,
            submitted_at=timezone.now(),
        )
        for question in questionnaire.questions.all():
            answer(response, question, value)
    session = ConferenceSessionFactory(questionnaire=questionnaire, data_cutoff=timezone.localdate())
    # The worker is another process: here the job waits in the queue until the test plays the worker.
    monkeypatch.setattr("reports.services._enqueue", lambda job: None)

    sign_in(page, reviewer.email, password, language="ar")
    page.goto(f"/ar/reports/sessions/{session.number}/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.locator("select[name=kind]").select_option("analytical")
    page.locator("select[name=language]").select_option("ar")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/ar/reports/jobs/\d+/$"))
    job = ReportJob.objects.get()

    progress = page.locator("#report-progress")
    expect(progress).to_be_visible()
    expect(progress).to_have_attribute("aria-valuenow", "0")
    expect(page.locator("#report-download")).to_have_count(0)

    services.report_build(job_id=job.pk)  # the worker builds it; the page notices by itself

    download_link = page.locator("#report-download")
    expect(download_link).to_be_visible(timeout=15_000)
    expect(progress).to_have_attribute("aria-valuenow", "100")
    with page.expect_download() as download_info:
        download_link.click()
    path = tmp_path / "report.pdf"
    download_info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    assert pdf_pages(path) > 1
    text = pdf_text(path)
    assert len(ARABIC.findall(text)) > 100
