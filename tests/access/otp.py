"""Two-factor sign-in in tests.

Secretariat pages answer only once the session is verified with a one-time code. Most tests are about
something else and sign people in with `client.force_login(user)`; `verified_force_login` (installed for
every test by tests/conftest.py) then also marks the session verified with a confirmed authenticator, as
if the person had typed a code. Tests about the second step itself use `force_login_password_only`.
"""

from django.contrib.auth import SESSION_KEY
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

_original_force_login = Client.force_login


def confirmed_device(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test authenticator", confirmed=True)


def current_code(device: TOTPDevice, *, step_offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time += step_offset * device.step
    return f"{totp.token():0{device.digits}d}"


def mark_verified(client: Client, user) -> None:
    """Record in the client's session that `user` confirmed a one-time code."""
    device = confirmed_device(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def force_login_password_only(client: Client, user, backend=None) -> None:
    """Sign in as after the password step only: the session is not verified."""
    _original_force_login(client, user, backend)


def verified_force_login(self: Client, user, backend=None) -> None:
    _original_force_login(self, user, backend)
    if getattr(user, "is_secretariat", False) and self.session.get(SESSION_KEY):
        mark_verified(self, user)


def current_step(device: TOTPDevice) -> int:
    return TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()


_original_request = Client.request


def csp_checked_request(self: Client, **request):
    """Every page a test renders must carry the Content Security Policy, with scripts from files only."""
    response = _original_request(self, **request)
    if response.get("Content-Type", "").startswith("text/html") and response.status_code != 304:
        assert_strict_csp(response)
    return response


def assert_strict_csp(response) -> None:
    policy = response.get("Content-Security-Policy", "")
    assert policy, f"no Content-Security-Policy on {response.request.get('PATH_INFO')}"
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    scripts = directives.get("script-src", directives.get("default-src"))
    assert scripts, policy
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, policy
