"""A real CarePath server (gunicorn) on its own fresh PostgreSQL database, for tests that
must see real concurrency: real processes, real connections, real row locks.

The test process never touches that database through Django (its own connection belongs
to pytest's test database): a subprocess migrates it and seeds patients with API tokens
(``python -m carepath.recovery.tests.real_server seed N``), gunicorn serves it, and the
test counts rows with plain psycopg. Pattern from bench/responses.py.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[3]


def postgres_url(settings_dict: dict, name: str) -> str:
    user = quote(settings_dict.get("USER") or "")
    password = quote(settings_dict.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{auth}{host}:{port}/{name}"


def _admin_connection(settings_dict: dict):
    import psycopg

    params = {"dbname": "postgres", "host": settings_dict.get("HOST") or "127.0.0.1",
              "port": settings_dict.get("PORT") or None, "user": settings_dict.get("USER"),
              "password": settings_dict.get("PASSWORD") or None, "autocommit": True}
    return psycopg.connect(**{k: v for k, v in params.items() if v})


@contextlib.contextmanager
def fresh_database(settings_dict: dict, prefix: str):
    """A new, empty PostgreSQL database on the test server; dropped afterwards."""
    from psycopg import sql

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with _admin_connection(settings_dict) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with _admin_connection(settings_dict) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                         .format(sql.Identifier(name)))


def server_environment(database_url: str, **extra) -> dict:
    """Production-like settings (DEBUG off) on plain HTTP at 127.0.0.1."""
    env = dict(os.environ)
    env.update({"DATABASE_URL": database_url, "DEBUG": "0", "CAREPATH_DEMO": "1",
                "CAREPATH_SSL_REDIRECT": "0", "CAREPATH_SECURE_COOKIES": "0",
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "DJANGO_SETTINGS_MODULE": "carepath.settings", **extra})
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def seed(env: dict, patients: int) -> list[str]:
    """Migrate the database and make ``patients`` patients with portal accounts; returns
    one raw bearer token per patient."""
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "carepath.recovery.tests.real_server", "seed", str(patients)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"seeding failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port: int, method: str, path: str, body: bytes | None = None,
            headers: dict | None = None, timeout: float = 60):
    """One HTTP request on a new connection: (status, parsed JSON or text, milliseconds)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        started = time.perf_counter()
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        elapsed = (time.perf_counter() - started) * 1000
    finally:
        conn.close()
    try:
        payload = json.loads(data) if data else {}
    except ValueError:
        payload = data[:300].decode(errors="replace")
    return response.status, payload, elapsed


@contextlib.contextmanager
def gunicorn(env: dict, *, workers: int, threads: int, log_path: Path,
             app: str = "carepath.wsgi:application"):
    """Serve ``app`` on a free port; yields the port once /healthz answers 200."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), "--threads", str(threads),
               "--worker-class", "gthread" if threads > 1 else "sync",
               "--timeout", "120", "--backlog", "2048", "--log-level", "warning"]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, cwd=REPO, env=env,  # noqa: S603
                                  stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({server.returncode}):\n"
                                   f"{log_path.read_text()[-3000:]}")
            with contextlib.suppress(OSError):
                if request(port, "GET", "/healthz", timeout=5)[0] == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer /healthz in 60 s; see {log_path}")
            time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _seed_in_this_process(patients: int) -> list[str]:
    import django

    django.setup()
    from datetime import date

    from django.core.management import call_command

    from carepath.accounts.models import AccountType, Organisation, Role, User
    from carepath.accounts.tokens import create_token
    from carepath.audit import log as audit
    from carepath.patients.actions import create_patient

    call_command("migrate", interactive=False, verbosity=0)
    org = Organisation.objects.create(name="Concurrency Test Service", mrn_prefix="CT")
    clinician = User.objects.create(username="clinician", organisation=org,
                                    role=Role.CLINICIAN)
    ctx = audit.Context(user=clinician, via="test", purpose="real-server test set-up")
    raw_tokens = []
    for n in range(patients):
        patient = create_patient(ctx, {"legal_given_name": "Test",
                                       "legal_family_name": f"Patient{n:04d}",
                                       "date_of_birth": date(1995, 1, 1 + n % 28)},
                                 confirm_duplicate=True)
        # No password (argon2 costs 0.2 s each): these accounts use bearer tokens only.
        user = User(username=f"patient{n:04d}", organisation=org,
                    account_type=AccountType.PATIENT)
        user.set_unusable_password()
        user.save()
        patient.user = user
        patient.save(update_fields=["user"])
        raw_tokens.append(create_token(ctx, user, "real-server test")[1])
    return raw_tokens


if __name__ == "__main__":
    if sys.argv[1:2] != ["seed"]:
        sys.exit("usage: python -m carepath.recovery.tests.real_server seed N")
    print(json.dumps(_seed_in_this_process(int(sys.argv[2]))))  # noqa: T201
