"""The assistance journey: the focal point shares a need, a provider offers, the Secretariat matches the offer
into an activity, and the provider finds the activity among its own."""

import pytest
from playwright.sync_api import expect

from assistance.models import Activity, Need, Offer
from tests.assistance.factories import NeedFactory

from .conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_share_offer_match_and_the_provider_sees_the_activity(
    new_page, focal_point, provider_user, reviewer, password
):
    need = NeedFactory(country=focal_point.country, description="Training for 30 financial investigators")
    state, provider, secretariat = new_page(), new_page(), new_page()
    sign_in(state, focal_point.email, password)
    sign_in(provider, provider_user.email, password)
    sign_in(secretariat, reviewer.email, password)

    # Nothing is shown to the provider before the focal point consents.
    provider.goto("/en/assistance/needs/")
    expect(provider.get_by_text("No need matches these filters.")).to_be_visible()

    # The focal point shares the need from the list.
    state.goto("/en/assistance/needs/")
    state.get_by_label(f"Share need {need.pk}").check()
    state.get_by_role("button", name="Share selected").click()
    expect(state.get_by_text("1 need(s) shared with assistance providers.")).to_be_visible()

    # The provider sees it and offers.
    provider.goto("/en/assistance/needs/")
    provider.locator("main table").get_by_role("link").first.click()
    expect(provider.get_by_text("Training for 30 financial investigators")).to_be_visible()
    provider.get_by_label("What you offer").fill("Two workshops in Accra in 2027.")
    provider.get_by_role("button", name="Send the offer").click()
    expect(provider.get_by_text("Your offer was sent to the Secretariat.")).to_be_visible()

    # The Secretariat matches the offer into an activity.
    secretariat.goto("/en/assistance/offers/")
    secretariat.get_by_role("link", name="Match").first.click()
    expect(secretariat.get_by_text("Two workshops in Accra in 2027.").first).to_be_visible()
    secretariat.get_by_label("Title").fill("Financial investigations workshops")
    secretariat.get_by_label("Starts on").fill("2027-02-01")
    secretariat.get_by_label("Ends on").fill("2027-03-31")
    secretariat.get_by_role("button", name="Record the activity").click()
    expect(secretariat.get_by_role("heading", name="Financial investigations workshops")).to_be_visible()

    # The provider finds the activity among its own; the need says it is matched.
    provider.goto("/en/assistance/mine/")
    provider.get_by_role("link", name="Financial investigations workshops").click()
    expect(provider.get_by_text(need.kind.label)).to_be_visible()
    activity = Activity.objects.get()
    assert activity.provider == provider_user.provider
    assert Need.objects.get(pk=need.pk).status == Need.Status.MATCHED
    assert Offer.objects.get().status == Offer.Status.ACCEPTED
