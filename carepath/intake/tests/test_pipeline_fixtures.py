"""Fixtures shared by the pipeline tests (they import them); this module has no tests."""

import itertools

import pytest

from carepath.accounts.models import Role
from carepath.audit import log as audit
from carepath.conftest import ctx_for
from carepath.intake import actions_enquiries as actions

PUBLIC = audit.Context(user=None, client_address="127.0.0.1", via="web")
_n = itertools.count(1)


@pytest.fixture
def advisor(make_user):
    return make_user(Role.INTAKE_ADVISOR)


@pytest.fixture
def make_enquiry(org, advisor):
    def make(source="phone", by=None, organisation=None, **fields):
        n = next(_n)
        data = {"given_name": "Casey", "family_name": f"Morgan{n}", "phone": "07700 900123",
                "email": f"casey{n}@example.org", "postcode": "M1 1AA", **fields}
        if source == "family":
            data.setdefault("caller_name", "Jo Morgan")
        if source == "professional":
            data.setdefault("referrer_organisation", "Northside GP practice")
        ctx = PUBLIC if source == "callback" else ctx_for(by or advisor)
        if source == "callback":
            data.setdefault("contact_consent", True)
        return actions.create_enquiry(ctx, organisation or org, data, source=source)

    return make


@pytest.fixture
def enquiry(make_enquiry):
    return make_enquiry()
