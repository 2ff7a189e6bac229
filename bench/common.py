"""Shared set-up for benchmark scripts: a throwaway database (SQLite or, with DATABASE_URL, PostgreSQL)
seeded like production, and timing helpers. Never run by the test suite."""

import os
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")


def setup_django():
    import django

    django.setup()
    from django.conf import settings

    # Not setup_test_environment(): it instruments template rendering, which would distort timings.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.DEBUG = False
    # Keep the benchmark's connection (and an in-memory SQLite database) open between requests.
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)


@contextmanager
def throwaway_database():
    """Create a fresh database for the benchmark and drop it afterwards."""
    from django.db import connection

    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        yield name
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


def timed(function, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def summary(label: str, samples: list[float], queries: int | None = None) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    extra = f"  queries {queries}" if queries is not None else ""
    return f"{label:<44} n={len(samples):<4} median {statistics.median(ordered):7.1f} ms  p95 {p95:7.1f} ms{extra}"


def machine() -> str:
    import platform

    from django.db import connection

    return (
        f"{platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()} · "
        f"{connection.vendor} {'.'.join(map(str, connection.Database.version_info[:2])) if hasattr(connection.Database, 'version_info') else ''}"
    )


@contextmanager
def count_queries():
    """Counts the SQL statements run inside the block (works whatever DEBUG says)."""
    from django.db import connection

    counter = {"n": 0}

    def wrapper(execute, sql, params, many, context):
        counter["n"] += 1
        if os.environ.get("BENCH_SHOW_SQL"):
            print("   SQL:", sql[:150])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield counter
