"""The benchmark seed (bench/seed.py) at a tiny scale: the current cycle and, with history, the two earlier
cycles it continues (the full-size seed is run by hand, see docs/performance.md)."""

import pytest
from django.db import transaction
from django.db.models import Max

from assistance.models import Contribution, ExchangeRate, Need
from bench.seed import HISTORY, seed_cycle
from surveys.models import Answer, AnswerRevision, Comment, Question, Questionnaire, Response

pytestmark = pytest.mark.django_db

STATES = 5
RANK = {"no": 0, "partial": 1, "yes": 2}


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker):
    """Seeded once for the class's tests (each runs in its own savepoint), rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed_cycle(2026, history=True, states=STATES)
        transaction.set_rollback(True)


def compliance(code):
    return {
        (country, question): value
        for country, question, value in Answer.objects.filter(
            response__questionnaire__code=code, question__kind=Question.Kind.COMPLIANCE
        ).values_list("response__country_id", "question__code", "value")
    }


class TestWithHistory:
    def test_three_cycles_each_continuing_the_one_before(self, seeded):
        current = seeded["questionnaire"]
        current.refresh_from_db()
        middle = current.previous
        oldest = middle.previous
        assert (oldest.code, middle.code, current.code) == ("omnibus-2022", "omnibus-2024", "omnibus-2026")
        assert oldest.previous is None
        for version, year in ((oldest, 2022), (middle, 2024)):
            assert version.status == Questionnaire.Status.CLOSED
            assert version.published_at.year == year
            assert version.questions.count() == current.questions.count()
        for later, earlier in ((current, middle), (middle, oldest)):
            pairs = set(later.questions.values_list("code", "continues__code"))
            assert pairs == {(code, code) for code, _ in pairs}
            assert set(later.questions.values_list("continues__questionnaire", flat=True)) == {earlier.pk}
        assert not oldest.questions.filter(continues__isnull=False).exists()

    def test_earlier_cycles_accepted_answered_and_dated_in_their_year(self, seeded):
        for year, _share in HISTORY:
            code = f"omnibus-{year}"
            responses = Response.objects.filter(questionnaire__code=code)
            assert responses.exists()
            assert set(responses.values_list("status", flat=True)) == {Response.Status.ACCEPTED}
            for response in responses:
                assert response.submitted_at.year == response.accepted_at.year == year
                assert response.submitted_at < response.accepted_at
            questions = Question.objects.filter(questionnaire__code=code).count()
            assert Answer.objects.filter(response__in=responses).count() == responses.count() * questions
            revisions = AnswerRevision.objects.filter(answer__response__in=responses)
            assert {r.year for r in revisions.values_list("changed_at", flat=True)} == {year}
            # Every answer has its history, up to its current version.
            latest = dict(
                revisions.values("answer").annotate(last=Max("version")).values_list("answer", "last")
            )
            assert latest == dict(Answer.objects.filter(response__in=responses).values_list("pk", "version"))
            comments = Comment.objects.filter(response__in=responses)
            assert comments.exists()
            assert {c.created_at.year for c in comments} == {year}
            needs = Need.objects.filter(questionnaire__code=code)
            assert needs.exists()
            assert set(needs.values_list("source", flat=True)) == {Need.Source.ANSWER}
            assert not needs.exclude(answer__response__questionnaire__code=code).exists()
            assert {n.created_at.year for n in needs} == {year}

    def test_compliance_never_falls_from_one_cycle_to_the_next(self, seeded):
        cycles = [compliance(f"omnibus-{year}") for year, _share in HISTORY] + [compliance("omnibus-2026")]
        for earlier, later in zip(cycles, cycles[1:], strict=False):
            assert earlier
            assert all(RANK[value] <= RANK[later[key]] for key, value in earlier.items())
        # ... and it does rise somewhere: the history is not a copy of the current cycle.
        assert any(RANK[v] < RANK[cycles[-1][k]] for k, v in cycles[0].items())

    def test_contributions_from_2022_each_with_its_months_rate(self, seeded):
        years = set(Contribution.objects.values_list("date__year", flat=True))
        assert years == {2022, 2023, 2024, 2025, 2026}
        rates = set(ExchangeRate.objects.values_list("currency", "month"))
        assert all(pair in rates for pair in Contribution.objects.values_list("currency", "rate_month"))


def test_without_history_the_current_cycle_stands_alone():
    seeded = seed_cycle(2026, states=STATES)
    assert list(Questionnaire.objects.values_list("code", flat=True)) == ["omnibus-2026"]
    assert seeded["questionnaire"].previous is None
    assert Response.objects.count() == STATES
