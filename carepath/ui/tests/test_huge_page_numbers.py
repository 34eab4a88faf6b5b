"""A page number too large for the database's OFFSET is an empty page, not a 500
(a 40-digit ?page= overflowed SQLite: "datatype mismatch")."""

import pytest
from django.urls import reverse

from carepath.conftest import verified_client

pytestmark = pytest.mark.django_db

HUGE = "9" * 40


def test_the_caseload_answers_a_huge_page_number(clinician, patient):
    response = verified_client(clinician).get(reverse("ui:home"), {"page": HUGE})
    assert response.status_code == 200


def test_the_audit_report_answers_a_huge_page_number(supervisor):
    response = verified_client(supervisor).get(reverse("audit:report"), {"page": HUGE})
    assert response.status_code == 200
