"""CM schedules and settings are managed in the admin: a schedule's parameters are checked
by the engine's validation, naming the field, and every change is in the audit chain."""

import json

import pytest
from django.urls import reverse

from carepath.accounts.models import Role
from carepath.audit.models import Action, AuditEvent
from carepath.conftest import verified_client
from carepath.incentives.models import CMSchedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(make_user):
    admin = make_user(Role.ADMINISTRATOR)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    return admin, verified_client(admin)


def _add(client, org, parameters):
    return client.post(reverse("admin:incentives_cmschedule_add"), {
        "organisation": org.pk, "name": "Vouchers", "kind": "vouchers",
        "parameters": json.dumps(parameters), "targets": ["negative_screen"],
        "active": "on"})


def test_a_schedule_with_valid_parameters_is_saved_and_audited(org, admin_client):
    admin, client = admin_client
    response = _add(client, org, {"start": "5.00"})
    assert response.status_code == 302
    schedule = CMSchedule.objects.get()
    assert schedule.targets == ["negative_screen"]
    event = AuditEvent.objects.filter(action=Action.SECURITY, actor=admin).latest("seq")
    assert event.object_id == str(schedule.uuid)


def test_a_schedule_with_bad_parameters_is_refused_naming_the_field(org, admin_client):
    _, client = admin_client
    response = _add(client, org, {"start": "-1", "surprise": 3})
    assert response.status_code == 200 and not CMSchedule.objects.exists()
    assert "parameters" in response.context["adminform"].form.errors


def test_the_settings_admin_is_registered(admin_client):
    _, client = admin_client
    assert client.get(reverse("admin:incentives_cmsettings_changelist")).status_code == 200
