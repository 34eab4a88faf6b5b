"""Encouragement messages: sent under consent, received only while the patient lets them."""

import pytest
from django.core import mail

from carepath.family.models import EncouragementMessage, SharingPreference

from .sharing_fixtures import *  # noqa: F403 (fixtures)
from .sharing_support import denied_events, share, signed_in, verified_supporter

pytestmark = pytest.mark.django_db
MINE = "/my/encouragement/"


def encourage_url(patient):
    return f"/family/people/{patient.uuid}/encourage/"


def test_a_message_reaches_the_patient_and_no_email_carries_it(patient, my_client, sam):
    share(patient, sam, ["encouragement"])
    client = signed_in(sam)
    assert client.get(encourage_url(patient)).status_code == 200
    response = client.post(encourage_url(patient), {"text": "Proud of you this week",
                                                     "submission_key": "7" * 32})
    assert response.status_code == 302
    message = EncouragementMessage.objects.get(patient=patient)
    assert message.supporter == sam and message.consent.recipient_user == sam
    assert all("Proud of you" not in m.body for m in mail.outbox)
    page = my_client.get(MINE).content.decode()
    assert "Proud of you this week" in page and sam.display_name in page


def test_a_retried_message_is_stored_once(patient, sam):
    share(patient, sam, ["encouragement"])
    client = signed_in(sam)
    form = {"text": "Thinking of you", "submission_key": "8" * 32}
    client.post(encourage_url(patient), form)
    client.post(encourage_url(patient), form)
    assert EncouragementMessage.objects.filter(patient=patient).count() == 1


def test_turned_off_the_message_is_refused_and_not_stored(patient, my_client, sam):
    share(patient, sam, ["encouragement"])
    assert my_client.post("/my/sharing/", {"op": "encouragement",
                                           "encouragement_on": "0"}).status_code == 302
    assert SharingPreference.objects.get(patient=patient).encouragement_on is False
    response = signed_in(sam).post(encourage_url(patient), {"text": "Hello"})
    assert response.status_code == 403
    assert "chosen not to receive encouragement messages" in response.content.decode()
    assert not EncouragementMessage.objects.exists()
    assert denied_events(patient, "encouragement", sam).get().details["reason"] == \
        "encouragement_turned_off"


def test_when_off_the_patient_is_told_how_to_turn_it_on(patient, my_client, sam):
    SharingPreference.objects.create(patient=patient, encouragement_on=False)
    page = my_client.get(MINE).content.decode()
    assert 'data-testid="encouragement-off"' in page
    assert "Let supporters' encouragement messages reach me" in page
    assert my_client.post(MINE, {"encouragement_on": "1"}).status_code == 302
    assert SharingPreference.objects.get(patient=patient).encouragement_on is True


def test_without_an_encouragement_consent_sending_is_refused(patient, sam):
    share(patient, sam, ["attendance"])
    response = signed_in(sam).post(encourage_url(patient), {"text": "Hello"})
    assert response.status_code == 403
    assert patient.legal_given_name not in response.content.decode()
    assert not EncouragementMessage.objects.exists()
    assert denied_events(patient, "encouragement", sam).get().details["reason"] == \
        "no_consent_for_category"


def test_an_empty_or_too_long_message_is_refused_naming_the_field(patient, sam):
    share(patient, sam, ["encouragement"])
    client = signed_in(sam)
    assert "write a few words first" in client.post(
        encourage_url(patient), {"text": "  "}).content.decode()
    response = client.post(encourage_url(patient), {"text": "x" * 501})
    assert response.status_code == 400
    assert "keep it to 500 characters" in response.content.decode()
    assert not EncouragementMessage.objects.exists()


def test_the_messages_page_takes_the_same_queries_for_1_or_15_messages(patient, my_client,
                                                                       make_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def send_one():
        supporter = verified_supporter(make_user)
        consent = share(patient, supporter, ["encouragement"])
        EncouragementMessage.objects.create(patient=patient, supporter=supporter,
                                            consent=consent, text="Keep going")

    send_one()
    with CaptureQueriesContext(connection) as one:
        assert my_client.get(MINE).status_code == 200
    for _ in range(14):
        send_one()
    with CaptureQueriesContext(connection) as many:
        assert my_client.get(MINE).content.decode().count('data-testid="message"') == 15
    assert len(many) == len(one)
