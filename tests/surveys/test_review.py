import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEvent, Country
from surveys.models import Comment, Question, Response
from surveys.services import answers, review
from surveys.structure import clear_cache, structure_for
from tests.factories import CountryFactory, TreatyParticipationFactory

from .factories import ResponseFactory, published_questionnaire

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_structure_cache():
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def submitted(focal_point):
    TreatyParticipationFactory(country=focal_point.country, treaty="UNTOC")
    questionnaire = published_questionnaire(kinds=[Question.Kind.COMPLIANCE, Question.Kind.LONG_TEXT])
    response = ResponseFactory(questionnaire=questionnaire, country=focal_point.country, status="in_progress")
    compliance = questionnaire.questions.get(kind="compliance")
    answers.answer_save(response=response, question=compliance, value="yes", base_version=0, by=focal_point)
    return answers.response_submit(response=response, by=focal_point, structure=structure_for(questionnaire))


def test_full_cycle_submit_review_return_answer_resubmit_accept(
    submitted, focal_point, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    question = submitted.questionnaire.questions.get(kind="compliance")
    with django_capture_on_commit_callbacks(execute=True):
        response = review.response_start_review(response=submitted, by=reviewer)
    assert response.status == Response.Status.UNDER_REVIEW
    review.comment_add(response=response, question=question, body="Which act implements this?", by=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = review.response_return(response=response, by=reviewer, summary="Please cite the act.")
    assert response.status == Response.Status.RETURNED
    assert any("clarification" in m.body for m in mailoutbox)
    review.comment_add(
        response=response, question=question, body="Act 12 of 2019, article 5.", by=focal_point
    )
    response = answers.response_submit(
        response=response, by=focal_point, structure=structure_for(response.questionnaire)
    )
    assert response.status == Response.Status.RESUBMITTED
    response = review.response_start_review(response=response, by=reviewer)
    with pytest.raises(ValidationError, match="still open"):
        review.response_accept(response=response, by=reviewer)
    review.comment_resolve(comment=Comment.objects.filter(response=response).last(), by=reviewer)
    response = review.response_accept(response=response, by=reviewer)
    assert response.status == Response.Status.ACCEPTED and response.accepted_at
    actions = list(
        AuditEvent.objects.filter(object_id=str(response.pk), object_type="surveys.response")
        .order_by("created_at", "id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "response.submitted",
        "response.start_review",
        "response.return",
        "response.submitted",
        "response.start_review",
        "response.accept",
    ]


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("in_progress", "accept"),
        ("in_progress", "return"),
        ("submitted", "accept"),
        ("accepted", "start_review"),
        ("returned", "accept"),
    ],
)
def test_transitions_that_do_not_exist_are_refused_and_change_nothing(submitted, reviewer, status, action):
    Response.objects.filter(pk=submitted.pk).update(status=status)
    submitted.refresh_from_db()
    call = {
        "accept": review.response_accept,
        "start_review": review.response_start_review,
        "return": lambda **kw: review.response_return(summary="x", **kw),
    }[action]
    with pytest.raises(ValidationError):
        call(response=submitted, by=reviewer)
    submitted.refresh_from_db()
    assert submitted.status == status


def test_returning_needs_a_summary_and_an_open_comment(submitted, reviewer):
    response = review.response_start_review(response=submitted, by=reviewer)
    with pytest.raises(ValidationError, match="clarify"):
        review.response_return(response=response, by=reviewer, summary="  ")
    with pytest.raises(ValidationError, match="comment"):
        review.response_return(response=response, by=reviewer, summary="Please explain.")
    response.refresh_from_db()
    assert response.status == Response.Status.UNDER_REVIEW


def test_national_users_cannot_review(submitted, focal_point, contributor):
    for person in (focal_point, contributor):
        with pytest.raises(PermissionDenied):
            review.response_start_review(response=submitted, by=person)
    with pytest.raises(PermissionDenied):
        review.comment_resolve(comment=Comment(response=submitted), by=focal_point)


def test_two_reviewers_acting_at_once_cannot_both_succeed(submitted, reviewer, administrator):
    # Both loaded the response while it was "submitted"; the second acts on a stale copy.
    stale = Response.objects.get(pk=submitted.pk)
    review.response_start_review(response=submitted, by=reviewer)
    with pytest.raises(ValidationError):
        review.response_start_review(response=stale, by=administrator)
    assert AuditEvent.objects.filter(action="response.start_review").count() == 1


def test_another_states_people_cannot_comment(client, submitted, other_focal_point):
    question = submitted.questionnaire.questions.get(kind="compliance")
    client.force_login(other_focal_point)
    url = reverse("surveys:comment_add", args=[submitted.pk, question.code])
    assert client.post(url, {"body": "hello"}).status_code == 404
    assert not Comment.objects.exists()


def test_focal_point_sees_and_answers_comments_in_the_filling_page(client, submitted, focal_point, reviewer):
    question = submitted.questionnaire.questions.get(kind="compliance")
    review.response_start_review(response=submitted, by=reviewer)
    review.comment_add(response=submitted, question=question, body="<b>Cite</b> the act", by=reviewer)
    review.response_return(response=submitted, by=reviewer, summary="Please cite the act.")
    client.force_login(focal_point)
    url = reverse("surveys:section_form", args=[submitted.pk, question.section.code])
    page = client.get(url, {"show": "comments"})
    html = page.content.decode()
    assert "&lt;b&gt;Cite&lt;/b&gt; the act" in html
    assert [i["question"].code for i in page.context["items"]] == [question.code]
    client.post(reverse("surveys:comment_add", args=[submitted.pk, question.code]), {"body": "Act 12."})
    assert Comment.objects.filter(author=focal_point).count() == 1


def test_review_queue_lists_every_state_with_counts(client, submitted, reviewer):
    client.force_login(reviewer)
    page = client.get(reverse("surveys:review_queue", args=[submitted.questionnaire.code]))
    rows = page.context["rows"]
    assert len(rows) == Country.objects.count()
    mine = next(r for r in rows if r.country == submitted.country)
    assert (mine.status, mine.required_answered, mine.required_total) == ("submitted", 1, 1)
    counts = {status.value: n for status, n in page.context["counts"]}
    assert counts["submitted"] == 1 and counts["not_started"] == Country.objects.count() - 1
    page = client.get(
        reverse("surveys:review_queue", args=[submitted.questionnaire.code]), {"status": "submitted"}
    )
    assert [r.country for r in page.context["rows"]] == [submitted.country]


def test_review_queue_marks_overdue_responses(client, focal_point, reviewer):
    TreatyParticipationFactory(country=focal_point.country, treaty="UNTOC")
    questionnaire = published_questionnaire(questions=1)
    questionnaire.deadline = timezone.localdate() - timezone.timedelta(days=1)
    questionnaire.save()
    ResponseFactory(questionnaire=questionnaire, country=focal_point.country, status="in_progress")
    client.force_login(reviewer)
    page = client.get(reverse("surveys:review_queue", args=[questionnaire.code]), {"overdue": "on"})
    assert focal_point.country in [r.country for r in page.context["rows"]]


def test_review_queue_query_count_does_not_grow_with_states(client, reviewer, django_assert_max_num_queries):
    questionnaire = published_questionnaire(questions=3)
    client.force_login(reviewer)
    url = reverse("surveys:review_queue", args=[questionnaire.code])
    for count in (3, 30):
        for _ in range(count):
            country = CountryFactory()
            TreatyParticipationFactory(country=country, treaty="UNTOC")
            ResponseFactory(
                questionnaire=questionnaire, country=country, status="submitted", submitted_at=timezone.now()
            )
        # 13: one of them reads the Secretariat's authenticator (two-factor sign-in).
        with django_assert_max_num_queries(13):
            assert client.get(url).status_code == 200


@pytest.mark.parametrize("role", ["focal_point", "contributor", "provider"])
def test_queue_and_audit_trail_are_for_the_secretariat(client, users_by_role, role, submitted):
    client.force_login(users_by_role[role])
    assert client.get(reverse("surveys:review_queue", args=[submitted.questionnaire.code])).status_code == 403
    assert client.get(reverse("surveys:audit_trail")).status_code == 403
    assert client.post(
        reverse("surveys:response_transition", args=[submitted.pk]), {"action": "start_review"}
    ).status_code in (403, 404)
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_audit_trail_shows_status_and_answer_changes_and_exports_safely(
    client, submitted, reviewer, focal_point
):
    AuditEvent.objects.create(action="response.note", summary='=HYPERLINK("http://evil")', actor_email="x@y")
    client.force_login(reviewer)
    page = client.get(reverse("surveys:audit_trail"))
    actions = [row["action"] for row in page.context["page"]]
    assert "response.submitted" in actions and "answer.form" in actions
    page = client.get(reverse("surveys:audit_trail"), {"kind": "answers"})
    assert {row["action"] for row in page.context["page"]} == {"answer.form"}
    export = b"".join(
        client.get(reverse("surveys:audit_trail"), {"format": "csv"}).streaming_content
    ).decode()
    assert "'=HYPERLINK" in export
    assert AuditEvent.objects.filter(action="audit.exported", actor=reviewer).exists()


def test_audit_events_cannot_be_changed_in_the_admin(client, administrator, submitted):
    event = AuditEvent.objects.first()
    client.force_login(administrator)
    url = reverse("admin:portal_auditevent_change", args=[event.pk])
    assert client.post(url, {"summary": "rewritten"}).status_code == 403
    assert (
        client.post(reverse("admin:portal_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    event.refresh_from_db()
    assert event.summary != "rewritten"
