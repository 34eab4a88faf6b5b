"""Changing a user's role in the admin is a security event in the audit chain."""

from django.urls import reverse

from carepath.accounts.models import Role
from carepath.audit.models import Action, AuditEvent
from carepath.conftest import verified_client


def test_role_change_in_the_admin_is_audited(make_user, clinician):
    admin = make_user(Role.ADMINISTRATOR)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = verified_client(admin)
    url = reverse("admin:accounts_user_change", args=[clinician.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update({"role": Role.SUPERVISOR, "account_type": "staff", "organisation":
                 clinician.organisation_id, "date_joined_0": "2026-01-01",
                 "date_joined_1": "00:00:00", "supervisor": ""})
    data.pop("date_joined", None)
    data.pop("last_login", None)
    data.pop("groups", None)
    data.pop("user_permissions", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    clinician.refresh_from_db()
    assert clinician.role == Role.SUPERVISOR
    event = AuditEvent.objects.filter(action=Action.SECURITY, actor=admin).latest("seq")
    assert event.details["event"] == "changed" and event.object_id == str(clinician.uuid)
