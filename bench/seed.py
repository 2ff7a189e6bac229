"""A full reporting cycle in the database, for benchmarks and demonstrations: the 198 States of the
reference data plus invented ones up to 200, the shipped questionnaire, every question answered by every
State (bulk inserts), review comments, and, from the assistance register, needs taken from the assistance
answers, providers, offers and activities, exchange rates and contributions. Deterministic: the same seed
gives the same data.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/omnibus_seed .venv/bin/python bench/seed.py

fills the database named by DATABASE_URL (migrated first; it should be empty). From a benchmark, call
`seed_cycle()` inside `common.throwaway_database()`.
"""

import random
import sys
import time
from datetime import date
from decimal import Decimal

STATES = 200
REPLIED = ("submitted", "under_review", "returned", "resubmitted", "accepted")
# Yes / Yes, in part / No, by obligation level: mandatory provisions are more often implemented.
DISTRIBUTION = {
    "mandatory": (0.62, 0.25, 0.13),
    "consider": (0.40, 0.33, 0.27),
    "optional": (0.30, 0.30, 0.40),
}
CURRENCIES = {
    "USD": Decimal("1"),
    "EUR": Decimal("0.92"),
    "GBP": Decimal("0.79"),
    "JPY": Decimal("151.2"),
    "NOK": Decimal("10.6"),
    "CHF": Decimal("0.88"),
    "SEK": Decimal("10.4"),
}
EXAMPLE = (
    "The national authorities applied these measures in {n} cases last year; prosecutors and judges were "
    "trained and the courts issued guidance on their application. "
)


def _countries(rng):
    from portal.models import Country, RegionalGroup

    countries = list(Country.objects.order_by("iso2"))
    groups = list(RegionalGroup.values)
    taken = {c.iso2 for c in countries}
    free = (f"Z{chr(65 + i)}" for i in range(26) if f"Z{chr(65 + i)}" not in taken)
    for n in range(STATES - len(countries)):
        iso2 = next(free)
        countries.append(
            Country.objects.create(
                iso2=iso2,
                iso3=f"ZZ{iso2[1]}",
                name=f"Benchland {n}",
                name_en=f"Benchland {n}",
                regional_group=groups[n % 5],
            )
        )
    return countries


def _value(question, rng, challenges, kinds, compliance):
    kind = question.kind
    if kind == "compliance":
        return compliance
    if kind == "legislation":
        return [
            {
                "title": rng.choice(
                    [
                        "Penal Code",
                        "Code of Criminal Procedure",
                        "Act on Organized Crime",
                        "Anti-Money-Laundering Act",
                        "Firearms Act",
                    ]
                ),
                "article": str(rng.randint(1, 400)),
                "url": "https://laws.example.org/act/" + str(rng.randint(1000, 9999)),
                "in_force_on": f"{rng.randint(1995, 2024)}-0{rng.randint(1, 9)}-01",
            }
            for _ in range(rng.randint(1, 3))
        ]
    if kind == "long_text":
        return EXAMPLE.format(n=rng.randint(2, 90)) * rng.randint(1, 3)
    if kind == "assistance":
        help_wanted = compliance != "yes" and rng.random() < 0.6
        return {
            "challenges": rng.sample(challenges, rng.randint(1, 3)) if compliance != "yes" else [],
            "challenges_other": "",
            "would_help": "yes" if help_wanted else "no",
            "kinds": rng.sample(kinds, rng.randint(1, 2)) if help_wanted else [],
            "details": "Training of prosecutors and investigators" if help_wanted else "",
            "receiving": rng.choice(["yes", "no"]),
            "received_from": "",
        }
    return ""


