"""The reports use the data as they stood at the end of the session's data cut-off date: answers (their
latest revision saved by then), the status of each response (from the audit trail of its changes) and the
needs recorded by then. What changes later does not change the report; what changed before does."""

import datetime
from datetime import timedelta

import pytest
from django.utils import timezone

from assistance.models import Need
from portal.models import AuditEvent
from reports import documents, documents_assistance
from reports.models import ReportKind
from reports.selectors import fingerprint
from surveys import analysis
from surveys.models import Question, Response
from surveys.structure import clear_cache
from tests.assistance.factories import NeedFactory
from tests.surveys.factories import ProvisionFactory

from .conftest import change
from .factories import ConferenceSessionFactory

Kind = Question.Kind


def _compliance(cycle):
    return next(a for a in cycle.response.answers.all() if a.question.kind == Kind.COMPLIANCE)


def _profile_texts(cycle, audience="secretariat"):
    context = documents.country_profile_context(cycle.session, cycle.response.country, audience, "en")
    return {
        item.question.pk: (item.text or "", item.not_answered)
        for part in context["parts"]
        for block in part.blocks
        for item in block.items
    }, context


def _with_provision(cycle):
    """The cycle's compliance question tied to a provision, so that the analysis counts it."""
    compliance = _compliance(cycle)
    question = compliance.question
    question.provision = ProvisionFactory(article__instrument=question.section.instrument)
    question.save()
    clear_cache()
    return compliance


def _totals(context):
    total = context["instruments"][0]["total"]
    return total.yes, total.partial, total.no


