"""Helpers for the portal shell's tests: a person with their own account, signed in."""

import re

from django.test import Client

from carepath.accounts.models import AccountType

NEW_PASSWORD = "plum-orchard-lantern-47"  # noqa: S105 (a test password, passes validators)
LINK = re.compile(r"/portal/join/([A-Za-z0-9_\-]+)/")


def link_account(patient, make_user):
    """A patient account linked to ``patient``'s record, as after an accepted invitation."""
    user = make_user(None, account_type=AccountType.PATIENT)
    patient.user = user
    patient.save(update_fields=["user"])
    return user


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def token_in(text: str) -> str:
    found = LINK.search(text)
    assert found, text
    return found.group(1)
