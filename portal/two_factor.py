"""Two-factor sign-in for the Secretariat: enrolling an authenticator app (TOTP) and checking its codes.

django-otp keeps the devices and checks the codes (each code works once; wrong codes slow the next
attempts down); these services add the portal's rules and the audit trail.
"""

from base64 import b32encode

import segno
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import audit_record
from .models import User

ENROLMENT_DEVICE_NAME = "authenticator"


def needs_two_factor(user: User) -> bool:
    return user.is_authenticated and user.is_secretariat


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The unconfirmed device whose secret the enrolment page shows; the same one until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=ENROLMENT_DEVICE_NAME, confirmed=False)
    return device


def totp_secret(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it when typed in: base32, without padding."""
    return b32encode(device.bin_key).decode().rstrip("=")


def totp_qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth URI as a QR code, an SVG data URI (allowed by the Content Security Policy as an image)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=4, border=2)


def totp_enrol_confirm(*, request, device: TOTPDevice, token: str, ip_address: str | None = None) -> bool:
    """Confirm a pending device with its first code; the session counts as verified from then on."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, confirmed=False)
        if not device.verify_token(token):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # Devices left over from an earlier, abandoned enrolment would be a second way in.
        TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
        audit_record(
            actor=device.user,
            action="auth.two_factor_enrolled",
            summary=f"{device.user.email} enrolled an authenticator app",
            target=device.user,
            ip_address=ip_address,
        )
    otp_login(request, device)
    return True


def totp_sign_in(*, request, user: User, token: str, ip_address: str | None = None) -> bool:
    """Check a code against the person's confirmed devices; mark the session verified if one accepts it."""
    for device in TOTPDevice.objects.devices_for_user(user, confirmed=True):
        if device.verify_is_allowed()[0] and device.verify_token(token):
            otp_login(request, device)
            return True
    audit_record(
        actor=user,
        action="auth.two_factor_failed",
        summary=f"{user.email} typed a wrong one-time code",
        target=user,
        ip_address=ip_address,
    )
    return False
