"""A full reporting cycle in the database, for benchmarks and demonstrations: the 198 States of the
reference data plus invented ones up to 200, the shipped questionnaire, every question answered by every
State (bulk inserts), review comments, and, from the assistance register, needs taken from the assistance
answers, providers, offers and activities, exchange rates and contributions. Deterministic: the same seed
gives the same data. Before the current cycle, three cycles of history: the two earlier versions of HISTORY
(omnibus-2022 and omnibus-2024, copied and published with the authoring service, closed, each question
continuing the one before), answered by most States and accepted, compliance drifting towards "yes" from
one cycle to the next, with answer revisions, comments and needs dated in their year, and contributions and
exchange rates from 2022 on.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/omnibus_seed .venv/bin/python bench/seed.py [seed] [--no-history]

fills the database named by DATABASE_URL (migrated first; it should be empty). From a benchmark, call
`seed_cycle()` inside `common.throwaway_database()`: without `history=True` it seeds the current cycle
only, exactly as before the history was added, so that the benchmarks' figures stay comparable.
"""

import random
import sys
import time
from datetime import UTC, date
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


def _countries(rng, states=STATES):
    from portal.models import Country, RegionalGroup

    countries = list(Country.objects.order_by("iso2"))[:states]
    groups = list(RegionalGroup.values)
    taken = {c.iso2 for c in countries}
    free = (f"Z{chr(65 + i)}" for i in range(26) if f"Z{chr(65 + i)}" not in taken)
    for n in range(states - len(countries)):
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


def seed_cycle(
    seed: int = 2026, *, verbose: bool = False, history: bool = False, states: int = STATES
) -> dict:
    """Fill the current database with a full cycle; returns what was created (counts and a few objects).

    With `history`, also the two earlier cycles (HISTORY) that the current one continues, answered and
    accepted, with their revisions, comments, needs, rates and contributions. They use random generators of
    their own, so the current cycle's data is the same with or without them (the benchmarks that measure
    the current cycle call it without). `states` below 198 keeps the first States of the reference data
    (for tests)."""
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
    countries = _countries(rng, states)
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
    earlier = {}
    if history:
        current = {
            (a.response.country_id, a.question.code): a.value
            for a in answers
            if a.question.kind == "compliance"
        }
        earlier = _seed_history(seed, questionnaire, questions, countries, current, reviewer, assistance, say)
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
        **earlier,
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
    return {
        "needs": len(needs),
        "activities": len(activities),
        "contributions": len(contributions),
        "providers": providers,
    }


# The earlier cycles, oldest first: (year, share of the States that replied and were accepted).
HISTORY = ((2022, 0.85), (2024, 0.92))
# Needs of an earlier cycle, by status: most of the old ones are met or withdrawn by now.
HISTORY_NEEDS = {
    2022: (["identified", "shared", "matched", "in_progress", "met", "withdrawn"], [4, 6, 2, 6, 55, 27]),
    2024: (["identified", "shared", "matched", "in_progress", "met", "withdrawn"], [12, 18, 8, 20, 30, 12]),
}
# Chance that a compliance answer was one step less compliant in the cycle before (yes <- partial <- no).
DRIFT = 0.35
LESS = {"yes": "partial", "partial": "no", "no": "no"}


def _moment(rng, year, first_month, last_month):
    from datetime import datetime

    return datetime(
        year,
        rng.randint(first_month, last_month),
        rng.randint(1, 28),
        rng.randint(7, 18),
        rng.randint(0, 59),
        tzinfo=UTC,
    )


def _earlier_questionnaires(current, years):
    """Copies of the current version made with the authoring service, published and closed, then dated
    and chained: the oldest has no previous version, each later one continues the one before, and the
    current version continues the last of them."""
    from datetime import datetime

    from surveys.models import Question, Questionnaire
    from surveys.services.authoring import (
        TRANSLATED_SUFFIXES,
        questionnaire_close,
        questionnaire_copy,
        questionnaire_publish,
    )

    made = []
    source = current
    for year in years:
        version = questionnaire_copy(by=None, source=source, code=f"omnibus-{year}")
        questionnaire_publish(by=None, questionnaire=version)
        questionnaire_close(by=None, questionnaire=version)
        titles = {
            f"title_{suffix}": getattr(version, f"title_{suffix}").replace(
                str(current_year(current)), str(year)
            )
            for suffix in TRANSLATED_SUFFIXES
            if getattr(version, f"title_{suffix}")
        }
        Questionnaire.objects.filter(pk=version.pk).update(
            previous=made[-1] if made else None,
            published_at=datetime(year, 3, 1, 9, 0, tzinfo=UTC),
            deadline=date(year, 9, 30),
            created_at=datetime(year, 1, 15, 9, 0, tzinfo=UTC),
            updated_at=datetime(year, 12, 15, 9, 0, tzinfo=UTC),
            **titles,
        )
        made.append(version)
        source = version
    # Link each version's questions to those of the version before, by code.
    for earlier, later in zip([None, *made], [*made, current], strict=True):
        before = dict(earlier.questions.values_list("code", "pk")) if earlier else {}
        changed = [
            Question(pk=pk, continues_id=before.get(code))
            for pk, code in later.questions.values_list("pk", "code")
        ]
        Question.objects.bulk_update(changed, ["continues"], batch_size=2000)
    Questionnaire.objects.filter(pk=current.pk).update(previous=made[-1])
    for version in made:
        version.refresh_from_db()
    return made


