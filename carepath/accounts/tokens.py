"""API bearer tokens: created once, stored as a digest, revocable."""

import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from carepath.audit import log as audit
from carepath.audit.models import Action

from .models import ApiToken

TOKEN_PREFIX = "cp_"  # noqa: S105 (a public marker, not a secret)


def create_token(ctx: audit.Context, user, name: str, expires_days: int | None = None):
    """Returns (token, raw). The raw value is shown once and never stored."""
    if not user.is_active:
        raise PermissionDenied("Inactive users cannot hold API tokens.")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(days=expires_days) if expires_days else None
    token = ApiToken.objects.create(user=user, name=name or "API token", prefix=raw[:10],
                                    digest=ApiToken.digest_of(raw), expires_at=expires_at)
    audit.record(ctx, Action.SECURITY, obj=token, details={"event": "api_token_created",
                                                          "for_user": user.username})
    return token, raw


def revoke_token(ctx: audit.Context, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(ctx, Action.SECURITY, obj=token, details={"event": "api_token_revoked"})
    return token


def user_for_token(raw: str):
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    token = (ApiToken.objects.usable().select_related("user")
             .filter(digest=ApiToken.digest_of(raw)).first())
    if token is None or not token.user.is_active:
        return None
    # Touch at most once a minute: a busy client should not write on every call.
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
