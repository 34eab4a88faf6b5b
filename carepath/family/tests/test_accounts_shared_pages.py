"""The shared account pages as a supporter meets them: sign-in with their email address in
any case, two-step sign-in offered, and no API tokens (those are for staff)."""

import pytest
from django.test import Client

from carepath.accounts.models import AccountType, ApiToken
from carepath.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def supporter(make_user):
    user = make_user(account_type=AccountType.SUPPORTER, role="", username="sam@example.org")
    user.email = "sam@example.org"
    user.save(update_fields=["email"])
    return user


def test_a_supporter_signs_in_with_their_email_in_any_case(supporter):
    client = Client()
    response = client.post("/accounts/login/", {"username": "Sam@Example.ORG",
                                                "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/", follow=True).redirect_chain[-1][0] == "/family/"


def test_the_account_page_offers_two_step_sign_in_and_no_api_tokens(supporter):
    client = Client()
    client.force_login(supporter)
    html = client.get("/accounts/me/").content.decode()
    assert 'data-testid="mfa-enrol-link"' in html
    assert "API tokens" not in html


def test_a_supporter_cannot_make_an_api_token(supporter):
    client = Client()
    client.force_login(supporter)
    response = client.post("/accounts/me/", {"name": "mine", "expires_days": "30"})
    assert response.status_code == 403 and not ApiToken.objects.exists()
