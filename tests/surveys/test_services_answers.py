import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portal.models import Role
from surveys.models import AnswerRevision, Question, Response
from surveys.selectors import response_scope
from surveys.services import answers as services
from surveys.structure import clear_cache, structure_for
from tests.factories import TreatyParticipationFactory, UserFactory

from .factories import ResponseFactory, published_questionnaire

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_structure_cache():
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def questionnaire():
    return published_questionnaire(
        kinds=[
            Question.Kind.COMPLIANCE,
            Question.Kind.LONG_TEXT,
            Question.Kind.NUMBER,
            Question.Kind.MULTIPLE_CHOICE,
        ]
    )


@pytest.fixture
def response(questionnaire, state_a):
    TreatyParticipationFactory(country=state_a, treaty="UNTOC")
    return ResponseFactory(questionnaire=questionnaire, country=state_a)


def q(questionnaire, kind):
    return questionnaire.questions.get(kind=kind)


def test_first_save_creates_version_one_with_history(response, questionnaire, contributor):
    answer = services.answer_save(
        response=response,
        question=q(questionnaire, "long_text"),
        value="Loi n° 2019-12 <script>x</script>",
        base_version=0,
        by=contributor,
        language="fr",
    )
    assert answer.version == 1
    assert answer.language == "fr"
    [revision] = answer.revisions.all()
    assert (revision.version, revision.changed_by, revision.value) == (1, contributor, answer.value)


def test_save_based_on_an_older_version_is_a_conflict_and_changes_nothing(
    response, questionnaire, contributor, focal_point
):
    question = q(questionnaire, "long_text")
    first = services.answer_save(
        response=response, question=question, value="A", base_version=0, by=contributor
    )
    services.answer_save(
        response=response, question=question, value="B", base_version=first.version, by=focal_point
    )
    with pytest.raises(services.AnswerConflict) as excinfo:
        services.answer_save(
            response=response, question=question, value="C", base_version=first.version, by=contributor
        )
    current = excinfo.value.current
    assert (current.value, current.version, current.updated_by) == ("B", 2, focal_point)
    assert current.revisions.count() == 2
    # Choosing "keep mine" means saving again on top of their version.
    kept = services.answer_save(
        response=response, question=question, value="C", base_version=2, by=contributor
    )
    assert (kept.value, kept.version) == ("C", 3)


