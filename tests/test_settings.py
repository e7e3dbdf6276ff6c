from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def start(**env: str) -> subprocess.CompletedProcess[str]:
    """Run `manage.py check` with exactly these settings in the environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "AUTOENHANCE_"))}
    clean.pop("DATABASE_URL", None)
    clean["DJANGO_SETTINGS_MODULE"] = "dashboard.settings"
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_starts_with_a_secret_key_and_nothing_else():
    result = start(DJANGO_SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr


def test_it_starts_in_debug_without_a_secret_key():
    assert start(DJANGO_DEBUG="true").returncode == 0


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = start()
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DJANGO_DEBUG", "maybe", "DJANGO_DEBUG='maybe' is not a boolean"),
        ("AUTOENHANCE_READ_TIMEOUT", "soon", "AUTOENHANCE_READ_TIMEOUT='soon' is not a number"),
        ("AUTOENHANCE_CONNECT_TIMEOUT", "-1", "AUTOENHANCE_CONNECT_TIMEOUT='-1' must be"),
        ("AUTOENHANCE_RETRIES", "2.5", "AUTOENHANCE_RETRIES='2.5' is not a whole number"),
        ("AUTOENHANCE_API_URL", "api.autoenhance.ai", "AUTOENHANCE_API_URL='api.autoenhance.ai'"),
        ("DATABASE_URL", "postgres://db/x", "DATABASE_URL='postgres://db/x' is not supported"),
    ],
)
def test_a_malformed_value_stops_start_up_naming_the_variable(name, value, message):
    result = start(DJANGO_SECRET_KEY="x" * 50, **{name: value})
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_demo_mode_is_on_without_a_key_and_off_with_one(settings):
    probe = (
        "from django.conf import settings as s; "
        "print(s.AUTOENHANCE_DEMO_MODE, s.AUTOENHANCE_API_URL)"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "AUTOENHANCE_"))}
    base |= {"DJANGO_SETTINGS_MODULE": "dashboard.settings", "DJANGO_SECRET_KEY": "x" * 50}

    def run(**env: str) -> str:
        code = f"import django; django.setup(); {probe}"
        out = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=base | env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        return out.stdout.strip()

    assert run() == "True http://127.0.0.1:8001"
    assert run(AUTOENHANCE_API_KEY="k") == "False https://api.autoenhance.ai"
