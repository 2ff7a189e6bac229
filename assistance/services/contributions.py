"""Voluntary contributions to the account under UNTOC article 30 (2)(c) and the operational rates of exchange
that turn them into United States dollars.

Money is `Decimal` end to end: amounts keep their currency's minor units (ISO 4217, from CLDR through Babel),
the dollar equivalent is `amount / units_per_usd` rounded half up to the cent, and the rate used is stored on
each transaction, so totals can be recomputed to the cent from the stored rows at any time.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale
from babel.numbers import get_currency_name, get_currency_precision, get_territory_currencies
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.models import Country, RegionalGroup, User
from surveys.models import Instrument

from .. import permissions
from ..models import CENT, Contribution, Earmark, ExchangeRate, Need, Provider

USD = "USD"
# No single transaction to a UN technical-assistance account comes near this; a larger figure is a typo.
MAX_USD = Decimal("1000000000")  # one billion dollars
MAX_AMOUNT = Decimal("1e15")  # what the amount column holds (15 digits before the decimal point)
EARLIEST = date(2000, 11, 15)  # the Convention's adoption


@lru_cache(maxsize=1)
def currency_codes() -> frozenset[str]:
    """ISO 4217 currencies in use as legal tender today (CLDR's territory data)."""
    today = date.today()
    codes = set()
    for territory in Locale("en").territories:
        if territory.isalpha():
            codes.update(get_territory_currencies(territory, today, tender=True))
    return frozenset(codes | {USD})


def currency_choices(language: str | None = None) -> list[tuple[str, str]]:
    locale = to_locale(language or get_language() or "en")
    choices = []
    for code in sorted(currency_codes()):
        try:
            name = get_currency_name(code, locale=locale)
        except (ValueError, LookupError):
            name = code
        choices.append((code, f"{code} · {name}"))
    return choices


def normalize_currency(code: str) -> str:
    code = (code or "").strip().upper()
    if code not in currency_codes():
        raise ValidationError(
            {"currency": _("“%(code)s” is not an ISO 4217 currency in use.") % {"code": code or "—"}}
        )
    return code


def month_of(day: date) -> date:
    return day.replace(day=1)


def to_usd(amount: Decimal, units_per_usd: Decimal) -> Decimal:
    return (amount / units_per_usd).quantize(CENT, rounding=ROUND_HALF_UP)


def rate_for(currency: str, day: date) -> tuple[Decimal, date]:
    """The operational rate for the month of `day`; refused with a message naming the missing rate."""
    month = month_of(day)
    if currency == USD:
        return Decimal(1), month
    rate = (
        ExchangeRate.objects.filter(currency=currency, month=month)
        .values_list("units_per_usd", flat=True)
        .first()
    )
    if rate is None:
        raise ValidationError(
            {
                "currency": _(
                    "There is no operational rate of exchange for %(currency)s in %(month)s. "
                    "Add the United Nations rate for that month to the rates table first."
                )
                % {"currency": currency, "month": month.strftime("%Y-%m")}
            }
        )
    return rate, month


def _exact(value, *, field: str) -> Decimal:
    if isinstance(value, float):
        raise ValidationError({field: _("Amounts must be exact decimals, not floating-point numbers.")})
    try:
        number = (
            Decimal(str(value).strip().replace(" ", "").replace("\u00a0", "")) if value is not None else None
        )
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise ValidationError({field: _("Enter a number, e.g. 250000.00.")})
    return number


def exchange_rate_set(
    *, by: User, currency: str, month: date, units_per_usd, ip_address: str | None = None
) -> ExchangeRate:
    """Add or correct one month's rate. Transactions already recorded keep the rate they used."""
    if not permissions.can_manage_rates(by):
        raise PermissionDenied(_("Only the Secretariat maintains the rates of exchange."))
    currency = normalize_currency(currency)
    if currency == USD:
        raise ValidationError({"currency": _("The US dollar needs no rate: it is always 1.")})
    rate = _exact(units_per_usd, field="units_per_usd")
    if rate <= 0 or rate >= Decimal("1e14"):
        raise ValidationError(
            {"units_per_usd": _("A rate must be a positive number of units per US dollar.")}
        )
    if rate.as_tuple().exponent < -6:
        raise ValidationError({"units_per_usd": _("Give the rate with at most six decimals.")})
    month = month_of(month)
    with transaction.atomic():
        existing = (
            ExchangeRate.objects.select_for_update(of=("self",))
            .filter(currency=currency, month=month)
            .first()
        )
        before = str(existing.units_per_usd) if existing else None
        if existing is None:
            existing = ExchangeRate.objects.create(currency=currency, month=month, units_per_usd=rate)
        elif existing.units_per_usd != rate:
            existing.units_per_usd = rate
            existing.save(update_fields=["units_per_usd", "updated_at"])
        else:
            return existing
        audit_record(
            actor=by,
            action="rate.set",
            target=existing,
            summary=f"Rate {currency} {month:%Y-%m}: {before} → {rate}",
            data={"before": before, "after": str(rate)},
            ip_address=ip_address,
        )
    return existing


def contribution_record(
    *,
    by: User,
    donor: Provider,
    kind: str,
    date: date,
    currency: str,
    amount,
    pledge: Contribution | None = None,
    earmark: str = Earmark.UNEARMARKED,
    earmarked_instrument: Instrument | None = None,
    earmarked_region: str = "",
    earmarked_country: Country | None = None,
    earmarked_needs=(),
    reference: str = "",
    note: str = "",
    ip_address: str | None = None,
) -> Contribution:
    """Record a pledge, commitment or receipt with its dollar equivalent; all checks pass or nothing is written."""
    if not permissions.can_record_contribution(by):
        raise PermissionDenied(_("Only the Secretariat records contributions."))
    if kind not in Contribution.Kind.values:
        raise ValidationError({"kind": _("Choose pledge, commitment or receipt.")})
    currency = normalize_currency(currency)
    amount = _exact(amount, field="amount")
    errors = {}
    if amount <= 0:
        errors["amount"] = _("The amount must be greater than zero.")
    elif amount >= MAX_AMOUNT:
        errors["amount"] = _("This amount is too large to be real: check it.")
    elif -amount.as_tuple().exponent > get_currency_precision(currency):
        errors["amount"] = _("%(currency)s amounts have at most %(places)s decimal places.") % {
            "currency": currency,
            "places": get_currency_precision(currency),
        }
    if date > timezone.localdate():
        errors["date"] = _("The value date cannot be in the future.")
    elif date < EARLIEST:
        errors["date"] = _("The value date cannot be before the Convention was adopted (15 November 2000).")
    if kind == Contribution.Kind.PLEDGE and pledge is not None:
        errors["pledge"] = _("A pledge does not fulfil another pledge.")
    if errors:
        raise ValidationError(errors)
    rate, rate_month = rate_for(currency, date)
    amount_usd = to_usd(amount, rate)
    if amount_usd > MAX_USD:
        raise ValidationError(
            {
                "amount": _(
                    "%(amount)s US dollars in one transaction is not plausible: check the amount and currency."
                )
                % {"amount": f"{amount_usd:,}"}
            }
        )
    needs = list(earmarked_needs)
    with transaction.atomic():
        if pledge is not None:
            pledge = Contribution.objects.select_for_update(of=("self",)).get(pk=pledge.pk)
            _check_fulfilment(
                pledge=pledge, donor=donor, kind=kind, date=date, currency=currency, amount=amount
            )
            # A commitment or receipt is earmarked as the pledge it fulfils.
            earmark, earmarked_instrument = pledge.earmark, pledge.earmarked_instrument
            earmarked_region, earmarked_country = pledge.earmarked_region, pledge.earmarked_country
            needs = list(pledge.earmarked_needs.all())
        else:
            _check_earmark(earmark, earmarked_instrument, earmarked_region, earmarked_country, needs)
        contribution = Contribution(
            donor=donor,
            kind=kind,
            date=date,
            currency=currency,
            amount=amount,
            rate=rate,
            rate_month=rate_month,
            amount_usd=amount_usd,
            pledge=pledge,
            earmark=earmark,
            earmarked_instrument=earmarked_instrument if earmark == Earmark.INSTRUMENT else None,
            earmarked_region=earmarked_region if earmark == Earmark.REGION else "",
            earmarked_country=earmarked_country if earmark == Earmark.COUNTRY else None,
            reference=(reference or "").strip()[:120],
            note=(note or "").strip()[:10_000],
            created_by=by,
        )
        contribution.full_clean(exclude=["earmarked_needs"])
        contribution.save()
        if earmark == Earmark.NEEDS:
            contribution.earmarked_needs.set(needs)
        audit_record(
            actor=by,
            action=f"contribution.{kind}",
            target=contribution,
            summary=f"{donor}: {kind} of {amount} {currency} (= {amount_usd} USD at {rate}) on {date}"[:255],
            data={
                "amount": str(amount),
                "currency": currency,
                "rate": str(rate),
                "rate_month": rate_month.isoformat(),
                "amount_usd": str(amount_usd),
                "pledge": pledge.pk if pledge else None,
                "earmark": earmark,
            },
            ip_address=ip_address,
        )
    return contribution


def _check_fulfilment(
    *, pledge: Contribution, donor: Provider, kind: str, date: date, currency: str, amount: Decimal
):
    if pledge.kind != Contribution.Kind.PLEDGE:
        raise ValidationError({"pledge": _("Only a pledge can be fulfilled.")})
    if pledge.donor_id != donor.pk:
        raise ValidationError({"pledge": _("This pledge was made by another donor.")})
    if pledge.currency != currency:
        raise ValidationError(
            {
                "currency": _("The pledge is in %(currency)s: record its fulfilment in the same currency.")
                % {"currency": pledge.currency}
            }
        )
    if date < pledge.date:
        raise ValidationError({"date": _("A fulfilment cannot be dated before its pledge.")})
    already = pledge.fulfilments.filter(kind=kind).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    if already + amount > pledge.amount:
        raise ValidationError(
            {
                "amount": _(
                    "This is more than the pledge: %(pledged)s %(currency)s pledged, %(already)s already "
                    "recorded, so at most %(left)s %(currency)s can be added."
                )
                % {
                    "pledged": pledge.amount,
                    "currency": currency,
                    "already": already,
                    "left": pledge.amount - already,
                }
            }
        )


def _check_earmark(earmark, instrument, region, country, needs) -> None:
    if earmark not in Earmark.values:
        raise ValidationError({"earmark": _("Choose how the contribution is earmarked.")})
    if earmark == Earmark.INSTRUMENT and instrument is None:
        raise ValidationError({"earmarked_instrument": _("Choose the instrument it is earmarked to.")})
    if earmark == Earmark.REGION and region not in RegionalGroup.values:
        raise ValidationError({"earmarked_region": _("Choose the region it is earmarked to.")})
    if earmark == Earmark.COUNTRY and country is None:
        raise ValidationError({"earmarked_country": _("Choose the State it is earmarked to.")})
    if earmark == Earmark.NEEDS:
        if not needs:
            raise ValidationError({"earmarked_needs": _("Choose the needs it is earmarked to.")})
        unshared = [
            n.pk
            for n in needs
            if n.shared_at is None or n.status in (Need.Status.IDENTIFIED, Need.Status.WITHDRAWN)
        ]
        if unshared:
            raise ValidationError(
                {
                    "earmarked_needs": _("Only needs their State has shared can be earmarked (not: %(ids)s).")
                    % {"ids": ", ".join(map(str, unshared))}
                }
            )
