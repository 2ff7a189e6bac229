"""Sign-in hardening: lockout, two-factor sign-in for the Secretariat, security headers, sessions, uploads."""

import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.audit import client_address
from portal.demo import DEMO_TOTP_SECRET, demo_totp_code, demo_totp_key_hex
from portal.middleware import IdleSessionMiddleware
from portal.models import AuditEvent, Role, User
from portal.security import login_client_ip
from tests.access.otp import (
    assert_strict_csp,
    confirmed_device,
    current_code,
    force_login_password_only,
)

pytestmark = pytest.mark.django_db

LIMIT = settings.AXES_FAILURE_LIMIT


def _sign_in(client, email, password, address="198.51.100.7"):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=address)


def _fail(client, email, times, address="198.51.100.7"):
    for _ in range(times):
        response = _sign_in(client, email, "wrong password", address)
        assert response.status_code == 200


def _lock(client, email, address="198.51.100.7"):
    _fail(client, email, LIMIT - 1, address)
    assert _sign_in(client, email, "wrong password", address).status_code == 429


# --- Lockout ---------------------------------------------------------------------------------------------


def test_repeated_wrong_passwords_lock_the_address_and_email_out_with_a_clear_page(
    client, focal_point, password
):
    _fail(client, focal_point.email, LIMIT - 1)
    # One attempt left: the right password still works (and clears the count).
    assert _sign_in(client, focal_point.email, password).status_code == 302
    client.logout()
    _fail(client, focal_point.email, LIMIT - 1)
    response = _sign_in(client, focal_point.email, "wrong password")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Sign-in paused" in page
    assert "Too many wrong passwords" in page
    assert reverse("password_reset") in page
    # Locked: even the right password is refused now, and no session is opened.
    response = _sign_in(client, focal_point.email, password)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.filter(action="auth.locked_out").first()
    assert event.data["username"] == focal_point.email
    assert event.ip_address == "198.51.100.7"


def test_lockout_message_follows_the_language_of_the_page(client, focal_point):
    _fail(client, focal_point.email, LIMIT - 1)
    response = client.post(
        "/fr/accounts/login/",
        {"username": focal_point.email, "password": "wrong"},
        REMOTE_ADDR="198.51.100.7",
    )
    assert response.status_code == 429
    assert 'lang="fr"' in response.content.decode()


def test_lockout_is_keyed_on_email_and_address_together(client, focal_point, contributor, password):
    _lock(client, focal_point.email.upper())  # any letter case counts against the same address
    assert _sign_in(client, focal_point.email, password).status_code == 429
    # The same person from another network, and another person from the same network, still sign in.
    assert _sign_in(client, focal_point.email, password, address="203.0.113.9").status_code == 302
    client.logout()
    assert _sign_in(client, contributor.email, password).status_code == 302


