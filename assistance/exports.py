"""Needs, activities and contributions as CSV or XLSX, in a chosen language, scoped like the pages.

Each export starts from the same `*_visible_to(user)` selector as its page. Headers and choice labels are
written in the chosen language; every text cell goes through the offline workbook's `guard`, so that no
spreadsheet program runs a description as a formula. Amounts stay exact decimals: strings in CSV, Decimal
cells with a number format in XLSX. Every export is recorded in the audit trail.
"""

import csv
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO, StringIO

from babel.numbers import get_currency_precision
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from portal.audit import audit_record
from portal.models import User
from surveys.exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE
from surveys.services.offline import CELL_LIMIT, guard

from . import selectors
from .models import Activity, Contribution, Need

__all__ = ["CSV_CONTENT_TYPE", "XLSX_CONTENT_TYPE", "EXPORTS", "export_csv", "export_xlsx"]


class Amount(Decimal):
    """A money amount: written as an exact decimal with two or three decimals in XLSX."""


@dataclass(frozen=True)
class Column:
    header: object  # a lazy string, translated when the export is written
    value: object  # callable(row) -> str | int | date | Decimal | None


def _in_minor_units(amount: Decimal, currency: str) -> Decimal:
    """The amount with its currency's decimals (exact: the service refused more)."""
    return amount.quantize(Decimal(1).scaleb(-get_currency_precision(currency)))


def _label(model, field: str):
    return model._meta.get_field(field).verbose_name


def _need_columns():
    return [
        Column("id", lambda n: n.pk),
        Column(_label(Need, "country"), lambda n: n.country.name),
        Column("iso3", lambda n: n.country.iso3),
        Column(_label(Need, "instrument"), lambda n: n.instrument.short_title),
        Column(_label(Need, "provision"), lambda n: n.provision.code if n.provision_id else ""),
        Column(_label(Need, "kind"), lambda n: n.kind.label),
        Column(_label(Need, "description"), lambda n: n.description),
        Column(_label(Need, "priority"), lambda n: n.get_priority_display()),
        Column(_label(Need, "status"), lambda n: n.get_status_display()),
        Column(_label(Need, "source"), lambda n: n.get_source_display()),
        Column(_label(Need, "shared_at"), lambda n: n.shared_at.date() if n.shared_at else None),
        Column(_label(Need, "activity"), lambda n: n.activity.title if n.activity_id else ""),
        Column(_label(Activity, "provider"), lambda n: n.activity.provider.name if n.activity_id else ""),
    ]


def _activity_columns():
    return [
        Column("id", lambda a: a.pk),
        Column(_label(Activity, "title"), lambda a: a.title),
        Column(_label(Activity, "provider"), lambda a: a.provider.name),
        Column(_label(Activity, "country"), lambda a: a.country.name),
        Column("iso3", lambda a: a.country.iso3),
        Column(_label(Activity, "status"), lambda a: a.get_status_display()),
        Column(_label(Activity, "starts_on"), lambda a: a.starts_on),
        Column(_label(Activity, "ends_on"), lambda a: a.ends_on),
        Column(_label(Need, "description"), lambda a: a.description),
        Column(Need._meta.verbose_name_plural, lambda a: a.need_count),
    ]


def _contribution_columns():
    return [
        Column("id", lambda c: c.pk),
        Column(_label(Contribution, "donor"), lambda c: c.donor.name),
        Column(_label(Contribution, "kind"), lambda c: c.get_kind_display()),
        Column(_label(Contribution, "date"), lambda c: c.date),
        Column(_label(Contribution, "currency"), lambda c: c.currency),
        Column(_label(Contribution, "amount"), lambda c: Amount(_in_minor_units(c.amount, c.currency))),
        Column(_label(Contribution, "rate"), lambda c: c.rate),
        Column(_label(Contribution, "rate_month"), lambda c: c.rate_month.strftime("%Y-%m")),
        Column(_label(Contribution, "amount_usd"), lambda c: Amount(c.amount_usd)),
        Column(_label(Contribution, "pledge"), lambda c: c.pledge_id or ""),
        Column(_label(Contribution, "earmark"), lambda c: c.get_earmark_display()),
        Column(
            _("earmarked to"),
            lambda c: (
                c.earmarked_instrument.short_title
                if c.earmarked_instrument_id
                else c.get_earmarked_region_display()
                if c.earmarked_region
                else c.earmarked_country.name
                if c.earmarked_country_id
                else " ".join(f"#{n.pk}" for n in c.earmarked_needs.all())
            ),
        ),
        Column(_label(Contribution, "reference"), lambda c: c.reference),
        Column(_label(Contribution, "note"), lambda c: c.note),
    ]


