"""Reads for the shared core. Querysets are scoped to what the user may see before anything else."""

from django.db.models import Prefetch, QuerySet

from .models import SECRETARIAT_ROLES, Country, Invitation, Role, TreatyParticipation, User


def countries_with_participations() -> QuerySet[Country]:
    return Country.objects.prefetch_related(
        Prefetch("participations", queryset=TreatyParticipation.objects.order_by("treaty"))
    )


def country_list(
    *, regional_group: str = "", treaty: str = "", status: str = "", query: str = ""
) -> QuerySet:
    countries = countries_with_participations()
    if regional_group:
        countries = countries.filter(regional_group=regional_group)
    if treaty and status:
        countries = countries.filter(participations__treaty=treaty, participations__status=status)
    if query:
        countries = countries.filter(name__icontains=query) | countries.filter(iso2__iexact=query)
    return countries.distinct()


def users_visible_to(user: User) -> QuerySet[User]:
    """The people a user may see in team lists: their own State's team, or everyone for the Secretariat."""
    users = User.objects.select_related("country", "provider")
    if user.role == Role.ADMINISTRATOR:
        return users
    if user.role in SECRETARIAT_ROLES:
        return users.none()
    if user.role == Role.FOCAL_POINT:
        return users.filter(country_id=user.country_id)
    return users.none()


def invitations_visible_to(user: User) -> QuerySet[Invitation]:
    invitations = Invitation.objects.select_related("country", "provider", "invited_by")
    if user.role == Role.ADMINISTRATOR:
        return invitations
    if user.role == Role.FOCAL_POINT:
        return invitations.filter(country_id=user.country_id)
    return invitations.none()
