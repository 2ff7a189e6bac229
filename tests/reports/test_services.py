"""Asking for reports: stored files served again on unchanged data, refusals, failures, dead workers, retries."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEvent
from reports import selectors, services
from reports.models import ConferenceSession, ReportJob, ReportKind
from surveys.models import Answer, Response

from .factories import ConferenceSessionFactory


def _profile(cycle, user, language="en", **extra):
    return services.report_request(
        by=user,
        session=cycle.session,
        kind=ReportKind.COUNTRY_PROFILE,
        language=language,
        country=cycle.response.country,
        **extra,
    )


def test_the_same_report_on_unchanged_data_is_the_stored_file(cycle, reviewer):
    first = services.report_request(
        by=reviewer, session=cycle.session, kind=ReportKind.ANALYTICAL, language="fr"
    )
    first.refresh_from_db()
    assert first.status == ReportJob.Status.DONE and first.file.storage.exists(first.file.name)
    again = services.report_request(
        by=reviewer, session=cycle.session, kind=ReportKind.ANALYTICAL, language="fr"
    )
    assert again.pk == first.pk
    assert ReportJob.objects.count() == 1
    assert AuditEvent.objects.filter(action="report.requested").count() == 1


def test_a_changed_answer_another_language_or_audience_is_a_new_report(cycle, reviewer):
    first = _profile(cycle, reviewer)
    assert _profile(cycle, reviewer, language="es").pk != first.pk
    assert _profile(cycle, reviewer, audience="secretariat").pk != first.pk
    answer = Answer.objects.get(response=cycle.response, question=cycle.questions["compliance"])
    answer.value, answer.updated_at = "yes", timezone.now() + timedelta(seconds=1)
    answer.save()
    changed = _profile(cycle, reviewer)
    assert changed.pk != first.pk
    assert changed.fingerprint != first.fingerprint


def test_a_stored_file_that_disappeared_is_built_again(cycle, reviewer):
    first = services.report_request(
        by=reviewer, session=cycle.session, kind=ReportKind.ANALYTICAL, language="en"
    )
    first.refresh_from_db()
    first.file.storage.delete(first.file.name)
    again = services.report_request(
        by=reviewer, session=cycle.session, kind=ReportKind.ANALYTICAL, language="en"
    )
    again.refresh_from_db()
    assert again.pk != first.pk and again.status == ReportJob.Status.DONE


def test_a_session_without_replies_gets_a_clear_message(reviewer, state_a):
    session = ConferenceSessionFactory()
    with pytest.raises(ValidationError, match="No State has replied"):
        services.report_request(by=reviewer, session=session, kind=ReportKind.ANALYTICAL, language="en")
    with pytest.raises(ValidationError, match="Alphaland has not answered"):
        services.report_request(
            by=reviewer, session=session, kind=ReportKind.COUNTRY_PROFILE, language="en", country=state_a
        )
    with pytest.raises(ValidationError, match="No contribution has been recorded"):
        services.report_request(by=reviewer, session=session, kind=ReportKind.CONTRIBUTIONS, language="en")
    with pytest.raises(ValidationError, match="No technical assistance need"):
        services.report_request(
            by=reviewer, session=session, kind=ReportKind.TECHNICAL_ASSISTANCE, language="en"
        )
    assert not ReportJob.objects.exists()


def test_a_draft_response_is_not_a_reply_for_the_analysis(cycle, reviewer):
    Response.objects.filter(pk=cycle.response.pk).update(status=Response.Status.IN_PROGRESS)
    with pytest.raises(ValidationError, match="No State has replied"):
        services.report_request(by=reviewer, session=cycle.session, kind=ReportKind.ANALYTICAL, language="en")


def test_a_language_not_offered_is_refused(cycle, reviewer):
    with pytest.raises(ValidationError, match="offered in"):
        services.report_request(by=reviewer, session=cycle.session, kind=ReportKind.ANALYTICAL, language="de")


def test_national_users_ask_for_their_own_state_profile_only(
    cycle, focal_point, other_focal_point, provider_user
):
    assert _profile(cycle, focal_point).audience == "state"
    with pytest.raises(PermissionDenied):
        _profile(cycle, focal_point, audience="secretariat")
    with pytest.raises(PermissionDenied):
        _profile(cycle, other_focal_point)
    with pytest.raises(PermissionDenied):
        _profile(cycle, provider_user)
    for kind in (ReportKind.ANALYTICAL, ReportKind.CONTRIBUTIONS, ReportKind.TECHNICAL_ASSISTANCE):
        with pytest.raises(PermissionDenied):
            services.report_request(by=focal_point, session=cycle.session, kind=kind, language="en")


def test_a_failure_while_building_marks_the_job_failed_with_the_reason(cycle, reviewer, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("layout exploded")

    monkeypatch.setattr("reports.documents.render_html", broken)
    job = services.report_request(
        by=reviewer, session=cycle.session, kind=ReportKind.ANALYTICAL, language="en"
    )
    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED
    assert "RuntimeError" in job.error and "Try again" in job.error
    assert not job.file
    monkeypatch.undo()
    retried = services.report_retry(by=reviewer, job=job)
    retried.refresh_from_db()
    assert retried.pk != job.pk and retried.status == ReportJob.Status.DONE


def test_a_worker_that_died_leaves_a_failed_job_that_can_be_retried(cycle, reviewer, monkeypatch):
    # The worker claims the job, then dies before finishing (the task never returns).
    monkeypatch.setattr("reports.services._enqueue", lambda job: None)
    job = services.report_request(
        by=reviewer, session=cycle.session, kind=ReportKind.ANALYTICAL, language="ar"
    )
    long_ago = timezone.now() - selectors.STALE_AFTER - timedelta(minutes=1)
    ReportJob.objects.filter(pk=job.pk).update(
        status=ReportJob.Status.RUNNING, progress=35, started_at=long_ago, heartbeat_at=long_ago
    )
    job.refresh_from_db()
    assert selectors.shown_status(job) == ReportJob.Status.FAILED
    # Asking again does not wait for the dead job.
    monkeypatch.undo()
    retried = services.report_retry(by=reviewer, job=job)
    job.refresh_from_db()
    retried.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED and "worker stopped" in job.error
    assert retried.pk != job.pk and retried.status == ReportJob.Status.DONE
    # A job with a recent sign of life is still running, not failed, and is not retried.
    fresh = ReportJob.objects.create(
        session=cycle.session,
        kind=ReportKind.ANALYTICAL,
        language="ru",
        fingerprint="x" * 64,
        status=ReportJob.Status.RUNNING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    assert selectors.shown_status(fresh) == ReportJob.Status.RUNNING
    with pytest.raises(ValidationError):
        services.report_retry(by=reviewer, job=fresh)


def test_a_job_taken_by_one_worker_is_not_built_twice(cycle, reviewer):
    job = services.report_request(
        by=reviewer, session=cycle.session, kind=ReportKind.ANALYTICAL, language="en"
    )
    assert services.report_build(job_id=job.pk) is None


def test_sessions_are_managed_by_administrators(administrator, reviewer, cycle):
    fields = {
        "number": 14,
        "title": "Fourteenth session",
        "start_date": cycle.session.start_date,
        "end_date": cycle.session.end_date,
        "venue": "Vienna",
        "symbol_prefix": "CTOC/COP/2028/",
        "data_cutoff": cycle.session.data_cutoff,
        "questionnaire": cycle.session.questionnaire,
    }
    with pytest.raises(PermissionDenied):
        services.session_save(by=reviewer, **fields)
    session = services.session_save(by=administrator, **fields)
    assert AuditEvent.objects.filter(action="session.created", object_id=str(session.pk)).exists()
    with pytest.raises(ValidationError):
        services.session_save(by=administrator, **{**fields, "number": 15, "symbol_prefix": "no prefix"})
    with pytest.raises(ValidationError):
        services.session_save(
            by=administrator, **{**fields, "number": 16, "end_date": fields["start_date"] - timedelta(days=1)}
        )


def test_sessions_saved_in_the_admin_are_audited(client, administrator, reviewer, cycle):
    client.force_login(administrator)
    fields = {
        "number": "98",
        "title_en": "Fourteenth session",
        "start_date": "2028-10-09",
        "end_date": "2028-10-13",
        "venue_en": "Vienna",
        "symbol_prefix": "CTOC/COP/2028/",
        "data_cutoff": "2028-08-31",
        "questionnaire": str(cycle.session.questionnaire_id),
    }
    reply = client.post(reverse("admin:reports_conferencesession_add"), fields)
    assert reply.status_code == 302, reply.context["adminform"].form.errors if reply.context else reply
    session = ConferenceSession.objects.get(number=98)
    created = AuditEvent.objects.get(action="session.created", object_id=str(session.pk))
    assert created.actor == administrator
    reply = client.post(
        reverse("admin:reports_conferencesession_change", args=[session.pk]),
        {**fields, "data_cutoff": "2028-09-15"},
    )
    assert reply.status_code == 302
    changed = AuditEvent.objects.get(action="session.changed", object_id=str(session.pk))
    assert changed.data == {"fields": ["data_cutoff"]}
    session.refresh_from_db()
    assert session.data_cutoff == date(2028, 9, 15)
    # Anyone else cannot save a session there.
    client.force_login(reviewer)
    reply = client.post(reverse("admin:reports_conferencesession_add"), {**fields, "number": "99"})
    assert reply.status_code in (302, 403)
    assert not ConferenceSession.objects.filter(number=99).exists()
