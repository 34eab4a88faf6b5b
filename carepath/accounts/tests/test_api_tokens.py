"""Bearer tokens: printed once, stored hashed, revocable, expiring."""

from datetime import timedelta

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from carepath.accounts.models import ApiToken
from carepath.accounts.tokens import create_token, revoke_token
from carepath.conftest import ctx_for


def _me(raw):
    return Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/me")


def test_cli_prints_a_token_once_and_stores_only_its_digest(clinician, capsys):
    call_command("token", "create", "--user", clinician.username, "--name", "laptop",
                 "--expires-days", "30")
    raw = capsys.readouterr().out.strip()
    token = ApiToken.objects.get(user=clinician)
    assert raw.startswith("cp_") and token.digest == ApiToken.digest_of(raw)
    assert raw not in {token.digest, token.prefix}
    assert (token.expires_at - timezone.now()).days in (29, 30)
    body = _me(raw).json()
    assert body["username"] == clinician.username and body["role"] == "clinician"


def test_revoked_token_is_refused(clinician):
    token, raw = create_token(ctx_for(clinician), clinician, "t")
    assert _me(raw).status_code == 200
    revoke_token(ctx_for(clinician), token)
    response = _me(raw)
    assert response.status_code == 401
    assert response.json() == {"detail": "A valid bearer token is required.", "errors": []}


def test_expired_token_is_refused(clinician):
    token, raw = create_token(ctx_for(clinician), clinician, "t", 1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _me(raw).status_code == 401


def test_token_of_a_deactivated_user_is_refused(clinician):
    _, raw = create_token(ctx_for(clinician), clinician, "t")
    clinician.is_active = False
    clinician.save()
    assert _me(raw).status_code == 401


def test_account_page_creates_a_token_and_shows_it_once(clinician, as_user):
    client = as_user(clinician)
    page = client.post("/accounts/me/", {"name": "script", "expires_days": 7})
    raw = page.context["new_token"]
    assert raw.encode() in page.content
    assert raw.encode() not in client.get("/accounts/me/").content
    assert _me(raw).status_code == 200
