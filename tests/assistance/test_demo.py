"""The demo `make run` loads: technical assistance built through the services from real answers."""


from assistance.demo import demo_assistance_load
from assistance.models import Activity, Contribution, Need, Offer
from portal.demo import demo_load
from portal.models import AuditEvent
from tests.surveys.conftest import _shipped_data, shipped_questionnaire  # noqa: F401 - fixtures


def test_demo_assistance_comes_from_answers_and_loads_once(shipped_questionnaire, all_states):  # noqa: F811
    demo_load()
    created = demo_assistance_load()

    assert created == Need.objects.filter(country__iso2="GH", source=Need.Source.ANSWER).count() == 6
    assert Need.objects.filter(status=Need.Status.IDENTIFIED).count() == 1  # one need is kept unshared
    assert Activity.objects.get().needs.count() == 2
    assert Offer.objects.get().status == Offer.Status.ACCEPTED
    assert Contribution.objects.filter(kind="receipt").get().pledge.kind == "pledge"
    assert AuditEvent.objects.filter(action="need.shared").count() == 5
    assert demo_assistance_load() == 0
    assert Need.objects.count() == 6
