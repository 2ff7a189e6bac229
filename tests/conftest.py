import pytest
from django.core.management import call_command
from django.utils import translation

from portal.models import Role

from .access.otp import csp_checked_request, verified_force_login
from .factories import TEST_PASSWORD, CountryFactory, UserFactory


@pytest.fixture(autouse=True)
def _english_by_default():
    """Each request activates its own language; a test that calls services directly starts in English
    whatever the previous test's last request left active."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _secretariat_signs_in_with_second_factor(monkeypatch):
    """`client.force_login(reviewer)` gives a session verified by a one-time code, as after the full
    sign-in (Secretariat pages refuse others); tests of the second step use
    `tests.access.otp.force_login_password_only`."""
    monkeypatch.setattr("django.test.Client.force_login", verified_force_login)


@pytest.fixture(autouse=True)
def _every_page_has_a_strict_content_security_policy(monkeypatch):
    """Each HTML page any test renders must send a CSP that allows no inline script."""
    monkeypatch.setattr("django.test.Client.request", csp_checked_request)


@pytest.fixture
def password():
    return TEST_PASSWORD


@pytest.fixture
def state_a(db):
    return CountryFactory(iso2="AA", name="Alphaland")


@pytest.fixture
def state_b(db):
    return CountryFactory(iso2="BB", name="Betaland")


@pytest.fixture
def focal_point(state_a):
    return UserFactory(role=Role.FOCAL_POINT, country=state_a, email="focal@alphaland.example")


@pytest.fixture
def contributor(state_a):
    return UserFactory(role=Role.CONTRIBUTOR, country=state_a, email="expert@alphaland.example")


@pytest.fixture
def other_focal_point(state_b):
    return UserFactory(role=Role.FOCAL_POINT, country=state_b, email="focal@betaland.example")


@pytest.fixture
def reviewer(db):
    return UserFactory(reviewer=True, email="reviewer@secretariat.example")


@pytest.fixture
def administrator(db):
    return UserFactory(administrator=True, email="admin@secretariat.example")


@pytest.fixture
def provider_user(db):
    return UserFactory(provider_user=True, email="donor@fund.example")


@pytest.fixture
def users_by_role(focal_point, contributor, reviewer, administrator, provider_user):
    return {
        Role.FOCAL_POINT: focal_point,
        Role.CONTRIBUTOR: contributor,
        Role.REVIEWER: reviewer,
        Role.ADMINISTRATOR: administrator,
        Role.PROVIDER: provider_user,
    }


@pytest.fixture
def all_states(db):
    """The real reference data: 198 States with their treaty status."""
    call_command("load_states", verbosity=0)