def _needs(user: User) -> QuerySet:
    return selectors.needs_visible_to(user)


def _activities(user: User) -> QuerySet:
    return selectors.activities_visible_to(user).order_by("-created_at", "-pk")


def _contributions(user: User) -> QuerySet:
    return selectors.contributions_visible_to(user).prefetch_related("earmarked_needs")


# name → (columns, rows for a user); the views may narrow the rows further (filters) but never widen them.
EXPORTS = {
    "needs": (_need_columns, _needs),
    "activities": (_activity_columns, _activities),
    "contributions": (_contribution_columns, _contributions),
}


def _check(name: str, language: str) -> None:
    if name not in EXPORTS:
        raise ValidationError(_("There is no such export."))
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("This language is not offered."))


def _plain(value):
    """A cell value: texts guarded, dates and numbers as they are."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date | Decimal | int):
        return value
    return guard(str(value))


def _table(name: str, user: User, language: str, rows=None) -> tuple[list[str], list[list]]:
    columns_of, rows_for = EXPORTS[name]
    rows = rows if rows is not None else rows_for(user)
    with translation.override(language):
        columns = columns_of()
        headers = [guard(capfirst(str(column.header))) for column in columns]
        table = [[_plain(column.value(row)) for column in columns] for row in rows]
    return headers, table


def _record(*, name: str, user: User, language: str, file_format: str, count: int, ip_address) -> None:
    audit_record(
        actor=user,
        action="assistance.exported",
        summary=f"Exported {count} {name} as {file_format.upper()} ({language})",
        data={"export": name, "format": file_format, "language": language, "rows": count},
        ip_address=ip_address,
    )


def export_csv(name: str, *, user: User, language: str, rows=None, ip_address: str | None = None) -> str:
    """The export as CSV text (with a byte-order mark, for spreadsheet programs to read UTF-8)."""
    _check(name, language)
    headers, table = _table(name, user, language, rows)
    buffer = StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in table:
        writer.writerow([v.isoformat() if isinstance(v, date) else str(v) for v in row])
    _record(
        name=name, user=user, language=language, file_format="csv", count=len(table), ip_address=ip_address
    )
    return "\ufeff" + buffer.getvalue()


def export_xlsx(name: str, *, user: User, language: str, rows=None, ip_address: str | None = None) -> bytes:
    """The export as an XLSX workbook of one sheet."""
    _check(name, language)
    headers, table = _table(name, user, language, rows)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=name)
    sheet.freeze_panes = "A2"
    sheet.append(headers)
    for row in table:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, Amount):
                cell.value = Decimal(value)
                places = -value.as_tuple().exponent
                cell.number_format = "#,##0" + ("." + "0" * places if places > 0 else "")
            elif isinstance(value, Decimal):
                cell.number_format = "0.000000"
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, str) and len(value) > CELL_LIMIT:
                cell.value = value[:CELL_LIMIT]
            cells.append(cell)
        sheet.append(cells)
    buffer = BytesIO()
    workbook.save(buffer)
    _record(
        name=name, user=user, language=language, file_format="xlsx", count=len(table), ip_address=ip_address
    )
    return buffer.getvalue()


def export_filename(name: str, language: str, extension: str) -> str:
    return f"assistance-{name}-{language}.{extension}"
