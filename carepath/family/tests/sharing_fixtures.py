"""Fixtures the sharing tests share: the patient signed in to their own record, and a
verified supporter. Imported with ``from .sharing_fixtures import *``."""

import pytest

from .sharing_support import own_account, signed_in, verified_supporter

__all__ = ["me", "my_client", "sam"]


@pytest.fixture
def me(patient, make_user):
    return own_account(patient, make_user)


@pytest.fixture
def my_client(me):
    return signed_in(me)


@pytest.fixture
def sam(make_user):
    return verified_supporter(make_user)
