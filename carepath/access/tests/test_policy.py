"""Who may see a patient's record: decided in carepath.access.policy alone."""

from carepath.access.policy import patient_access, visible_patients
from carepath.accounts.models import AccountType, Role
from carepath.conftest import ctx_for
from carepath.patients import actions
from carepath.patients.models import Patient


def test_care_team_member_sees_the_record(clinician, patient):
    assert patient_access(clinician, patient).basis == "care_team"


def test_clinician_off_the_care_team_is_refused(outsider, patient):
    decision = patient_access(outsider, patient)
    assert not decision and decision.basis == "not_on_care_team"


def test_supervisor_sees_their_team_members_patients(supervisor, patient):
    assert patient_access(supervisor, patient).basis == "supervision"


def test_supervisor_does_not_see_other_supervisors_teams(make_user, patient):
    other_supervisor = make_user(Role.SUPERVISOR)
    assert not patient_access(other_supervisor, patient)


def test_administrator_and_analyst_see_no_clinical_content(make_user, patient):
    for role in (Role.ADMINISTRATOR, Role.ANALYST):
        user = make_user(role)
        decision = patient_access(user, patient)
        assert not decision and decision.basis == "role_sees_no_clinical_content"
        assert not visible_patients(user, Patient.objects.all()).exists()


def test_patient_sees_only_their_own_record(make_user, make_patient):
    own, other = make_patient(), make_patient()
    account = make_user(account_type=AccountType.PATIENT, role="")
    own.user = account
    own.save()
    assert patient_access(account, own).basis == "own_record"
    assert not patient_access(account, other)
    assert list(visible_patients(account, Patient.objects.all())) == [own]


def test_supporter_sees_no_record_without_consented_sharing(make_user, patient):
    supporter = make_user(account_type=AccountType.SUPPORTER, role="")
    assert not patient_access(supporter, patient)


def test_staff_of_another_organisation_are_refused_even_with_the_same_role(
        make_user, other_org, patient):
    stranger = make_user(Role.SUPERVISOR, organisation=other_org)
    assert not patient_access(stranger, patient)


def test_caseload_lists_each_visible_patient_once(supervisor, clinician, make_user, make_patient):
    second = make_user(Role.CLINICIAN, supervisor=supervisor)
    shared = make_patient()
    actions.add_care_team_member(ctx_for(clinician), shared, second, "therapist")
    actions.add_care_team_member(ctx_for(clinician), shared, supervisor, "supervisor")
    listed = list(visible_patients(supervisor, Patient.objects.all()))
    assert listed.count(shared) == 1


def test_inactive_user_is_refused(clinician, patient):
    clinician.is_active = False
    clinician.save()
    assert not patient_access(clinician, patient)