def current_year(questionnaire) -> int:
    return int(questionnaire.code.rsplit("-", 1)[-1])


def _seed_history(seed, current, questions, countries, compliance, reviewer, assistance, say) -> dict:
    """The earlier cycles (HISTORY) before the current one: see seed_cycle()."""
    from datetime import timedelta

    from surveys.models import (
        Answer,
        AnswerRevision,
        AssistanceKind,
        ChallengeKind,
        Comment,
        Instrument,
        Response,
    )

    started = time.perf_counter()
    years = [year for year, _share in HISTORY]
    versions = dict(zip(years, _earlier_questionnaires(current, years), strict=True))
    # Compliance one cycle back is the later cycle's, sometimes one step less compliant.
    levels = {current_year(current): compliance}
    later = compliance
    for year in reversed(years):
        rng = random.Random(seed * 100 + year)
        later = {key: LESS[value] if rng.random() < DRIFT else value for key, value in sorted(later.items())}
        levels[year] = later
    from portal.models import TreatyParticipation

    party = set(TreatyParticipation.objects.filter(status="party").values_list("country_id", "treaty"))
    instruments = list(Instrument.objects.all())
    challenges = list(ChallengeKind.objects.values_list("code", flat=True))
    kinds = list(AssistanceKind.objects.values_list("code", flat=True))
    counts = {}
    for year, share in HISTORY:
        cycle_started = time.perf_counter()
        rng = random.Random(seed * 1000 + year)
        version = versions[year]
        by_code = {q.code: q for q in version.questions.select_related("provision", "section")}
        cycle_questions = [by_code[q.code] for q in questions]
        responses = []
        for country in countries:
            if rng.random() >= share:
                continue
            submitted = _moment(rng, year, 5, 9)  # after publication (1 March) and the drafts
            responses.append(
                Response(
                    questionnaire=version,
                    country=country,
                    status="accepted",
                    submitted_at=submitted,
                    accepted_at=submitted + timedelta(days=rng.randint(10, 60)),
                    submitted_by=None,
                )
            )
        responses = Response.objects.bulk_create(responses)
        for response in responses:
            response.created_at = response.submitted_at - timedelta(days=rng.randint(20, 60))
            response.updated_at = response.accepted_at
        Response.objects.bulk_update(responses, ["created_at", "updated_at"])
        through = Response.extra_instruments.through
        through.objects.bulk_create(
            through(response_id=r.pk, instrument_id=i.pk)
            for r in responses
            for i in instruments
            if (r.country_id, i.code) not in party
        )
        answers, drafts = [], []
        for response in responses:
            level = "yes"
            for question in cycle_questions:
                if question.kind == "compliance":
                    level = levels[year].get((response.country_id, question.code), "no")
                value = _value(question, rng, challenges, kinds, level)
                # One to three saves, the last one a little before the submission.
                saves = rng.choice((1, 1, 2, 3))
                moments = sorted(
                    response.submitted_at - timedelta(days=rng.randint(1, 40), minutes=rng.randint(0, 600))
                    for _ in range(saves)
                )
                answers.append(
                    Answer(
                        response=response,
                        question=question,
                        value=value,
                        language="en",
                        version=saves,
                        updated_at=moments[-1],
                    )
                )
                drafts.append((value, moments))
        Answer.objects.bulk_create(answers, batch_size=5000)
        revisions = []
        for answer, (value, moments) in zip(answers, drafts, strict=True):
            for number, moment in enumerate(moments, start=1):
                earlier = number < len(moments)
                revisions.append(
                    AnswerRevision(
                        answer_id=answer.pk,
                        version=number,
                        value=LESS[value] if earlier and answer.question.kind == "compliance" else value,
                        language="en",
                        source="autosave" if earlier else "form",
                        changed_at=moment,
                    )
                )
        AnswerRevision.objects.bulk_create(revisions, batch_size=5000)
        comments = []
        for response in responses:
            for question in rng.sample(cycle_questions, min(3, len(cycle_questions))):
                comments.append(
                    Comment(
                        response=response,
                        question=question,
                        author=reviewer,
                        body="Please cite the article of the law that implements this provision.",
                        language="en",
                        resolved_at=response.accepted_at - timedelta(days=1),
                    )
                )
        Comment.objects.bulk_create(comments, batch_size=5000)
        for comment in comments:
            comment.created_at = comment.updated_at = comment.response.submitted_at + timedelta(days=3)
        Comment.objects.bulk_update(comments, ["created_at", "updated_at"], batch_size=1000)
        needs, activities = _history_needs(rng, year, version, answers, assistance["providers"], reviewer)
        counts[year] = {
            "responses": len(responses),
            "answers": len(answers),
            "revisions": len(revisions),
            "comments": len(comments),
            "needs": needs,
            "activities": activities,
            "seconds": round(time.perf_counter() - cycle_started, 1),
        }
        say(f"cycle {version.code}: " + ", ".join(f"{n} {what}" for what, n in counts[year].items()))
    contributions = _history_contributions(seed, years, assistance["providers"], reviewer, current)
    say(f"{contributions} contributions in {years[0]}–{years[-1] + 1}")
    return {
        "history_seconds": round(time.perf_counter() - started, 1),
        "history_contributions": contributions,
        **{f"{what}_{year}": n for year, figures in counts.items() for what, n in figures.items()},
    }


