"""Demo accounts for local use: one per role, printed by `make run`. Never loaded in production."""

from django.db import transaction

from assistance.models import Provider

from .models import Country, Role, User

DEMO_PASSWORD = "omnibus-demo-2026"  # noqa: S105 - local demo accounts only, refused in production

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
            accounts.append((email, Role(role).label))
    return accounts
