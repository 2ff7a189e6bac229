import datetime

import factory

from reports.models import ConferenceSession
from tests.surveys.factories import QuestionnaireFactory


class ConferenceSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConferenceSession

    number = factory.Sequence(lambda n: 13 + n)
    title_en = factory.LazyAttribute(lambda o: f"Session {o.number} of the Conference of the Parties")
    start_date = datetime.date(2026, 10, 12)
    end_date = datetime.date(2026, 10, 16)
    venue_en = "Vienna"
    symbol_prefix = "CTOC/COP/2026/"
    data_cutoff = datetime.date(2026, 9, 1)
    questionnaire = factory.SubFactory(QuestionnaireFactory)
