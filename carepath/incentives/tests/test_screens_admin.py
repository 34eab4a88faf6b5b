"""Panels are managed in the admin; adding one is a security event in the audit chain, and
a panel can only name analytes the screens know."""

import pytest
from django.urls import reverse

from carepath.accounts.models import Role
from carepath.audit.models import Action, AuditEvent
from carepath.conftest import verified_client
from carepath.incentives.models import Panel

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(make_user):
    admin = make_user(Role.ADMINISTRATOR)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    return admin, verified_client(admin)


def _add(client, org, analytes):
    return client.post(reverse("admin:incentives_panel_add"), {
        "organisation": org.pk, "name": "Ketamine oral fluid", "specimen": "oral_fluid",
        "analytes": analytes, "active": "on"})


def test_adding_a_panel_in_the_admin_is_audited(org, admin_client):
    admin, client = admin_client
    response = _add(client, org, ["ketamine", "norketamine"])
    assert response.status_code == 302
    panel = Panel.objects.get()
    assert panel.analytes == ["ketamine", "norketamine"]
    event = AuditEvent.objects.filter(action=Action.SECURITY, actor=admin).latest("seq")
    assert event.details["event"] == "created" and event.object_id == str(panel.uuid)


def test_a_panel_cannot_name_an_unknown_analyte(org, admin_client):
    _, client = admin_client
    response = _add(client, org, ["ketamine", "unobtainium"])
    assert response.status_code == 200
    assert not Panel.objects.exists()
