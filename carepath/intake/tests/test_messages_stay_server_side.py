"""Flash messages that name a person stay in the server-side session: the default message
storage put "Enquiry logged for <name>." in a signed but readable cookie."""

import pytest

from carepath.conftest import verified_client

from .test_pipeline_fixtures import *  # noqa: F403 (fixtures)

pytestmark = pytest.mark.django_db


def test_a_name_in_a_flash_message_never_reaches_a_cookie(advisor):
    client = verified_client(advisor)
    response = client.post("/intake/enquiries/new/", {
        "source": "phone", "preferred_contact": "phone", "given_name": "Riley",
        "family_name": "Zebedee", "phone": "07700 900111",
        "submission_key": "0b7c0e0e-2f3c-4a43-9a51-8d7f6f2c1e12"}, follow=True)
    assert "Zebedee" in response.content.decode()  # the message is still shown
    assert "messages" not in client.cookies
    assert all("Zebedee" not in morsel.value for morsel in client.cookies.values())
