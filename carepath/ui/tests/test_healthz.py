"""/healthz: no login, JSON, 200 when the database answers, 503 when it does not."""

import os
import subprocess
import sys
from pathlib import Path

from django.test import Client

ROOT = Path(__file__).resolve().parents[3]


def test_healthz_is_200_with_a_working_database(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_does_not_answer():
    # A real, unreachable database: nothing listens on port 1.
    code = ("import os, django; os.environ['DJANGO_SETTINGS_MODULE']='carepath.settings'; "
            "django.setup(); from django.test import Client; "
            "from django.test.utils import setup_test_environment; setup_test_environment(); "
            "r = Client().get('/healthz'); print(r.status_code, r.content.decode())")
    env = {**os.environ, "DEBUG": "1", "CAREPATH_DEMO": "1",
           "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none?connect_timeout=2"}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.stdout.startswith('503 {"status": "unavailable"'), result.stdout + result.stderr
