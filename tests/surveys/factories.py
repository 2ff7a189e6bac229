import factory

from surveys.models import (
    Article,
    Choice,
    Condition,
    Instrument,
    Provision,
    Question,
    Questionnaire,
    Response,
    Section,
)


class InstrumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instrument
        django_get_or_create = ("code",)

    code = "UNTOC"
    title_en = "United Nations Convention against Transnational Organized Crime"
    short_title_en = "Organized Crime Convention"


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    instrument = factory.SubFactory(InstrumentFactory)
    number = factory.Sequence(lambda n: str(n + 5))
    position = factory.Sequence(lambda n: n)
    title_en = factory.Sequence(lambda n: f"Article title {n}")


class ProvisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provision

    article = factory.SubFactory(ArticleFactory)
    code = factory.Sequence(lambda n: f"UNTOC-{n + 5}-1")
    reference_en = factory.LazyAttribute(lambda o: f"Article {o.article.number}, paragraph 1")
    obligation = "mandatory"
    theme = "criminalization"
    requirement_en = "Each State party shall adopt measures."


class QuestionnaireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Questionnaire

    code = factory.Sequence(lambda n: f"test-{n}")
    title_en = factory.Sequence(lambda n: f"Questionnaire {n}")
    status = Questionnaire.Status.DRAFT


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    instrument = factory.SubFactory(InstrumentFactory)
    code = factory.Sequence(lambda n: f"S{n}")
    position = factory.Sequence(lambda n: n * 10)
    title_en = factory.Sequence(lambda n: f"Section {n}")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    section = factory.SubFactory(SectionFactory)
    questionnaire = factory.SelfAttribute("section.questionnaire")
    code = factory.Sequence(lambda n: f"Q{n}")
    kind = Question.Kind.LONG_TEXT
    position = factory.Sequence(lambda n: n * 10)
    text_en = factory.Sequence(lambda n: f"Question {n}?")


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Choice

    question = factory.SubFactory(QuestionFactory, kind=Question.Kind.SINGLE_CHOICE)
    value = factory.Sequence(lambda n: f"v{n}")
    label_en = factory.Sequence(lambda n: f"Value {n}")


def compliance_question(**kwargs):
    """A compliance question with its three choices."""
    question = QuestionFactory(kind=Question.Kind.COMPLIANCE, **kwargs)
    for position, (value, label) in enumerate((("yes", "Yes"), ("partial", "Yes, in part"), ("no", "No"))):
        ChoiceFactory(question=question, value=value, label_en=label, position=position)
    return question


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    country = factory.SubFactory("tests.factories.CountryFactory")


def published_questionnaire(
    *, questions: int = 4, instrument_code: str = "UNTOC", kinds=None
) -> Questionnaire:
    """A published version with one section of `questions` compliance questions (or the given kinds),
    each non-compliance question shown only when the first question is answered "no" or "partial"."""
    from django.utils import timezone

    questionnaire = QuestionnaireFactory(status=Questionnaire.Status.PUBLISHED, published_at=timezone.now())
    section = SectionFactory(questionnaire=questionnaire, instrument=InstrumentFactory(code=instrument_code))
    kinds = kinds or [Question.Kind.COMPLIANCE] * questions
    first = None
    for position, kind in enumerate(kinds):
        if kind == Question.Kind.COMPLIANCE:
            question = compliance_question(section=section, position=position, required=True)
        else:
            question = QuestionFactory(section=section, position=position, kind=kind)
            if kind in (Question.Kind.SINGLE_CHOICE, Question.Kind.MULTIPLE_CHOICE):
                for value in ("a", "b", "c"):
                    ChoiceFactory(question=question, value=value, label_en=value.upper())
            if first is not None:
                Condition.objects.create(question=question, depends_on=first, values=["partial", "no"])
        first = first or (question if kind == Question.Kind.COMPLIANCE else None)
    return questionnaire
