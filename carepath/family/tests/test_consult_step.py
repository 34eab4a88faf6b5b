"""Step 2 (family:step_consult): an advisor from the directory, or a request to intake."""

import uuid

import pytest
from django.urls import reverse

from carepath.audit.models import AuditEvent, Outcome
from carepath.directory.models import Service
from carepath.family.tests.plans_support import make_plan, make_supporter, supporter_client
from carepath.intake.models.enquiries import Enquiry

pytestmark = pytest.mark.django_db


def make_service(name, **fields):
    data = {"provider": "Bridge Family Services", "address_line1": "1 High Street",
            "town": "Leeds", "postcode": "LS1 1AA", "latitude": 53.8, "longitude": -1.55,
            "offers_family_support": True, "phone": "0113 000 0000", **fields}
    return Service.objects.create(name=name, **data)


def _url(plan):
    return reverse("family:step_consult", kwargs={"plan_id": plan.uuid})


def test_lists_only_active_family_advisors_with_contact_and_availability(make_user, org):
    plan, members = make_plan(org, make_user)
    make_service("Family Advice Leeds", waiting_days=4, places_available=2)
    make_service("Closed Advisors", active=False)
    make_service("Rehab Only", offers_family_support=False, offers_residential=True)
    html = supporter_client(members[0].user).get(_url(plan)).content.decode()
    assert "Family Advice Leeds" in html and "Bridge Family Services" in html
    assert "Leeds" in html and "0113 000 0000" in html
    assert "Typical wait 4 days" in html and "2 places free" in html
    assert "Closed Advisors" not in html and "Rehab Only" not in html


def test_choosing_an_advisor_completes_the_step(make_user, org):
    plan, members = make_plan(org, make_user)
    service = make_service("Family Advice Leeds")
    response = supporter_client(members[1].user).post(
        _url(plan), {"form": "choose", "service": str(service.uuid)})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.consult_service == service
    page = supporter_client(members[0].user).get(_url(plan)).content.decode()
    assert "This step is done." in page and "You chose <strong>Family Advice Leeds" in page


@pytest.mark.parametrize("fields", [{"active": False}, {"offers_family_support": False}])
def test_a_service_that_is_not_an_active_family_advisor_is_refused(make_user, org, fields):
    plan, members = make_plan(org, make_user)
    service = make_service("Not This One", **fields)
    response = supporter_client(members[0].user).post(
        _url(plan), {"form": "choose", "service": str(service.uuid)})
    assert response.status_code == 400
    assert "Choose an advisor or interventionist from the list." in response.content.decode()
    plan.refresh_from_db()
    assert plan.consult_service is None


def test_asking_intake_makes_one_family_enquiry_even_when_asked_twice(make_user, org):
    plan, members = make_plan(org, make_user, loved_one_name="Jamie")
    first = supporter_client(members[0].user).post(
        _url(plan), {"form": "request", "question": "Weekends only",
                     "submission_key": str(uuid.uuid4())})
    assert first.status_code == 302
    second = supporter_client(members[1].user).post(
        _url(plan), {"form": "request", "question": "", "submission_key": str(uuid.uuid4())})
    assert second.status_code == 302
    enquiry = Enquiry.objects.get()
    plan.refresh_from_db()
    assert plan.consult_enquiry == enquiry
    assert enquiry.source == "family" and enquiry.given_name == "Jamie"
    assert enquiry.organisation == org
    assert enquiry.caller_name == members[0].name
    assert enquiry.caller_email == members[0].user.email
    assert "Weekends only" in enquiry.summary


def test_notes_are_saved_and_audited_without_their_words(make_user, org):
    plan, members = make_plan(org, make_user)
    response = supporter_client(members[0].user).post(
        _url(plan), {"form": "notes", "notes": "Dr Lee suggests a Sunday."})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.consult_notes == "Dr Lee suggests a Sunday."
    event = AuditEvent.objects.filter(object_id=str(plan.uuid), action="update").last()
    assert event.details["fields"] == ["consult_notes"]
    assert "Sunday" not in str(event.details)


def test_someone_not_on_the_team_gets_404_and_denied_audit(make_user, org):
    plan, _ = make_plan(org, make_user)
    service = make_service("Family Advice Leeds")
    outsider = make_supporter(make_user)
    client = supporter_client(outsider)
    assert client.get(_url(plan)).status_code == 404
    assert client.post(_url(plan), {"form": "choose",
                                    "service": str(service.uuid)}).status_code == 404
    plan.refresh_from_db()
    assert plan.consult_service is None
    assert AuditEvent.objects.filter(actor=outsider, outcome=Outcome.DENIED).count() == 2
