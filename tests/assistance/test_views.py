"""The assistance pages: who sees and does what, form errors with the input kept, constant query counts."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assistance.models import Activity, Contribution, ExchangeRate, Need, Offer
from assistance.services import matching
from portal.models import AuditEvent, Role
from tests.factories import CountryFactory, ProviderFactory, UserFactory

from .factories import (
    ActivityFactory,
    AssistanceKindFactory,
    ContributionFactory,
    ExchangeRateFactory,
    NeedFactory,
    OfferFactory,
)

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"assistance:{name}", args=args)


@pytest.fixture
def shared_need(state_a):
    return NeedFactory(country=state_a, shared=True, priority="high")


@pytest.fixture
def unshared_need(state_a):
    return NeedFactory(country=state_a, description="Unshared: forensic laboratory")


@pytest.fixture
def other_provider_user(db):
    return UserFactory(provider_user=True, email="other@fund.example")


# --- Anonymous people and scopes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,args",
    [
        ("need_list", ()),
        ("need_create", ()),
        ("need_detail", (1,)),
        ("offer_list", ()),
        ("my_assistance", ()),
        ("activity_list", ()),
        ("activity_create", ()),
        ("activity_detail", (1,)),
        ("contribution_list", ()),
        ("contribution_create", ()),
        ("contribution_detail", (1,)),
        ("rate_list", ()),
        ("coverage", ()),
    ],
)
def test_anonymous_people_are_sent_to_sign_in(client, name, args):
    response = client.get(url(name, *args))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_export_needs_sign_in(client):
    response = client.get(url("export", "needs", "csv"))
    assert response.status_code == 302


def test_a_provider_sees_shared_needs_only_in_list_detail_and_export(
    client, provider_user, shared_need, unshared_need
):
    client.force_login(provider_user)
    page = client.get(url("need_list"))
    assert page.status_code == 200
    assert list(page.context["page"]) == [shared_need]
    assert client.get(url("need_detail", unshared_need.pk)).status_code == 404
    assert client.get(url("need_detail", shared_need.pk)).status_code == 200
    csv_text = client.get(url("export", "needs", "csv"), {"language": "en"}).content.decode()
    assert shared_need.description in csv_text
    assert "Unshared" not in csv_text


def test_a_withdrawn_or_unshared_need_disappears_for_providers(client, provider_user, shared_need):
    shared_need.status, shared_need.shared_at = Need.Status.IDENTIFIED, None
    shared_need.save()
    client.force_login(provider_user)
    assert client.get(url("need_detail", shared_need.pk)).status_code == 404


def test_national_people_see_their_own_states_needs_only(
    client, focal_point, other_focal_point, unshared_need, state_b
):
    theirs = NeedFactory(country=state_b)
    client.force_login(other_focal_point)
    assert list(client.get(url("need_list")).context["page"]) == [theirs]
    assert client.get(url("need_detail", unshared_need.pk)).status_code == 404
    client.force_login(focal_point)
    assert list(client.get(url("need_list")).context["page"]) == [unshared_need]
    assert client.get(url("need_detail", unshared_need.pk)).status_code == 200


def test_the_secretariat_sees_every_need_with_its_history_newest_first(
    client, reviewer, focal_point, unshared_need
):
    client.post(url("need_share", unshared_need.pk))  # anonymous: nothing happens
    client.force_login(focal_point)
    client.post(url("need_share", unshared_need.pk))
    client.post(url("need_priority", unshared_need.pk), {"priority": "high"})
    client.force_login(reviewer)
    page = client.get(url("need_detail", unshared_need.pk))
    assert page.status_code == 200
    actions = [event.action for event in page.context["history"]]
    assert actions == ["need.priority_changed", "need.shared"]
    assert "need.shared" in page.content.decode()


# --- Consent ---------------------------------------------------------------------------------------------


def test_the_focal_point_shares_several_needs_at_once(client, focal_point, state_a, provider_user):
    needs = [NeedFactory(country=state_a) for _ in range(3)]
    client.force_login(focal_point)
    page = client.get(url("need_list")).content.decode()
    assert "Share selected" in page
    response = client.post(url("needs_share"), {"needs": [needs[0].pk, needs[2].pk]})
    assert response.status_code == 302
    statuses = {n.pk: Need.objects.get(pk=n.pk).status for n in needs}
    assert statuses == {needs[0].pk: "shared", needs[1].pk: "identified", needs[2].pk: "shared"}
    client.force_login(provider_user)
    assert {n.pk for n in client.get(url("need_list")).context["page"]} == {needs[0].pk, needs[2].pk}


def test_the_focal_point_cannot_share_another_states_need(client, other_focal_point, unshared_need):
    client.force_login(other_focal_point)
    client.post(url("needs_share"), {"needs": [unshared_need.pk]})
    assert client.post(url("need_share", unshared_need.pk)).status_code == 404
    unshared_need.refresh_from_db()
    assert unshared_need.status == Need.Status.IDENTIFIED


def test_a_contributor_reads_but_cannot_share(client, contributor, unshared_need):
    client.force_login(contributor)
    page = client.get(url("need_list")).content.decode()
    assert "Share selected" not in page
    detail = client.get(url("need_detail", unshared_need.pk))
    assert detail.status_code == 200
    assert "Share with providers" not in detail.content.decode()
    assert client.post(url("need_share", unshared_need.pk)).status_code == 403
    assert client.post(url("needs_share"), {"needs": [unshared_need.pk]}).status_code == 403
    assert client.post(url("need_withdraw", unshared_need.pk)).status_code == 403
    unshared_need.refresh_from_db()
    assert unshared_need.status == Need.Status.IDENTIFIED


def test_the_secretariat_cannot_share_on_the_states_behalf(client, reviewer, unshared_need):
    client.force_login(reviewer)
    assert client.post(url("need_share", unshared_need.pk)).status_code == 403


def test_the_focal_point_stops_sharing_withdraws_and_reopens(client, focal_point, shared_need, provider_user):
    offer = OfferFactory(need=shared_need, provider=provider_user.provider)
    client.force_login(focal_point)
    client.post(url("need_unshare", shared_need.pk))
    shared_need.refresh_from_db()
    offer.refresh_from_db()
    assert (shared_need.status, offer.status) == (Need.Status.IDENTIFIED, Offer.Status.DECLINED)
    client.post(url("need_withdraw", shared_need.pk), {"reason": "Done by ourselves"})
    shared_need.refresh_from_db()
    assert shared_need.status == Need.Status.WITHDRAWN
    client.post(url("need_reopen", shared_need.pk))
    shared_need.refresh_from_db()
    assert shared_need.status == Need.Status.IDENTIFIED
    assert AuditEvent.objects.filter(
        object_type="assistance.need", object_id=str(shared_need.pk), action="need.withdrawn"
    ).exists()


def test_a_bad_priority_is_shown_on_the_page(client, focal_point, unshared_need):
    client.force_login(focal_point)
    response = client.post(url("need_priority", unshared_need.pk), {"priority": "urgent"})
    assert response.status_code == 200
    assert response.context["priority_form"].errors


# --- Needs recorded by the Secretariat -----------------------------------------------------------------


def test_only_the_secretariat_records_needs(client, reviewer, focal_point, provider_user, state_a):
    kind = AssistanceKindFactory(code="training")
    instrument = NeedFactory().instrument
    data = {
        "country": state_a.pk,
        "instrument": instrument.pk,
        "kind": kind.pk,
        "description": "Training of judges",
        "priority": "high",
    }
    for someone in (focal_point, provider_user):
        client.force_login(someone)
        assert client.get(url("need_create")).status_code == 403
        assert client.post(url("need_create"), data).status_code == 403
    client.force_login(reviewer)
    response = client.post(url("need_create"), data)
    need = Need.objects.get(description="Training of judges")
    assert response["Location"] == need.get_absolute_url()
    assert (need.source, need.status, need.priority) == ("secretariat", "identified", "high")


def test_a_provision_of_another_instrument_is_refused_with_the_input_kept(client, reviewer, state_a):
    need = NeedFactory()  # gives an instrument (UNTOC) and a provision under it
    from tests.surveys.factories import InstrumentFactory

    other = InstrumentFactory(code="TIP", title_en="Trafficking Protocol", short_title_en="TIP")
    client.force_login(reviewer)
    response = client.post(
        url("need_create"),
        {
            "country": state_a.pk,
            "instrument": other.pk,
            "provision": need.provision.pk,
            "kind": need.kind.pk,
            "description": "Victim shelters",
            "priority": "low",
        },
    )
    assert response.status_code == 200
    assert "another instrument" in str(response.context["form"].errors["provision"])
    assert "Victim shelters" in response.content.decode()


# --- Offers ----------------------------------------------------------------------------------------------


def test_a_provider_offers_and_withdraws(client, provider_user, shared_need):
    client.force_login(provider_user)
    assert "Offer assistance" in client.get(url("need_detail", shared_need.pk)).content.decode()
    client.post(url("offer_make", shared_need.pk), {"message": "Two workshops in 2027."})
    offer = Offer.objects.get()
    assert (offer.provider, offer.status) == (provider_user.provider, Offer.Status.OPEN)
    mine = client.get(url("my_assistance"))
    assert list(mine.context["offers"]) == [offer]
    client.post(url("offer_withdraw", offer.pk))
    offer.refresh_from_db()
    assert offer.status == Offer.Status.WITHDRAWN


def test_an_offer_on_a_matched_need_is_refused_with_the_text_kept(
    client, provider_user, shared_need, reviewer
):
    client.force_login(provider_user)
    matching.activity_create(
        by=reviewer,
        provider=ProviderFactory(),
        country=shared_need.country,
        title="Other",
        needs=[shared_need],
    )
    response = client.post(url("offer_make", shared_need.pk), {"message": "We could also help."})
    assert response.status_code == 200
    assert response.context["offer_form"].non_field_errors()
    assert "We could also help." in response.content.decode()
    assert not Offer.objects.exists()


def test_an_empty_offer_is_refused(client, provider_user, shared_need):
    client.force_login(provider_user)
    response = client.post(url("offer_make", shared_need.pk), {"message": ""})
    assert response.status_code == 200
    assert response.context["offer_form"].errors["message"]


def test_a_provider_cannot_read_another_providers_offers(
    client, provider_user, other_provider_user, shared_need, focal_point, reviewer
):
    theirs = OfferFactory(
        need=shared_need, provider=other_provider_user.provider, message="Their secret plan"
    )
    mine = OfferFactory(need=shared_need, provider=provider_user.provider, message="Our plan")
    client.force_login(provider_user)
    detail = client.get(url("need_detail", shared_need.pk))
    assert list(detail.context["offers"]) == [mine]
    assert "Their secret plan" not in detail.content.decode()
    assert client.post(url("offer_withdraw", theirs.pk)).status_code == 404
    assert client.get(url("offer_list")).status_code == 403
    # The State and the Secretariat see every offer.
    for someone in (focal_point, reviewer):
        client.force_login(someone)
        assert set(client.get(url("need_detail", shared_need.pk)).context["offers"]) == {mine, theirs}


def test_the_secretariat_lists_open_offers_first_and_declines_with_a_note(client, reviewer, shared_need):
    declined = OfferFactory(need=shared_need, status=Offer.Status.DECLINED)
    open_offer = OfferFactory(need=shared_need)
    client.force_login(reviewer)
    assert list(client.get(url("offer_list")).context["page"]) == [open_offer, declined]
    client.post(url("offer_decline", open_offer.pk), {"note": "Covered by the State's budget."})
    open_offer.refresh_from_db()
    assert (open_offer.status, open_offer.decision_note) == ("declined", "Covered by the State's budget.")


@pytest.mark.parametrize("role", [Role.FOCAL_POINT, Role.CONTRIBUTOR, Role.PROVIDER])
def test_only_the_secretariat_declines_and_matches(client, users_by_role, role, shared_need):
    offer = OfferFactory(need=shared_need)
    client.force_login(users_by_role[role])
    assert client.post(url("offer_decline", offer.pk), {"note": "no"}).status_code in (403, 404)
    assert client.get(url("offer_match", offer.pk)).status_code == 403
    assert client.get(url("activity_create")).status_code == 403
    offer.refresh_from_db()
    assert offer.status == Offer.Status.OPEN


# --- Matching --------------------------------------------------------------------------------------------


def test_matching_an_offer_creates_the_activity_with_other_needs_of_the_state(
    client, reviewer, provider_user, shared_need, state_a
):
    another = NeedFactory(country=state_a, shared=True)
    offer = OfferFactory(need=shared_need, provider=provider_user.provider)
    client.force_login(reviewer)
    form_page = client.get(url("offer_match", offer.pk))
    assert form_page.context["form"].initial["needs"] == [shared_need.pk]
    assert set(form_page.context["needs"]) == {shared_need, another}
    response = client.post(
        url("offer_match", offer.pk),
        {
            "needs": [shared_need.pk, another.pk],
            "title": "Prosecutors' training",
            "starts_on": "2027-01-10",
            "ends_on": "2027-03-10",
        },
    )
    activity = Activity.objects.get()
    assert response["Location"] == activity.get_absolute_url()
    assert activity.provider == provider_user.provider
    assert set(activity.needs.all()) == {shared_need, another}
    offer.refresh_from_db()
    assert offer.status == Offer.Status.ACCEPTED
    # The provider sees the activity.
    client.force_login(provider_user)
    assert list(client.get(url("my_assistance")).context["activities"]) == [activity]
    assert client.get(activity.get_absolute_url()).status_code == 200


def test_a_need_matched_twice_is_refused_with_the_input_kept(client, reviewer, shared_need):
    first = ActivityFactory(country=shared_need.country, title="First activity")
    shared_need.activity, shared_need.status = first, Need.Status.MATCHED
    shared_need.save()
    provider = ProviderFactory()
    client.force_login(reviewer)
    page_url = f"{url('activity_create')}?country={shared_need.country.pk}"
    page = client.get(page_url)
    assert "First activity" in page.content.decode()  # the existing activity is shown before matching
    response = client.post(
        page_url, {"provider": provider.pk, "needs": [shared_need.pk], "title": "Second activity by mistake"}
    )
    assert response.status_code == 200
    assert "matched only once" in str(response.context["form"].errors["needs"])
    assert "Second activity by mistake" in response.content.decode()
    assert Activity.objects.count() == 1


def test_direct_activity_starts_with_the_state(client, reviewer, shared_need):
    client.force_login(reviewer)
    page = client.get(url("activity_create"))
    assert page.status_code == 200
    assert list(page.context["form"].fields["country"].queryset) == [shared_need.country]


def test_activity_status_moves_the_needs_and_a_bad_move_is_shown(client, reviewer, shared_need):
    activity = matching.activity_create(
        by=reviewer, provider=ProviderFactory(), country=shared_need.country, title="A", needs=[shared_need]
    )
    client.force_login(reviewer)
    client.post(url("activity_status", activity.pk), {"status": "in_progress"})
    shared_need.refresh_from_db()
    assert shared_need.status == Need.Status.IN_PROGRESS
    response = client.post(url("activity_status", activity.pk), {"status": "planned"})
    assert response.status_code == 200
    assert response.context["status_form"].errors
    client.post(url("activity_status", activity.pk), {"status": "completed"})
    shared_need.refresh_from_db()
    assert shared_need.status == Need.Status.MET


def test_adding_needs_to_an_activity(client, reviewer, shared_need, state_a):
    activity = matching.activity_create(
        by=reviewer, provider=ProviderFactory(), country=state_a, title="A", needs=[shared_need]
    )
    more = NeedFactory(country=state_a, shared=True)
    client.force_login(reviewer)
    client.post(url("activity_add_needs", activity.pk), {"needs": [more.pk]})
    assert set(activity.needs.all()) == {shared_need, more}
    response = client.post(url("activity_add_needs", activity.pk), {"needs": [more.pk]})
    assert response.status_code == 200
    assert "matched only once" in str(response.context["needs_form"].errors["needs"])


def test_activities_are_scoped(
    client, provider_user, other_provider_user, focal_point, other_focal_point, state_a
):
    activity = ActivityFactory(provider=provider_user.provider, country=state_a)
    for someone, visible in (
        (provider_user, True),
        (other_provider_user, False),
        (focal_point, True),
        (other_focal_point, False),
    ):
        client.force_login(someone)
        assert client.get(activity.get_absolute_url()).status_code == (200 if visible else 404)
        assert (activity in client.get(url("activity_list")).context["page"]) is visible
        assert client.post(url("activity_status", activity.pk), {"status": "cancelled"}).status_code in (
            403,
            404,
        )
    activity.refresh_from_db()
    assert activity.status == Activity.Status.PLANNED


# --- Contributions and rates ---------------------------------------------------------------------------


@pytest.fixture
def donor():
    return ProviderFactory(name="Norway")


def contribution_data(donor, **overrides):
    data = {
        "donor": donor.pk,
        "kind": "pledge",
        "date": "2026-01-15",
        "currency": "EUR",
        "amount": "250000.00",
        "earmark": "unearmarked",
    }
    data.update(overrides)
    return data


def test_the_secretariat_records_a_contribution_in_exact_decimals(client, reviewer, donor):
    ExchangeRateFactory(currency="EUR", month=datetime.date(2026, 1, 1), units_per_usd=Decimal("0.925"))
    client.force_login(reviewer)
    response = client.post(url("contribution_create"), contribution_data(donor, amount="250000.10"))
    contribution = Contribution.objects.get()
    assert response["Location"] == contribution.get_absolute_url()
    assert contribution.amount == Decimal("250000.10")
    assert contribution.amount_usd == Decimal("270270.38")
    page = client.get(contribution.get_absolute_url()).content.decode()
    assert "€250,000.10" in page


@pytest.mark.parametrize(
    "amount,message",
    [
        ("-5", "digits only"),
        ("1 234,50", "digits only"),
        ("1e5", "digits only"),
        ("0", "greater than zero"),
    ],
)
def test_bad_amounts_are_refused_with_the_input_kept(client, reviewer, donor, amount, message):
    client.force_login(reviewer)
    response = client.post(
        url("contribution_create"), contribution_data(donor, currency="USD", amount=amount)
    )
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["amount"])
    assert f'value="{amount}"' in response.content.decode()
    assert not Contribution.objects.exists()


def test_an_unknown_currency_is_refused(client, reviewer, donor):
    client.force_login(reviewer)
    response = client.post(url("contribution_create"), contribution_data(donor, currency="XYZ"))
    assert response.status_code == 200
    assert response.context["form"].errors["currency"]


def test_a_missing_rate_is_named_with_a_link_to_the_rates_page(client, reviewer, donor):
    client.force_login(reviewer)
    response = client.post(
        url("contribution_create"), contribution_data(donor, currency="JPY", amount="1000")
    )
    assert response.status_code == 200
    assert "JPY in 2026-01" in str(response.context["form"].errors["currency"])
    assert response.context["missing_rate"] == {"currency": "JPY", "month": datetime.date(2026, 1, 1)}
    assert f"{url('rate_list')}?currency=JPY&amp;month=2026-01" in response.content.decode()


def test_a_receipt_larger_than_its_pledge_is_refused(client, reviewer, donor):
    pledge = ContributionFactory(donor=donor, kind="pledge", amount=Decimal("1000.00"))
    client.force_login(reviewer)
    response = client.post(
        url("contribution_create"),
        contribution_data(
            donor, kind="receipt", currency="USD", amount="1500.00", pledge=pledge.pk, reference="R-9"
        ),
    )
    assert response.status_code == 200
    assert "more than the pledge" in str(response.context["form"].errors["amount"])
    assert 'value="R-9"' in response.content.decode()
    assert Contribution.objects.count() == 1


def test_earmarking_to_needs_lists_shared_needs_only(client, reviewer, shared_need, unshared_need):
    client.force_login(reviewer)
    page = client.get(url("contribution_create"))
    assert list(page.context["form"].fields["earmarked_needs"].queryset) == [shared_need]


@pytest.mark.parametrize("role", [Role.FOCAL_POINT, Role.CONTRIBUTOR, Role.PROVIDER])
def test_only_the_secretariat_records_contributions_and_rates(client, users_by_role, role, donor):
    client.force_login(users_by_role[role])
    assert client.get(url("contribution_create")).status_code == 403
    assert (
        client.post(url("contribution_create"), contribution_data(donor, currency="USD")).status_code == 403
    )
    assert client.get(url("rate_list")).status_code == 403
    assert client.get(url("coverage")).status_code == 403
    assert not Contribution.objects.exists()


def test_a_provider_sees_its_own_donors_contributions_only(client, provider_user, donor):
    own = ContributionFactory(donor=provider_user.provider)
    other = ContributionFactory(donor=donor)
    client.force_login(provider_user)
    page = client.get(url("contribution_list"))
    assert list(page.context["page"]) == [own]
    assert [line.donor for line in page.context["totals"]] == [provider_user.provider]
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(own.get_absolute_url()).status_code == 200


def test_national_people_see_no_contributions(client, focal_point):
    client.force_login(focal_point)
    assert client.get(url("contribution_list")).status_code == 403
    assert client.get(url("export", "contributions", "csv")).status_code == 403


def test_contribution_filters_totals_and_outstanding_pledges(client, reviewer, donor):
    pledge = ContributionFactory(
        donor=donor, kind="pledge", amount=Decimal("1000.00"), date=datetime.date(2025, 3, 1)
    )
    ContributionFactory(
        donor=donor, kind="receipt", amount=Decimal("400.00"), pledge=pledge, date=datetime.date(2025, 6, 1)
    )
    ContributionFactory(donor=ProviderFactory(name="Zeta"), kind="receipt", date=datetime.date(2026, 2, 1))
    client.force_login(reviewer)
    page = client.get(url("contribution_list"), {"year": "2025"})
    assert {c.donor for c in page.context["page"]} == {donor}
    (line,) = page.context["totals"]
    assert (line.pledged, line.received) == (Decimal("1000.00"), Decimal("400.00"))
    (outstanding,) = page.context["outstanding"]
    assert outstanding.outstanding == Decimal("600.00")
    assert "$600.00" in page.content.decode()


def test_a_rate_is_added_and_corrected(client, reviewer):
    client.force_login(reviewer)
    client.post(
        url("rate_list"), {"action": "set", "currency": "EUR", "month": "2026-03", "units_per_usd": "0.9"}
    )
    client.post(
        url("rate_list"), {"action": "set", "currency": "EUR", "month": "2026-03", "units_per_usd": "0.91"}
    )
    rate = ExchangeRate.objects.get()
    assert (rate.month, rate.units_per_usd) == (datetime.date(2026, 3, 1), Decimal("0.91"))
    response = client.post(
        url("rate_list"), {"action": "set", "currency": "EUR", "month": "2026-03", "units_per_usd": "0,91"}
    )
    assert response.context["rate_form"].errors["units_per_usd"]


def test_a_rates_file_is_applied_all_or_nothing(client, reviewer):
    client.force_login(reviewer)
    good = SimpleUploadedFile("rates.csv", b"currency,units_per_usd\nEUR,0.925\nJPY,151.2\n", "text/csv")
    client.post(url("rate_list"), {"action": "upload", "month": "2026-04", "file": good})
    assert set(ExchangeRate.objects.values_list("currency", flat=True)) == {"EUR", "JPY"}
    bad = SimpleUploadedFile(
        "rates.csv", b"currency,units_per_usd\nGBP,0.79\nXYZ,1\nCHF,-2\nGBP,0.8\n", "text/csv"
    )
    response = client.post(url("rate_list"), {"action": "upload", "month": "2026-05", "file": bad})
    assert response.status_code == 200
    assert [e.line for e in response.context["row_errors"]] == [3, 4, 5]
    page = response.content.decode()
    assert "Line 3:" in page and "XYZ" in page
    assert not ExchangeRate.objects.filter(month=datetime.date(2026, 5, 1)).exists()


# --- Coverage --------------------------------------------------------------------------------------------


def test_coverage_lists_uncovered_high_priority_needs(client, reviewer, shared_need, state_a):
    offered = NeedFactory(country=state_a, shared=True, priority="high")
    OfferFactory(need=offered)
    ContributionFactory(kind="receipt", amount=Decimal("500.00"))
    client.force_login(reviewer)
    page = client.get(url("coverage"))
    assert list(page.context["gaps"]) == [shared_need]
    region = page.context["tables"][0]
    (row,) = region["rows"]
    assert (row.needs, row.shared, row.uncovered_high) == (2, 2, 1)
    assert page.context["unearmarked"] == Decimal("500.00")
    assert shared_need.get_absolute_url() in page.content.decode()


# --- Query counts ----------------------------------------------------------------------------------------


def _needs(count, country, **kwargs):
    kind = AssistanceKindFactory(code="training")
    return [NeedFactory(country=country, kind=kind, **kwargs) for _ in range(count)]


@pytest.mark.parametrize("role", ["reviewer", "provider_user", "focal_point"])
def test_needs_list_query_count_does_not_grow_with_rows(
    client, request, role, state_a, django_assert_max_num_queries
):
    user = request.getfixturevalue(role)
    client.force_login(user)
    _needs(10, state_a, shared=True)
    with django_assert_max_num_queries(14) as few:
        client.get(url("need_list"), {"priority": "medium"})
    _needs(20, CountryFactory(), shared=True)
    _needs(20, state_a, shared=True)
    with django_assert_max_num_queries(14) as many:
        client.get(url("need_list"), {"priority": "medium"})
    assert len(few.captured_queries) == len(many.captured_queries)


def test_other_list_pages_query_count_does_not_grow_with_rows(
    client, reviewer, state_a, django_assert_max_num_queries
):
    client.force_login(reviewer)

    def rows(count):
        for need in _needs(count, state_a, shared=True):
            OfferFactory(need=need)
            ActivityFactory(country=state_a)
            ContributionFactory(kind="receipt")

    counts = []
    for count in (10, 20):
        rows(count)
        measured = []
        for name in ("offer_list", "activity_list", "contribution_list"):
            with django_assert_max_num_queries(20) as queries:
                assert client.get(url(name)).status_code == 200
            measured.append(len(queries.captured_queries))
        counts.append(measured)
    assert counts[0] == counts[1]


def test_filters_narrow_the_shared_needs(client, provider_user, state_a, state_b):
    high = NeedFactory(country=state_a, shared=True, priority="high")
    NeedFactory(country=state_b, shared=True, priority="low")
    client.force_login(provider_user)
    page = client.get(url("need_list"), {"priority": "high"})
    assert list(page.context["page"]) == [high]
    page = client.get(url("need_list"), {"country": state_b.pk})
    assert [n.country for n in page.context["page"]] == [state_b]
    page = client.get(url("need_list"), {"region": "asia_pacific"})
    assert list(page.context["page"]) == []


def test_the_pages_render_in_arabic(client, reviewer, shared_need):
    client.force_login(reviewer)
    response = client.get(f"/ar/assistance/needs/{shared_need.pk}/")
    assert response.status_code == 200
    assert 'dir="rtl"' in response.content.decode()


def test_the_admin_shows_assistance_records_read_only(client, administrator, shared_need):
    OfferFactory(need=shared_need)
    ContributionFactory()
    client.force_login(administrator)
    for model in ("need", "offer", "activity", "exchangerate", "contribution"):
        assert client.get(reverse(f"admin:assistance_{model}_changelist")).status_code == 200
    assert client.get(reverse("admin:assistance_need_change", args=[shared_need.pk])).status_code == 200
    assert client.get(reverse("admin:assistance_need_add")).status_code == 403


@pytest.mark.parametrize("language", ["ar", "fr", "zh-hans"])
def test_every_page_renders_in_other_languages(client, reviewer, provider_user, shared_need, language):
    offer = OfferFactory(need=shared_need, provider=provider_user.provider)
    activity = ActivityFactory(provider=provider_user.provider, country=shared_need.country)
    contribution = ContributionFactory(
        donor=provider_user.provider, currency="USD", amount=Decimal("1234.50")
    )
    ExchangeRateFactory()
    detail = url("contribution_detail", contribution.pk)  # reversed in English: /en/…
    pages = {
        reviewer: [
            url("need_list") + "?priority=high",
            url("need_create"),
            url("need_detail", shared_need.pk),
            url("offer_list"),
            url("offer_match", offer.pk),
            url("activity_list"),
            url("activity_create"),
            f"{url('activity_create')}?country={shared_need.country.pk}",
            url("activity_detail", activity.pk),
            url("contribution_list"),
            url("contribution_create"),
            detail,
            url("rate_list"),
            url("coverage"),
        ],
        provider_user: [
            url("need_list"),
            url("need_detail", shared_need.pk),
            url("my_assistance"),
            url("activity_detail", activity.pk),
            url("contribution_list"),
        ],
    }
    for user, paths in pages.items():
        client.force_login(user)
        for path in paths:
            response = client.get(f"/{language}{path[3:]}")
            assert response.status_code == 200, path
            assert f'lang="{language}"' in response.content.decode()
    # Money follows the page's language (CLDR): the digits and the separators of the locale.
    page = client.get(f"/{language}{detail[3:]}").content.decode()
    from babel.numbers import format_currency

    expected = format_currency(
        Decimal("1234.50"), "USD", locale={"zh-hans": "zh_Hans"}.get(language, language)
    )
    assert expected in page


def test_the_export_buttons_keep_the_filters(client, reviewer, shared_need):
    client.force_login(reviewer)
    page = client.get(url("need_list"), {"priority": "high", "page": "1"}).content.decode()
    assert '<input type="hidden" name="priority" value="high">' in page
    assert 'name="page"' not in page.split('aria-label="Export"')[1].split("</form>")[0]
