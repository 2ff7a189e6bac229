"""Technical assistance forms with hostile input: recording a need, its priority, sharing and withdrawal,
offers, activities, contributions with amounts and currencies, and the rates CSV upload. Never a server
error; a refusal changes nothing; amounts are kept exactly; descriptions are text."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from assistance.models import Activity, Contribution, ExchangeRate, Need, Offer
from portal.models import AuditEvent, Role

from .checks import assert_escaped_in, assert_inert, rows
from .strategies import MARKUP, csv_text, date_text, examples, file_bytes, hostile_text, number_text

pytestmark = pytest.mark.django_db

TABLES = (Need, Offer, Activity, Contribution, ExchangeRate, AuditEvent)
marked_up = st.builds(
    lambda a, markup: f"{a} {markup}", st.text("abc", min_size=1, max_size=5), st.sampled_from(MARKUP)
)
text = st.one_of(hostile_text, marked_up)


def pk_or(strategy, pk):
    return st.one_of(st.just(str(pk)), strategy)


def _refused(reply) -> bool:
    return reply.status_code != 302 or any(m.level_tag == "error" for m in get_messages(reply.wsgi_request))


def _post(client, url_name, args, form):
    before = rows(*TABLES)
    reply = client.post(reverse(f"assistance:{url_name}", args=args), form)
    assert reply.status_code in (200, 302, 400, 403, 404), reply.status_code
    if _refused(reply):
        assert rows(*TABLES) == before, url_name
        if reply.get("Content-Type", "").startswith("text/html"):
            assert_inert(reply.content.decode())
    return reply


@examples(12)
@given(data=st.data())
def test_recording_a_need(world, as_role, data):
    kind = world.need.kind
    form = {
        "country": data.draw(pk_or(hostile_text, world.country.pk)),
        "instrument": data.draw(pk_or(number_text, world.need.instrument_id)),
        "provision": data.draw(st.one_of(st.just(""), pk_or(number_text, world.need.provision_id))),
        "kind": data.draw(pk_or(number_text, kind.pk)),
        "description": data.draw(text, label="description"),
        "priority": data.draw(st.one_of(st.sampled_from(("high", "medium", "low")), hostile_text)),
    }
    client = as_role(Role.REVIEWER)
    reply = _post(client, "need_create", [], form)
    if not _refused(reply):
        need = Need.objects.latest("pk")
        assert_escaped_in(client.get(reply["Location"]).content.decode(), need.description)


@pytest.mark.parametrize(
    ("url_name", "role", "fields"),
    [
        (
            "need_priority",
            Role.FOCAL_POINT,
            {"priority": st.one_of(st.sampled_from(("high", "low")), hostile_text)},
        ),
        ("need_priority", Role.REVIEWER, {"priority": hostile_text}),
        ("need_withdraw", Role.FOCAL_POINT, {"reason": text}),
        ("need_share", Role.FOCAL_POINT, {"confirm": text}),
        ("need_unshare", Role.FOCAL_POINT, {"note": text}),
        ("need_reopen", Role.FOCAL_POINT, {"reason": text}),
        ("offer_make", Role.PROVIDER, {"message": text}),
        ("offer_make", Role.FOCAL_POINT, {"message": text}),
    ],
)
@examples(6)
@given(data=st.data())
def test_need_actions(world, as_role, url_name, role, fields, data):
    form = {name: data.draw(strategy, label=name) for name, strategy in fields.items()}
    client = as_role(role)
    reply = _post(client, url_name, [world.need.pk], form)
    if not _refused(reply):
        assert_inert(client.get(reverse("assistance:need_detail", args=[world.need.pk])).content.decode())


@pytest.mark.parametrize(
    ("url_name", "role", "fields"),
    [
        ("offer_decline", Role.FOCAL_POINT, {"note": text}),
        ("offer_withdraw", Role.PROVIDER, {"reason": text}),
        (
            "offer_match",
            Role.REVIEWER,
            {
                "title": text,
                "description": text,
                "starts_on": date_text,
                "ends_on": date_text,
                "needs": number_text,
            },
        ),
    ],
)
@examples(6)
@given(data=st.data())
def test_offer_actions(world, as_role, url_name, role, fields, data):
    form = {name: data.draw(strategy, label=name) for name, strategy in fields.items()}
    _post(as_role(role), url_name, [world.offer.pk], form)


@examples(12)
@given(data=st.data())
def test_activity_forms(world, as_role, data):
    client = as_role(Role.REVIEWER)
    form = {
        "provider": data.draw(pk_or(number_text, world.activity.provider_id)),
        "country": data.draw(pk_or(hostile_text, world.country.pk)),
        "title": data.draw(text, label="title"),
        "description": data.draw(text, label="description"),
        "starts_on": data.draw(date_text, label="starts_on"),
        "ends_on": data.draw(date_text, label="ends_on"),
        "needs": data.draw(st.lists(pk_or(number_text, world.need.pk), max_size=2)),
    }
    reply = _post(client, "activity_create", [], form)
    if not _refused(reply):
        assert_escaped_in(client.get(reply["Location"]).content.decode(), Activity.objects.latest("pk").title)
    status = {"status": data.draw(st.one_of(st.sampled_from(Activity.Status.values), hostile_text))}
    _post(client, "activity_status", [world.activity.pk], status)
    needs = {"needs": data.draw(st.lists(pk_or(number_text, world.need.pk), max_size=2))}
    _post(client, "activity_add_needs", [world.activity.pk], needs)


currencies = st.one_of(st.sampled_from(("USD", "EUR", "JPY", "KWD", "usd", "XXX", "US$", "€")), hostile_text)


@examples(20)
@given(data=st.data())
def test_a_contribution_is_refused_or_kept_with_its_exact_amount(world, as_role, data):
    amount = data.draw(st.one_of(number_text, st.decimals(min_value=0, max_value=10**12, places=2).map(str)))
    form = {
        "donor": data.draw(pk_or(number_text, world.contribution.donor_id)),
        "kind": data.draw(st.one_of(st.sampled_from(Contribution.Kind.values), hostile_text)),
        "date": data.draw(st.one_of(st.just("2026-01-20"), date_text)),
        "currency": data.draw(currencies, label="currency"),
        "amount": amount,
        "earmark": data.draw(st.one_of(st.just("unearmarked"), hostile_text)),
        "reference": data.draw(text, label="reference"),
        "note": data.draw(text, label="note"),
    }
    client = as_role(Role.ADMINISTRATOR)
    reply = _post(client, "contribution_create", [], form)
    if not _refused(reply):
        contribution = Contribution.objects.latest("pk")
        assert contribution.amount == Decimal(amount)
        page = client.get(reply["Location"]).content.decode()
        assert_inert(page)


@examples(15)
@given(
    content=st.one_of(csv_text(), file_bytes),
    month=st.one_of(st.just("2026-03"), date_text),
    action=st.one_of(st.sampled_from(("upload", "set")), hostile_text),
    currency=currencies,
    rate=number_text,
)
def test_the_rates_upload_applies_every_row_or_none(world, as_role, content, month, action, currency, rate):
    client = as_role(Role.REVIEWER)
    form = {
        "action": action,
        "month": month,
        "file": SimpleUploadedFile("rates.csv", content, content_type="text/csv"),
        "currency": currency,
        "units_per_usd": rate,
    }
    before = rows(ExchangeRate, AuditEvent)
    reply = client.post(reverse("assistance:rate_list"), form)
    assert reply.status_code in (200, 302, 400)
    if _refused(reply):
        assert rows(ExchangeRate, AuditEvent) == before
        assert_inert(reply.content.decode())
