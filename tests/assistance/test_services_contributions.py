"""Contributions: exact decimals, the operational rate of the month, pledges and their fulfilment, earmarking."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assistance import selectors
from assistance.models import Contribution, Earmark, ExchangeRate
from assistance.services import contributions as services
from portal.models import AuditEvent
from tests.factories import ProviderFactory

from .factories import ExchangeRateFactory, NeedFactory

pytestmark = pytest.mark.django_db

JAN = datetime.date(2026, 1, 20)


@pytest.fixture
def donor(db):
    return ProviderFactory(name="Kingdom of Norway", kind="intergovernmental")


@pytest.fixture
def euro_rate(db):
    return ExchangeRateFactory(
        currency="EUR", month=datetime.date(2026, 1, 1), units_per_usd=Decimal("0.925")
    )


def record(by, donor, **kwargs):
    values = {"kind": "pledge", "date": JAN, "currency": "EUR", "amount": Decimal("1000000.00")}
    values.update(kwargs)
    return services.contribution_record(by=by, donor=donor, **values)


def test_a_pledge_keeps_its_currency_and_its_dollar_equivalent_at_the_months_rate(reviewer, donor, euro_rate):
    pledge = record(reviewer, donor, amount="1000000.00")
    pledge.refresh_from_db()
    assert (pledge.currency, pledge.amount) == ("EUR", Decimal("1000000.000"))
    assert (pledge.rate, pledge.rate_month) == (Decimal("0.925000"), datetime.date(2026, 1, 1))
    assert pledge.amount_usd == Decimal("1081081.08")  # 1,000,000 / 0.925, half up to the cent
    event = AuditEvent.objects.get(action="contribution.pledge")
    assert event.data["amount_usd"] == "1081081.08"


def test_a_missing_rate_is_refused_naming_the_rate(reviewer, donor, euro_rate):
    with pytest.raises(ValidationError) as refused:
        record(reviewer, donor, currency="JPY", amount="5000000")
    assert "JPY in 2026-01" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        record(reviewer, donor, date=datetime.date(2026, 2, 3))
    assert "EUR in 2026-02" in str(refused.value)
    assert not Contribution.objects.exists()


def test_dollars_need_no_rate(reviewer, donor):
    contribution = record(reviewer, donor, currency="usd", amount="250000.5")
    assert (contribution.currency, contribution.rate, contribution.amount_usd) == (
        "USD",
        Decimal(1),
        Decimal("250000.50"),
    )


@pytest.mark.parametrize(
    ("currency", "amount", "field"),
    [
        ("EUR", "-5", "amount"),
        ("EUR", "0", "amount"),
        ("EUR", "12.345", "amount"),  # euros have two decimals
        ("EUR", "1e400", "amount"),
        ("EUR", "NaN", "amount"),
        ("EUR", "ten thousand", "amount"),
        ("EUR", "999999999999", "amount"),  # over a billion dollars in one transaction
        ("XYZ", "100", "currency"),
        ("", "100", "currency"),
    ],
)
def test_bad_amounts_and_currencies_are_refused(reviewer, donor, euro_rate, currency, amount, field):
    with pytest.raises(ValidationError) as refused:
        record(reviewer, donor, currency=currency, amount=amount)
    assert field in refused.value.message_dict
    assert not Contribution.objects.exists()


def test_floats_are_refused(reviewer, donor, euro_rate):
    with pytest.raises(ValidationError):
        record(reviewer, donor, amount=1000.10)


def test_three_decimal_currencies_keep_their_fils(reviewer, donor):
    ExchangeRateFactory(currency="KWD", month=datetime.date(2026, 1, 1), units_per_usd=Decimal("0.307"))
    contribution = record(reviewer, donor, currency="KWD", amount="10000.125")
    assert contribution.amount == Decimal("10000.125")
    assert contribution.amount_usd == Decimal("32573.70")


def test_future_dates_are_refused(reviewer, donor):
    with pytest.raises(ValidationError) as refused:
        record(reviewer, donor, currency="USD", date=datetime.date.today() + datetime.timedelta(days=2))
    assert "date" in refused.value.message_dict


def test_receipts_cannot_exceed_their_pledge(reviewer, donor, euro_rate):
    pledge = record(reviewer, donor, amount="100000")
    record(reviewer, donor, kind="receipt", amount="60000", pledge=pledge)
    with pytest.raises(ValidationError) as refused:
        record(reviewer, donor, kind="receipt", amount="40000.01", pledge=pledge)
    assert "at most 40000" in str(refused.value)
    record(reviewer, donor, kind="receipt", amount="40000", pledge=pledge)
    assert selectors.outstanding_pledges(Contribution.objects.all()) == []


def test_a_fulfilment_matches_its_pledge(reviewer, donor, euro_rate):
    pledge = record(reviewer, donor, amount="100000")
    ExchangeRateFactory(currency="GBP", month=datetime.date(2026, 1, 1), units_per_usd=Decimal("0.79"))
    with pytest.raises(ValidationError):
        record(reviewer, donor, kind="receipt", amount="100", currency="GBP", pledge=pledge)
    with pytest.raises(ValidationError):
        record(reviewer, ProviderFactory(), kind="receipt", amount="100", pledge=pledge)
    with pytest.raises(ValidationError):
        record(reviewer, donor, kind="receipt", amount="100", pledge=pledge, date=datetime.date(2026, 1, 2))
    with pytest.raises(ValidationError):
        record(reviewer, donor, kind="pledge", amount="100", pledge=pledge)
    assert Contribution.objects.count() == 1


def test_fulfilments_inherit_the_pledges_earmark(reviewer, donor, euro_rate, state_a):
    pledge = record(reviewer, donor, amount="1000", earmark=Earmark.COUNTRY, earmarked_country=state_a)
    receipt = record(reviewer, donor, kind="receipt", amount="400", pledge=pledge)
    assert (receipt.earmark, receipt.earmarked_country) == (Earmark.COUNTRY, state_a)


def test_earmarks_need_their_target_and_only_shared_needs(reviewer, donor, euro_rate, state_a):
    with pytest.raises(ValidationError):
        record(reviewer, donor, earmark=Earmark.REGION, earmarked_region="")
    with pytest.raises(ValidationError):
        record(reviewer, donor, earmark=Earmark.NEEDS, earmarked_needs=[NeedFactory(country=state_a)])
    shared = NeedFactory(country=state_a, shared=True)
    pledge = record(reviewer, donor, earmark=Earmark.NEEDS, earmarked_needs=[shared])
    assert list(pledge.earmarked_needs.all()) == [shared]


def test_only_the_secretariat_records(focal_point, provider_user, donor):
    for someone in (focal_point, provider_user):
        with pytest.raises(PermissionDenied):
            record(someone, donor, currency="USD")


def test_totals_per_donor_and_year_are_exact_and_reproducible(reviewer, donor, euro_rate):
    ExchangeRateFactory(currency="EUR", month=datetime.date(2025, 6, 1), units_per_usd=Decimal("0.91"))
    for amount in ("0.10", "0.20", "0.30"):
        record(reviewer, donor, currency="USD", amount=amount, kind="receipt")
    record(reviewer, donor, amount="333.33", date=datetime.date(2025, 6, 30))
    totals = selectors.totals_by_donor_and_year(Contribution.objects.all())
    assert [(t.year, t.pledged, t.received) for t in totals] == [
        (2025, Decimal("366.30"), Decimal("0")),
        (2026, Decimal("0"), Decimal("0.60")),
    ]
    # Recomputed from the stored amounts and rates, the dollar figures are the same to the cent.
    for contribution in Contribution.objects.all():
        assert services.to_usd(contribution.amount, contribution.rate) == contribution.amount_usd


def test_outstanding_pledges_in_the_pledge_currency_and_at_its_rate(reviewer, donor, euro_rate):
    pledge = record(reviewer, donor, amount="1000")
    record(reviewer, donor, kind="receipt", amount="250", pledge=pledge)
    [line] = selectors.outstanding_pledges(Contribution.objects.all())
    assert (line.received, line.outstanding, line.outstanding_usd) == (
        Decimal("250.000"),
        Decimal("750.000"),
        Decimal("810.81"),
    )


def test_rates_are_maintained_by_the_secretariat_and_audited(reviewer, focal_point):
    rate = services.exchange_rate_set(
        by=reviewer, currency="eur", month=datetime.date(2026, 3, 17), units_per_usd="0.93"
    )
    assert (rate.currency, rate.month, rate.units_per_usd) == (
        "EUR",
        datetime.date(2026, 3, 1),
        Decimal("0.93"),
    )
    services.exchange_rate_set(
        by=reviewer, currency="EUR", month=datetime.date(2026, 3, 1), units_per_usd="0.94"
    )
    assert ExchangeRate.objects.get().units_per_usd == Decimal("0.94")
    assert AuditEvent.objects.filter(action="rate.set").count() == 2
    for bad in ("0", "-1", "abc", "0.1234567"):
        with pytest.raises(ValidationError):
            services.exchange_rate_set(
                by=reviewer, currency="EUR", month=datetime.date(2026, 4, 1), units_per_usd=bad
            )
    with pytest.raises(PermissionDenied):
        services.exchange_rate_set(
            by=focal_point, currency="EUR", month=datetime.date(2026, 4, 1), units_per_usd="1"
        )


def test_a_corrected_rate_does_not_change_recorded_transactions(reviewer, donor, euro_rate):
    pledge = record(reviewer, donor, amount="1000")
    services.exchange_rate_set(
        by=reviewer, currency="EUR", month=datetime.date(2026, 1, 1), units_per_usd="0.5"
    )
    pledge.refresh_from_db()
    assert (pledge.rate, pledge.amount_usd) == (Decimal("0.925000"), Decimal("1081.08"))
