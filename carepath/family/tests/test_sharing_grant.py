"""The patient's /my/sharing/ page: granting, refusing bad consents, revoking."""

from datetime import timedelta

import pytest
from django.utils import timezone

from carepath.audit.models import Action, AuditEvent, Outcome
from carepath.patients.models import Consent

from .sharing_fixtures import *  # noqa: F403 (fixtures)
from .sharing_support import (
    category_url,
    own_account,
    share,
    signed_in,
    verified_supporter,
)

pytestmark = pytest.mark.django_db
URL = "/my/sharing/"


def grant_form(sam, **extra):
    return {"op": "grant", "email": sam.email.upper(), "categories": ["attendance",
                                                                      "milestones"],
            "purpose": "", "expires_on": (timezone.localdate() + timedelta(days=90)).isoformat(),
            **extra}


def test_the_form_ticks_nothing_and_offers_clinical_choices_separately(my_client):
    page = my_client.get(URL).content.decode()
    assert "checked" not in page
    for category in ("attendance", "milestones", "appointments", "encouragement",
                     "clinical_notes", "measures", "counselling_notes"):
        assert f'value="{category}"' in page
    assert "Clinical information: only if you choose it" in page
    assert "a consent of their own" in page


def test_granting_makes_an_audited_consent_naming_the_supporter(patient, me, my_client, sam):
    response = my_client.post(URL, grant_form(sam))
    assert response.status_code == 302
    consent = Consent.objects.get(patient=patient)
    assert consent.recipient_user == sam and consent.recipient == sam.display_name
    assert consent.data_categories == ["attendance", "milestones"]
    assert consent.purpose == "To support my recovery"
    assert consent.regime == "uk_gdpr"
    assert consent.starts_on == timezone.localdate()
    assert consent.recorded_by == me
    event = AuditEvent.objects.get(action=Action.CREATE, object_id=str(consent.uuid))
    assert event.patient_uuid == patient.uuid and event.actor == me
    page = my_client.get(URL).content.decode()
    assert sam.display_name in page and "Attendance" in page and 'data-status="active"' in page


def test_a_us_organisation_gives_a_part2_consent(patient, org, my_client, sam):
    org.country = "US"
    org.save(update_fields=["country"])
    my_client.post(URL, grant_form(sam))
    assert Consent.objects.get(patient=patient).regime == "42cfr2"


def test_a_retried_grant_makes_one_consent(patient, my_client, sam):
    form = grant_form(sam, submission_key="5" * 32)
    assert my_client.post(URL, form).status_code == 302
    assert my_client.post(URL, form).status_code == 302
    assert Consent.objects.filter(patient=patient).count() == 1


@pytest.mark.parametrize("change, field, words", [
    ({"categories": []}, "categories", "choose at least one thing to share"),
    ({"email": ""}, "email", "A consent must name who it is for"),
    ({"email": "nobody@example.org"}, "email", "no CarePath family account uses that address"),
    ({"expires_on": "2020-01-01"}, "expires_on", "that date has passed"),
    ({"expires_on": ""}, "expires_on", "enter the date this sharing ends"),
    ({"categories": ["attendance", "counselling_notes"]}, "categories",
     "SUD counselling notes can only be shared on a consent of their own"),
])
def test_a_bad_grant_is_refused_naming_the_reason_and_keeps_what_was_typed(
        patient, my_client, sam, change, field, words):
    form = grant_form(sam, purpose="For my brother", **change)
    response = my_client.post(URL, form)
    assert response.status_code == 400
    page = response.content.decode()
    assert words in page
    assert "For my brother" in page
    if field != "email":
        assert sam.email.upper() in page
    assert not Consent.objects.filter(patient=patient).exists()


def test_the_unknown_address_message_points_to_registration(my_client, sam):
    page = my_client.post(URL, grant_form(sam, email="new@example.org")).content.decode()
    assert "/family/register/" in page


def test_an_unverified_or_inactive_supporter_cannot_be_named(patient, my_client, make_user):
    unverified = verified_supporter(make_user, verified=False)
    inactive = verified_supporter(make_user)
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    for person in (unverified, inactive):
        assert my_client.post(URL, grant_form(person)).status_code == 400
    assert not Consent.objects.filter(patient=patient).exists()


def test_expiry_more_than_a_year_ahead_is_refused(my_client, sam):
    late = (timezone.localdate() + timedelta(days=400)).isoformat()
    response = my_client.post(URL, grant_form(sam, expires_on=late))
    assert response.status_code == 400
    assert "choose a date within a year" in response.content.decode()


def test_counselling_notes_on_their_own_are_accepted(patient, my_client, sam):
    assert my_client.post(URL, grant_form(sam, categories=["counselling_notes"])
                          ).status_code == 302
    assert Consent.objects.get(patient=patient).data_categories == ["counselling_notes"]


def test_revoking_takes_effect_at_once(patient, me, my_client, sam):
    consent = share(patient, sam, ["attendance"])
    assert signed_in(sam).get(category_url(patient, "attendance")).status_code == 200
    response = my_client.post(URL, {"op": "revoke", "consent": str(consent.uuid),
                                    "reason": "We argued"})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.revoked_at is not None and consent.revoked_reason == "We argued"
    assert signed_in(sam).get(category_url(patient, "attendance")).status_code == 403
    assert AuditEvent.objects.filter(action=Action.UPDATE, object_id=str(consent.uuid),
                                     actor=me).exists()
    assert 'data-status="stopped"' in my_client.get(URL).content.decode()


def test_another_patient_cannot_see_or_revoke_this_patients_consents(
        patient, make_patient, make_user, sam):
    consent = share(patient, sam, ["attendance"])
    other = make_patient(legal_given_name="Jo")
    other_client = signed_in(own_account(other, make_user))
    page = other_client.get(URL).content.decode()
    assert str(consent.uuid) not in page and sam.display_name not in page
    response = other_client.post(URL, {"op": "revoke", "consent": str(consent.uuid)})
    assert response.status_code == 404
    consent.refresh_from_db()
    assert consent.revoked_at is None
    assert AuditEvent.objects.filter(patient_uuid=patient.uuid, outcome=Outcome.DENIED,
                                     object_type="family.sharing").exists()


def test_staff_and_supporters_cannot_open_the_patients_sharing_page(patient, clinician,
                                                                    as_user, sam):
    assert as_user(clinician).get(URL).status_code == 404
    assert signed_in(sam).get(URL).status_code == 404


def test_the_sharing_page_takes_the_same_queries_for_1_or_20_consents(patient, my_client,
                                                                      make_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    share(patient, verified_supporter(make_user), ["attendance"])
    with CaptureQueriesContext(connection) as one:
        assert my_client.get(URL).status_code == 200
    for _ in range(19):
        share(patient, verified_supporter(make_user), ["milestones"])
    with CaptureQueriesContext(connection) as many:
        assert my_client.get(URL).content.decode().count('data-testid="consent"') == 20
    assert len(many) == len(one)
