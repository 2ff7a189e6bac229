import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_home_in_english_and_arabic_then_sign_in(page, focal_point, password):
    page.goto("/en/")
    expect(page).to_have_url(re.compile(r"/en/accounts/login/"))
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

    # Switch to Arabic with the language bar: same page, right-to-left.
    page.get_by_role("button", name="العربيّة").click()
    expect(page).to_have_url(re.compile(r"/ar/accounts/login/"))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    stylesheet = page.locator("link[rel=stylesheet]").first
    expect(stylesheet).to_have_attribute("href", re.compile(r"bootstrap\.rtl\.min\.css"))

    page.get_by_label("عنوان البريد الإلكتروني").fill(focal_point.email)
    page.get_by_label("كلمة المرور").fill(password)
    page.get_by_role("button", name="تسجيل الدخول").click()
    expect(page).to_have_url(re.compile(r"/ar/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(focal_point.full_name)
    expect(page.get_by_role("link", name="الفريق").first).to_be_visible()


def test_wrong_password_keeps_the_address(page, focal_point):
    page.goto("/en/accounts/login/")
    page.get_by_label("E-mail address").fill(focal_point.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("The e-mail address or the password is not correct.")).to_be_visible()
    expect(page.get_by_label("E-mail address")).to_have_value(focal_point.email)
