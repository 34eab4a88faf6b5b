"""The contract other parts call: logging enquiries, refusing ones nobody can answer,
idempotent submissions, the first stage change, and stage changes."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from carepath.accounts.models import Organisation, Role
from carepath.audit.models import AuditEvent
from carepath.conftest import ctx_for
from carepath.intake import actions_enquiries as actions
from carepath.intake.models import Enquiry, EnquiryStageChange, Stage

from .test_pipeline_fixtures import *  # noqa: F403 (fixtures)
from .test_pipeline_fixtures import PUBLIC

pytestmark = pytest.mark.django_db


def test_front_door_organisation_is_the_named_one_else_the_oldest(org, other_org, settings):
    settings.CAREPATH_FRONT_DOOR_ORGANISATION = ""
    assert actions.front_door_organisation() == org
    settings.CAREPATH_FRONT_DOOR_ORGANISATION = other_org.name
    assert actions.front_door_organisation() == other_org


def test_a_mistyped_front_door_name_never_falls_back_to_another_organisation(
        org, other_org, settings, client):
    settings.CAREPATH_FRONT_DOOR_ORGANISATION = "No such place"
    with pytest.raises(Organisation.DoesNotExist):
        actions.front_door_organisation()


def test_a_public_callback_with_consent_is_logged_as_new_with_its_first_stage_change(org):
    enquiry = actions.create_enquiry(PUBLIC, org, {"given_name": "Sam", "phone": "07700 900123",
                                                   "contact_consent": True}, source="callback")
    assert enquiry.stage == Stage.NEW and enquiry.contact_consent_at is not None
    change = EnquiryStageChange.objects.get(enquiry=enquiry)
    assert change.from_stage == "" and change.to_stage == Stage.NEW
    event = AuditEvent.objects.get(object_type="intake.enquiry", action="create")
    assert event.object_id == str(enquiry.uuid) and "Sam" not in str(event.details)


def test_an_enquiry_with_no_way_to_contact_anyone_is_refused_with_the_reason(org, advisor):
    with pytest.raises(ValidationError) as refused:
        actions.create_enquiry(ctx_for(advisor), org, {"given_name": "Sam"}, source="phone")
    assert refused.value.message_dict["phone"] == [actions.NO_CONTACT]
    assert not Enquiry.objects.exists()


def test_a_callers_phone_is_enough_to_get_back_to_them(org, advisor):
    enquiry = actions.create_enquiry(ctx_for(advisor), org, {
        "given_name": "Sam", "caller_name": "Jo", "caller_relationship": "mother",
        "caller_phone": "07700 900456"}, source="family")
    assert enquiry.caller_phone == "07700 900456"


def test_a_callback_without_consent_to_store_the_contact_is_refused(org):
    with pytest.raises(ValidationError) as refused:
        actions.create_enquiry(PUBLIC, org, {"given_name": "Sam", "email": "sam@example.org"},
                               source="callback")
    assert refused.value.message_dict["contact_consent"] == [actions.NO_CONSENT]
    assert not Enquiry.objects.exists()


def test_a_given_name_is_required(org, advisor):
    with pytest.raises(ValidationError) as refused:
        actions.create_enquiry(ctx_for(advisor), org, {"phone": "0123"}, source="phone")
    assert "given_name" in refused.value.message_dict


def test_a_repeated_submission_key_returns_the_first_enquiry_and_creates_nothing(org):
    key = uuid.uuid4()
    data = {"given_name": "Sam", "phone": "07700 900123", "contact_consent": True}
    first = actions.create_enquiry(PUBLIC, org, data, source="callback", submission_key=key)
    again = actions.create_enquiry(PUBLIC, org, data, source="callback", submission_key=key)
    assert again.pk == first.pk
    assert Enquiry.objects.count() == 1 and EnquiryStageChange.objects.count() == 1


def test_without_an_account_only_a_callback_can_be_made(org):
    with pytest.raises(PermissionDenied):
        actions.create_enquiry(PUBLIC, org, {"given_name": "Sam", "phone": "1"}, source="phone")


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.ANALYST, Role.NURSE])
def test_staff_who_do_not_work_intake_may_not_log_enquiries(org, make_user, role):
    with pytest.raises(PermissionDenied):
        actions.create_enquiry(ctx_for(make_user(role)), org, {"given_name": "Sam", "phone": "1"},
                               source="phone")


def test_staff_may_not_log_an_enquiry_for_another_organisation(other_org, advisor):
    with pytest.raises(PermissionDenied):
        actions.create_enquiry(ctx_for(advisor), other_org, {"given_name": "Sam", "phone": "1"},
                               source="phone")
