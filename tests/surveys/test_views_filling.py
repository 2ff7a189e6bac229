import pytest
from django.urls import reverse

from portal.models import Role
from surveys.models import Answer, Question, Response
from surveys.structure import clear_cache
from tests.factories import TreatyParticipationFactory, UserFactory

from .factories import ResponseFactory, published_questionnaire

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_structure_cache():
    clear_cache()
    yield
    clear_cache()


def _response(state, questions=4, kinds=None):
    TreatyParticipationFactory(country=state, treaty="UNTOC")
    questionnaire = published_questionnaire(questions=questions, kinds=kinds)
    return ResponseFactory(questionnaire=questionnaire, country=state, status=Response.Status.IN_PROGRESS)


def _section_url(response):
    return reverse("surveys:section_form", args=[response.pk, response.questionnaire.sections.get().code])


def _save_url(response, question):
    return reverse("surveys:answer_autosave", args=[response.pk, question.code])


@pytest.mark.parametrize("count", [10, 100])
def test_section_page_uses_a_constant_number_of_queries(
    client, contributor, count, django_assert_max_num_queries
):
    response = _response(contributor.country, questions=count)
    for question in response.questionnaire.questions.all()[: count // 2]:
        Answer.objects.create(
            response=response, question=question, value="partial", updated_at="2026-01-01T00:00Z"
        )
    client.force_login(contributor)
    client.get(_section_url(response))  # the questionnaire's shape is read once per process
    with django_assert_max_num_queries(15):
        page = client.get(_section_url(response))
    assert page.status_code == 200
    assert len(page.context["items"]) == count


def test_autosave_costs_at_most_six_queries(client, contributor, django_assert_max_num_queries):
    response = _response(contributor.country, kinds=[Question.Kind.COMPLIANCE, Question.Kind.LONG_TEXT])
    question = response.questionnaire.questions.get(kind="long_text")
    client.force_login(contributor)
    prefix = question.code
    first = client.post(_save_url(response, question), {f"{prefix}-base_version": 0, f"{prefix}-value": "v1"})
    assert first.json() == {"status": "saved", "version": 1, "at": first.json()["at"]}
    with django_assert_max_num_queries(6):
        second = client.post(
            _save_url(response, question), {f"{prefix}-base_version": 1, f"{prefix}-value": "v2"}
        )
    assert second.json()["version"] == 2


def test_autosave_reports_a_conflict_with_their_answer(client, contributor, focal_point):
    response = _response(contributor.country, kinds=[Question.Kind.COMPLIANCE, Question.Kind.LONG_TEXT])
    question = response.questionnaire.questions.get(kind="long_text")
    p = question.code
    client.force_login(focal_point)
    client.post(_save_url(response, question), {f"{p}-base_version": 0, f"{p}-value": "<b>theirs</b>"})
    client.force_login(contributor)
    reply = client.post(_save_url(response, question), {f"{p}-base_version": 0, f"{p}-value": "mine"})
    assert reply.status_code == 409
    data = reply.json()
    assert data["version"] == 1
    assert data["by"] == focal_point.full_name
    assert "&lt;b&gt;theirs&lt;/b&gt;" in data["theirs"]  # their text is shown as text, never as markup
    assert Answer.objects.get(question=question).value == "<b>theirs</b>"


def test_autosave_validation_error_changes_nothing(client, contributor):
    response = _response(contributor.country, kinds=[Question.Kind.COMPLIANCE, Question.Kind.NUMBER])
    question = response.questionnaire.questions.get(kind="number")
    p = question.code
    client.force_login(contributor)
    reply = client.post(_save_url(response, question), {f"{p}-base_version": 0, f"{p}-value": "12abc"})
    assert reply.status_code == 400
    assert reply.json()["errors"]["value"][0]["message"] == "Enter a number."
    reply = client.post(
        f"/fr{_save_url(response, question)[3:]}", {f"{p}-base_version": 0, f"{p}-value": "12abc"}
    )
    assert reply.json()["errors"]["value"][0]["message"] == "Saisissez un nombre."
    assert not Answer.objects.exists()


def test_another_states_response_is_not_found(client, other_focal_point, contributor):
    response = _response(contributor.country)
    question = response.questionnaire.questions.first()
    client.force_login(other_focal_point)
    assert client.get(response.get_absolute_url()).status_code == 404
    assert client.get(_section_url(response)).status_code == 404
    p = question.code
    assert (
        client.post(_save_url(response, question), {f"{p}-base_version": 0, f"{p}-value": "yes"}).status_code
        == 404
    )
    assert client.get(reverse("surveys:answer_history", args=[response.pk, question.code])).status_code == 404
    assert not Answer.objects.exists()


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.ADMINISTRATOR])
def test_secretariat_reads_but_never_writes(client, users_by_role, role, contributor):
    response = _response(contributor.country)
    question = response.questionnaire.questions.first()
    client.force_login(users_by_role[role])
    assert client.get(_section_url(response)).status_code == 200
    p = question.code
    assert (
        client.post(_save_url(response, question), {f"{p}-base_version": 0, f"{p}-value": "yes"}).status_code
        == 403
    )
    assert not Answer.objects.exists()


