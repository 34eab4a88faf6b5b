"""The one Idempotency-Key mechanism every create uses (API and one-time web forms)."""

import uuid
from types import SimpleNamespace

import pytest
from django.db import IntegrityError

from carepath.accounts.idempotency import KeyReused, digest_of, run_once

pytestmark = pytest.mark.django_db


def maker(calls):
    def create():
        calls.append(1)
        return SimpleNamespace(uuid=uuid.uuid4())
    return create


def test_a_retry_with_the_key_returns_the_first_result_and_creates_nothing(clinician):
    calls = []
    made, earlier = run_once(clinician, "t.create", "k1", digest_of({"a": 1}), maker(calls))
    again, replayed = run_once(clinician, "t.create", "k1", digest_of({"a": 1}), maker(calls))
    assert earlier is None and again is None
    assert replayed == made.uuid and len(calls) == 1


def test_the_same_key_with_a_different_request_is_refused(clinician):
    run_once(clinician, "t.create", "k2", digest_of({"a": 1}), maker([]))
    with pytest.raises(KeyReused):
        run_once(clinician, "t.create", "k2", digest_of({"a": 2}), maker([]))


def test_keys_belong_to_one_user_and_one_endpoint(clinician, supervisor):
    calls = []
    run_once(clinician, "t.create", "k3", "", maker(calls))
    run_once(supervisor, "t.create", "k3", "", maker(calls))
    run_once(clinician, "t.other", "k3", "", maker(calls))
    assert len(calls) == 3


def test_without_a_key_every_call_creates(clinician):
    calls = []
    run_once(clinician, "t.create", None, "", maker(calls))
    run_once(clinician, "t.create", "", "", maker(calls))
    assert len(calls) == 2


def test_an_integrity_error_of_the_create_itself_is_not_mistaken_for_a_race(clinician):
    def failing():
        raise IntegrityError("the action's own constraint")
    with pytest.raises(IntegrityError):
        run_once(clinician, "t.create", "k4", "", failing)