def test_lockout_ends_after_the_cool_off(client, focal_point, password):
    _lock(client, focal_point.email)
    assert _sign_in(client, focal_point.email, password).status_code == 429
    with override_settings(AXES_COOLOFF_TIME=0.0001):  # 0.36 s
        time.sleep(0.5)
        assert _sign_in(client, focal_point.email, password).status_code == 302


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "1.1.1.1", "10.0.0.1"),  # no proxy: a client-written header is ignored
        (1, "1.1.1.1, 192.0.2.44", "192.0.2.44"),  # the proxy appended what it saw; the rest is hearsay
        (2, "1.1.1.1, 192.0.2.44, 10.1.1.1", "192.0.2.44"),
        (1, "", "10.0.0.1"),
    ],
)
def test_the_address_counted_for_lockout_cannot_be_chosen_by_the_client(proxies, forwarded, expected):
    request = RequestFactory().post("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(OMNIBUS_PROXY_COUNT=proxies):
        assert login_client_ip(request) == expected
        # The audit trail records the same address, never one the client wrote.
        assert client_address(request) == expected


# --- Two-factor sign-in ------------------------------------------------------------------------------------


def test_national_people_are_not_asked_for_a_code(client, focal_point, password):
    response = _sign_in(client, focal_point.email, password)
    assert response.url == reverse("portal:home")
    assert client.get(reverse("portal:home")).status_code == 200


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.ADMINISTRATOR])
def test_secretariat_without_a_device_enrols_then_reaches_its_pages(client, users_by_role, password, role):
    user = users_by_role[role]
    response = _sign_in(client, user.email, password)
    assert response.url.startswith(reverse("two_factor_enrol"))
    # Before the code, Secretariat pages refuse: GET is sent to enrol, POST is refused outright.
    response = client.get(reverse("surveys:review_home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("two_factor_enrol"))
    assert client.post(reverse("portal:team"), {}).status_code == 403

    page = client.get(reverse("two_factor_enrol"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    secret = page.context["secret"]
    assert secret in page.content.decode()
    assert page.context["otpauth_uri"].startswith("otpauth://totp/")
    assert f"secret={secret}" in page.context["otpauth_uri"]
    assert page.context["qr_code"].startswith("data:image/svg+xml")
    # Reloading shows the same secret: the app the person just set up keeps working.
    assert client.get(reverse("two_factor_enrol")).context["secret"] == secret

    wrong = client.post(reverse("two_factor_enrol"), {"code": "000000"})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["code"]
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code makes the next try wait a second
    response = client.post(
        reverse("two_factor_enrol"), {"code": current_code(device), "next": reverse("surveys:review_home")}
    )
    assert response.status_code == 302
    assert response.url == reverse("surveys:review_home")
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("surveys:audit_trail")).status_code == 200
    assert AuditEvent.objects.filter(action="auth.two_factor_enrolled", actor=user).count() == 1


def test_secretariat_with_a_device_types_its_code(client, reviewer, password):
    device = confirmed_device(reviewer)
    response = _sign_in(client, reviewer.email, password)
    assert response.url.startswith(reverse("two_factor_verify"))
    # Enrolling another authenticator needs the current one.
    assert client.get(reverse("two_factor_enrol")).url.startswith(reverse("two_factor_verify"))
    response = client.post(reverse("two_factor_verify"), {"code": "12 34 56"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert AuditEvent.objects.filter(action="auth.two_factor_failed", actor=reviewer).exists()
    code = current_code(device)
    device.refresh_from_db()
    device.throttle_reset()  # the wrong code above would otherwise make the next try wait a second
    response = client.post(reverse("two_factor_verify"), {"code": code})
    assert response.status_code == 302
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(reverse("surveys:audit_trail")).status_code == 200

    # The same code cannot be used again, e.g. by someone who saw it over the shoulder.
    client.logout()
    _sign_in(client, reviewer.email, password)
    device.refresh_from_db()
    response = client.post(reverse("two_factor_verify"), {"code": code})
    assert response.status_code == 200
    assert client.get(reverse("surveys:audit_trail")).status_code == 302


def test_a_password_only_session_reaches_no_secretariat_page_nor_the_admin(client, administrator):
    confirmed_device(administrator)
    force_login_password_only(client, administrator)
    for url in (reverse("portal:home"), reverse("portal:team"), reverse("admin:index")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("two_factor_verify")), url
    # Signing out and the language switch still work.
    assert client.post(reverse("logout")).status_code == 302


def test_demo_secretariat_accounts_get_the_printed_demo_key(all_states, settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    for user in User.objects.filter(role__in=[Role.REVIEWER, Role.ADMINISTRATOR]):
        device = TOTPDevice.objects.get(user=user)
        assert device.confirmed
        assert device.key == demo_totp_key_hex()
    device = TOTPDevice.objects.filter(user__role=Role.REVIEWER).first()
    assert device.verify_token(demo_totp_code())
    assert not TOTPDevice.objects.filter(user__role__in=[Role.FOCAL_POINT, Role.CONTRIBUTOR]).exists()
    assert len(DEMO_TOTP_SECRET) == 32


def test_demo_code_command_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(Exception, match="local use only"):
        call_command("demo_code")


# --- Headers, cookies, sessions, uploads ---------------------------------------------------------------------


def test_pages_send_a_content_security_policy_without_inline_scripts(client, focal_point):
    response = client.get(reverse("login"))
    assert_strict_csp(response)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    client.force_login(focal_point)
    page = client.get(reverse("portal:home")).content.decode()
    # Scripts come from files only: no inline script and no inline event handler in the layout.
    assert "<script>" not in page
    assert " onclick=" not in page


def test_the_csp_check_fails_on_inline_scripts():
    class Fake(dict):
        request = {"PATH_INFO": "/x/"}

        def get(self, key, default=None):
            return super().get(key, default)

    with pytest.raises(AssertionError):
        assert_strict_csp(
            Fake({"Content-Security-Policy": "default-src 'self'; script-src 'self' 'unsafe-inline'"})
        )
    with pytest.raises(AssertionError):
        assert_strict_csp(Fake({}))


def test_idle_sessions_end(client, focal_point):
    client.force_login(focal_point)
    assert client.get(reverse("portal:home")).status_code == 200
    session = client.session
    session[IdleSessionMiddleware.KEY] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT - 5
    session.save()
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_sessions_have_a_fixed_lifetime_and_http_only_cookies():
    assert settings.SESSION_COOKIE_AGE <= 60 * 60 * 8
    assert settings.SESSION_IDLE_TIMEOUT < settings.SESSION_COOKIE_AGE
    assert settings.SESSION_COOKIE_HTTPONLY
    assert not settings.SESSION_SAVE_EVERY_REQUEST  # the 8 hours count from sign-in, not from each page


def test_uploads_live_outside_the_static_files_and_have_no_public_url(client, focal_point):
    media = Path(settings.MEDIA_ROOT).resolve()
    for static_dir in [
        settings.STATIC_ROOT,
        *(d[1] if isinstance(d, tuple) else d for d in settings.STATICFILES_DIRS),
    ]:
        static_dir = Path(static_dir).resolve()
        assert not media.is_relative_to(static_dir) and not static_dir.is_relative_to(media)
    (media / "responses").mkdir(parents=True, exist_ok=True)
    secret = media / "responses" / "hardening-probe.txt"
    secret.write_text("private")
    try:
        client.force_login(focal_point)
        for url in ("/media/responses/hardening-probe.txt", "/static/../media/responses/hardening-probe.txt"):
            response = client.get(url)
            assert response.status_code == 404
    finally:
        secret.unlink()
