"""Who sees which needs, offers, activities and contributions; coverage and earmarked funds."""

import datetime
from decimal import Decimal

import pytest

from assistance import selectors
from assistance.models import Contribution, Earmark, Need, Priority
from assistance.services import matching
from portal.models import Country
from tests.factories import CountryFactory, ProviderFactory, UserFactory

from .factories import AssistanceKindFactory, ContributionFactory, NeedFactory, OfferFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def needs(state_a, state_b):
    return {
        "a_identified": NeedFactory(country=state_a),
        "a_shared": NeedFactory(country=state_a, shared=True),
        "a_withdrawn": NeedFactory(country=state_a, status=Need.Status.WITHDRAWN),
        "b_identified": NeedFactory(country=state_b),
        "b_shared": NeedFactory(country=state_b, shared=True),
    }


def _visible(user):
    return set(selectors.needs_visible_to(user).values_list("pk", flat=True))


def test_a_provider_sees_only_shared_needs(needs, provider_user):
    assert _visible(provider_user) == {needs["a_shared"].pk, needs["b_shared"].pk}


def test_a_withdrawn_need_that_was_shared_is_hidden_from_providers(needs, provider_user):
    Need.objects.filter(pk=needs["a_shared"].pk).update(status=Need.Status.WITHDRAWN)
    assert needs["a_shared"].pk not in _visible(provider_user)


def test_a_state_sees_its_own_needs_only(needs, focal_point, contributor, other_focal_point):
    own = {needs["a_identified"].pk, needs["a_shared"].pk, needs["a_withdrawn"].pk}
    assert _visible(focal_point) == own
    assert _visible(contributor) == own
    assert _visible(other_focal_point) == {needs["b_identified"].pk, needs["b_shared"].pk}


def test_the_secretariat_sees_all_and_anonymous_nothing(needs, reviewer, administrator):
    from django.contrib.auth.models import AnonymousUser

    assert _visible(reviewer) == _visible(administrator) == {n.pk for n in needs.values()}
    assert _visible(AnonymousUser()) == set()


def test_providers_see_only_their_own_offers_and_activities(needs, provider_user, reviewer):
    mine = OfferFactory(provider=provider_user.provider, need=needs["a_shared"])
    theirs = OfferFactory(need=needs["b_shared"])
    assert list(selectors.offers_visible_to(provider_user)) == [mine]
    assert set(selectors.offers_visible_to(reviewer)) == {mine, theirs}
    activity = matching.activity_create(
        by=reviewer, provider=theirs.provider, country=theirs.need.country, title="x", needs=[], offer=theirs
    )
    assert list(selectors.activities_visible_to(provider_user)) == []
    assert list(selectors.activities_visible_to(reviewer)) == [activity]


def test_a_state_sees_offers_and_activities_for_its_needs_only(needs, focal_point):
    own = OfferFactory(need=needs["a_shared"])
    OfferFactory(need=needs["b_shared"])
    assert list(selectors.offers_visible_to(focal_point)) == [own]


def test_contributions_are_for_the_secretariat_and_the_donor_itself(provider_user, reviewer, focal_point):
    own = ContributionFactory(donor=provider_user.provider)
    other = ContributionFactory()
    assert list(selectors.contributions_visible_to(provider_user)) == [own]
    assert set(selectors.contributions_visible_to(reviewer)) == {own, other}
    assert list(selectors.contributions_visible_to(focal_point)) == []
    assert list(selectors.contributions_visible_to(UserFactory(provider_user=True))) == []


def test_coverage_by_region_counts_needs_covered_and_gaps(reviewer):
    africa = CountryFactory(regional_group="african")
    asia = CountryFactory(regional_group="asia_pacific")
    covered = NeedFactory(country=africa, shared=True, priority=Priority.HIGH)
    gap = NeedFactory(country=africa, shared=True, priority=Priority.HIGH)
    offered = NeedFactory(country=africa, shared=True, priority=Priority.HIGH)
    OfferFactory(need=offered)
    NeedFactory(country=africa, priority=Priority.HIGH)  # not shared: a need, but not a visible gap yet
    NeedFactory(country=asia, status=Need.Status.WITHDRAWN)  # withdrawn needs do not count
    matching.activity_create(
        by=reviewer, provider=ProviderFactory(), country=africa, title="x", needs=[covered]
    )

    rows = {row.key: row for row in selectors.coverage(by="region")}
    african = rows["african"]
    assert (african.needs, african.shared, african.covered, african.uncovered, african.uncovered_high) == (
        4,
        3,
        1,
        3,
        1,
    )
    assert african.uncovered_high_needs == [gap]
    assert african.percent_covered == 25
    assert "asia_pacific" not in rows


def test_earmarked_funds_follow_their_earmark_to_the_group(reviewer):
    africa = CountryFactory(regional_group="african")
    need = NeedFactory(country=africa, shared=True, kind=AssistanceKindFactory(code="training"))
    ContributionFactory(
        kind=Contribution.Kind.RECEIPT,
        amount=Decimal("100.00"),
        earmark=Earmark.COUNTRY,
        earmarked_country=africa,
    )
    ContributionFactory(
        kind=Contribution.Kind.RECEIPT,
        amount=Decimal("50.00"),
        earmark=Earmark.REGION,
        earmarked_region="african",
    )
    by_needs = ContributionFactory(
        kind=Contribution.Kind.PLEDGE, amount=Decimal("30.00"), earmark=Earmark.NEEDS
    )
    by_needs.earmarked_needs.set([need])
    ContributionFactory(kind=Contribution.Kind.RECEIPT, amount=Decimal("7.00"))  # unearmarked
    ContributionFactory(
        kind=Contribution.Kind.RECEIPT,
        amount=Decimal("10.00"),
        pledge=by_needs,
        earmark=Earmark.NEEDS,
        date=datetime.date(2026, 2, 1),
    ).earmarked_needs.set([need])

    regions = {row.key: row for row in selectors.coverage(by="region")}
    # 100 to a State of the region + 50 to the region + 10 received and 20 still pledged for its need
    assert regions["african"].earmarked_usd == Decimal("180.00")
    kinds = {row.label: row for row in selectors.coverage(by="kind")}
    assert kinds["Training"].earmarked_usd == Decimal("30.00")
    assert selectors.unearmarked_funds() == Decimal("7.00")


def test_coverage_query_count_does_not_grow_with_needs(reviewer, django_assert_max_num_queries):
    for _ in range(3):
        NeedFactory(country=CountryFactory(), shared=True, priority=Priority.HIGH)
    with django_assert_max_num_queries(8):
        selectors.coverage(by="region")
    for _ in range(20):
        NeedFactory(country=CountryFactory(), shared=True, priority=Priority.HIGH)
    with django_assert_max_num_queries(8):
        selectors.coverage(by="region")
    assert Country.objects.count() >= 23
