"""Step 3, prepare statements: each member drafts their own statement privately and
chooses when to share it with the team (and can stop sharing).

The member is always the caller's own membership (``require_member``), so nobody can
write or share someone else's statement. Audit details name the fields changed, never
their words."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from carepath.audit import log as audit
from carepath.audit.models import Action

from .actions_plans import require_member
from .models import Statement

OBJECT_TYPE = "family.statement"
FIELDS = ("behaviours", "impact", "care", "request")
FIELD_MAX = 4000


def own_statement(member) -> Statement | None:
    return Statement.objects.filter(member=member).first()


def save_statement(ctx, plan, data: dict) -> Statement:
    """Save the caller's draft. Sharing is unchanged: a shared statement stays shared and
    the team sees the new words."""
    member = require_member(ctx, plan)
    texts = {name: (data.get(name) or "").strip() for name in FIELDS}
    errors = {name: [f"This part can be at most {FIELD_MAX} characters "
                     f"(it is {len(text)})."]
              for name, text in texts.items() if len(text) > FIELD_MAX}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        statement, created = Statement.objects.select_for_update().get_or_create(
            member=member, defaults={**texts, "updated_at": timezone.now()})
        changed = list(FIELDS) if created else [
            name for name in FIELDS if getattr(statement, name) != texts[name]]
        if not created and changed:
            for name in changed:
                setattr(statement, name, texts[name])
            statement.updated_at = timezone.now()
            statement.save(update_fields=[*changed, "updated_at"])
        if created or changed:
            audit.record(ctx, Action.CREATE if created else Action.UPDATE, obj=statement,
                         object_type=OBJECT_TYPE,
                         details={"plan": str(plan.uuid), "fields": changed,
                                  "shared": statement.is_shared})
    return statement


def set_shared(ctx, plan, shared: bool) -> Statement | None:
    """Share the caller's statement with the team, or stop sharing it. Repeating either
    changes nothing."""
    member = require_member(ctx, plan)
    with transaction.atomic():
        statement = Statement.objects.select_for_update().filter(member=member).first()
        if statement is None and not shared:
            return None
        if shared and (statement is None or not any(getattr(statement, n) for n in FIELDS)):
            raise ValidationError("Write and save your statement before sharing it.")
        if statement.is_shared == shared:
            return statement
        statement.shared_at = timezone.now() if shared else None
        statement.save(update_fields=["shared_at"])
        audit.record(ctx, Action.UPDATE, obj=statement, object_type=OBJECT_TYPE,
                     details={"plan": str(plan.uuid), "shared": shared})
    return statement
