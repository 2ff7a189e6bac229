"""Browser journeys of the hardened sign-in: the Secretariat enrols an authenticator, a lockout is a page."""

import re

import pytest
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.access.otp import current_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_reviewer_enrols_an_authenticator_then_reaches_the_review(page, reviewer, password):
    page.goto("/en/review/")
    page.get_by_label("E-mail address").fill(reviewer.email)
    page.get_by_label("Password").fill(password)
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/en/accounts/login/authenticator/"))
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(page.get_by_role("img", name="QR code of the authenticator key")).to_be_visible()
    secret = page.locator("[data-totp-secret]").inner_text()
    device = TOTPDevice.objects.get(user=reviewer, confirmed=False)
    assert secret and device.config_url.count(secret) == 1
    page.get_by_label("Code from your authenticator app").fill(current_code(device))
    page.get_by_role("button", name="Confirm").click()
    # Back where the reviewer was going (the review sends on to the questionnaires when none is published).
    expect(page).not_to_have_url(re.compile(r"/accounts/"))
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_repeated_wrong_passwords_show_the_pause_page(page, console, focal_point):
    # The browser logs the 429 of the last attempt as a failed resource: expected here.
    console.expected.append("status of 429")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        page.goto("/en/accounts/login/")
        page.get_by_label("E-mail address").fill(focal_point.email)
        page.get_by_label("Password").fill("not the password")
        page.locator("main button[type=submit]").click()
    expect(page.get_by_role("heading", name="Sign-in paused")).to_be_visible()
    expect(page.get_by_role("link", name="Choose a new password")).to_be_visible()
