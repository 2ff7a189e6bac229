"""Offers and activities: providers offer for shared needs, the Secretariat matches, a need is matched once."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assistance.models import Activity, Need, Offer
from assistance.services import matching as services
from portal.models import AuditEvent
from tests.factories import ProviderFactory, UserFactory

from .factories import ActivityFactory, NeedFactory, OfferFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_need(state_a):
    return NeedFactory(country=state_a, shared=True)


@pytest.fixture
def other_provider_user(db):
    return UserFactory(provider_user=True)


def test_a_provider_offers_for_a_shared_need(shared_need, provider_user):
    offer = services.offer_make(need=shared_need, by=provider_user, message="  Two workshops in 2027.  ")
    assert (offer.provider, offer.status, offer.message) == (
        provider_user.provider,
        Offer.Status.OPEN,
        "Two workshops in 2027.",
    )
    assert AuditEvent.objects.filter(action="offer.made", object_id=str(offer.pk)).exists()


def test_no_offer_for_a_need_without_consent(state_a, provider_user):
    need = NeedFactory(country=state_a)  # identified, not shared
    with pytest.raises(PermissionDenied):
        services.offer_make(need=need, by=provider_user, message="We can help")
    assert not Offer.objects.exists()


def test_one_open_offer_per_provider_and_need(shared_need, provider_user):
    services.offer_make(need=shared_need, by=provider_user, message="First")
    with pytest.raises(ValidationError):
        services.offer_make(need=shared_need, by=provider_user, message="Second")
    assert Offer.objects.count() == 1


def test_an_empty_offer_is_refused(shared_need, provider_user):
    with pytest.raises(ValidationError) as refused:
        services.offer_make(need=shared_need, by=provider_user, message="   ")
    assert "message" in refused.value.message_dict


def test_only_the_provider_withdraws_its_offer(shared_need, provider_user, other_provider_user, reviewer):
    offer = services.offer_make(need=shared_need, by=provider_user, message="Help")
    for someone in (other_provider_user, reviewer):
        with pytest.raises(PermissionDenied):
            services.offer_withdraw(offer=offer, by=someone)
    services.offer_withdraw(offer=offer, by=provider_user)
    offer.refresh_from_db()
    assert offer.status == Offer.Status.WITHDRAWN


def test_accepting_an_offer_matches_the_need_and_closes_competing_offers(
    shared_need, provider_user, other_provider_user, reviewer
):
    mine = services.offer_make(need=shared_need, by=provider_user, message="Help")
    theirs = services.offer_make(need=shared_need, by=other_provider_user, message="Also help")

    activity = services.activity_create(
        by=reviewer,
        provider=provider_user.provider,
        country=shared_need.country,
        title="Drafting workshop",
        needs=[],
        offer=mine,
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2027, 3, 31),
    )

    shared_need.refresh_from_db()
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (shared_need.status, shared_need.activity) == (Need.Status.MATCHED, activity)
    assert (mine.status, mine.activity) == (Offer.Status.ACCEPTED, activity)
    assert theirs.status == Offer.Status.DECLINED
    assert {"activity.created", "offer.accepted", "need.matched", "offer.declined"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )


def test_a_need_is_matched_only_once(shared_need, reviewer):
    first = services.activity_create(
        by=reviewer,
        provider=ProviderFactory(),
        country=shared_need.country,
        title="First",
        needs=[shared_need],
    )
    with pytest.raises(ValidationError) as refused:
        services.activity_create(
            by=reviewer,
            provider=ProviderFactory(),
            country=shared_need.country,
            title="Second",
            needs=[shared_need],
        )
    assert "already covered" in str(refused.value)
    assert Activity.objects.count() == 1  # nothing half-written
    shared_need.refresh_from_db()
    assert shared_need.activity == first


def test_needs_of_another_state_or_without_consent_are_refused(state_a, state_b, reviewer):
    unshared = NeedFactory(country=state_a)
    foreign = NeedFactory(country=state_b, shared=True)
    for needs in ([unshared], [foreign]):
        with pytest.raises(ValidationError):
            services.activity_create(
                by=reviewer, provider=ProviderFactory(), country=state_a, title="Workshop", needs=needs
            )
    assert not Activity.objects.exists()


def test_only_the_secretariat_matches(shared_need, focal_point, provider_user):
    for someone in (focal_point, provider_user):
        with pytest.raises(PermissionDenied):
            services.activity_create(
                by=someone,
                provider=provider_user.provider,
                country=shared_need.country,
                title="x",
                needs=[shared_need],
            )


def test_an_activity_cannot_end_before_it_starts(shared_need, reviewer):
    with pytest.raises(ValidationError):
        services.activity_create(
            by=reviewer,
            provider=ProviderFactory(),
            country=shared_need.country,
            title="x",
            needs=[shared_need],
            starts_on=datetime.date(2027, 5, 1),
            ends_on=datetime.date(2027, 4, 1),
        )


def test_needs_follow_the_activity_to_met(shared_need, reviewer):
    activity = services.activity_create(
        by=reviewer, provider=ProviderFactory(), country=shared_need.country, title="x", needs=[shared_need]
    )
    services.activity_set_status(activity=activity, status=Activity.Status.IN_PROGRESS, by=reviewer)
    shared_need.refresh_from_db()
    assert shared_need.status == Need.Status.IN_PROGRESS
    services.activity_set_status(activity=activity, status=Activity.Status.COMPLETED, by=reviewer)
    shared_need.refresh_from_db()
    assert shared_need.status == Need.Status.MET
    with pytest.raises(ValidationError):
        services.activity_set_status(activity=activity, status=Activity.Status.PLANNED, by=reviewer)


def test_a_cancelled_activity_frees_its_needs(shared_need, reviewer):
    activity = services.activity_create(
        by=reviewer, provider=ProviderFactory(), country=shared_need.country, title="x", needs=[shared_need]
    )
    services.activity_set_status(activity=activity, status=Activity.Status.CANCELLED, by=reviewer)
    shared_need.refresh_from_db()
    assert (shared_need.status, shared_need.activity) == (Need.Status.SHARED, None)
    again = services.activity_create(
        by=reviewer, provider=ProviderFactory(), country=shared_need.country, title="y", needs=[shared_need]
    )
    shared_need.refresh_from_db()
    assert shared_need.activity == again


def test_needs_added_to_an_activity_take_its_status(state_a, reviewer):
    first, second = NeedFactory.create_batch(2, country=state_a, shared=True)
    activity = services.activity_create(
        by=reviewer, provider=ProviderFactory(), country=state_a, title="x", needs=[first]
    )
    services.activity_set_status(activity=activity, status=Activity.Status.IN_PROGRESS, by=reviewer)
    services.activity_add_needs(activity=activity, needs=[second], by=reviewer)
    second.refresh_from_db()
    assert (second.status, second.activity) == (Need.Status.IN_PROGRESS, activity)


def test_the_secretariat_declines_an_offer_with_a_note(reviewer, provider_user):
    offer = OfferFactory(provider=provider_user.provider)
    services.offer_decline(offer=offer, by=reviewer, note="Already funded nationally")
    offer.refresh_from_db()
    assert (offer.status, offer.decision_note) == (Offer.Status.DECLINED, "Already funded nationally")
    with pytest.raises(PermissionDenied):
        services.offer_decline(offer=offer, by=reviewer)


def test_an_activity_from_an_offer_keeps_the_offers_provider(reviewer, provider_user):
    offer = OfferFactory(provider=provider_user.provider)
    with pytest.raises(ValidationError):
        services.activity_create(
            by=reviewer,
            provider=ProviderFactory(),
            country=offer.need.country,
            title="x",
            needs=[],
            offer=offer,
        )
    assert ActivityFactory._meta.model.objects.count() == 0
