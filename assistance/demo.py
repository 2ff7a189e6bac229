"""Demo technical assistance for local use: Ghana's answers reveal needs, some shared, Norway offers, the
Secretariat matches one into an activity, and Norway's contributions with the rates they need. Everything
goes through the services, so the demo has the same history and audit trail as real use."""

import datetime
from decimal import Decimal

from django.db import transaction

from portal.models import Country, Role, User
from surveys.models import Question, Questionnaire
from surveys.services import answers as answer_services

from .models import Contribution, Earmark, ExchangeRate, Need, Provider
from .services import contributions, matching, needs

# (provision, compliance, kinds of assistance, details)
GHANA_ANSWERS = [
    ("UNTOC-5-1", "partial", ["legislative_drafting", "training"], "Review of the Criminal Offences Act, 1960."),
    ("UNTOC-7-1", "no", ["institution_building", "equipment"], "A financial intelligence unit with case software."),
    ("TIP-6-1", "partial", ["training", "good_practices"], "Victim identification for labour inspectors."),
]
# Monthly United Nations operational rates (units per US dollar) for the demo's contributions.
DEMO_RATES = {"NOK": Decimal("10.650"), "EUR": Decimal("0.925")}


def _answer(response, code: str, value, by: User) -> None:
    question = Question.objects.get(questionnaire=response.questionnaire, code=code)
    current = question.answers.filter(response=response).first()
    answer_services.answer_save(
        response=response, question=question, value=value, base_version=current.version if current else 0, by=by
    )


def demo_assistance_load() -> int:
    """Load the demo's assistance data once; returns the number of needs created (0 when already there)."""
    ghana = Country.objects.get(iso2="GH")
    if Need.objects.filter(country=ghana).exists():
        return 0
    questionnaire = Questionnaire.objects.filter(status=Questionnaire.Status.PUBLISHED).order_by("-published_at").first()
    if questionnaire is None:
        return 0
    expert = User.objects.get(email="expert@ghana.demo")
    focal_point = User.objects.get(email="focal.point@ghana.demo")
    reviewer = User.objects.get(role=Role.REVIEWER, email="reviewer@unodc.demo")
    donor = Provider.objects.get(name="Norway")
    with transaction.atomic():
        response = answer_services.response_for(country=ghana, questionnaire=questionnaire)
        answer_services.response_open(response=response, by=expert)
        for provision, compliance, kinds, details in GHANA_ANSWERS:
            _answer(response, f"{provision}-C", compliance, expert)
            value = {
                "challenges": ["resources", "capacity"],
                "challenges_other": "",
                "would_help": "yes",
                "kinds": kinds,
                "details": details,
                "receiving": "no",
                "received_from": "",
            }
            _answer(response, f"{provision}-TA", value, expert)
        ghana_needs = list(Need.objects.filter(country=ghana).select_related("kind", "provision").order_by("pk"))
        to_share = [n for n in ghana_needs if n.kind.code != "equipment"]
        needs.needs_share(needs=to_share, by=focal_point)
        offered = next(n for n in to_share if n.kind.code == "legislative_drafting")
        offer = matching.offer_make(
            need=offered, by=User.objects.get(email="donor@norway.demo"), message="Two drafting missions in 2027."
        )
        training = [n for n in to_share if n.kind.code == "training" and n.provision.code == "UNTOC-5-1"]
        matching.activity_create(
            by=reviewer,
            provider=donor,
            country=ghana,
            title="Legislative drafting support, Criminal Offences Act",
            needs=training,
            offer=offer,
            starts_on=datetime.date(2027, 1, 15),
            ends_on=datetime.date(2027, 6, 30),
        )
        today = datetime.date.today()
        months = [datetime.date(today.year, 1, 1), today.replace(day=1)]
        for month in months:
            for currency, rate in DEMO_RATES.items():
                if not ExchangeRate.objects.filter(currency=currency, month=month).exists():
                    contributions.exchange_rate_set(by=reviewer, currency=currency, month=month, units_per_usd=rate)
        pledge = contributions.contribution_record(
            by=reviewer,
            donor=donor,
            kind=Contribution.Kind.PLEDGE,
            date=months[0],
            currency="NOK",
            amount=Decimal("5000000"),
            earmark=Earmark.REGION,
            earmarked_region="african",
            reference="NOR-2026-UNTOC-01",
        )
        contributions.contribution_record(
            by=reviewer,
            donor=donor,
            kind=Contribution.Kind.RECEIPT,
            date=today,
            currency="NOK",
            amount=Decimal("2000000"),
            pledge=pledge,
            reference="Receipt 2026/114",
        )
    return len(ghana_needs)
