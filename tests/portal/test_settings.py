import os
import subprocess
import sys

from django.conf import settings


def test_production_settings_pass_the_deployment_checklist():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "DJANGO_SECRET_KEY": "x" * 20 + "A-very-long-random-production-secret-key-0123456789",
        "DJANGO_ALLOWED_HOSTS": "omnibus.example.org",
        "DATABASE_URL": "postgres://omnibus@127.0.0.1:5432/omnibus",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        DJANGO_ALLOWED_HOSTS="x",
        DATABASE_URL="postgres://x@127.0.0.1/x",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
