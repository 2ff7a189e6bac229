"""Factories for technical assistance: needs, offers, activities, rates and contributions."""

import datetime
from decimal import Decimal

import factory

from assistance.models import Activity, Contribution, ExchangeRate, Need, Offer
from surveys.models import AssistanceKind
from tests.factories import CountryFactory, ProviderFactory
from tests.surveys.factories import InstrumentFactory, ProvisionFactory


class AssistanceKindFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssistanceKind
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"kind-{n}")
    label_en = factory.LazyAttribute(lambda o: o.code.replace("-", " ").capitalize())


class NeedFactory(factory.django.DjangoModelFactory):
    """A need recorded by the Secretariat (needs from answers come from saving answers)."""

    class Meta:
        model = Need

    country = factory.SubFactory(CountryFactory)
    provision = factory.SubFactory(ProvisionFactory)
    instrument = factory.LazyAttribute(
        lambda o: o.provision.article.instrument if o.provision else InstrumentFactory()
    )
    kind = factory.SubFactory(AssistanceKindFactory)
    description = factory.Sequence(lambda n: f"Training for {n} prosecutors")
    priority = "medium"
    source = Need.Source.SECRETARIAT

    class Params:
        shared = factory.Trait(
            status=Need.Status.SHARED,
            shared_at=factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC)),
        )


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    title = factory.Sequence(lambda n: f"Workshop {n}")
    provider = factory.SubFactory(ProviderFactory)
    country = factory.SubFactory(CountryFactory)


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer

    provider = factory.SubFactory(ProviderFactory)
    need = factory.SubFactory(NeedFactory, shared=True)
    message = "We can train 20 investigators in the first half of next year."


class ExchangeRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExchangeRate
        django_get_or_create = ("currency", "month")

    currency = "EUR"
    month = datetime.date(2026, 1, 1)
    units_per_usd = Decimal("0.925")


class ContributionFactory(factory.django.DjangoModelFactory):
    """A contribution row written directly (tests of the rules go through `contribution_record`)."""

    class Meta:
        model = Contribution

    donor = factory.SubFactory(ProviderFactory)
    kind = Contribution.Kind.PLEDGE
    date = datetime.date(2026, 1, 15)
    currency = "USD"
    amount = Decimal("100000.00")
    rate = Decimal("1")
    rate_month = datetime.date(2026, 1, 1)
    amount_usd = factory.LazyAttribute(lambda o: (o.amount / o.rate).quantize(Decimal("0.01")))
