"""One Idempotency-Key mechanism for every create, web form or API: a retry returns the
first result instead of making a second. Only the created resource's UUID is kept (see
``IdempotencyKey``), never a response body, so no health data is stored twice."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from uuid import UUID

from django.db import IntegrityError, transaction

from .models import IdempotencyKey


class KeyReused(Exception):
    """The same key came back with a different request (the API answers 422)."""


def digest_of(body) -> str:
    """A stable digest of a request body, to tell a true retry from a reused key."""
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def _earlier(user, endpoint: str, key: str, digest: str) -> UUID | None:
    earlier = IdempotencyKey.objects.filter(user=user, endpoint=endpoint, key=key).first()
    if earlier is None:
        return None
    if earlier.request_digest != digest:
        raise KeyReused
    return earlier.resource_uuid


def run_once[T](user, endpoint: str, key: str | None, digest: str,
                create: Callable[[], T]) -> tuple[T | None, UUID | None]:
    """Call ``create`` at most once per (user, endpoint, key), in one transaction with the
    key's record. Returns ``(new object, None)``, or ``(None, first result's UUID)`` for a
    retry, including one that raced the first. With no key it simply creates."""
    key = (key or "")[:100]
    if not key:
        return create(), None
    if (earlier := _earlier(user, endpoint, key, digest)) is not None:
        return None, earlier
    try:
        with transaction.atomic():
            made = create()
            IdempotencyKey.objects.create(user=user, endpoint=endpoint, key=key,
                                          request_digest=digest, resource_uuid=made.uuid)
    except IntegrityError:
        # Two retries raced with one key: the other one won. Anything else is re-raised.
        if (earlier := _earlier(user, endpoint, key, digest)) is None:
            raise
        return None, earlier
    return made, None
