"""Seed the chain head, and on PostgreSQL refuse UPDATE, DELETE and TRUNCATE of audit rows.

SQLite has no such guard (it is the single-machine embedded database); there
the hash chain alone proves tampering. Both are tested.
"""

from django.db import migrations

TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION carepath_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_auditevent is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_append_only_rows BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION carepath_audit_append_only();
CREATE TRIGGER audit_append_only_truncate BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION carepath_audit_append_only();
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS audit_append_only_rows ON audit_auditevent;
DROP TRIGGER IF EXISTS audit_append_only_truncate ON audit_auditevent;
DROP FUNCTION IF EXISTS carepath_audit_append_only();
"""


def seed_head(apps, schema_editor):
    apps.get_model("audit", "AuditChainHead").objects.get_or_create(pk=1)


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER_SQL, params=None)  # None: "%" is plpgsql, not a placeholder


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(seed_head, migrations.RunPython.noop),
        migrations.RunPython(add_trigger, drop_trigger),
    ]