def seed_cycle(seed: int = 2026, *, verbose: bool = False) -> dict:
    """Fill the current database with a full cycle; returns what was created (counts and a few objects)."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from portal.models import Role, User
    from surveys.models import Answer as AnswerModel
    from surveys.models import AssistanceKind, ChallengeKind, Comment, Instrument, Questionnaire, Response

    rng = random.Random(seed)
    started = time.perf_counter()

    def say(what):
        if verbose:
            print(f"{time.perf_counter() - started:6.1f} s  {what}", flush=True)

    call_command("load_states", verbosity=0)
    call_command("load_questionnaire", verbosity=0)
    questionnaire = Questionnaire.objects.get(code="omnibus-2026")
    countries = _countries(rng)
    say(f"{len(countries)} States, questionnaire {questionnaire.code}")
    from portal.models import TreatyParticipation

    party = set(TreatyParticipation.objects.filter(status="party").values_list("country_id", "treaty"))
    instruments = list(Instrument.objects.all())
    now = timezone.now()
    responses = Response.objects.bulk_create(
        Response(questionnaire=questionnaire, country=c, status=rng.choice(REPLIED), submitted_at=now)
        for c in countries
    )
    through = Response.extra_instruments.through
    through.objects.bulk_create(
        through(response_id=r.pk, instrument_id=i.pk)
        for r in responses
        for i in instruments
        if (r.country_id, i.code) not in party
    )
    questions = list(
        questionnaire.questions.select_related("provision").order_by("section__position", "position")
    )
    challenges = list(ChallengeKind.objects.values_list("code", flat=True))
    kinds = list(AssistanceKind.objects.values_list("code", flat=True))
    answers = []
    for response in responses:
        lean = rng.uniform(-0.1, 0.1)
        compliance = "yes"
        for question in questions:
            if question.kind == "compliance":
                yes, partial, _no = DISTRIBUTION[question.provision.obligation]
                draw = rng.random()
                compliance = (
                    "yes" if draw < yes + lean else "partial" if draw < yes + lean + partial else "no"
                )
            answers.append(
                AnswerModel(
                    response=response,
                    question=question,
                    value=_value(question, rng, challenges, kinds, compliance),
                    language="en",
                    updated_at=now,
                )
            )
    AnswerModel.objects.bulk_create(answers, batch_size=5000)
    say(f"{len(answers)} answers")
    reviewer = User.objects.create_user(
        "reviewer@seed.example", "seed-passphrase-1", full_name="Seed Reviewer", role=Role.REVIEWER
    )
    comments = []
    for response in responses:
        for question in rng.sample(questions, 6):
            comments.append(
                Comment(
                    response=response,
                    question=question,
                    author=reviewer,
                    body="Please cite the article of the law that implements this provision.",
                    language="en",
                    resolved_at=now if rng.random() < 0.7 else None,
                )
            )
    Comment.objects.bulk_create(comments, batch_size=5000)
    say(f"{len(comments)} comments")
    assistance = _seed_assistance(rng, questionnaire, countries, responses, reviewer, say)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    say("done")
    return {
        "questionnaire": questionnaire,
        "reviewer": reviewer,
        "countries": countries,
        "answers": len(answers),
        "comments": len(comments),
        **assistance,
    }


def _seed_assistance(rng, questionnaire, countries, responses, reviewer, say) -> dict:
    """Needs from the assistance answers, providers, activities, offers, rates and contributions."""
    from assistance.models import Activity, Contribution, ExchangeRate, Need, Offer, Provider
    from surveys.models import Answer, AssistanceKind

    kinds = {k.code: k for k in AssistanceKind.objects.all()}
    providers = [
        Provider.objects.create(name=f"{name}", kind=kind)
        for name, kind in [
            ("Global Justice Fund", "intergovernmental"),
            ("Rule of Law Foundation", "non_governmental"),
            ("Regional Cooperation Bank", "intergovernmental"),
            ("Civic Security Trust", "private"),
        ]
    ]
    donors = [c for c in countries if c.regional_group == "western_european_others"][:12]
    providers += [
        Provider.objects.create(name=f"Government of {c.name}", kind="donor_state", country=c) for c in donors
    ]
    say(f"{len(providers)} providers")
    rates = []
    for currency, base in CURRENCIES.items():
        for month in range(1, 13):
            for year in (2024, 2025, 2026):
                drift = (
                    Decimal(str(round(1 + rng.uniform(-0.04, 0.04), 4))) if currency != "USD" else Decimal(1)
                )
                rates.append(
                    ExchangeRate(currency=currency, month=date(year, month, 1), units_per_usd=base * drift)
                )
    ExchangeRate.objects.bulk_create(rates)
    rate_of = {(r.currency, r.month): r.units_per_usd for r in rates}
    sections = {}
    needs = []
    answer_rows = Answer.objects.filter(response__in=responses, question__kind="assistance").select_related(
        "question__provision", "question__section", "response"
    )
    for answer in answer_rows.iterator(chunk_size=5000):
        value = answer.value or {}
        if value.get("would_help") != "yes":
            continue
        for code in value.get("kinds") or []:
            status = rng.choices(
                ["identified", "shared", "matched", "in_progress", "met", "withdrawn"], [35, 35, 10, 8, 8, 4]
            )[0]
            sections.setdefault(answer.question.section_id, answer.question.section.instrument_id)
            needs.append(
                Need(
                    country_id=answer.response.country_id,
                    instrument_id=sections[answer.question.section_id],
                    provision=answer.question.provision,
                    kind=kinds[code],
                    description=value.get("details") or "",
                    priority=rng.choice(["high", "medium", "low"]),
                    status=status,
                    source="answer",
                    questionnaire=questionnaire,
                    answer=answer,
                    shared_at=None if status == "identified" else timezone_now(),
                )
            )
    # Matched, in progress and met needs belong to an activity of one provider for the State.
    activities = {}
    for need in needs:
        if need.status in ("matched", "in_progress", "met"):
            key = need.country_id
            if key not in activities:
                activities[key] = Activity(
                    provider=rng.choice(providers),
                    country_id=key,
                    title="Technical assistance programme",
                    status={"matched": "planned", "in_progress": "in_progress", "met": "completed"}[
                        need.status
                    ],
                    starts_on=date(2025, rng.randint(1, 12), 1),
                    created_by=reviewer,
                )
    Activity.objects.bulk_create(list(activities.values()))
    for need in needs:
        if need.status in ("matched", "in_progress", "met"):
            need.activity = activities[need.country_id]
    Need.objects.bulk_create(needs, batch_size=5000)
    say(f"{len(needs)} needs, {len(activities)} activities")
    shared = [n for n in needs if n.status == "shared"][:400]
    offers = [
        Offer(
            provider=rng.choice(providers),
            need=need,
            message="We can help.",
            status="open",
            created_by=reviewer,
        )
        for need in shared
    ]
    Offer.objects.bulk_create(offers)
    contributions = []
    for donor in providers:
        currency = rng.choice(list(CURRENCIES))
        for year in (2024, 2025, 2026):
            month = date(year, rng.randint(1, 12 if year < 2026 else 5), 1)
            amount = Decimal(rng.randint(50, 2000) * 1000)
            rate = rate_of[(currency, month)]
            earmark = rng.choice(["unearmarked", "unearmarked", "instrument", "region"])
            pledge = Contribution(
                donor=donor,
                kind="pledge",
                date=month,
                currency=currency,
                amount=amount,
                rate=rate,
                rate_month=month,
                amount_usd=(amount / rate).quantize(Decimal("0.01")),
                earmark=earmark,
                earmarked_region="african" if earmark == "region" else "",
                earmarked_instrument_id=None
                if earmark != "instrument"
                else questionnaire.sections.first().instrument_id,
                created_by=reviewer,
            )
            pledge.save()
            contributions.append(pledge)
            for part in range(rng.randint(0, 2)):
                paid_month = date(min(year + part, 2026), rng.randint(1, 5), 1)
                paid = (amount / 2).quantize(Decimal("1"))
                paid_rate = rate_of[(currency, paid_month)]
                contributions.append(
                    Contribution.objects.create(
                        donor=donor,
                        kind="receipt",
                        date=paid_month,
                        currency=currency,
                        amount=paid,
                        rate=paid_rate,
                        rate_month=paid_month,
                        amount_usd=(paid / paid_rate).quantize(Decimal("0.01")),
                        pledge=pledge,
                        earmark=pledge.earmark,
                        earmarked_region=pledge.earmarked_region,
                        earmarked_instrument_id=pledge.earmarked_instrument_id,
                        created_by=reviewer,
                    )
                )
    say(f"{len(offers)} offers, {len(contributions)} contributions")
    return {"needs": len(needs), "activities": len(activities), "contributions": len(contributions)}


def timezone_now():
    from django.utils import timezone

    return timezone.now()


if __name__ == "__main__":
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))
    from common import setup_django

    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    result = seed_cycle(int(sys.argv[1]) if len(sys.argv) > 1 else 2026, verbose=True)
    print({k: v for k, v in result.items() if isinstance(v, int)})
