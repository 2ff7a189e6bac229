"""The technical assistance report and the contributions report, read through the assistance register's
own selectors (coverage, totals by donor and year, outstanding pledges), never re-derived here."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from assistance import selectors as assistance
from assistance.models import Activity, Contribution, Earmark, Need
from portal.models import Country

from .charts import ranking_chart
from .models import ConferenceSession, ReportKind

GAPS_SHOWN = 150


def check_available(session: ConferenceSession, kind: str) -> None:
    from .documents import ReportUnavailable

    if kind == ReportKind.TECHNICAL_ASSISTANCE and not _needs(session).exists():
        raise ReportUnavailable(
            _("No technical assistance need has been recorded yet: there is nothing to report.")
        )
    if kind == ReportKind.CONTRIBUTIONS and not _contributions(session).exists():
        raise ReportUnavailable(
            _("No contribution has been recorded up to the data cut-off date: there is nothing to report.")
        )


def _needs(session: ConferenceSession):
    """Needs recorded by the end of the data cut-off date. Their status is today's: the register does not
    keep the history of every status change (the report's introduction says so)."""
    return Need.objects.filter(created_at__lte=session.cutoff_at)


def _contributions(session: ConferenceSession):
    return Contribution.objects.filter(date__lte=session.data_cutoff)


def technical_assistance_context(session: ConferenceSession, language: str) -> dict:
    from .documents import _frame, font_family

    check_available(session, ReportKind.TECHNICAL_ASSISTANCE)
    needs = _needs(session)
    statuses = dict(needs.order_by().values_list("status").annotate(n=Count("pk")))
    status_rows = [(label, statuses.get(value, 0)) for value, label in Need.Status.choices]
    by_region = assistance.coverage(by="region", needs=needs)
    by_kind = assistance.coverage(by="kind", needs=needs)
    by_instrument = assistance.coverage(by="instrument", needs=needs)
    national: dict[int, dict] = defaultdict(lambda: defaultdict(int))
    for country_id, status, n in needs.order_by().values_list("country_id", "status").annotate(n=Count("pk")):
        national[country_id][status] += n
    countries = {c.pk: c for c in Country.objects.filter(pk__in=national)}
    national_rows = sorted(
        (
            {
                "country": countries[pk],
                "counts": [counts.get(value, 0) for value, _label in Need.Status.choices],
                "total": sum(counts.values()),
            }
            for pk, counts in national.items()
        ),
        key=lambda row: row["country"].name.casefold(),
    )
    providers = defaultdict(lambda: defaultdict(int))
    for name, status, n in (
        Activity.objects.order_by().values_list("provider__name", "status").annotate(n=Count("pk"))
    ):
        providers[name][status] += n
    provider_rows = [
        {
            "name": name,
            "counts": [counts.get(v, 0) for v, _l in Activity.Status.choices],
            "total": sum(counts.values()),
        }
        for name, counts in sorted(providers.items(), key=lambda item: -sum(item[1].values()))
    ]
    gaps = [need for row in by_region for need in row.uncovered_high_needs]
    bidi = language == "ar"
    context = _frame(
        session=session,
        kind=ReportKind.TECHNICAL_ASSISTANCE,
        language=language,
        title=_("Technical assistance: needs identified, shared, matched and met"),
    )
    context.update(
        {
            "status_rows": status_rows,
            "status_labels": [label for _v, label in Need.Status.choices],
            "activity_labels": [label for _v, label in Activity.Status.choices],
            "needs_total": sum(statuses.values()),
            "status_chart": ranking_chart(
                chart_id="c-status",
                title=_("Needs by status"),
                description=_("Number of needs in each status."),
                items=[(str(label), n, str(n)) for label, n in status_rows],
                bidi=bidi,
                font_family=font_family(language),
            ),
            "by_region": by_region,
            "by_kind": by_kind,
            "by_instrument": by_instrument,
            "national_rows": national_rows,
            "provider_rows": provider_rows,
            "gaps": gaps[:GAPS_SHOWN],
            "gap_count": len(gaps),
            "unearmarked": assistance.unearmarked_funds(),
            "toc": [
                {"anchor": "global", "title": _("Global level")},
                {"anchor": "regional", "title": _("Regional level")},
                {"anchor": "national", "title": _("National level")},
                {"anchor": "providers", "title": _("Activities by provider")},
                {"anchor": "gaps", "title": _("Coverage gaps")},
            ],
        }
    )
    return context


def contributions_context(session: ConferenceSession, language: str) -> dict:
    from .documents import _frame

    check_available(session, ReportKind.CONTRIBUTIONS)
    contributions = _contributions(session)
    donor_years = assistance.totals_by_donor_and_year(contributions)
    outstanding = assistance.outstanding_pledges(contributions)
    years: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for line in donor_years:
        years[line.year]["pledged"] += line.pledged
        years[line.year]["committed"] += line.committed
        years[line.year]["received"] += line.received
    earmarks = defaultdict(lambda: defaultdict(Decimal))
    for earmark, kind, total in (
        contributions.order_by().values_list("earmark", "kind").annotate(total=Sum("amount_usd"))
    ):
        earmarks[earmark][kind] += total
    earmark_rows = [
        {
            "label": label,
            "pledged": earmarks[value]["pledge"],
            "committed": earmarks[value]["commitment"],
            "received": earmarks[value]["receipt"],
        }
        for value, label in Earmark.choices
    ]
    rates = list(
        contributions.order_by("currency", "rate_month", "rate")
        .values_list("currency", "rate_month", "rate")
        .distinct()
    )
    context = _frame(
        session=session,
        kind=ReportKind.CONTRIBUTIONS,
        language=language,
        title=_(
            "Voluntary contributions to the account under article 30, paragraph 2 (c), of the Convention"
        ),
    )
    context.update(
        {
            "donor_years": donor_years,
            "year_rows": sorted(years.items()),
            "outstanding": outstanding,
            "outstanding_usd": sum((line.outstanding_usd for line in outstanding), Decimal(0)),
            "earmark_rows": earmark_rows,
            "earmark_unearmarked": Earmark.UNEARMARKED,
            "rates": rates,
            "toc": [
                {"anchor": "years", "title": _("Totals by year")},
                {"anchor": "donors", "title": _("Pledges, commitments and receipts by donor and year")},
                {"anchor": "outstanding", "title": _("Outstanding pledges")},
                {"anchor": "earmarking", "title": _("Earmarking")},
                {"anchor": "rates", "title": _("Rates of exchange used")},
            ],
        }
    )
    return context