def _history_needs(rng, year, questionnaire, answers, providers, reviewer) -> tuple[int, int]:
    """Needs from one earlier cycle's assistance answers, with the activities of those being met."""
    from datetime import timedelta

    from assistance.models import Activity, Need
    from surveys.models import AssistanceKind

    kinds = {k.code: k for k in AssistanceKind.objects.all()}
    statuses, weights = HISTORY_NEEDS[year]
    needs = []
    for answer in answers:
        if answer.question.kind != "assistance":
            continue
        value = answer.value or {}
        if value.get("would_help") != "yes":
            continue
        for code in value.get("kinds") or []:
            status = rng.choices(statuses, weights)[0]
            needs.append(
                Need(
                    country_id=answer.response.country_id,
                    instrument_id=answer.question.section.instrument_id,
                    provision=answer.question.provision,
                    kind=kinds[code],
                    description=value.get("details") or "",
                    priority=rng.choice(["high", "medium", "low"]),
                    status=status,
                    source="answer",
                    questionnaire=questionnaire,
                    answer=answer,
                    shared_at=None
                    if status == "identified"
                    else answer.response.accepted_at + timedelta(days=rng.randint(1, 30)),
                )
            )
    activities = {}
    for need in needs:
        if need.status in ("matched", "in_progress", "met") and need.country_id not in activities:
            activities[need.country_id] = Activity(
                provider=rng.choice(providers),
                country_id=need.country_id,
                title=f"Technical assistance programme {year + 1}",
                status={"matched": "planned", "in_progress": "in_progress", "met": "completed"}[need.status],
                starts_on=date(year + 1, rng.randint(1, 12), 1),
                created_by=reviewer,
            )
    Activity.objects.bulk_create(list(activities.values()))
    for need in needs:
        if need.status in ("matched", "in_progress", "met"):
            need.activity = activities[need.country_id]
    Need.objects.bulk_create(needs, batch_size=5000)
    for need in needs:
        need.created_at = need.updated_at = need.answer.response.accepted_at
    Need.objects.bulk_update(needs, ["created_at", "updated_at"], batch_size=2000)
    return len(needs), len(activities)


def _history_contributions(seed, years, providers, reviewer, questionnaire) -> int:
    """Rates for every month from the first earlier cycle to the year before the current seed's rates, and
    a pledge per donor and year, some paid in one or two receipts (up to the current year)."""
    from assistance.models import Contribution, ExchangeRate

    rng = random.Random(seed * 10 + 7)
    first_seeded = 2024  # _seed_assistance() made the rates of 2024 to 2026.
    rates = []
    for currency, base in CURRENCIES.items():
        for year in range(years[0], first_seeded):
            for month in range(1, 13):
                drift = (
                    Decimal(str(round(1 + rng.uniform(-0.06, 0.06), 4))) if currency != "USD" else Decimal(1)
                )
                rates.append(
                    ExchangeRate(currency=currency, month=date(year, month, 1), units_per_usd=base * drift)
                )
    ExchangeRate.objects.bulk_create(rates)
    rate_of = {
        (c, m): r for c, m, r in ExchangeRate.objects.values_list("currency", "month", "units_per_usd")
    }
    instrument_id = questionnaire.sections.first().instrument_id
    pledges, receipts = [], []
    for donor in providers:
        currency = rng.choice(list(CURRENCIES))
        for year in range(years[0], first_seeded):
            month = date(year, rng.randint(1, 12), 1)
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
                earmarked_instrument_id=instrument_id if earmark == "instrument" else None,
                created_by=reviewer,
            )
            pledges.append(pledge)
            for part in range(rng.randint(0, 2)):
                paid_month = date(year + 1 + part, rng.randint(1, 12), 1)
                paid = (amount / 2).quantize(Decimal("1"))
                paid_rate = rate_of[(currency, paid_month)]
                receipts.append(
                    Contribution(
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
    Contribution.objects.bulk_create(pledges)
    for receipt in receipts:
        receipt.pledge_id = receipt.pledge.pk
    Contribution.objects.bulk_create(receipts)
    return len(pledges) + len(receipts)


def timezone_now():
    from django.utils import timezone

    return timezone.now()


if __name__ == "__main__":
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))
    from common import setup_django

    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    started = time.perf_counter()
    result = seed_cycle(
        int(arguments[0]) if arguments else 2026, verbose=True, history="--no-history" not in sys.argv
    )
    print({k: v for k, v in result.items() if isinstance(v, int | float)})
    print(f"seed: {time.perf_counter() - started:.1f} s")