def test_saving_the_same_value_again_is_never_a_conflict(response, questionnaire, contributor, focal_point):
    question = q(questionnaire, "long_text")
    services.answer_save(response=response, question=question, value="Same", base_version=0, by=contributor)
    again = services.answer_save(
        response=response, question=question, value="Same", base_version=0, by=focal_point
    )
    assert again.version == 1


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("compliance", "maybe", "offered"),
        ("multiple_choice", ["a", "zzz"], "offered"),
        ("number", "abc", "number"),
        ("number", "NaN", "number"),
        ("long_text", "x" * 100_001, "longer"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_saved(
    response, questionnaire, contributor, kind, value, message
):
    with pytest.raises(ValidationError, match=message):
        services.answer_save(
            response=response, question=q(questionnaire, kind), value=value, base_version=0, by=contributor
        )
    assert not response.answers.exists()


def test_number_bounds_are_enforced(response, questionnaire, contributor):
    question = q(questionnaire, "number")
    question.min_value, question.max_value = 0, 100
    question.save()
    with pytest.raises(ValidationError, match="at most 100"):
        services.answer_save(
            response=response, question=question, value="101", base_version=0, by=contributor
        )


def test_people_of_another_state_and_other_roles_cannot_save(
    response, questionnaire, other_focal_point, reviewer, provider_user
):
    for person in (other_focal_point, reviewer, provider_user):
        with pytest.raises(PermissionDenied):
            services.answer_save(
                response=response,
                question=q(questionnaire, "long_text"),
                value="x",
                base_version=0,
                by=person,
            )
    assert not response.answers.exists()


def test_restore_brings_back_an_old_value_as_a_new_version(response, questionnaire, contributor, focal_point):
    question = q(questionnaire, "long_text")
    services.answer_save(response=response, question=question, value="first", base_version=0, by=contributor)
    answer = services.answer_save(
        response=response, question=question, value="second", base_version=1, by=contributor
    )
    with pytest.raises(PermissionDenied):
        services.answer_restore(answer=answer, version=1, by=contributor)
    restored = services.answer_restore(answer=answer, version=1, by=focal_point)
    assert (restored.value, restored.version) == ("first", 3)
    assert restored.revisions.get(version=3).source == AnswerRevision.Source.RESTORE


def test_submit_needs_every_required_shown_question(
    response,
    questionnaire,
    focal_point,
    contributor,
    reviewer,
    other_focal_point,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    structure = structure_for(questionnaire)
    with pytest.raises(ValidationError, match="required"):
        services.response_submit(response=response, by=focal_point, structure=structure)
    services.answer_save(
        response=response,
        question=q(questionnaire, "compliance"),
        value="yes",
        base_version=0,
        by=contributor,
    )
    with pytest.raises(PermissionDenied):
        services.response_submit(response=response, by=contributor, structure=structure)
    with django_capture_on_commit_callbacks(execute=True):
        submitted = services.response_submit(response=response, by=focal_point, structure=structure)
    assert submitted.status == Response.Status.SUBMITTED
    # The State's people and the reviewers are told; nobody of another State is.
    assert {m.to[0] for m in mailoutbox} == {focal_point.email, contributor.email, reviewer.email}
    # Locked: nobody changes it any more.
    with pytest.raises(PermissionDenied):
        services.answer_save(
            response=response,
            question=q(questionnaire, "long_text"),
            value="late",
            base_version=0,
            by=focal_point,
        )
    with pytest.raises(ValidationError):
        services.response_submit(response=submitted, by=focal_point, structure=structure)


def test_conditional_questions_count_only_when_shown(response, questionnaire, contributor):
    structure = structure_for(questionnaire)
    compliance = q(questionnaire, "compliance")
    from surveys.values import visible_question_ids

    assert visible_question_ids(structure, {}) == {compliance.pk}
    assert visible_question_ids(structure, {compliance.pk: "yes"}) == {compliance.pk}
    assert len(visible_question_ids(structure, {compliance.pk: "no"})) == 4


def test_only_parties_are_asked_unless_the_state_opts_in(questionnaire, state_b, other_focal_point):
    response = ResponseFactory(questionnaire=questionnaire, country=state_b)
    structure = structure_for(questionnaire)
    assert response_scope(response, structure) == set()
    from surveys.models import Instrument

    services.response_opt_in(
        response=response, instrument=Instrument.objects.get(code="UNTOC"), by=other_focal_point
    )
    assert response_scope(response, structure) == {s.instrument_id for s in structure.sections}


def test_contributor_cannot_change_the_scope(response, contributor):
    from surveys.models import Instrument

    with pytest.raises(PermissionDenied):
        services.response_opt_in(
            response=response, instrument=Instrument.objects.get(code="UNTOC"), by=contributor
        )


def test_attachment_type_is_checked_from_the_content(
    response, questionnaire, contributor, tmp_path, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    question = Question.objects.create(
        questionnaire=questionnaire,
        section=questionnaire.sections.get(),
        code="FILES",
        kind="file",
        position=99,
        text_en="Attach the law",
    )
    liar = SimpleUploadedFile("law.pdf", b"MZ\x90\x00 this is an executable", content_type="application/pdf")
    with pytest.raises(ValidationError, match="whatever its name says"):
        services.attachment_add(response=response, question=question, upload=liar, by=contributor)
    pdf = SimpleUploadedFile(
        "law.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF", content_type="application/pdf"
    )
    attachment = services.attachment_add(response=response, question=question, upload=pdf, by=contributor)
    assert attachment.content_type == "application/pdf"
    assert str(tmp_path) in attachment.file.path
    settings.OMNIBUS_MAX_UPLOAD_BYTES = 10
    with pytest.raises(ValidationError, match="larger"):
        services.attachment_add(response=response, question=question, upload=pdf, by=contributor)
    assert response.answers.get(question=question).value == [{"id": attachment.pk, "name": "law.pdf"}]


def test_a_contributor_of_the_same_state_is_allowed(response, questionnaire, state_a):
    expert = UserFactory(role=Role.CONTRIBUTOR, country=state_a)
    answer = services.answer_save(
        response=response, question=q(questionnaire, "compliance"), value="no", base_version=0, by=expert
    )
    assert answer.pk
