"""Hypothesis profiles for the hostile-input tests, and the small helpers they share.

`ci` (the default) is derandomized, keeps no example database and runs few examples, so that the whole
package stays well under a minute on two cores and gives the same verdict on every run. `dev` explores
more, at random: `HYPOTHESIS_PROFILE=dev pytest tests/hostile`.
"""

import os

import pytest
from django.core.management import call_command
from django.test import override_settings
from hypothesis import HealthCheck, settings

from surveys.structure import clear_cache

from .world import build_world

COMMON = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
settings.register_profile("ci", derandomize=True, database=None, print_blob=True, max_examples=10, **COMMON)
settings.register_profile("dev", max_examples=100, print_blob=True, **COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _fresh_structure_cache():
    # Questionnaires built by factories get reused ids after each rollback: never read a stale structure.
    clear_cache()
    yield
    clear_cache()


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once per module, outside the tests' transactions: each test rolls back what it changed.
    The database is emptied afterwards, as other modules expect."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        built = build_world()
    yield built, media
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def world(_world, db, settings):
    """The test world (see world.py); files go to a temporary media folder."""
    built, settings.MEDIA_ROOT = _world
    return built


@pytest.fixture
def as_role(client, world):
    """`as_role(Role.X)` signs the client in as the world's person of that role (None: signs out)."""

    def sign_in(role):
        client.logout()
        if role is not None:
            client.force_login(world.users[role])
        return client

    return sign_in
