"""Retried web forms create nothing twice: "Book assessment" on an enquiry carries a
one-time key, so a double click or a re-sent form books once."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from carepath.conftest import verified_client
from carepath.intake.models import Assessment, Stage

from .test_pipeline_fixtures import *  # noqa: F403 (fixtures)

pytestmark = pytest.mark.django_db


def _key(html: str) -> str:
    match = re.search(r'name="submission_key" value="([^"]+)"', html)
    assert match, "the booking form carries a one-time key"
    return match.group(1)


def test_a_resent_booking_books_one_assessment(enquiry, advisor, clinician):
    client = verified_client(advisor)
    url = f"/intake/enquiries/{enquiry.uuid}/book/"
    when = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    form = {"assessor": str(clinician.uuid), "booked_for": when,
            "submission_key": _key(client.get(url).content.decode()),
            "legal_given_name": enquiry.given_name, "legal_family_name": enquiry.family_name,
            "date_of_birth": "1995-06-01", "sex_at_birth": "not_stated"}
    first = client.post(url, form)
    again = client.post(url, form)
    assert first.status_code == again.status_code == 302
    assert Assessment.objects.filter(enquiry=enquiry).count() == 1
    enquiry.refresh_from_db()
    assert enquiry.stage == Stage.ASSESSMENT_BOOKED


def test_a_new_booking_page_gets_a_new_key(enquiry, advisor):
    client = verified_client(advisor)
    url = f"/intake/enquiries/{enquiry.uuid}/book/"
    assert _key(client.get(url).content.decode()) != _key(client.get(url).content.decode())


def test_a_refused_booking_keeps_its_key(enquiry, advisor, clinician):
    client = verified_client(advisor)
    url = f"/intake/enquiries/{enquiry.uuid}/book/"
    key = _key(client.get(url).content.decode())
    refused = client.post(url, {"assessor": str(clinician.uuid), "submission_key": key})
    assert refused.status_code == 400 and _key(refused.content.decode()) == key
