"""factory_boy factories for the shared core. Apps add theirs beside these."""

import factory
from django.utils import timezone

from assistance.models import Provider
from portal.models import Country, Invitation, Role, TreatyParticipation, User

TEST_PASSWORD = "correct horse battery staple"


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ("iso2",)

    iso2 = factory.Sequence(lambda n: f"{chr(65 + (n // 26) % 26)}{chr(65 + n % 26)}")
    iso3 = factory.LazyAttribute(lambda o: f"X{o.iso2}")
    name = factory.LazyAttribute(lambda o: f"Testland {o.iso2}")
    name_en = factory.SelfAttribute("name")
    regional_group = "african"


class TreatyParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TreatyParticipation

    country = factory.SubFactory(CountryFactory)
    treaty = "UNTOC"
    status = TreatyParticipation.Status.PARTY


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"Assistance Fund {n}")
    kind = Provider.Kind.INTERGOVERNMENTAL


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    role = Role.REVIEWER
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    class Params:
        focal_point = factory.Trait(role=Role.FOCAL_POINT, country=factory.SubFactory(CountryFactory))
        contributor = factory.Trait(role=Role.CONTRIBUTOR, country=factory.SubFactory(CountryFactory))
        reviewer = factory.Trait(role=Role.REVIEWER)
        administrator = factory.Trait(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
        provider_user = factory.Trait(role=Role.PROVIDER, provider=factory.SubFactory(ProviderFactory))


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation
        exclude = ("token",)

    token = factory.Sequence(lambda n: f"test-token-{n}")
    token_hash = factory.LazyAttribute(lambda o: __import__("hashlib").sha256(o.token.encode()).hexdigest())
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    full_name = factory.Faker("name")
    role = Role.CONTRIBUTOR
    country = factory.SubFactory(CountryFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=7))
