"""`carepath audit verify` passes on an untouched log and names the first bad row otherwise."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from carepath.audit import log as audit
from carepath.audit.models import Action, AuditEvent
from carepath.audit.verify import verify_chain


def _write_events(n=5):
    ctx = audit.Context.system("test")
    for i in range(n):
        audit.record(ctx, Action.READ, object_type="test", object_id=str(i))


def _raw(sql, params=()):
    """Tamper as an attacker with database access would: bypassing the ORM and,
    on PostgreSQL, the append-only trigger (which is tested on its own)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Flush deferred foreign-key checks first: ALTER TABLE refuses while any are pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")


def test_untouched_chain_verifies(db, capsys):
    _write_events()
    call_command("audit", "verify")
    assert "chain intact" in capsys.readouterr().out


def test_each_row_links_to_the_digest_of_the_one_before(db):
    _write_events(3)
    rows = list(AuditEvent.objects.order_by("seq"))
    assert [r.prev_hash for r in rows[1:]] == [r.hash for r in rows[:-1]]


def test_edited_row_fails_and_is_named(db):
    _write_events()
    target = AuditEvent.objects.order_by("seq")[2]
    _raw("UPDATE audit_auditevent SET purpose = %s WHERE id = %s", ["covered up", target.pk])
    with pytest.raises(CommandError) as failure:
        call_command("audit", "verify")
    assert f"row seq {target.seq} (id {target.pk}) was changed" in str(failure.value)


def test_deleted_row_fails_and_is_named(db):
    _write_events()
    target = AuditEvent.objects.order_by("seq")[1]
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [target.pk])
    result = verify_chain()
    assert not result.ok
    assert result.bad_seq == target.seq
    assert "deleted" in result.problem


def test_deleting_the_newest_rows_is_noticed(db):
    _write_events()
    newest = AuditEvent.objects.order_by("-seq").first()
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [newest.pk])
    result = verify_chain()
    assert not result.ok
    assert result.bad_seq == newest.seq


def test_rewriting_a_row_and_its_digest_breaks_the_next_link(db):
    _write_events()
    rows = list(AuditEvent.objects.order_by("seq"))
    forged = rows[1]
    forged.purpose = "forged"
    forged.hash = forged.compute_hash()
    _raw("UPDATE audit_auditevent SET purpose = %s, hash = %s WHERE id = %s",
         [forged.purpose, forged.hash, forged.pk])
    result = verify_chain()
    assert not result.ok and result.bad_seq == rows[2].seq


def test_cli_entry_point_exits_non_zero_on_tampering(db):
    from carepath.cli import main

    _write_events(2)
    first = AuditEvent.objects.order_by("seq").first()
    _raw("UPDATE audit_auditevent SET action = 'update' WHERE id = %s", [first.pk])
    with pytest.raises(SystemExit) as exit_:
        main(["audit", "verify"])
    assert exit_.value.code != 0