def test_provider_cannot_see_responses(client, provider_user, contributor):
    response = _response(contributor.country)
    client.force_login(provider_user)
    assert client.get(response.get_absolute_url()).status_code == 404
    assert client.get(reverse("surveys:response_list")).status_code == 403


def test_whole_section_saves_without_javascript_and_keeps_input_on_error(client, contributor):
    response = _response(
        contributor.country, kinds=[Question.Kind.COMPLIANCE, Question.Kind.LONG_TEXT, Question.Kind.NUMBER]
    )
    compliance, text, number = response.questionnaire.questions.order_by("position")
    client.force_login(contributor)
    data = {
        f"{compliance.code}-base_version": 0,
        f"{compliance.code}-value": "no",
        f"{text.code}-base_version": 0,
        f"{text.code}-value": "Détails <script>alert(1)</script>",
        f"{number.code}-base_version": 0,
        f"{number.code}-value": "not a number",
    }
    page = client.post(_section_url(response), data)
    assert page.status_code == 400
    html = page.content.decode()
    assert "Détails &lt;script&gt;alert(1)&lt;/script&gt;" in html  # kept, and inert
    assert 'value="not a number"' in html
    # The valid answers were saved; the invalid one was not.
    assert dict(Answer.objects.values_list("question__code", "value")) == {
        compliance.code: "no",
        text.code: "Détails <script>alert(1)</script>",
    }
    data[f"{number.code}-value"] = "42"
    data[f"{compliance.code}-base_version"] = data[f"{text.code}-base_version"] = 1
    assert client.post(_section_url(response), data).status_code == 302
    assert Answer.objects.get(question=number).value == "42"


def test_whole_section_post_reports_conflicts_and_keeps_mine_in_the_form(client, contributor, focal_point):
    response = _response(contributor.country, kinds=[Question.Kind.COMPLIANCE, Question.Kind.LONG_TEXT])
    compliance, text = response.questionnaire.questions.order_by("position")
    client.force_login(focal_point)
    client.post(_save_url(response, text), {f"{text.code}-base_version": 0, f"{text.code}-value": "theirs"})
    client.force_login(contributor)
    page = client.post(_section_url(response), {f"{text.code}-base_version": 0, f"{text.code}-value": "mine"})
    assert page.status_code == 409
    html = page.content.decode()
    assert "theirs" in html and "mine</textarea>" in html
    assert f'name="{text.code}-base_version" value="1"' in html
    # Saving again keeps mine.
    assert (
        client.post(
            _section_url(response), {f"{text.code}-base_version": 1, f"{text.code}-value": "mine"}
        ).status_code
        == 302
    )
    assert Answer.objects.get(question=text).value == "mine"


def test_conditional_question_is_hidden_until_its_condition_holds(client, contributor):
    response = _response(contributor.country, kinds=[Question.Kind.COMPLIANCE, Question.Kind.LONG_TEXT])
    compliance, text = response.questionnaire.questions.order_by("position")
    client.force_login(contributor)
    items = {i["question"].code: i for i in client.get(_section_url(response)).context["items"]}
    assert items[compliance.code]["visible"] and not items[text.code]["visible"]
    client.post(
        _section_url(response), {f"{compliance.code}-base_version": 0, f"{compliance.code}-value": "partial"}
    )
    items = {i["question"].code: i for i in client.get(_section_url(response)).context["items"]}
    assert items[text.code]["visible"]


def test_submit_flow_locks_the_response(client, focal_point, contributor, mailoutbox):
    response = _response(focal_point.country, questions=1)
    question = response.questionnaire.questions.get()
    client.force_login(contributor)
    assert client.get(reverse("surveys:response_submit", args=[response.pk])).status_code == 403
    client.force_login(focal_point)
    page = client.get(reverse("surveys:response_submit", args=[response.pk]))
    assert question.code in page.content.decode()  # listed as missing, with a link
    client.post(
        _save_url(response, question), {f"{question.code}-base_version": 0, f"{question.code}-value": "yes"}
    )
    reply = client.post(reverse("surveys:response_submit", args=[response.pk]))
    assert reply.status_code == 302
    response.refresh_from_db()
    assert response.status == Response.Status.SUBMITTED
    client.force_login(contributor)
    page = client.get(_section_url(response))
    assert page.status_code == 200 and not page.context["can_edit"]
    assert (
        client.post(
            _save_url(response, question),
            {f"{question.code}-base_version": 1, f"{question.code}-value": "no"},
        ).status_code
        == 403
    )


