"""Browser journeys: Playwright drives Debian's chromium against pytest-django's live_server."""

import os

import pytest

from tests.access.otp import confirmed_device, current_code, current_step

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("OMNIBUS_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()


class ConsoleWatch:
    """Collects console and page errors of every page it watches; a test may declare the ones it expects
    (e.g. the 409 of a conflict it provokes on purpose)."""

    def __init__(self):
        self.errors = []
        self.expected = []

    def watch(self, page):
        page.on(
            "console", lambda message: self.errors.append(message.text) if message.type == "error" else None
        )
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        return page

    def unexpected(self):
        return [e for e in self.errors if not any(fragment in e for fragment in self.expected)]


@pytest.fixture
def console():
    watch = ConsoleWatch()
    yield watch
    assert watch.unexpected() == [], f"browser console errors: {watch.unexpected()}"


@pytest.fixture
def new_page(browser, live_server, console):
    """Opens pages in fresh browser contexts (separate people), all watched for console errors."""
    contexts = []

    def open_page(locale="en-GB"):
        context = browser.new_context(base_url=live_server.url, locale=locale)
        contexts.append(context)
        return console.watch(context.new_page())

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A fresh browser context per test; any console error or page error fails the test."""
    return new_page()


def sign_in(page, email, password, language="en"):
    """Sign in through the pages, with the one-time code of an authenticator for the Secretariat."""
    from portal.models import User

    user = User.objects.get(email__iexact=email)
    device = confirmed_device(user) if user.is_secretariat else None
    page.goto(f"/{language}/accounts/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main button[type=submit]").click()
    if device is not None:
        page.wait_for_url("**/accounts/login/code/**")
        device.refresh_from_db()
        # A code works once: a second sign-in within the same 30 s uses the next one (still accepted).
        offset = 1 if device.last_t is not None and device.last_t >= current_step(device) else 0
        page.locator("input[name=code]").fill(current_code(device, step_offset=offset))
        page.locator("main button[type=submit]").click()
    page.wait_for_url(f"**/{language}/")
