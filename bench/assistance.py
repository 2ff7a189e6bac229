"""Server time of the assistance pages and exports with a full load: 200 States with 15 needs each (half of
them shared), offers, activities and 2,000 contributions.

    .venv/bin/python bench/assistance.py                       # embedded SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/omnibus .venv/bin/python bench/assistance.py

Prints median and 95th percentile (ms) and the queries each request costs.
"""

import datetime
import random
from decimal import Decimal

from common import count_queries, machine, setup_django, summary, throwaway_database, timed

setup_django()

STATES = 200
NEEDS_PER_STATE = 15
PROVIDERS = 40
CONTRIBUTIONS = 2000


def seed(rng):
    from django.db import connection
    from django.utils import timezone

    from assistance.models import Activity, Contribution, Need, Offer, Provider
    from portal.models import Country, RegionalGroup, Role, User
    from surveys.models import AssistanceKind, Instrument, Provision

    countries = list(Country.objects.order_by("iso2"))
    groups = list(RegionalGroup.values)
    taken = {c.iso2 for c in countries}
    free = (f"Z{chr(65 + i)}" for i in range(26) if f"Z{chr(65 + i)}" not in taken)
    for n in range(STATES - len(countries)):
        iso2 = next(free)
        countries.append(
            Country.objects.create(
                iso2=iso2, iso3=f"ZZ{iso2[1]}", name=f"Benchland {n}", regional_group=groups[n % 5]
            )
        )
    countries = countries[:STATES]
    kinds = list(AssistanceKind.objects.all()) or [
        AssistanceKind.objects.create(code=f"kind-{i}", label=f"Kind {i}", position=i) for i in range(8)
    ]
    provisions = list(Provision.objects.select_related("article")[:300])
    instruments = {i.pk: i for i in Instrument.objects.all()}
    providers = Provider.objects.bulk_create(
        Provider(name=f"Bench fund {i}", kind=Provider.Kind.INTERGOVERNMENTAL) for i in range(PROVIDERS)
    )
    now = timezone.now()
    needs = []
    for country in countries:
        for _ in range(NEEDS_PER_STATE):
            provision = rng.choice(provisions)
            shared = rng.random() < 0.5
            needs.append(
                Need(
                    country=country,
                    instrument=instruments[provision.article.instrument_id],
                    provision=provision,
                    kind=rng.choice(kinds),
                    description="Training of prosecutors and investigators. " * rng.randint(1, 4),
                    priority=rng.choice(("high", "medium", "low")),
                    status="shared" if shared else "identified",
                    shared_at=now if shared else None,
                    source="secretariat",
                )
            )
    needs = Need.objects.bulk_create(needs)
    shared = [n for n in needs if n.status == "shared"]
    offers, activities = [], []
    for need in rng.sample(shared, len(shared) // 3):
        offers.append(Offer(provider=rng.choice(providers), need=need, message="Two workshops next year."))
    Offer.objects.bulk_create(offers)
    matched = rng.sample(shared, len(shared) // 5)
    activities = Activity.objects.bulk_create(
        Activity(title=f"Activity {i}", provider=rng.choice(providers), country=need.country)
        for i, need in enumerate(matched)
    )
    for need, activity in zip(matched, activities, strict=True):
        need.activity, need.status = activity, "matched"
    Need.objects.bulk_update(matched, ["activity", "status"])
    Contribution.objects.bulk_create(
        Contribution(
            donor=rng.choice(providers),
            kind=rng.choice(("pledge", "commitment", "receipt")),
            date=datetime.date(2020 + i % 6, 1 + i % 12, 1 + i % 28),
            currency="USD",
            amount=Decimal(rng.randint(1000, 5_000_000)),
            rate=Decimal(1),
            rate_month=datetime.date(2020 + i % 6, 1 + i % 12, 1),
            amount_usd=Decimal(rng.randint(1000, 5_000_000)),
        )
        for i in range(CONTRIBUTIONS)
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    reviewer = User.objects.create_user(
        "reviewer@bench.example", "bench-passphrase-1", full_name="Bench", role=Role.REVIEWER
    )
    provider = User.objects.create_user(
        "donor@bench.example",
        "bench-passphrase-1",
        full_name="Donor",
        role=Role.PROVIDER,
        provider=providers[0],
    )
    return reviewer, provider, len(needs)


def main(page_repeat=20, export_repeat=3):
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from tests.access.otp import mark_verified

    with throwaway_database():
        call_command("load_states", verbosity=0)
        call_command("load_questionnaire", verbosity=0)
        reviewer, provider, need_count = seed(random.Random(2026))
        secretariat, donor = Client(), Client()
        secretariat.force_login(reviewer)
        mark_verified(secretariat, reviewer)
        donor.force_login(provider)

        def get(client, url):
            reply = client.get(url)
            assert reply.status_code == 200, (url, reply.status_code)
            return len(reply.content)

        needs = reverse("assistance:need_list")
        results = []
        for label, client, url, repeat in (
            ("GET needs list (Secretariat, page 1)", secretariat, needs, page_repeat),
            ("GET needs list (Secretariat, page 40)", secretariat, f"{needs}?page=40", page_repeat),
            (
                "GET shared needs (provider, high, African)",
                donor,
                f"{needs}?priority=high&region=african",
                page_repeat,
            ),
            ("GET offers (Secretariat)", secretariat, reverse("assistance:offer_list"), page_repeat),
            ("GET activities (Secretariat)", secretariat, reverse("assistance:activity_list"), page_repeat),
            (
                "GET contributions (Secretariat)",
                secretariat,
                reverse("assistance:contribution_list"),
                page_repeat,
            ),
            ("GET coverage (Secretariat)", secretariat, reverse("assistance:coverage"), page_repeat),
            (
                "GET needs CSV export (fr, all)",
                secretariat,
                reverse("assistance:export", args=["needs", "csv"]) + "?language=fr",
                export_repeat,
            ),
            (
                "GET needs XLSX export (fr, all)",
                secretariat,
                reverse("assistance:export", args=["needs", "xlsx"]) + "?language=fr",
                export_repeat,
            ),
            (
                "GET contributions XLSX export (en)",
                secretariat,
                reverse("assistance:export", args=["contributions", "xlsx"]) + "?language=en",
                export_repeat,
            ),
        ):
            with count_queries() as queries:
                size = get(client, url)
            samples = timed(lambda client=client, url=url: get(client, url), repeat)
            results.append((summary(label, samples, queries["n"]), size))
        print(f"Machine: {machine()}")
        print(
            f"Load: {STATES} States, {need_count} needs, {PROVIDERS} providers, {CONTRIBUTIONS} contributions"
        )
        for line, size in results:
            print(f"{line}  {size / 1024:,.0f} KiB")


if __name__ == "__main__":
    main()
