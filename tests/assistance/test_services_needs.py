"""Needs from answers stay in step with the answers; consent and the lifecycle are the focal point's and the
Secretariat's, each step audited."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assistance.models import Need, Offer, Priority
from assistance.services import needs as services
from portal.models import AuditEvent
from surveys.models import Question
from surveys.services import answers as answer_services
from surveys.structure import clear_cache
from tests.factories import TreatyParticipationFactory

from ..surveys.factories import ProvisionFactory, ResponseFactory, published_questionnaire
from .factories import AssistanceKindFactory, NeedFactory, OfferFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_structure_cache():
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def kinds():
    return {
        code: AssistanceKindFactory(code=code) for code in ("legislative-drafting", "training", "equipment")
    }


@pytest.fixture
def cycle(kinds):
    """A published version: a compliance question, then the assistance block shown for "partial" or "no"."""
    questionnaire = published_questionnaire(kinds=[Question.Kind.COMPLIANCE, Question.Kind.ASSISTANCE])
    provision = ProvisionFactory(obligation="mandatory")
    questionnaire.questions.update(provision=provision)
    return questionnaire


@pytest.fixture
def response(cycle, state_a):
    TreatyParticipationFactory(country=state_a, treaty="UNTOC")
    return ResponseFactory(questionnaire=cycle, country=state_a)


def _save(response, kind, value, by):
    question = response.questionnaire.questions.get(kind=kind)
    current = question.answers.filter(response=response).first()
    return answer_services.answer_save(
        response=response,
        question=question,
        value=value,
        base_version=current.version if current else 0,
        by=by,
    )


def _assistance(kinds=(), would_help="yes", details="We need help drafting the law."):
    return {
        "challenges": [],
        "challenges_other": "",
        "would_help": would_help,
        "kinds": list(kinds),
        "details": details,
        "receiving": "",
        "received_from": "",
    }


def _needs(response):
    return {n.kind.code: n for n in Need.objects.filter(country=response.country).select_related("kind")}


def test_an_assistance_answer_becomes_one_need_per_kind(response, contributor):
    _save(response, "compliance", "partial", contributor)
    _save(response, "assistance", _assistance(["training", "legislative-drafting"]), contributor)

    needs = _needs(response)
    assert set(needs) == {"training", "legislative-drafting"}
    need = needs["training"]
    assert need.status == Need.Status.IDENTIFIED
    assert need.source == Need.Source.ANSWER
    assert need.description == "We need help drafting the law."
    assert need.priority == Priority.HIGH  # a mandatory provision
    assert need.provision.obligation == "mandatory"
    assert need.questionnaire == response.questionnaire
    assert need.shared_at is None
    assert AuditEvent.objects.filter(action="need.identified", country=response.country).count() == 2


def test_changing_the_answer_keeps_the_needs_in_step(response, contributor):
    _save(response, "compliance", "no", contributor)
    _save(response, "assistance", _assistance(["training", "equipment"]), contributor)
    kept_id = _needs(response)["training"].pk

    _save(response, "assistance", _assistance(["training"], details="Train 40 judges."), contributor)

    needs = _needs(response)
    assert needs["training"].pk == kept_id
    assert needs["training"].description == "Train 40 judges."
    assert needs["equipment"].status == Need.Status.WITHDRAWN
    assert needs["equipment"].in_answer is False
    assert AuditEvent.objects.filter(action="need.withdrawn", object_id=str(needs["equipment"].pk)).exists()


def test_a_kind_asked_for_again_is_identified_again_and_needs_consent_again(
    response, contributor, focal_point
):
    _save(response, "compliance", "no", contributor)
    _save(response, "assistance", _assistance(["training"]), contributor)
    services.need_share(need=_needs(response)["training"], by=focal_point)

    _save(response, "assistance", _assistance([]), contributor)
    assert _needs(response)["training"].status == Need.Status.WITHDRAWN
    _save(response, "assistance", _assistance(["training"]), contributor)

    need = _needs(response)["training"]
    assert (need.status, need.shared_at, need.in_answer) == (Need.Status.IDENTIFIED, None, True)


def test_answering_that_no_help_is_wanted_withdraws_the_needs(response, contributor):
    _save(response, "compliance", "no", contributor)
    _save(response, "assistance", _assistance(["training"]), contributor)
    _save(response, "assistance", _assistance(["training"], would_help="no"), contributor)
    assert _needs(response)["training"].status == Need.Status.WITHDRAWN


def test_full_compliance_hides_the_assistance_block_and_withdraws_its_needs(response, contributor):
    _save(response, "compliance", "partial", contributor)
    _save(response, "assistance", _assistance(["training"]), contributor)

    _save(response, "compliance", "yes", contributor)
    assert _needs(response)["training"].status == Need.Status.WITHDRAWN

    _save(response, "compliance", "no", contributor)
    assert _needs(response)["training"].status == Need.Status.IDENTIFIED


def test_a_hidden_assistance_answer_creates_no_need(response, contributor):
    _save(response, "compliance", "yes", contributor)
    _save(response, "assistance", _assistance(["training"]), contributor)
    assert _needs(response) == {}


def test_a_matched_need_is_not_withdrawn_by_the_answer_but_flagged(response, contributor):
    _save(response, "compliance", "no", contributor)
    _save(response, "assistance", _assistance(["training"]), contributor)
    need = _needs(response)["training"]
    from tests.assistance.factories import ActivityFactory

    Need.objects.filter(pk=need.pk).update(
        status=Need.Status.MATCHED,
        shared_at=need.created_at,
        activity=ActivityFactory(country=response.country),
    )

    _save(response, "assistance", _assistance([]), contributor)
    need.refresh_from_db()
    assert (need.status, need.in_answer) == (Need.Status.MATCHED, False)
    assert AuditEvent.objects.filter(action="need.left_answer", object_id=str(need.pk)).exists()


def test_saving_an_unrelated_answer_costs_no_extra_query(
    cycle, state_a, contributor, django_assert_num_queries
):
    questionnaire = published_questionnaire(kinds=[Question.Kind.COMPLIANCE, Question.Kind.LONG_TEXT])
    response = ResponseFactory(questionnaire=questionnaire, country=state_a)
    question = questionnaire.questions.get(kind="long_text")
    answer_services.answer_save(
        response=response, question=question, value="a", base_version=0, by=contributor
    )
    # lock the response, lock the answer, update it, write its revision (and the savepoint pair of the test)
    with django_assert_num_queries(4):
        answer_services.answer_save(
            response=response, question=question, value="b", base_version=1, by=contributor
        )


# --- consent ------------------------------------------------------------------------------------------------


def test_only_the_states_focal_point_shares_a_need(
    state_a, focal_point, contributor, other_focal_point, reviewer
):
    need = NeedFactory(country=state_a)
    for someone in (contributor, other_focal_point, reviewer):
        with pytest.raises(PermissionDenied):
            services.need_share(need=need, by=someone)
    need.refresh_from_db()
    assert need.status == Need.Status.IDENTIFIED

    services.need_share(need=need, by=focal_point)
    need.refresh_from_db()
    assert (need.status, need.shared_by) == (Need.Status.SHARED, focal_point)
    assert need.shared_at is not None
    assert AuditEvent.objects.get(action="need.shared").actor == focal_point


def test_unsharing_closes_open_offers(state_a, focal_point):
    need = NeedFactory(country=state_a)
    services.need_share(need=need, by=focal_point)
    offer = OfferFactory(need=need)

    services.need_unshare(need=need, by=focal_point)

    need.refresh_from_db()
    offer.refresh_from_db()
    assert (need.status, need.shared_at) == (Need.Status.IDENTIFIED, None)
    assert offer.status == Offer.Status.DECLINED


def test_share_selected_shares_only_what_the_user_may(state_a, state_b, focal_point):
    own = NeedFactory.create_batch(2, country=state_a)
    foreign = NeedFactory(country=state_b)
    assert services.needs_share(needs=[*own, foreign], by=focal_point) == 2
    foreign.refresh_from_db()
    assert foreign.status == Need.Status.IDENTIFIED


# --- Secretariat-recorded needs and the rest of the lifecycle -------------------------------------------------


def test_the_secretariat_records_a_need_directly(state_a, reviewer, focal_point, kinds):
    provision = ProvisionFactory()
    need = services.need_record(
        by=reviewer,
        country=state_a,
        instrument=provision.article.instrument,
        provision=provision,
        kind=kinds["equipment"],
        description="  Forensic laboratory equipment  ",
        priority=Priority.HIGH,
    )
    assert (need.source, need.status, need.description) == (
        Need.Source.SECRETARIAT,
        Need.Status.IDENTIFIED,
        "Forensic laboratory equipment",
    )
    assert AuditEvent.objects.filter(action="need.recorded", object_id=str(need.pk)).exists()
    with pytest.raises(PermissionDenied):
        services.need_record(
            by=focal_point,
            country=state_a,
            instrument=provision.article.instrument,
            kind=kinds["equipment"],
            description="x",
        )


def test_a_provision_of_another_instrument_is_refused(state_a, reviewer, kinds):
    provision = ProvisionFactory()
    from tests.surveys.factories import InstrumentFactory

    other = InstrumentFactory(code="FA", title_en="Firearms Protocol", short_title_en="Firearms Protocol")
    with pytest.raises(ValidationError):
        services.need_record(
            by=reviewer,
            country=state_a,
            instrument=other,
            provision=provision,
            kind=kinds["training"],
            description="x",
        )
    assert not Need.objects.exists()


def test_priority_changes_are_audited_and_validated(state_a, focal_point, provider_user):
    need = NeedFactory(country=state_a, priority=Priority.LOW)
    services.need_set_priority(need=need, priority=Priority.HIGH, by=focal_point)
    need.refresh_from_db()
    assert need.priority == Priority.HIGH
    assert AuditEvent.objects.get(action="need.priority_changed").data == {"before": "low", "after": "high"}
    with pytest.raises(ValidationError):
        services.need_set_priority(need=need, priority="urgent!!", by=focal_point)
    with pytest.raises(PermissionDenied):
        services.need_set_priority(need=need, priority=Priority.LOW, by=provider_user)


def test_withdraw_and_reopen(state_a, focal_point, reviewer):
    need = NeedFactory(country=state_a)
    services.need_withdraw(need=need, by=reviewer, reason="Covered by national budget")
    need.refresh_from_db()
    assert need.status == Need.Status.WITHDRAWN
    services.need_reopen(need=need, by=focal_point)
    need.refresh_from_db()
    assert need.status == Need.Status.IDENTIFIED
    assert list(
        AuditEvent.objects.filter(object_id=str(need.pk))
        .order_by("created_at", "id")
        .values_list("action", flat=True)
    ) == ["need.withdrawn", "need.reopened"]


def test_a_met_need_cannot_be_withdrawn(state_a, reviewer):
    need = NeedFactory(country=state_a, shared=True)
    from tests.assistance.factories import ActivityFactory

    Need.objects.filter(pk=need.pk).update(status=Need.Status.MET, activity=ActivityFactory(country=state_a))
    with pytest.raises(PermissionDenied):
        services.need_withdraw(need=need, by=reviewer)
    need.refresh_from_db()
    assert need.status == Need.Status.MET
