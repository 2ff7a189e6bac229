"""Who may do what with Conference sessions and their reports. Views, templates and tests ask these."""

from portal.models import NATIONAL_ROLES, SECRETARIAT_ROLES, Country, Role, User

from .models import ReportJob, ReportKind


def _active(user: User) -> bool:
    return user.is_authenticated and user.is_active


def can_manage_sessions(user: User) -> bool:
    """Secretariat administrators create and edit sessions."""
    return _active(user) and user.role == Role.ADMINISTRATOR


def can_use_reports(user: User) -> bool:
    """The Secretariat asks for any report; a State's people for their own country profile."""
    return _active(user) and user.role in (*SECRETARIAT_ROLES, *NATIONAL_ROLES)


def can_request(user: User, *, kind: str, country: Country | None = None, audience: str = "") -> bool:
    if not _active(user):
        return False
    if user.role in SECRETARIAT_ROLES:
        return True
    if user.role in NATIONAL_ROLES:
        return (
            kind == ReportKind.COUNTRY_PROFILE
            and country is not None
            and country.pk == user.country_id
            and audience in ("", "state")
        )
    return False


def can_read(user: User, job: ReportJob) -> bool:
    """Reading a job (its progress and its file) follows the same rule as asking for it."""
    return can_request(user, kind=job.kind, country=job.country, audience=job.audience)
