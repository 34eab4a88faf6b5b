"""Production settings: check --deploy is clean, the demo key is refused, headers are set,
and health data stays out of logs and error pages."""

import logging
import os
import subprocess
import sys
from pathlib import Path

from django.test import Client

from carepath.logfilters import StripQueryStrings

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION = {
    "DEBUG": "0", "CAREPATH_DEMO": "0", "ALLOWED_HOSTS": "carepath.example.org",
    "SECRET_KEY": "x7!kq2-this-is-a-long-random-production-secret-key-4f9a8b7c6d5e",
}


def _run(code_or_args, env_extra, *, module=False):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DEBUG", "CAREPATH_DEMO", "SECRET_KEY")}
    env.update(env_extra)
    args = [sys.executable, *code_or_args] if module else [sys.executable, "-c", code_or_args]
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_has_no_warnings_under_production_settings():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION,
                  module=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_with_the_demo_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = _run(["manage.py", "check"], env, module=True)
    assert result.returncode != 0
    assert "SECRET_KEY is the public demo key" in result.stderr


def test_secret_key_can_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text(PRODUCTION["SECRET_KEY"])
    env = {**{k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"},
           "SECRET_KEY_FILE": str(secret)}
    code = ("import django, os; os.environ['DJANGO_SETTINGS_MODULE']='carepath.settings'; "
            "django.setup(); from django.conf import settings; print(settings.SECRET_KEY)")
    result = _run(code, env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == PRODUCTION["SECRET_KEY"]


def test_production_sends_hsts_and_secure_cookies():
    code = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE']='carepath.settings'; "
        "django.setup(); from django.conf import settings; "
        "from django.test import Client; from django.test.utils import setup_test_environment; "
        "setup_test_environment(); "
        "r = Client().get('/accounts/login/', secure=True, HTTP_HOST='carepath.example.org'); "
        "print(r.status_code, r.headers.get('Strict-Transport-Security'), "
        "settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE); "
        "r = Client().get('/accounts/login/', HTTP_HOST='carepath.example.org'); "
        "print(r.status_code, r.headers.get('Location'))")
    result = _run(code, {**PRODUCTION, "DATABASE_URL": "sqlite://:memory:"})
    assert result.returncode == 0, result.stderr
    secure, plain = result.stdout.strip().splitlines()
    assert secure.startswith("200 max-age=31536000; includeSubDomains; preload True True")
    assert plain.startswith("301 https://carepath.example.org/accounts/login/")


def test_every_page_sends_csp_frame_denial_and_referrer_policy(db):
    response = Client().get("/accounts/login/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_query_strings_are_stripped_from_log_lines():
    record = logging.LogRecord("django.server", logging.INFO, __file__, 1,
                               '"%s" %s %s', ("GET /api/v1/patients?q=Quinton HTTP/1.1", 200, 9),
                               None)
    StripQueryStrings().filter(record)
    assert "Quinton" not in record.getMessage()
    assert "/api/v1/patients?…" in record.getMessage()


def test_error_pages_reveal_nothing(db, clinician, as_user):
    response = as_user(clinician).get("/patients/00000000-0000-4000-8000-000000000000/")
    assert response.status_code == 404
    assert b"Nothing about any patient is shown here" in response.content
    assert b"Traceback" not in response.content
