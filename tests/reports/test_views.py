"""The pages: sessions, asking for a report, its progress, the download, and who is refused."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reports import selectors
from reports.models import ReportJob, ReportKind
from reports.services import report_request

from .factories import ConferenceSessionFactory


def _ask(client, session, **data):
    url = reverse("reports:session_detail", kwargs={"number": session.number})
    return client.post(url, {"language": "en", **data})


def test_a_reviewer_asks_for_a_report_follows_it_and_downloads_it(client, reviewer, cycle):
    client.force_login(reviewer)
    reply = _ask(client, cycle.session, kind=ReportKind.ANALYTICAL, language="ar")
    job = ReportJob.objects.get()
    assert reply.status_code == 302 and reply.url == job.get_absolute_url()
    page = client.get(job.get_absolute_url())
    assert page.status_code == 200
    assert b'role="progressbar"' in page.content
    assert reverse("reports:job_download", kwargs={"pk": job.pk}).encode() in page.content
    status = client.get(reverse("reports:job_status", kwargs={"pk": job.pk})).json()
    assert status["status"] == "done" and status["progress"] == 100
    download = client.get(reverse("reports:job_download", kwargs={"pk": job.pk}))
    assert download["Content-Type"] == "application/pdf"
    assert (
        "attachment" in download["Content-Disposition"]
        and "ctoc-cop-2026-2-ar.pdf" in download["Content-Disposition"]
    )
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    listing = client.get(reverse("reports:session_detail", kwargs={"number": cycle.session.number}))
    assert "Analytical report on implementation" in listing.content.decode()


def test_a_session_without_data_says_so_on_the_page(client, reviewer):
    session = ConferenceSessionFactory()
    client.force_login(reviewer)
    reply = _ask(client, session, kind=ReportKind.ANALYTICAL)
    assert reply.status_code == 400
    assert "No State has replied" in reply.content.decode()
    reply = _ask(client, session, kind=ReportKind.ANALYTICAL, language="de")
    assert reply.status_code == 400 and not ReportJob.objects.exists()


def test_a_failed_job_shows_its_reason_and_can_be_retried(client, reviewer, cycle):
    long_ago = timezone.now() - selectors.STALE_AFTER - timedelta(minutes=5)
    job = ReportJob.objects.create(
        session=cycle.session,
        kind=ReportKind.ANALYTICAL,
        language="en",
        fingerprint="0" * 64,
        status=ReportJob.Status.RUNNING,
        progress=40,
        started_at=long_ago,
        heartbeat_at=long_ago,
    )
    client.force_login(reviewer)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Failed" in page and "The worker stopped while building the report." in page
    assert client.get(reverse("reports:job_status", kwargs={"pk": job.pk})).json()["status"] == "failed"
    reply = client.post(reverse("reports:job_retry", kwargs={"pk": job.pk}))
    retried = ReportJob.objects.exclude(pk=job.pk).get()
    assert reply.url == retried.get_absolute_url()
    assert retried.status == ReportJob.Status.DONE


def test_a_focal_point_gets_its_own_state_profile_and_nothing_else(client, focal_point, cycle, state_b):
    client.force_login(focal_point)
    reply = _ask(client, cycle.session, kind=ReportKind.COUNTRY_PROFILE, country=focal_point.country_id)
    job = ReportJob.objects.get()
    assert reply.url == job.get_absolute_url() and job.audience == "state"
    download = client.get(reverse("reports:job_download", kwargs={"pk": job.pk}))
    assert download.status_code == 200
    # Another State, another report, another audience: refused.
    assert _ask(client, cycle.session, kind=ReportKind.COUNTRY_PROFILE, country=state_b.pk).status_code == 400
    assert _ask(client, cycle.session, kind=ReportKind.ANALYTICAL).status_code == 400
    assert ReportJob.objects.count() == 1


def test_another_state_profile_does_not_exist_for_a_national_user(client, other_focal_point, reviewer, cycle):
    job = report_request(
        by=reviewer,
        session=cycle.session,
        kind=ReportKind.COUNTRY_PROFILE,
        language="en",
        country=cycle.response.country,
    )
    client.force_login(other_focal_point)
    for name in ("job_detail", "job_status", "job_download"):
        assert client.get(reverse(f"reports:{name}", kwargs={"pk": job.pk})).status_code == 404
    assert client.post(reverse("reports:job_retry", kwargs={"pk": job.pk})).status_code == 404
    listing = client.get(reverse("reports:session_detail", kwargs={"number": cycle.session.number}))
    assert reverse("reports:job_detail", kwargs={"pk": job.pk}).encode() not in listing.content


def test_the_state_sees_its_profile_for_the_state_not_the_secretariat_one(
    client, focal_point, reviewer, cycle
):
    secretariat_copy = report_request(
        by=reviewer,
        session=cycle.session,
        kind=ReportKind.COUNTRY_PROFILE,
        language="en",
        country=cycle.response.country,
        audience="secretariat",
    )
    client.force_login(focal_point)
    assert client.get(secretariat_copy.get_absolute_url()).status_code == 404


def test_providers_are_refused(client, provider_user, reviewer, cycle):
    job = report_request(
        by=reviewer,
        session=cycle.session,
        kind=ReportKind.COUNTRY_PROFILE,
        language="en",
        country=cycle.response.country,
    )
    client.force_login(provider_user)
    assert client.get(reverse("reports:session_list")).status_code == 403
    assert (
        client.get(reverse("reports:session_detail", kwargs={"number": cycle.session.number})).status_code
        == 403
    )
    assert client.get(reverse("reports:job_download", kwargs={"pk": job.pk})).status_code == 403


def test_signed_out_people_are_sent_to_sign_in(client, cycle):
    reply = client.get(reverse("reports:session_list"))
    assert reply.status_code == 302 and "/accounts/login/" in reply.url


@pytest.mark.parametrize("role", ["reviewer", "focal_point"])
def test_session_pages_cost_a_fixed_number_of_queries(
    client, cycle, request, role, django_assert_max_num_queries
):
    user = request.getfixturevalue(role)
    for language in ("en", "fr", "es"):
        report_request(
            by=user,
            session=cycle.session,
            kind=ReportKind.COUNTRY_PROFILE,
            language=language,
            country=cycle.response.country,
        )
    client.force_login(user)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("reports:session_list")).status_code == 200
    with django_assert_max_num_queries(14):
        assert (
            client.get(reverse("reports:session_detail", kwargs={"number": cycle.session.number})).status_code
            == 200
        )