def test_the_cutoff_is_the_end_of_the_day_in_the_projects_time_zone(settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    session = ConferenceSessionFactory.build(data_cutoff=datetime.date(2026, 9, 1))
    assert session.cutoff_at.isoformat() == "2026-09-01T23:59:59.999999+09:00"
    assert session.cutoff_at + timedelta(microseconds=1) == datetime.datetime(
        2026, 9, 1, 15, 0, tzinfo=datetime.UTC
    )


def test_an_answer_changed_after_the_cutoff_leaves_the_profile_as_it_was(cycle):
    compliance = _compliance(cycle)
    before, _context = _profile_texts(cycle)
    assert before[compliance.question_id] == ("Yes, in part", False)
    change(compliance, "yes", at=cycle.session.cutoff_at + timedelta(minutes=1))
    after, _context = _profile_texts(cycle)
    assert after == before


def test_an_answer_changed_before_the_cutoff_changes_the_profile(cycle):
    compliance = _compliance(cycle)
    change(compliance, "yes", at=timezone.now())
    after, _context = _profile_texts(cycle)
    assert after[compliance.question_id] == ("Yes", False)


def test_an_answer_first_saved_after_the_cutoff_is_not_answered_in_the_profile(cycle):
    cycle.session.data_cutoff = timezone.localdate() - timedelta(days=1)
    compliance = _compliance(cycle)
    compliance.revisions.update(changed_at=cycle.session.cutoff_at - timedelta(hours=1))
    items, context = _profile_texts(cycle)
    # The compliance answer (saved before) is printed; the others (saved today) are not there yet.
    assert items == {compliance.question_id: ("Yes, in part", False)}
    assert context["answered"] == 1


def test_the_profile_shows_the_status_and_comments_as_of_the_cutoff(cycle):
    response = cycle.response
    AuditEvent.objects.create(
        action="response.submitted",
        object_type="surveys.response",
        object_id=str(response.pk),
        summary="submitted",
        data={"from": "in_progress", "to": "submitted"},
        created_at=cycle.session.cutoff_at + timedelta(hours=1),
    )
    comment = response.comments.get()
    comment.resolved_at = cycle.session.cutoff_at + timedelta(hours=2)
    comment.save()
    _items, context = _profile_texts(cycle)
    assert context["response_status"] == Response.Status.IN_PROGRESS.label
    assert context["comment_count"] == 1 and context["resolved_count"] == 0
    # The State's version shows resolved comments only: this one was still open at the cut-off.
    _items, context = _profile_texts(cycle, audience="state")
    assert context["comment_count"] == 0


def test_the_analytical_report_counts_answers_as_of_the_cutoff(cycle, django_assert_max_num_queries):
    compliance = _with_provision(cycle)
    context = documents.analytical_context(cycle.session, "en")
    assert _totals(context) == (0, 1, 0)
    change(compliance, "yes", at=cycle.session.cutoff_at + timedelta(seconds=1))
    assert _totals(documents.analytical_context(cycle.session, "en")) == (0, 1, 0)
    change(compliance, "no", at=cycle.session.cutoff_at - timedelta(seconds=1))
    with django_assert_max_num_queries(30):
        context = documents.analytical_context(cycle.session, "en")
    assert _totals(context) == (0, 0, 1)
    assert context["kinds"] == [] and context["replied"] == 1


def test_a_reply_submitted_after_the_cutoff_is_not_in_the_analytical_report(cycle):
    response = cycle.response
    event = AuditEvent.objects.create(
        action="response.submitted",
        object_type="surveys.response",
        object_id=str(response.pk),
        summary="submitted",
        data={"from": "in_progress", "to": "submitted"},
        created_at=cycle.session.cutoff_at + timedelta(hours=1),
    )
    with pytest.raises(documents.ReportUnavailable):
        documents.check_available(session=cycle.session, kind=ReportKind.ANALYTICAL)
    event.created_at = cycle.session.cutoff_at - timedelta(hours=1)
    event.save()
    assert documents.analytical_context(cycle.session, "en")["replied"] == 1


def test_a_reply_returned_after_the_cutoff_still_counts_as_it_stood(cycle):
    response = cycle.response
    Response.objects.filter(pk=response.pk).update(status=Response.Status.IN_PROGRESS)
    AuditEvent.objects.create(
        action="response.reopen",
        object_type="surveys.response",
        object_id=str(response.pk),
        summary="reopened",
        data={"from": "submitted", "to": "in_progress"},
        created_at=cycle.session.cutoff_at + timedelta(hours=1),
    )
    assert documents.analytical_context(cycle.session, "en")["replied"] == 1


def test_needs_recorded_after_the_cutoff_are_left_out_of_the_assistance_report(cycle, state_a):
    kept = NeedFactory(country=state_a)
    late = NeedFactory(country=state_a)
    Need.objects.filter(pk=late.pk).update(created_at=cycle.session.cutoff_at + timedelta(minutes=5))
    context = documents_assistance.technical_assistance_context(cycle.session, "en")
    assert context["needs_total"] == 1
    assert [row["total"] for row in context["national_rows"]] == [1]
    profile = documents.country_profile_context(cycle.session, state_a, "secretariat", "en")
    assert profile["recorded_needs"] == [kept]
    Need.objects.filter(pk=kept.pk).update(created_at=cycle.session.cutoff_at + timedelta(minutes=5))
    with pytest.raises(documents.ReportUnavailable):
        documents.check_available(session=cycle.session, kind=ReportKind.TECHNICAL_ASSISTANCE)


def test_the_fingerprint_includes_the_cutoff(cycle):
    session = cycle.session
    first = fingerprint(session=session, kind=ReportKind.ANALYTICAL, language="en")
    session.data_cutoff -= timedelta(days=1)  # same updated_at: only the date differs
    assert fingerprint(session=session, kind=ReportKind.ANALYTICAL, language="en") != first


def test_the_group_totals_per_instrument_come_from_the_same_tally(cycle):
    _with_provision(cycle)
    questionnaire, cutoff = cycle.session.questionnaire, cycle.session.cutoff_at
    overview = analysis.compliance_overview(questionnaire, as_of=cutoff)
    assert overview.groups_by_instrument["UNTOC"] == analysis.compliance_by_group(
        questionnaire, instrument="UNTOC", as_of=cutoff
    )
    assert sum(row.counts.partial for row in overview.groups_by_instrument["UNTOC"]) == 1
