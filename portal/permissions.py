"""Who may do what in the shared core. Views, templates and tests all ask these functions."""

from .models import NATIONAL_ROLES, SECRETARIAT_ROLES, Country, Invitation, Role, User

# Which roles each role may invite. Focal points bring in their own national experts; the Secretariat
# administrator registers the people that governments and organizations nominate.
INVITABLE_ROLES = {
    Role.FOCAL_POINT: (Role.CONTRIBUTOR,),
    Role.ADMINISTRATOR: (
        Role.FOCAL_POINT,
        Role.CONTRIBUTOR,
        Role.REVIEWER,
        Role.ADMINISTRATOR,
        Role.PROVIDER,
    ),
}


def is_secretariat(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in SECRETARIAT_ROLES


def can_view_country_data(user: User, country: Country) -> bool:
    """Unpublished data of a State (its team, invitations, answers) is for its own people and the Secretariat."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role in SECRETARIAT_ROLES:
        return True
    return user.role in NATIONAL_ROLES and user.country_id == country.pk


def invitable_roles(user: User) -> tuple[str, ...]:
    if not user.is_authenticated or not user.is_active:
        return ()
    return INVITABLE_ROLES.get(user.role, ())


def can_invite(user: User, *, role: str, country: Country | None) -> bool:
    if role not in invitable_roles(user):
        return False
    if user.role == Role.FOCAL_POINT:
        return country is not None and country.pk == user.country_id
    return True


def can_manage_team(user: User) -> bool:
    """Focal points manage their State's contributors; administrators manage everyone."""
    return bool(invitable_roles(user))


def can_revoke_invitation(user: User, invitation: Invitation) -> bool:
    if not invitation.is_pending:
        return False
    return can_invite(user, role=invitation.role, country=invitation.country)
