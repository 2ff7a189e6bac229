"""The main navigation, per role. Each app adds its entries here as it gains pages."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Role

ALL_ROLES = tuple(Role.values)


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: tuple[str, ...]
    description: str | Promise = ""

    def url(self):
        return reverse(self.url_name)


NAV_ITEMS = [
    NavItem(_("Home"), "portal:home", ALL_ROLES, _("Your overview and next steps.")),
    NavItem(
        _("States"),
        "portal:country_list",
        ALL_ROLES,
        _("States and their status under the Convention and its Protocols."),
    ),
    NavItem(
        _("Our response"),
        "surveys:response_list",
        (Role.FOCAL_POINT, Role.CONTRIBUTOR),
        _("Answer your State's questionnaire, together, section by section."),
    ),
    NavItem(
        _("Questionnaire"),
        "surveys:questionnaire_list",
        ALL_ROLES,
        _(
            "Read the questionnaire by instrument and article, with each provision's obligation level and theme."
        ),
    ),
    NavItem(
        _("Review"),
        "surveys:review_home",
        (Role.REVIEWER, Role.ADMINISTRATOR),
        _("Where every State stands: submissions to review, clarifications, acceptance."),
    ),
    NavItem(
        _("Audit trail"),
        "surveys:audit_trail",
        (Role.REVIEWER, Role.ADMINISTRATOR),
        _("Every change: who, when, what, from where."),
    ),
    NavItem(
        _("Reports"),
        "reports:session_list",
        (Role.FOCAL_POINT, Role.CONTRIBUTOR, Role.REVIEWER, Role.ADMINISTRATOR),
        _("PDF reports for the Conference: country profiles, analysis, assistance, contributions."),
    ),
    NavItem(
        _("Assistance needs"),
        "assistance:need_list",
        (Role.FOCAL_POINT, Role.CONTRIBUTOR, Role.REVIEWER, Role.ADMINISTRATOR),
        _("Technical assistance needs: consent to share them, priorities, offers and activities."),
    ),
    NavItem(
        _("Shared needs"),
        "assistance:need_list",
        (Role.PROVIDER,),
        _("The technical assistance needs States agreed to share: filter them and offer help."),
    ),
    NavItem(
        _("My offers and activities"),
        "assistance:my_assistance",
        (Role.PROVIDER,),
        _("Your offers of assistance, their outcome, and the activities you deliver."),
    ),
    NavItem(
        _("Offers and activities"),
        "assistance:offer_list",
        (Role.REVIEWER, Role.ADMINISTRATOR),
        _("Offers from providers to decide on, and the activities that match needs with providers."),
    ),
    NavItem(
        _("Contributions"),
        "assistance:contribution_list",
        (Role.REVIEWER, Role.ADMINISTRATOR, Role.PROVIDER),
        _("Pledges, commitments and receipts to the account under article 30, in US dollars."),
    ),
    NavItem(
        _("Coverage"),
        "assistance:coverage",
        (Role.REVIEWER, Role.ADMINISTRATOR),
        _("Which needs are covered, by region, kind and instrument, and where high-priority gaps remain."),
    ),
    NavItem(
        _("Team"),
        "portal:team",
        (Role.FOCAL_POINT, Role.ADMINISTRATOR),
        _("Invite people and see who works on the questionnaire."),
    ),
]


def nav_items_for(user):
    if not user.is_authenticated:
        return []
    return [item for item in NAV_ITEMS if user.role in item.roles]
