"""The demo Conference session `make run` offers."""

from django.utils import timezone, translation

from portal.models import AuditEvent
from reports.demo import demo_session_load
from reports.models import ConferenceSession
from tests.factories import UserFactory
from tests.surveys.factories import published_questionnaire


def test_demo_session_is_the_thirteenth_on_the_published_questionnaire_and_loads_once(db):
    assert demo_session_load() is None  # nothing to link it to yet
    questionnaire = published_questionnaire()
    administrator = UserFactory(administrator=True, email="admin@unodc.demo")
    session = demo_session_load()
    assert session.number == 13
    assert session.questionnaire == questionnaire
    assert (session.start_date.isoformat(), session.end_date.isoformat()) == ("2026-10-12", "2026-10-16")
    assert session.symbol_prefix == "CTOC/COP/2026/"
    assert session.data_cutoff == timezone.localdate()
    with translation.override("fr"):
        assert session.venue == "Vienne"
    with translation.override("ar"):
        assert session.title.startswith("الدورة الثالثة عشرة")
    event = AuditEvent.objects.get(action="session.created")
    assert (event.actor, event.object_id) == (administrator, str(session.pk))
    assert demo_session_load() is None
    assert ConferenceSession.objects.count() == 1
    assert AuditEvent.objects.filter(action__startswith="session.").count() == 1