def test_history_and_restore_by_the_focal_point(client, focal_point, contributor):
    response = _response(focal_point.country, kinds=[Question.Kind.COMPLIANCE, Question.Kind.LONG_TEXT])
    text = response.questionnaire.questions.get(kind="long_text")
    client.force_login(contributor)
    for version, value in enumerate(["one", "two"]):
        client.post(
            _save_url(response, text), {f"{text.code}-base_version": version, f"{text.code}-value": value}
        )
    history_url = reverse("surveys:answer_history", args=[response.pk, text.code])
    page = client.get(history_url)
    assert "one" in page.content.decode() and not page.context["can_restore"]
    client.force_login(focal_point)
    client.post(reverse("surveys:answer_restore", args=[response.pk, text.code]), {"version": 1})
    assert Answer.objects.get(question=text).value == "one"


def test_national_user_starts_the_response_from_the_list(client, focal_point):
    TreatyParticipationFactory(country=focal_point.country, treaty="UNTOC")
    questionnaire = published_questionnaire(questions=2)
    client.force_login(focal_point)
    reply = client.post(reverse("surveys:response_list"), {"questionnaire": questionnaire.code})
    response = Response.objects.get(country=focal_point.country)
    assert reply.url == response.get_absolute_url()
    client.get(response.get_absolute_url())
    response.refresh_from_db()
    assert response.status == Response.Status.IN_PROGRESS


def test_contributor_of_same_state_added_later_can_fill(client, contributor):
    response = _response(contributor.country)
    expert = UserFactory(role=Role.CONTRIBUTOR, country=contributor.country)
    client.force_login(expert)
    assert client.get(_section_url(response)).status_code == 200


def test_answer_given_for_a_cross_referenced_provision_is_offered_and_reused(
    client, contributor, shipped_questionnaire
):
    from surveys.models import Question

    TreatyParticipationFactory(country=contributor.country, treaty="UNTOC")
    TreatyParticipationFactory(country=contributor.country, treaty="TIP")
    response = ResponseFactory(
        questionnaire=shipped_questionnaire, country=contributor.country, status="in_progress"
    )
    source = Question.objects.get(questionnaire=shipped_questionnaire, code="UNTOC-5-1-C")
    Answer.objects.create(response=response, question=source, value="partial", updated_at="2026-01-01T00:00Z")
    client.force_login(contributor)
    page = client.get(reverse("surveys:section_form", args=[response.pk, "TIP-5"]))
    item = next(i for i in page.context["items"] if i["question"].code == "TIP-5-2-C")
    assert [o["question"].code for o in item["offers"]] == ["UNTOC-5-1-C"]
    client.post(reverse("surveys:answer_reuse", args=[response.pk, "TIP-5-2-C"]), {"offer": "0"})
    reused = Answer.objects.get(response=response, question__code="TIP-5-2-C")
    assert reused.value == "partial"
    assert reused.revisions.get().source == "reuse"


def test_previous_versions_accepted_answer_is_offered(client, contributor, shipped_questionnaire):
    from surveys.services.authoring import questionnaire_copy, questionnaire_publish

    TreatyParticipationFactory(country=contributor.country, treaty="UNTOC")
    old = ResponseFactory(
        questionnaire=shipped_questionnaire,
        country=contributor.country,
        status="accepted",
        submitted_at="2026-01-01T00:00Z",
    )
    Answer.objects.create(
        response=old,
        question=shipped_questionnaire.questions.get(code="UNTOC-6-1-C"),
        value="yes",
        updated_at="2026-01-01T00:00Z",
    )
    new_version = questionnaire_copy(by=None, source=shipped_questionnaire, code="omnibus-2028")
    questionnaire_publish(by=None, questionnaire=new_version)
    response = ResponseFactory(questionnaire=new_version, country=contributor.country, status="in_progress")
    client.force_login(contributor)
    page = client.get(reverse("surveys:section_form", args=[response.pk, "UNTOC-6"]))
    item = next(i for i in page.context["items"] if i["question"].code == "UNTOC-6-1-C")
    assert [(o["kind"], o["value"]) for o in item["offers"]] == [("previous", "yes")]


def test_history_of_an_assistance_answer_reads_the_code_lists_once(
    client, focal_point, shipped_questionnaire, django_assert_max_num_queries
):
    from surveys.services.answers import answer_save

    TreatyParticipationFactory(country=focal_point.country, treaty="UNTOC")
    response = ResponseFactory(
        questionnaire=shipped_questionnaire, country=focal_point.country, status="in_progress"
    )
    question = shipped_questionnaire.questions.get(code="UNTOC-5-1-TA")
    value = {
        "challenges": ["capacity"],
        "challenges_other": "",
        "would_help": "yes",
        "kinds": ["training"],
        "details": "",
        "receiving": "",
        "received_from": "",
    }
    for version in range(12):
        value = {**value, "details": f"Version {version}"}
        answer_save(response=response, question=question, value=value, base_version=version, by=focal_point)
    client.force_login(focal_point)
    url = reverse("surveys:answer_history", args=[response.pk, question.code])
    client.get(url)  # the questionnaire's shape is read once per process
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert page.content.decode().count("Training") >= 12
