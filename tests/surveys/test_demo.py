"""The demo response `make run` loads: Mexico answers every required question and submits, through the services."""

from portal.demo import demo_load
from portal.models import AuditEvent
from surveys.demo import demo_response_load
from surveys.models import AnswerRevision, Response

from .conftest import _shipped_data, shipped_questionnaire  # noqa: F401 - fixtures


def test_demo_response_is_complete_submitted_and_loaded_once(shipped_questionnaire, all_states):  # noqa: F811
    demo_load()
    response = demo_response_load()

    assert response.status == Response.Status.SUBMITTED
    assert response.country.iso2 == "MX"
    assert response.answers.count() > 100
    assert AnswerRevision.objects.filter(answer__response=response).count() == response.answers.count()
    assert AuditEvent.objects.filter(action="response.submitted", object_id=str(response.pk)).exists()
    assert demo_response_load() is None
    assert Response.objects.filter(country__iso2="MX").count() == 1
