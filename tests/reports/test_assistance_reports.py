"""The technical assistance and contributions reports, from the assistance register."""

import datetime
from decimal import Decimal

import pytest

from reports.models import ReportJob, ReportKind
from reports.services import report_request
from tests.assistance.factories import (
    ActivityFactory,
    ContributionFactory,
    ExchangeRateFactory,
    NeedFactory,
)
from tests.factories import CountryFactory, ProviderFactory

from .conftest import pdf_fonts, pdf_text, uncovered_characters
from .factories import ConferenceSessionFactory
from .test_documents import plain


def _build(session, user, kind, language):
    job = report_request(by=user, session=session, kind=kind, language=language)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE, job.error
    return job


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_technical_assistance_report_at_global_regional_and_national_levels(reviewer, language):
    gamma = CountryFactory(iso2="GG", name="Gammaland", regional_group="asia_pacific")
    delta = CountryFactory(iso2="DD", name="Deltaland", regional_group="african")
    provider = ProviderFactory(name="Rule of Law Fund")
    activity = ActivityFactory(provider=provider, country=gamma)
    NeedFactory(country=gamma, shared=True, priority="high")
    NeedFactory(
        country=gamma, status="matched", shared_at=datetime.datetime.now(datetime.UTC), activity=activity
    )
    NeedFactory(country=delta)
    session = ConferenceSessionFactory(data_cutoff=datetime.date.today())
    job = _build(session, reviewer, ReportKind.TECHNICAL_ASSISTANCE, language)
    text = pdf_text(job.file.path)
    for expected in ("Gammaland", "Deltaland", "Rule of Law Fund", "CTOC/COP/2026/3"):
        assert plain(expected) in plain(text)
    assert all(font["embedded"] for font in pdf_fonts(job.file.path))
    assert uncovered_characters(job.file.path) == set()


def test_contributions_report_in_dollars_with_the_rates_used(reviewer):
    donor = ProviderFactory(
        name="Government of Norland", kind="donor_state", country=CountryFactory(iso2="NL")
    )
    ExchangeRateFactory(currency="EUR", month=datetime.date(2026, 1, 1), units_per_usd=Decimal("0.925"))
    pledge = ContributionFactory(
        donor=donor, currency="EUR", amount=Decimal("925000"), rate=Decimal("0.925"), earmark="unearmarked"
    )
    ContributionFactory(
        donor=donor,
        kind="receipt",
        pledge=pledge,
        currency="EUR",
        amount=Decimal("462500"),
        rate=Decimal("0.925"),
        date=datetime.date(2026, 3, 1),
    )
    # After the data cut-off: not in the report.
    ContributionFactory(donor=ProviderFactory(name="Late Donor"), date=datetime.date(2026, 12, 1))
    job = _build(ConferenceSessionFactory(), reviewer, ReportKind.CONTRIBUTIONS, "en")
    text = plain(pdf_text(job.file.path))
    assert plain("Government of Norland") in text
    assert "1,000,000.00" in text  # pledged, in dollars
    assert "500,000.00" in text  # received and outstanding
    assert "0.925" in text and "EUR" in text  # the rate used
    assert "LateDonor" not in text
    assert plain("CTOC/COP/2026/4") in text
