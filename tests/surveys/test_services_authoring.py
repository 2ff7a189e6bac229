import pytest
from django.core.exceptions import ValidationError

from surveys.models import Condition, Question, Questionnaire
from surveys.services import authoring

from .factories import QuestionFactory, QuestionnaireFactory, SectionFactory, compliance_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    return QuestionnaireFactory()


def test_condition_on_an_earlier_choice_question_is_accepted(draft, administrator):
    section = SectionFactory(questionnaire=draft)
    source = compliance_question(section=section, position=1)
    target = QuestionFactory(section=section, position=2)
    condition = authoring.condition_create(
        by=administrator, question=target, depends_on=source, values=["no"]
    )
    assert condition.pk


def test_condition_pointing_to_a_later_question_is_refused(draft, administrator):
    section = SectionFactory(questionnaire=draft)
    target = QuestionFactory(section=section, position=1)
    later = compliance_question(section=section, position=2)
    with pytest.raises(ValidationError, match="comes later"):
        authoring.condition_create(by=administrator, question=target, depends_on=later, values=["no"])
    assert not Condition.objects.exists()


def test_condition_with_a_value_the_question_does_not_offer_is_refused(draft, administrator):
    section = SectionFactory(questionnaire=draft)
    source = compliance_question(section=section, position=1)
    target = QuestionFactory(section=section, position=2)
    with pytest.raises(ValidationError, match="maybe"):
        authoring.condition_create(by=administrator, question=target, depends_on=source, values=["maybe"])


def test_condition_on_a_question_without_choices_is_refused(draft, administrator):
    section = SectionFactory(questionnaire=draft)
    source = QuestionFactory(section=section, position=1)
    target = QuestionFactory(section=section, position=2)
    with pytest.raises(ValidationError, match="not a question with choices"):
        authoring.condition_create(by=administrator, question=target, depends_on=source, values=["x"])


def test_condition_on_a_question_of_another_questionnaire_is_refused(draft, administrator):
    source = compliance_question(section=SectionFactory())
    target = QuestionFactory(section=SectionFactory(questionnaire=draft))
    with pytest.raises(ValidationError, match="another questionnaire"):
        authoring.condition_create(by=administrator, question=target, depends_on=source, values=["no"])


def test_a_cycle_of_conditions_is_reported_before_publishing(draft):
    section = SectionFactory(questionnaire=draft)
    a = compliance_question(section=section, position=1)
    b = compliance_question(section=section, position=2)
    # Written directly, as a broken import or database edit could: a depends on b and b on a.
    Condition.objects.create(question=a, depends_on=b, values=["no"])
    Condition.objects.create(question=b, depends_on=a, values=["no"])
    errors = authoring.questionnaire_errors(draft)
    assert any("cycle" in e for e in errors)
    with pytest.raises(ValidationError):
        authoring.questionnaire_publish(by=None, questionnaire=draft)
    draft.refresh_from_db()
    assert draft.status == Questionnaire.Status.DRAFT


def test_publishing_fixes_the_version(draft, administrator):
    section = SectionFactory(questionnaire=draft)
    compliance_question(section=section)
    authoring.questionnaire_publish(by=administrator, questionnaire=draft)
    assert draft.status == Questionnaire.Status.PUBLISHED
    with pytest.raises(ValidationError, match="Copy it into a new draft"):
        authoring.questionnaire_ensure_editable(draft)
    with pytest.raises(ValidationError):
        authoring.questionnaire_publish(by=administrator, questionnaire=draft)


def test_choice_question_without_choices_cannot_be_published(draft):
    QuestionFactory(section=SectionFactory(questionnaire=draft), kind=Question.Kind.SINGLE_CHOICE)
    with pytest.raises(ValidationError, match="has no choices"):
        authoring.questionnaire_publish(by=None, questionnaire=draft)


def test_copy_makes_a_draft_whose_questions_continue_the_old_ones(shipped_questionnaire, administrator):
    draft = authoring.questionnaire_copy(by=administrator, source=shipped_questionnaire, code="omnibus-2028")
    assert draft.status == Questionnaire.Status.DRAFT
    assert draft.previous == shipped_questionnaire
    assert draft.questions.count() == shipped_questionnaire.questions.count()
    new = draft.questions.get(code="UNTOC-5-1-TA")
    assert new.continues == shipped_questionnaire.questions.get(code="UNTOC-5-1-TA")
    assert new.text_ar == new.continues.text_ar
    assert new.conditions.get().depends_on == draft.questions.get(code="UNTOC-5-1-C")
    assert authoring.questionnaire_errors(draft) == []
    with pytest.raises(ValidationError):
        authoring.questionnaire_copy(by=administrator, source=shipped_questionnaire, code="omnibus-2028")
