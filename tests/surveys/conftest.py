import pytest
from django.core.management import call_command

from surveys.models import Questionnaire


@pytest.fixture(scope="module")
def _shipped_data(django_db_setup, django_db_blocker):
    """Load the shipped questionnaire once per module (it takes seconds), outside the tests' own
    transactions, so each test sees it and rolls back its own changes; empty the database afterwards."""
    with django_db_blocker.unblock():
        call_command("load_questionnaire", verbosity=0)
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def shipped_questionnaire(_shipped_data, db):
    """The questionnaire the portal ships, loaded as `make run` loads it."""
    return Questionnaire.objects.get(code="omnibus-2026")
