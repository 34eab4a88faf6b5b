"""JSON shapes of the patient record for the API."""

from datetime import date
from uuid import UUID

from ninja import Schema
from pydantic import ConfigDict

from .models import SexAtBirth


class CareTeamMemberOut(Schema):
    username: str
    name: str
    role: str


class PatientSummaryOut(Schema):
    id: UUID
    mrn: str
    display_name: str
    date_of_birth: date
    current_level_of_care: str | None = None


class PatientOut(Schema):
    id: UUID
    mrn: str
    legal_given_name: str
    legal_family_name: str
    preferred_name: str
    pronouns: str
    date_of_birth: date
    sex_at_birth: SexAtBirth
    gender_identity: str
    phone: str
    email: str
    address_line1: str
    address_line2: str
    town: str
    postcode: str
    preferred_language: str
    emergency_contact_name: str
    emergency_contact_relationship: str
    emergency_contact_phone: str
    nhs_number: str
    us_mrn: str
    insurance_id: str
    care_team: list[CareTeamMemberOut]


class PatientIn(Schema):
    model_config = ConfigDict(extra="forbid")

    legal_given_name: str
    legal_family_name: str
    date_of_birth: date
    preferred_name: str = ""
    pronouns: str = ""
    sex_at_birth: SexAtBirth = SexAtBirth.NOT_STATED
    gender_identity: str = ""
    phone: str = ""
    email: str = ""
    address_line1: str = ""
    address_line2: str = ""
    town: str = ""
    postcode: str = ""
    preferred_language: str = "English"
    emergency_contact_name: str = ""
    emergency_contact_relationship: str = ""
    emergency_contact_phone: str = ""
    nhs_number: str = ""
    us_mrn: str = ""
    insurance_id: str = ""
    confirm_duplicate: bool = False


class PatientPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    legal_given_name: str | None = None
    legal_family_name: str | None = None
    date_of_birth: date | None = None
    preferred_name: str | None = None
    pronouns: str | None = None
    sex_at_birth: SexAtBirth | None = None
    gender_identity: str | None = None
    phone: str | None = None
    email: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    town: str | None = None
    postcode: str | None = None
    preferred_language: str | None = None
    emergency_contact_name: str | None = None
    emergency_contact_relationship: str | None = None
    emergency_contact_phone: str | None = None
    nhs_number: str | None = None
    us_mrn: str | None = None
    insurance_id: str | None = None


class BreakGlassIn(Schema):
    reason: str


class BreakGlassOut(Schema):
    id: UUID
    patient_id: UUID
    reason: str
    expires_at: str


class PatientPage(Schema):
    page: int
    page_size: int
    has_next: bool
    items: list[PatientSummaryOut]
