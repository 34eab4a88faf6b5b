"""On PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE of audit rows."""

import pytest
from django.db import DatabaseError, connection, transaction

from carepath.audit import log as audit
from carepath.audit.models import Action, AuditEvent

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="the trigger exists on PostgreSQL only; "
                                       "CI runs this file there")


@pytest.fixture
def event(db):
    return audit.record(audit.Context.system("test"), Action.READ, object_type="test")


@pytest.mark.parametrize("sql", [
    "UPDATE audit_auditevent SET purpose = 'x' WHERE id = %s",
    "DELETE FROM audit_auditevent WHERE id = %s",
])
def test_database_refuses_changes_to_audit_rows(event, sql):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk, purpose=event.purpose).exists()


def test_database_refuses_truncate(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # else pending FK checks refuse first
        cursor.execute("TRUNCATE audit_auditevent")


def test_orm_delete_is_refused_too(event):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
