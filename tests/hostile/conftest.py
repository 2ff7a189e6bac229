"""Hypothesis profiles for the hostile-input tests, and the small helpers they share.

`ci` (the default) is derandomized, keeps no example database and runs few examples, so that the whole
package stays well under a minute on two cores and gives the same verdict on every run. `dev` explores
more, at random: `HYPOTHESIS_PROFILE=dev pytest tests/hostile`.
"""

import os

import pytest
from hypothesis import HealthCheck, settings

from surveys.structure import clear_cache

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
