"""Who may do what with needs, offers, activities and contributions. Views, templates and tests ask these.

The rule that matters most: a provider sees a need only after the State's focal point has shared it, and
never anything else of the State's answers.
"""

from portal.models import NATIONAL_ROLES, SECRETARIAT_ROLES, Role, User

from .models import Activity, Contribution, Need, Offer

# Statuses a shared need can be in; a need back to "identified" or withdrawn is no longer shown to providers.
PROVIDER_VISIBLE_STATUSES = (
    Need.Status.SHARED,
    Need.Status.MATCHED,
    Need.Status.IN_PROGRESS,
    Need.Status.MET,
)


def _active(user: User) -> bool:
    return user.is_authenticated and user.is_active


def is_secretariat(user: User) -> bool:
    return _active(user) and user.role in SECRETARIAT_ROLES


def is_provider(user: User) -> bool:
    return _active(user) and user.role == Role.PROVIDER and user.provider_id is not None


def is_focal_point_of(user: User, country_id: int) -> bool:
    return _active(user) and user.role == Role.FOCAL_POINT and user.country_id == country_id


def can_view_need(user: User, need: Need) -> bool:
    if not _active(user):
        return False
    if user.role in SECRETARIAT_ROLES:
        return True
    if user.role in NATIONAL_ROLES:
        return user.country_id == need.country_id
    if is_provider(user):
        return need.shared_at is not None and need.status in PROVIDER_VISIBLE_STATUSES
    return False


def can_record_need(user: User) -> bool:
    return is_secretariat(user)


def can_share_need(user: User, need: Need) -> bool:
    """Consent is the focal point's alone: the Secretariat cannot share a State's needs on its behalf."""
    return is_focal_point_of(user, need.country_id) and need.status == Need.Status.IDENTIFIED


def can_unshare_need(user: User, need: Need) -> bool:
    return is_focal_point_of(user, need.country_id) and need.status == Need.Status.SHARED


def can_change_priority(user: User, need: Need) -> bool:
    if need.status in (Need.Status.MET, Need.Status.WITHDRAWN):
        return False
    return is_secretariat(user) or is_focal_point_of(user, need.country_id)


def can_withdraw_need(user: User, need: Need) -> bool:
    if need.status not in (Need.Status.IDENTIFIED, Need.Status.SHARED):
        return False
    return is_secretariat(user) or is_focal_point_of(user, need.country_id)


def can_reopen_need(user: User, need: Need) -> bool:
    if need.status != Need.Status.WITHDRAWN or not need.in_answer:
        return False
    return is_secretariat(user) or is_focal_point_of(user, need.country_id)


def can_offer(user: User, need: Need) -> bool:
    return is_provider(user) and need.shared_at is not None and need.status == Need.Status.SHARED


def can_view_offer(user: User, offer: Offer) -> bool:
    if is_secretariat(user):
        return True
    if is_provider(user):
        return offer.provider_id == user.provider_id
    return _active(user) and user.role in NATIONAL_ROLES and offer.need.country_id == user.country_id


def can_withdraw_offer(user: User, offer: Offer) -> bool:
    return is_provider(user) and offer.provider_id == user.provider_id and offer.status == Offer.Status.OPEN


def can_decide_offer(user: User, offer: Offer) -> bool:
    return is_secretariat(user) and offer.status == Offer.Status.OPEN


def can_manage_activities(user: User) -> bool:
    return is_secretariat(user)


def can_view_activity(user: User, activity: Activity) -> bool:
    if is_secretariat(user):
        return True
    if is_provider(user):
        return activity.provider_id == user.provider_id
    return _active(user) and user.role in NATIONAL_ROLES and activity.country_id == user.country_id


def can_view_contributions(user: User) -> bool:
    return is_secretariat(user) or is_provider(user)


def can_view_contribution(user: User, contribution: Contribution) -> bool:
    if is_secretariat(user):
        return True
    return is_provider(user) and contribution.donor_id == user.provider_id


def can_record_contribution(user: User) -> bool:
    return is_secretariat(user)


def can_manage_rates(user: User) -> bool:
    return is_secretariat(user)


def can_view_coverage(user: User) -> bool:
    return is_secretariat(user)
