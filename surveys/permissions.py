"""Who may read and author questionnaires."""

from portal.models import Role, User

from .models import Questionnaire


def can_author(user: User) -> bool:
    """Secretariat administrators write, copy, import and publish questionnaires."""
    return user.is_authenticated and user.is_active and user.role == Role.ADMINISTRATOR


def can_read(user: User, questionnaire: Questionnaire) -> bool:
    """Published and closed versions are for everyone signed in; drafts for the Secretariat only."""
    if not user.is_authenticated or not user.is_active:
        return False
    if questionnaire.status == Questionnaire.Status.DRAFT:
        return user.role in (Role.ADMINISTRATOR, Role.REVIEWER)
    return True
