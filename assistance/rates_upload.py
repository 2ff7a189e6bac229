"""Uploading one month's operational rates of exchange as a CSV file (columns: currency, units_per_usd).

All rows are applied, through `exchange_rate_set`, or none: every row is checked, the errors are listed with
their line numbers, and any error rolls the whole file back.
"""

import csv
from dataclasses import dataclass
from datetime import date
from io import StringIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.models import User

from . import permissions
from .forms import STRICT_DECIMAL
from .services.contributions import exchange_rate_set

MAX_BYTES = 1_000_000
COLUMNS = ("currency", "units_per_usd")


@dataclass
class RowError:
    line: int
    message: str


class RatesRejected(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__(errors)
        self.errors = errors


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


def _rows(content: bytes) -> list[tuple[int, dict]]:
    if len(content) > MAX_BYTES:
        raise RatesRejected([RowError(0, _("The file is larger than 1 MB."))])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RatesRejected([RowError(0, _("The file is not UTF-8 text."))]) from None
    sample = text[:2048]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(StringIO(text), dialect=dialect)
    headers = [(h or "").strip().lower() for h in reader.fieldnames or []]
    if not all(column in headers for column in COLUMNS):
        raise RatesRejected(
            [RowError(1, _("The first line must name the columns: currency, units_per_usd."))]
        )
    reader.fieldnames = headers
    rows = []
    for row in reader:
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue
        rows.append((reader.line_num, row))
    if not rows:
        raise RatesRejected([RowError(0, _("The file has no rates."))])
    return rows


def rates_upload(*, by: User, month: date, content: bytes, ip_address: str | None = None) -> int:
    """Apply every rate of the file for `month`; returns how many rows were applied, or raises
    RatesRejected listing every row's problem (nothing is then saved)."""
    if not permissions.can_manage_rates(by):
        raise PermissionDenied(_("Only the Secretariat maintains the rates of exchange."))
    rows = _rows(content)
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    with transaction.atomic():
        for line, row in rows:
            currency = (row.get("currency") or "").strip().upper()
            if currency in seen:
                errors.append(
                    RowError(
                        line,
                        _("%(currency)s is already on line %(line)s.")
                        % {"currency": currency, "line": seen[currency]},
                    )
                )
                continue
            seen[currency] = line
            value = (row.get("units_per_usd") or "").strip()
            if not STRICT_DECIMAL.match(value):
                errors.append(
                    RowError(
                        line,
                        _("“%(value)s” is not a rate: type digits with a decimal point, e.g. 0.925.")
                        % {"value": value[:40]},
                    )
                )
                continue
            try:
                with transaction.atomic():
                    exchange_rate_set(
                        by=by,
                        currency=currency,
                        month=month,
                        units_per_usd=value,
                        ip_address=ip_address,
                    )
            except ValidationError as error:
                errors.append(RowError(line, _messages(error)))
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise RatesRejected(errors)
    return len(rows)
