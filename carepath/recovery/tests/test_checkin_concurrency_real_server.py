"""Acceptance: 50 concurrent clients x 20 check-ins against a real gunicorn on PostgreSQL,
10% of requests retried with the same Idempotency-Key (half of those at the same moment
as the original) -> exactly 1,000 check-ins stored, no error, every retry answered with
the first check-in.

Runs only on PostgreSQL (CI runs the suite with DATABASE_URL set to PostgreSQL): on
SQLite every writer waits for one file lock, so no two requests ever race and the test
would prove nothing. It uses its own fresh database, not pytest's.
"""

from __future__ import annotations

import json
import random
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings

from . import real_server

DATABASE = settings.DATABASES["default"]
ON_POSTGRES = "postgresql" in DATABASE["ENGINE"]
CLIENTS = 50
PER_CLIENT = 20
RETRIES_PER_CLIENT = 2  # 10% of each client's check-ins are sent twice
LOG = Path(settings.VAR_DIR) / "test-checkin-concurrency-server.log"

pytestmark = pytest.mark.skipif(
    not ON_POSTGRES,
    reason="needs PostgreSQL (set DATABASE_URL=postgres://...): a real server on SQLite "
           "serialises every write, so no two check-ins would ever race")


def _body(rng: random.Random) -> bytes:
    return json.dumps({
        "craving": rng.randint(0, 10), "mood": rng.randint(0, 10),
        "sleep_hours": rng.choice([None, 6, 7.5, 8]), "used_ketamine": rng.random() < 0.1,
        "other_substances": rng.choice([[], ["Alcohol"]]), "triggers": [],
        "bladder_pain": rng.randint(0, 3), "blood_in_urine": rng.random() < 0.02,
        "note": ""}).encode()


def _client(port: int, token: str, number: int, results: list, lock: threading.Lock):
    """One patient's phone: 20 check-ins in turn; two of them are sent twice."""
    rng = random.Random(number)
    racing, later = rng.sample(range(PER_CLIENT), RETRIES_PER_CLIENT)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def send(key, body, kind):
        status, payload, _ = real_server.request(
            port, "POST", "/api/v1/checkins", body, {**headers, "Idempotency-Key": key})
        with lock:
            results.append({"key": key, "kind": kind, "status": status,
                            "id": payload.get("id") if isinstance(payload, dict) else None,
                            "payload": payload})

    for n in range(PER_CLIENT):
        key, body = f"c{number}-{n}-{uuid.uuid4()}", _body(rng)
        if n not in (racing, later):
            send(key, body, "once")
        elif n == racing:  # the retry races the original: both leave at the same moment
            start = threading.Barrier(2)

            def race(kind, key=key, body=body, start=start):
                start.wait()
                send(key, body, kind)

            pair = [threading.Thread(target=race, args=(kind,))
                    for kind in ("original", "concurrent retry")]
            for thread in pair:
                thread.start()
            for thread in pair:
                thread.join()
        else:  # the phone never saw the answer and sends it again
            send(key, body, "original")
            send(key, body, "retry")


def _count(database: str, sql: str) -> int:
    import psycopg

    params = {"dbname": database, "host": DATABASE.get("HOST") or "127.0.0.1",
              "port": DATABASE.get("PORT") or None, "user": DATABASE.get("USER"),
              "password": DATABASE.get("PASSWORD") or None}
    with psycopg.connect(**{k: v for k, v in params.items() if v}) as conn:
        return conn.execute(sql).fetchone()[0]


def test_concurrent_clients_with_retries_store_exactly_one_check_in_per_key():
    with real_server.fresh_database(DATABASE, "carepath_concurrency") as database:
        env = real_server.server_environment(real_server.postgres_url(DATABASE, database))
        tokens = real_server.seed(env, CLIENTS)
        results: list[dict] = []
        lock = threading.Lock()
        with (real_server.gunicorn(env, workers=3, threads=6, log_path=LOG) as port,
              ThreadPoolExecutor(max_workers=CLIENTS) as pool):
            for future in [pool.submit(_client, port, token, n, results, lock)
                           for n, token in enumerate(tokens)]:
                future.result()
        stored = _count(database, "SELECT count(*) FROM recovery_checkin")
        keys = _count(database, "SELECT count(*) FROM accounts_idempotencykey")
        alerts = _count(database, "SELECT count(*) FROM alerts_alert")
        urgent = _count(database, "SELECT count(*) FROM recovery_checkin WHERE blood_in_urine")

    failures = [r for r in results if r["status"] not in (200, 201)]
    assert failures == [], f"non-2xx responses (server log {LOG}): {failures[:5]}"
    assert len(results) == CLIENTS * (PER_CLIENT + RETRIES_PER_CLIENT)
    assert stored == keys == CLIENTS * PER_CLIENT == 1000
    assert alerts == urgent  # one alert per check-in reporting blood, none from retries
    by_key: dict[str, list[dict]] = {}
    for r in results:
        by_key.setdefault(r["key"], []).append(r)
    assert len({r["id"] for r in results}) == 1000
    for key, answers in by_key.items():
        if len(answers) == 2:
            assert answers[0]["id"] == answers[1]["id"], f"{key}: the retry got another check-in"
            assert sorted(a["status"] for a in answers) == [200, 201], answers
            assert answers[0]["payload"] == answers[1]["payload"], answers
        else:
            assert answers[0]["status"] == 201
    concurrent = [a for a in results if a["kind"] == "concurrent retry"]
    assert len(concurrent) == CLIENTS  # half of the 100 retries raced their original
