"""Reads for needs, offers, activities, contributions and coverage. Every queryset starts from what the
user may see (`*_visible_to`), never filtered afterwards."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear

from portal.models import NATIONAL_ROLES, SECRETARIAT_ROLES, RegionalGroup, User

from . import permissions
from .models import Activity, Contribution, Earmark, Need, Offer, Priority, Provider

ZERO = Decimal("0.00")


def needs_visible_to(user: User) -> QuerySet[Need]:
    """Secretariat: all; a State's people: their State's; providers: shared needs only (the State's consent)."""
    needs = Need.objects.select_related("country", "instrument", "provision", "kind", "activity__provider")
    if not user.is_authenticated or not user.is_active:
        return needs.none()
    if user.role in SECRETARIAT_ROLES:
        return needs
    if user.role in NATIONAL_ROLES and user.country_id:
        return needs.filter(country_id=user.country_id)
    if permissions.is_provider(user):
        return needs.filter(shared_at__isnull=False, status__in=permissions.PROVIDER_VISIBLE_STATUSES)
    return needs.none()


@dataclass
class NeedFilters:
    region: str = ""
    country: int | None = None
    instrument: int | None = None
    kind: int | None = None
    priority: str = ""
    status: str = ""
    uncovered: bool = False

    def apply(self, needs: QuerySet[Need]) -> QuerySet[Need]:
        if self.region:
            needs = needs.filter(country__regional_group=self.region)
        if self.country:
            needs = needs.filter(country_id=self.country)
        if self.instrument:
            needs = needs.filter(instrument_id=self.instrument)
        if self.kind:
            needs = needs.filter(kind_id=self.kind)
        if self.priority:
            needs = needs.filter(priority=self.priority)
        if self.status:
            needs = needs.filter(status=self.status)
        if self.uncovered:
            needs = needs.filter(activity__isnull=True).exclude(status=Need.Status.WITHDRAWN)
        return needs


def needs_with_offer_counts(needs: QuerySet[Need], user: User) -> QuerySet[Need]:
    """Annotate open offers: all of them for the Secretariat and the State, the provider's own for a provider."""
    open_offers = Q(offers__status=Offer.Status.OPEN)
    if permissions.is_provider(user):
        mine = Offer.objects.filter(
            need=OuterRef("pk"), provider_id=user.provider_id, status=Offer.Status.OPEN
        )
        return needs.annotate(my_open_offer=Exists(mine))
    return needs.annotate(open_offers=Count("offers", filter=open_offers))


def _scoped(rows: QuerySet, user: User, *, provider: str, country: str) -> QuerySet:
    """The Secretariat sees every row; a provider the rows of its organization; a State's people their State's."""
    if permissions.is_secretariat(user):
        return rows
    if permissions.is_provider(user):
        return rows.filter(**{provider: user.provider_id})
    if user.is_authenticated and user.is_active and user.role in NATIONAL_ROLES and user.country_id:
        return rows.filter(**{country: user.country_id})
    return rows.none()


def offers_visible_to(user: User) -> QuerySet[Offer]:
    offers = Offer.objects.select_related(
        "provider", "need__country", "need__kind", "need__provision", "activity"
    )
    return _scoped(offers, user, provider="provider_id", country="need__country_id")


def activities_visible_to(user: User) -> QuerySet[Activity]:
    activities = Activity.objects.select_related("provider", "country").annotate(need_count=Count("needs"))
    return _scoped(activities, user, provider="provider_id", country="country_id")


def contributions_visible_to(user: User) -> QuerySet[Contribution]:
    contributions = Contribution.objects.select_related(
        "donor", "pledge", "earmarked_instrument", "earmarked_country"
    )
    if permissions.is_secretariat(user):
        return contributions
    if permissions.is_provider(user):
        return contributions.filter(donor_id=user.provider_id)
    return contributions.none()


@dataclass
class DonorYear:
    donor: Provider
    year: int
    pledged: Decimal = ZERO
    committed: Decimal = ZERO
    received: Decimal = ZERO


def totals_by_donor_and_year(contributions: QuerySet[Contribution]) -> list[DonorYear]:
    """US dollar totals of each kind of transaction per donor and calendar year of the value date."""
    rows = (
        contributions.order_by()
        .annotate(year=ExtractYear("date"))
        .values("donor_id", "year", "kind")
        .annotate(total=Sum("amount_usd"))
    )
    donors = {p.pk: p for p in Provider.objects.filter(pk__in={r["donor_id"] for r in rows})}
    table: dict[tuple[int, int], DonorYear] = {}
    for row in rows:
        key = (row["donor_id"], row["year"])
        line = table.setdefault(key, DonorYear(donor=donors[row["donor_id"]], year=row["year"]))
        attribute = {"pledge": "pledged", "commitment": "committed", "receipt": "received"}[row["kind"]]
        setattr(line, attribute, getattr(line, attribute) + row["total"])
    return sorted(table.values(), key=lambda line: (line.donor.name, line.year))


@dataclass
class OutstandingPledge:
    pledge: Contribution
    received: Decimal  # in the pledge's currency
    outstanding: Decimal  # in the pledge's currency
    outstanding_usd: Decimal  # at the pledge's rate


def outstanding_pledges(contributions: QuerySet[Contribution]) -> list[OutstandingPledge]:
    """Pledges not yet fully received. Amounts in the pledge's currency; dollars at the pledge's own rate."""
    from .services.contributions import to_usd

    pledges = contributions.filter(kind=Contribution.Kind.PLEDGE).annotate(
        received_total=Sum("fulfilments__amount", filter=Q(fulfilments__kind=Contribution.Kind.RECEIPT))
    )
    lines = []
    for pledge in pledges.order_by("date", "pk"):
        received = pledge.received_total or Decimal(0)
        outstanding = pledge.amount - received
        if outstanding > 0:
            lines.append(
                OutstandingPledge(
                    pledge=pledge,
                    received=received,
                    outstanding=outstanding,
                    outstanding_usd=to_usd(outstanding, pledge.rate),
                )
            )
    return lines


@dataclass
class CoverageRow:
    key: str
    label: str
    needs: int = 0
    shared: int = 0
    covered: int = 0  # matched, in progress or met
    met: int = 0
    uncovered_high: int = 0  # shared, high priority, no activity and no open offer
    earmarked_usd: Decimal = ZERO
    uncovered_high_needs: list = field(default_factory=list)

    @property
    def uncovered(self) -> int:
        return self.needs - self.covered

    @property
    def percent_covered(self) -> int:
        return round(100 * self.covered / self.needs) if self.needs else 0


COVERAGE_DIMENSIONS = ("region", "kind", "instrument")


def coverage(*, by: str = "region", needs: QuerySet[Need] | None = None) -> list[CoverageRow]:
    """Needs (not withdrawn) against activities and earmarked funds, grouped by region, kind or instrument.

    Earmarked funds are receipts plus outstanding pledges earmarked to the group (a region also counts what is
    earmarked to its States and their needs; an instrument what is earmarked to needs under it). Unearmarked
    money is reported separately by `unearmarked_funds`.
    """
    if by not in COVERAGE_DIMENSIONS:
        raise ValueError(by)
    needs = (needs if needs is not None else Need.objects.all()).exclude(status=Need.Status.WITHDRAWN)
    field_name = {"region": "country__regional_group", "kind": "kind_id", "instrument": "instrument_id"}[by]
    open_offer = Offer.objects.filter(need=OuterRef("pk"), status=Offer.Status.OPEN)
    rows_by_key: dict = {}
    labels = _coverage_labels(by)
    for key, label in labels.items():
        rows_by_key[key] = CoverageRow(key=str(key), label=label)
    counted = (
        needs.order_by()
        .values(field_name)
        .annotate(
            total=Count("pk"),
            shared=Count("pk", filter=Q(shared_at__isnull=False)),
            covered=Count("pk", filter=Q(activity__isnull=False)),
            met=Count("pk", filter=Q(status=Need.Status.MET)),
        )
    )
    for row in counted:
        line = rows_by_key.setdefault(
            row[field_name], CoverageRow(key=str(row[field_name]), label=str(row[field_name]))
        )
        line.needs, line.shared, line.covered, line.met = (
            row["total"],
            row["shared"],
            row["covered"],
            row["met"],
        )
    gaps = (
        needs.filter(priority=Priority.HIGH, activity__isnull=True, status=Need.Status.SHARED)
        .annotate(has_offer=Exists(open_offer))
        .filter(has_offer=False)
        .select_related("country", "kind", "provision", "instrument")
        .order_by("country__name", "pk")
    )
    for need in gaps:
        key = {"region": need.country.regional_group, "kind": need.kind_id, "instrument": need.instrument_id}[
            by
        ]
        line = rows_by_key.get(key)
        if line is not None:
            line.uncovered_high += 1
            line.uncovered_high_needs.append(need)
    for key, amount in _earmarked_funds(by).items():
        if key in rows_by_key:
            rows_by_key[key].earmarked_usd += amount
    return [row for row in rows_by_key.values() if row.needs or row.earmarked_usd]


def _coverage_labels(by: str) -> dict:
    from surveys.models import AssistanceKind, Instrument

    if by == "region":
        return dict(RegionalGroup.choices)
    if by == "kind":
        return {k.pk: k.label for k in AssistanceKind.objects.all()}
    return {i.pk: i.short_title for i in Instrument.objects.all()}


def _available(contributions: QuerySet[Contribution]) -> QuerySet[Contribution]:
    """Money that is in or promised: receipts, and pledges (their outstanding part is added separately)."""
    return contributions.filter(kind=Contribution.Kind.RECEIPT)


def _earmarked_funds(by: str) -> dict:
    """US dollars received or still pledged, per group, following each earmark to the group it falls in."""
    funds: dict = defaultdict(Decimal)
    earmarked = Contribution.objects.exclude(earmark=Earmark.UNEARMARKED).select_related("earmarked_country")
    lines = [(c, c.amount_usd) for c in _available(earmarked)]
    lines += [(o.pledge, o.outstanding_usd) for o in outstanding_pledges(earmarked)]
    need_ids = {c.pk for c, _amount in lines if c.earmark == Earmark.NEEDS}
    needs_of = defaultdict(list)
    for (
        contribution_id,
        region,
        kind_id,
        instrument_id,
    ) in Contribution.earmarked_needs.through.objects.filter(contribution_id__in=need_ids).values_list(
        "contribution_id", "need__country__regional_group", "need__kind_id", "need__instrument_id"
    ):
        needs_of[contribution_id].append({"region": region, "kind": kind_id, "instrument": instrument_id})
    for contribution, amount in lines:
        if contribution.earmark == Earmark.NEEDS:
            keys = [n[by] for n in needs_of[contribution.pk]]
            if keys:
                share = (amount / len(keys)).quantize(Decimal("0.01"))
                for key in keys:
                    funds[key] += share
        elif by == "region" and contribution.earmark == Earmark.REGION:
            funds[contribution.earmarked_region] += amount
        elif by == "region" and contribution.earmark == Earmark.COUNTRY:
            funds[contribution.earmarked_country.regional_group] += amount
        elif by == "instrument" and contribution.earmark == Earmark.INSTRUMENT:
            funds[contribution.earmarked_instrument_id] += amount
    return funds


def unearmarked_funds() -> Decimal:
    unearmarked = Contribution.objects.filter(earmark=Earmark.UNEARMARKED)
    received = _available(unearmarked).aggregate(total=Sum("amount_usd"))["total"] or ZERO
    return received + sum((o.outstanding_usd for o in outstanding_pledges(unearmarked)), ZERO)
