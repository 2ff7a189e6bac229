"""The loss check of bench/load.py: what it calls a lost acknowledged save (the load itself is run by hand,
see docs/performance.md)."""

import pytest

from bench.load import Ack, check, table
from bench.load import Sample as LoadSample
from surveys.models import Answer, Question
from surveys.services import answers as services
from tests.factories import TreatyParticipationFactory
from tests.surveys.factories import ResponseFactory, published_questionnaire

pytestmark = pytest.mark.django_db


@pytest.fixture
def saved(state_a, focal_point):
    """Two acknowledged saves of one long-text answer, as the load's clients record them."""
    TreatyParticipationFactory(country=state_a, treaty="UNTOC")
    questionnaire = published_questionnaire(kinds=[Question.Kind.COMPLIANCE, Question.Kind.LONG_TEXT])
    response = ResponseFactory(questionnaire=questionnaire, country=state_a, status="in_progress")
    question = questionnaire.questions.get(kind=Question.Kind.LONG_TEXT)
    acks = []
    for base, value in ((0, "first"), (1, "second")):
        answer = services.answer_save(
            response=response, question=question, value=value, base_version=base, by=focal_point
        )
        acks.append(Ack(response.pk, question.code, value, answer.version))
    return answer, acks


def test_every_acknowledged_save_found_is_no_loss(saved):
    _answer, acks = saved
    assert check(acks, set()) == []


def test_latest_acknowledged_value_replaced_is_a_loss(saved):
    answer, acks = saved
    Answer.objects.filter(pk=answer.pk).update(value="something else")
    [loss] = check(acks, set())
    assert "v2 stored with another value" in loss


def test_acknowledged_version_rolled_back_is_a_loss(saved):
    answer, acks = saved
    Answer.objects.filter(pk=answer.pk).update(version=1, value="first")
    answer.revisions.filter(version=2).delete()
    losses = check(acks, set())
    assert any("acknowledged v2, stored v1" in loss for loss in losses)
    assert any("v2 missing from the history" in loss for loss in losses)


def test_a_newer_stored_version_needs_an_unacknowledged_save_after_the_last_acknowledged_one(saved):
    answer, acks = saved
    Answer.objects.filter(pk=answer.pk).update(version=3, value="third")
    key = (acks[0].response, acks[0].code)
    assert check(acks, {key}) == []
    [loss] = check(acks, set())
    assert "newer than any save sent" in loss


def test_table_gives_rate_median_p95_and_errors_per_kind():
    samples = [LoadSample("autosave POST", 0.0, ms, 200, False) for ms in range(1, 101)]
    samples.append(LoadSample("autosave POST", 0.0, 500.0, 500, True, "HTTP 500"))
    row = next(line for line in table(samples, 10.0).splitlines() if line.startswith("| autosave POST"))
    assert [cell.strip() for cell in row.strip("|").split("|")] == [
        "autosave POST",
        "101",
        "10.1",
        "51",
        "96",
        "1",
    ]
