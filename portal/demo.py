"""Demo accounts for local use: one per role, printed by `make run`. Never loaded in production."""

from base64 import b32decode

from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from assistance.models import Provider

from .models import SECRETARIAT_ROLES, Country, Role, User

DEMO_PASSWORD = "omnibus-demo-2026"  # noqa: S105 - local demo accounts only, refused in production

# The demo Secretariat accounts share this authenticator key, printed by `make run`: add it to an
# authenticator app, or print the current code with `manage.py demo_code`. Public, so demo only.
DEMO_TOTP_SECRET = "OMNIBUSDEMOSECRETOMNIBUSDEMO2345"  # noqa: S105 - local demo accounts only

DEMO_USERS = [
    # email, full name, role, State (ISO) or provider
    ("focal.point@ghana.demo", "Ama Mensah", Role.FOCAL_POINT, "GH", None),
    ("expert@ghana.demo", "Kwame Boateng", Role.CONTRIBUTOR, "GH", None),
    ("focal.point@mexico.demo", "Lucía Hernández", Role.FOCAL_POINT, "MX", None),
    ("reviewer@unodc.demo", "Sofia Rossi", Role.REVIEWER, None, None),
    ("admin@unodc.demo", "Omar Haddad", Role.ADMINISTRATOR, None, None),
    ("donor@norway.demo", "Ingrid Larsen", Role.PROVIDER, None, "Norway"),
]


def demo_load() -> list[tuple[str, str]]:
    """Create the demo accounts if missing; return (e-mail, role label) for each."""
    with transaction.atomic():
        norway = Country.objects.get(iso2="NO")
        provider, _ = Provider.objects.get_or_create(
            name="Norway", defaults={"kind": Provider.Kind.DONOR_STATE, "country": norway}
        )
        accounts = []
        for email, name, role, iso2, provider_name in DEMO_USERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User(
                    email=email,
                    full_name=name,
                    role=role,
                    country=Country.objects.get(iso2=iso2) if iso2 else None,
                    provider=provider if provider_name else None,
                    is_staff=role == Role.ADMINISTRATOR,
                    is_superuser=role == Role.ADMINISTRATOR,
                )
                user.set_password(DEMO_PASSWORD)
                user.full_clean()
                user.save()
            if role in SECRETARIAT_ROLES and not TOTPDevice.objects.filter(user=user).exists():
                TOTPDevice.objects.create(
                    user=user, name="demo authenticator", key=demo_totp_key_hex(), confirmed=True
                )
            accounts.append((email, Role(role).label))
    return accounts


def demo_totp_key_hex() -> str:
    return b32decode(DEMO_TOTP_SECRET).hex()


def demo_totp_code() -> str:
    """The code an authenticator app holding DEMO_TOTP_SECRET shows now."""
    totp = TOTP(b32decode(DEMO_TOTP_SECRET))
    return f"{totp.token():06d}"
