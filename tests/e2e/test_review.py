"""The review journey: a focal point submits, a reviewer asks, the focal point answers, the reviewer accepts."""

import re

import pytest
from playwright.sync_api import expect

from surveys.models import Response
from surveys.structure import clear_cache
from tests.factories import TreatyParticipationFactory
from tests.surveys.factories import ResponseFactory, published_questionnaire

from .conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_submit_return_answer_resubmit_accept_with_the_audit_trail(new_page, focal_point, reviewer, password):
    clear_cache()
    TreatyParticipationFactory(country=focal_point.country, treaty="UNTOC")
    questionnaire = published_questionnaire(questions=1)
    response = ResponseFactory(questionnaire=questionnaire, country=focal_point.country)
    question = questionnaire.questions.get()
    section_url = f"/en/responses/{response.pk}/sections/{question.section.code}/"
    state, secretariat = new_page(), new_page()
    sign_in(state, focal_point.email, password)
    sign_in(secretariat, reviewer.email, password)

    # The focal point answers and submits.
    state.goto(section_url)
    state.locator(f"#q-{question.code}").get_by_label("Yes", exact=True).check()
    expect(state.locator("[data-save-status]")).to_have_class(re.compile("text-success"), timeout=10_000)
    state.goto(f"/en/responses/{response.pk}/submit/")
    state.get_by_role("button", name="Submit the response").click()
    expect(state.get_by_role("heading", name="Response submitted")).to_be_visible()

    # The reviewer takes it up, comments on the answer and returns it.
    secretariat.goto(f"/en/responses/{response.pk}/")
    secretariat.get_by_role("button", name="Start the review").click()
    secretariat.goto(section_url)
    card = secretariat.locator(f"#q-{question.code}")
    card.locator("summary").click()
    card.get_by_label("Your message").fill("Which act implements this provision?")
    card.get_by_role("button", name="Send").click()
    secretariat.goto(f"/en/responses/{response.pk}/")
    secretariat.get_by_label("What should the State clarify?").fill("Please cite the act.")
    secretariat.get_by_role("button", name="Return for clarification").click()
    expect(secretariat.get_by_text("Returned for clarification").first).to_be_visible()

    # The focal point reads the request, answers the comment and submits again.
    state.goto(f"/en/responses/{response.pk}/")
    expect(state.get_by_text("Please cite the act.")).to_be_visible()
    state.goto(section_url + "?show=comments")
    card = state.locator(f"#q-{question.code}")
    expect(card).to_contain_text("Which act implements this provision?")
    card.get_by_label("Your message").fill("Act 12 of 2019, article 5.")
    card.get_by_role("button", name="Send").click()
    state.goto(f"/en/responses/{response.pk}/submit/")
    state.get_by_role("button", name="Submit the response").click()
    expect(state.get_by_role("heading", name="Response submitted")).to_be_visible()

    # The reviewer resolves the thread and accepts.
    secretariat.goto(f"/en/responses/{response.pk}/")
    secretariat.get_by_role("button", name="Start the review").click()
    secretariat.goto(section_url)
    card = secretariat.locator(f"#q-{question.code}")
    expect(card).to_contain_text("Act 12 of 2019, article 5.")
    card.get_by_role("button", name="Mark as resolved").click()
    secretariat.goto(f"/en/responses/{response.pk}/")
    secretariat.get_by_role("button", name="Accept the response").click()
    expect(secretariat.get_by_text("The response is now: Accepted.")).to_be_visible()
    assert Response.objects.get(pk=response.pk).status == Response.Status.ACCEPTED

    # Every step is in the audit trail.
    secretariat.goto(f"/en/audit/?country={focal_point.country.pk}")
    trail = secretariat.locator("main table")
    for action in (
        "response.submitted",
        "response.start_review",
        "comment.added",
        "response.return",
        "comment.resolved",
        "response.accept",
        "answer.autosave",
    ):
        expect(trail).to_contain_text(action)
