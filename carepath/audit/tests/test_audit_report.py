"""The audit report: supervisors and administrators filter it and export CSV."""

import csv
import io

from django.urls import reverse

from carepath.accounts.models import Role
from carepath.audit.models import AuditEvent
from carepath.conftest import verified_client


def test_refused_reads_are_listed_for_the_patient(supervisor, outsider, patient):
    verified_client(outsider).get(reverse("patients:chart", args=[patient.uuid]))
    client = verified_client(supervisor)
    client.post(reverse("audit:report"), {"mrn": patient.mrn, "denied_only": "on"})
    page = client.get(reverse("audit:report"))
    assert page.status_code == 200
    events = list(page.context["page"].object_list)
    assert events and all(e.outcome == "denied" and e.patient_uuid == patient.uuid
                          for e in events)
    assert outsider.username in {e.actor_username for e in events}


def test_csv_export_has_the_filtered_rows(make_user, clinician, patient):
    admin = make_user(Role.ADMINISTRATOR)
    verified_client(clinician).get(reverse("patients:chart", args=[patient.uuid]))
    client = verified_client(admin)
    client.post(reverse("audit:report"), {"username": clinician.username, "action": "read"})
    response = client.get(reverse("audit:report_csv"))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows and {r["actor_username"] for r in rows} == {clinician.username}
    assert {r["action"] for r in rows} == {"read"}
    assert AuditEvent.objects.filter(actor=admin, action="export").exists()


def test_bad_date_range_is_explained_and_kept(supervisor):
    response = verified_client(supervisor).post(
        reverse("audit:report"), {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert b"end date is before the start date" in response.content
    assert b'value="2026-05-02"' in response.content


def test_clinicians_cannot_read_the_audit_report(clinician):
    assert verified_client(clinician).get(reverse("audit:report")).status_code == 403
    assert verified_client(clinician).get(reverse("audit:report_csv")).status_code == 403
