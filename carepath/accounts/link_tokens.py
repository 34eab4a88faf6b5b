"""Secrets carried by one-time links (portal and plan invitations, email confirmation) and
calendar feed URLs: 32 random bytes, URL-safe. Only their SHA-256 digest is stored, so a
copy of the database holds no working link."""

import hashlib
import secrets


def new_link_token() -> str:
    return secrets.token_urlsafe(32)


def link_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
