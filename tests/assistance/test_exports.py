"""Exports of needs, activities and contributions: the page's rows only, in the chosen language, guarded
against formulas, with exact amounts."""

import csv
import datetime
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst
from openpyxl import load_workbook

from assistance.models import Contribution, Need, Priority
from portal.models import AuditEvent
from tests.factories import ProviderFactory

from .factories import ActivityFactory, ContributionFactory, NeedFactory

pytestmark = pytest.mark.django_db


def export(client, name, file_format="csv", **params):
    return client.get(reverse("assistance:export", args=[name, file_format]), {"language": "en", **params})


def csv_rows(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(StringIO(text[1:])))


def test_a_formula_in_a_description_is_guarded_in_csv_and_xlsx(client, reviewer, state_a):
    NeedFactory(country=state_a, description='=HYPERLINK("http://evil.example","click")')
    client.force_login(reviewer)
    header, row = csv_rows(export(client, "needs"))
    description = row[header.index("Description")]
    assert description == '\'=HYPERLINK("http://evil.example","click")'
    sheet = load_workbook(BytesIO(export(client, "needs", "xlsx").content)).active
    values = [cell.value for cell in sheet[2]]
    assert '\'=HYPERLINK("http://evil.example","click")' in values
    assert all(not (isinstance(v, str) and v.startswith("=")) for v in values)


def test_needs_export_follows_the_scope_and_the_filters(client, provider_user, focal_point, state_a, state_b):
    shared_a = NeedFactory(country=state_a, shared=True, priority="high", description="Shared A")
    NeedFactory(country=state_a, description="Private A")
    NeedFactory(country=state_b, shared=True, priority="low", description="Shared B")
    client.force_login(provider_user)
    header, *rows = csv_rows(export(client, "needs"))
    assert {row[header.index("Description")] for row in rows} == {"Shared A", "Shared B"}
    header, *rows = csv_rows(export(client, "needs", priority="high"))
    assert [row[0] for row in rows] == [str(shared_a.pk)]
    client.force_login(focal_point)
    header, *rows = csv_rows(export(client, "needs"))
    assert {row[header.index("Description")] for row in rows} == {"Shared A", "Private A"}


def test_headers_and_labels_follow_the_chosen_language(client, reviewer, state_a):
    NeedFactory(country=state_a, priority="high")
    client.force_login(reviewer)
    english_header, english = csv_rows(export(client, "needs"))
    french_header, french = csv_rows(export(client, "needs", language="fr"))
    assert english_header[1] == "State" and english[english_header.index("Priority")] == "High"
    with translation.override("fr"):
        assert french_header[1] == capfirst(str(Need._meta.get_field("country").verbose_name)) != "State"
        assert french[english_header.index("Priority")] == str(Priority.HIGH.label)


def test_an_unknown_language_falls_back_to_the_page_language(client, reviewer, state_a):
    NeedFactory(country=state_a)
    client.force_login(reviewer)
    response = export(client, "needs", language="xx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="assistance-needs-en.csv"'


def test_contribution_amounts_are_exact_decimals(client, reviewer):
    donor = ProviderFactory(name="Japan")
    ContributionFactory(
        donor=donor,
        kind=Contribution.Kind.RECEIPT,
        currency="JPY",
        amount=Decimal("12345678"),
        rate=Decimal("151.230000"),
        amount_usd=Decimal("81634.06"),
    )
    ContributionFactory(donor=donor, amount=Decimal("0.10"), amount_usd=Decimal("0.10"))
    client.force_login(reviewer)
    header, *rows = csv_rows(export(client, "contributions"))
    amounts = {(row[header.index("Currency")], row[header.index("Amount")]) for row in rows}
    assert amounts == {("JPY", "12345678"), ("USD", "0.10")}
    assert {row[header.index("Amount in US dollars")] for row in rows} == {"81634.06", "0.10"}
    sheet = load_workbook(BytesIO(export(client, "contributions", "xlsx").content)).active
    header = [cell.value for cell in sheet[1]]
    amount_cells = [row[header.index("Amount")] for row in sheet.iter_rows(min_row=2)]
    assert {cell.value for cell in amount_cells} == {12345678, 0.1}
    assert {cell.number_format for cell in amount_cells} == {"#,##0", "#,##0.00"}
    dates = [row[header.index("Value date")].value for row in sheet.iter_rows(min_row=2)]
    assert all(isinstance(d, datetime.datetime) for d in dates)


def test_contributions_export_is_the_providers_own_only(client, provider_user):
    ContributionFactory(donor=provider_user.provider, reference="OWN-1")
    ContributionFactory(reference="OTHER-1")
    client.force_login(provider_user)
    header, *rows = csv_rows(export(client, "contributions"))
    assert [row[header.index("Reference")] for row in rows] == ["OWN-1"]


def test_activities_export_is_scoped(client, provider_user, other_focal_point, state_a):
    ActivityFactory(provider=provider_user.provider, country=state_a, title="Ours")
    ActivityFactory(title="Theirs")
    client.force_login(provider_user)
    header, *rows = csv_rows(export(client, "activities", "csv"))
    assert [row[header.index("Title")] for row in rows] == ["Ours"]
    client.force_login(other_focal_point)
    header, *rows = csv_rows(export(client, "activities", "csv"))
    assert rows == []


def test_exports_are_audited_and_unknown_ones_are_404(client, reviewer):
    client.force_login(reviewer)
    export(client, "activities", "xlsx")
    event = AuditEvent.objects.get(action="assistance.exported")
    assert event.data == {"export": "activities", "format": "xlsx", "language": "en", "rows": 0}
    assert export(client, "users").status_code == 404
    assert export(client, "needs", "pdf").status_code == 404
