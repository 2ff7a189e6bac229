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


def can_view_response(user: User, response) -> bool:
    """A State's response is for its own people and the Secretariat."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role in (Role.REVIEWER, Role.ADMINISTRATOR):
        return True
    return user.role in (Role.FOCAL_POINT, Role.CONTRIBUTOR) and user.country_id == response.country_id


def can_edit_response(user: User, response) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and user.role in (Role.FOCAL_POINT, Role.CONTRIBUTOR)
        and user.country_id == response.country_id
        and response.is_editable
    )


def is_focal_point_of(user: User, response) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and user.role == Role.FOCAL_POINT
        and user.country_id == response.country_id
    )


def can_submit(user: User, response) -> bool:
    return is_focal_point_of(user, response) and response.is_editable


def can_restore(user: User, response) -> bool:
    return can_submit(user, response)


def can_review(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in (Role.REVIEWER, Role.ADMINISTRATOR)


def can_comment(user: User, response) -> bool:
    """Reviewers ask; the State's focal point and contributors answer, while the response is open to them."""
    if can_review(user):
        return True
    return (
        user.is_authenticated
        and user.is_active
        and user.role in (Role.FOCAL_POINT, Role.CONTRIBUTOR)
        and user.country_id == response.country_id
    )
