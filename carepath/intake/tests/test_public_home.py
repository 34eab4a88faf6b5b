"""GET / for an anonymous visitor is the public front door; signed in, it is unchanged."""

import pytest
from django.urls import reverse

from carepath.accounts.models import AccountType, Role
from carepath.conftest import verified_client

pytestmark = pytest.mark.django_db


def test_anonymous_home_is_the_public_front_door(client, org, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        page = client.get(reverse("ui:home"))
    assert page.status_code == 200
    assert [t.name for t in page.templates][0] == "ui/public_home.html"
    body = page.content.decode()
    for url in (reverse("intake:selfcheck"), reverse("intake:education_index"),
                reverse("directory:search"), reverse("accounts:login")):
        assert f'href="{url}"' in body
    assert "Samaritans" in body
    assert not page.cookies and "csrfmiddlewaretoken" not in body


def test_anonymous_home_works_before_any_organisation_exists(client, db):
    page = client.get("/")
    assert page.status_code == 200 and "116 123" in page.content.decode()


def test_signed_in_staff_still_get_their_caseload(clinician):
    page = verified_client(clinician).get("/")
    assert page.status_code == 200
    assert "ui/caseload.html" in [t.name for t in page.templates]


def test_administrators_and_patients_keep_their_own_home(make_user):
    admin = make_user(Role.ADMINISTRATOR)
    assert "ui/admin_home.html" in [t.name for t in verified_client(admin).get("/").templates]
    patient_user = make_user(account_type=AccountType.PATIENT, role="")
    page = verified_client(patient_user).get("/")
    assert "ui/no_record.html" in [t.name for t in page.templates]


def test_other_staff_pages_still_need_sign_in(client, org):
    response = client.get(reverse("alerts:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
