"""The database refuses to change a submitted response; on PostgreSQL also to delete one.

SQLite's test flush deletes rows one by one, so there only UPDATE is refused; a
submitted response still cannot be deleted through the app (Patient PROTECTs it and
no action deletes responses).
"""

from django.db import migrations

PG_SQL = """
CREATE OR REPLACE FUNCTION carepath_response_immutable() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'submitted' THEN
        RAISE EXCEPTION 'a submitted response is immutable: % refused', TG_OP;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER response_immutable BEFORE UPDATE OR DELETE ON measures_response
    FOR EACH ROW EXECUTE FUNCTION carepath_response_immutable();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS response_immutable ON measures_response;
DROP FUNCTION IF EXISTS carepath_response_immutable();
"""
SQLITE_SQL = """
CREATE TRIGGER response_immutable BEFORE UPDATE ON measures_response
WHEN OLD.status = 'submitted'
BEGIN
    SELECT RAISE(ABORT, 'a submitted response is immutable: UPDATE refused');
END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS response_immutable;"


def add(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_SQL, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_SQL, params=None)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DROP, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("measures", "0001_initial")]

    operations = [migrations.RunPython(add, drop)]
