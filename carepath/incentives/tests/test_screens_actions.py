"""Recording, missing and amending drug screens through the actions: the panel's analytes,
never an overwrite, one screen per submission, rewards told, audited, refused to others."""

from datetime import timedelta
from uuid import uuid4

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from carepath.accounts.models import AccountType, Role
from carepath.audit.models import AuditEvent, Outcome
from carepath.conftest import ctx_for
from carepath.incentives import actions_screens as actions
from carepath.incentives import rewards
from carepath.incentives.models import (
    DrugScreen,
    LedgerEntry,
    ScreenAmendment,
    ScreenResult,
    ScreenStatus,
)

from .rewards_support import enrol
from .screens_support import (
    add_to_care_team,
    all_results,
    make_panel,
    record_negative,
    record_positive,
    record_screen,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def nurse(make_user, supervisor, patient, clinician):
    return add_to_care_team(patient, clinician, make_user(Role.NURSE, supervisor=supervisor))


@pytest.fixture
def panel(org):
    return make_panel(org)


@pytest.fixture
def reinforced(monkeypatch):
    calls = []
    monkeypatch.setattr(rewards, "reinforce",
                        lambda ctx, patient, target, source, result, **kw:
                        calls.append((target, source, result)) or [])
    return calls


def test_a_negative_screen_stores_one_result_per_analyte_and_tells_rewards(
        patient, nurse, panel, reinforced):
    screen = record_negative(ctx_for(nurse), patient, panel)
    assert screen.status == ScreenStatus.COLLECTED and screen.collected_by == nurse
    assert screen.specimen == "urine"  # the panel's, by default
    assert dict(screen.results.values_list("analyte", "result")) == all_results(panel)
    assert reinforced == [("negative_screen", screen.uuid, "N")]


def test_a_positive_screen_is_reinforced_as_positive(patient, nurse, panel, reinforced):
    screen = record_positive(ctx_for(nurse), patient, panel, "ketamine")
    assert reinforced == [("negative_screen", screen.uuid, "P")]


def test_a_dilute_negative_is_not_a_verified_negative(patient, nurse, panel, reinforced):
    record_negative(ctx_for(nurse), patient, panel, dilute=True)
    assert reinforced[0][2] == "P"


def test_a_result_for_an_analyte_not_on_the_panel_is_refused_by_name(patient, nurse, panel):
    results = {**all_results(panel), "mdma": "negative"}
    with pytest.raises(ValidationError) as refused:
        record_screen(ctx_for(nurse), patient, panel, results=results)
    assert "MDMA" in str(refused.value.message_dict["results"])
    assert "Ketamine urine panel" in str(refused.value.message_dict["results"])
    assert not DrugScreen.objects.exists()


def test_every_analyte_on_the_panel_needs_a_result(patient, nurse, panel):
    results = all_results(panel)
    del results["norketamine"]
    with pytest.raises(ValidationError) as refused:
        record_screen(ctx_for(nurse), patient, panel, results=results)
    assert "Norketamine" in refused.value.message_dict["result_norketamine"][0]


def test_a_collection_time_in_the_future_is_refused(patient, nurse, panel):
    with pytest.raises(ValidationError) as refused:
        record_negative(ctx_for(nurse), patient, panel, ago=-timedelta(hours=2))
    assert "future" in refused.value.message_dict["collected_at"][0]


def test_an_inactive_or_other_organisations_panel_is_refused(patient, nurse, other_org):
    for panel in (make_panel(patient.organisation, name="Old", active=False),
                  make_panel(other_org)):
        with pytest.raises(ValidationError) as refused:
            record_negative(ctx_for(nurse), patient, panel)
        assert "panel" in refused.value.message_dict


def test_a_retried_submission_makes_one_screen(patient, nurse, panel, reinforced):
    key = uuid4()
    first = record_negative(ctx_for(nurse), patient, panel, submission_key=key)
    again = record_negative(ctx_for(nurse), patient, panel, submission_key=key)
    assert first.pk == again.pk and DrugScreen.objects.count() == 1
    assert len(reinforced) == 1


def test_results_again_for_the_same_specimen_are_refused_pointing_to_amend(
        patient, nurse, panel):
    screen = record_negative(ctx_for(nurse), patient, panel)
    with pytest.raises(ValidationError) as refused:
        actions.record_results(ctx_for(nurse), screen, all_results(panel, "positive"))
    assert "amend" in refused.value.messages[0].lower()
    assert set(ScreenResult.objects.values_list("result", flat=True)) == {"negative"}


def test_a_laboratory_result_confirms_a_point_of_care_screen_once(
        patient, nurse, panel, reinforced):
    poc = record_negative(ctx_for(nurse), patient, panel)
    lab = record_negative(ctx_for(nurse), patient, panel, method="lab", confirms=poc)
    assert lab.confirms == poc
    # The specimen is reinforced under the first screen's uuid: it never pays twice.
    assert [c[1] for c in reinforced] == [poc.uuid, poc.uuid]
    with pytest.raises(ValidationError) as refused:
        record_negative(ctx_for(nurse), patient, panel, method="lab", confirms=poc)
    assert "amend" in refused.value.message_dict["confirms"][0].lower()


def test_only_a_laboratory_method_confirms(patient, nurse, panel):
    poc = record_negative(ctx_for(nurse), patient, panel)
    with pytest.raises(ValidationError) as refused:
        record_negative(ctx_for(nurse), patient, panel, confirms=poc)
    assert "Laboratory" in refused.value.message_dict["confirms"][0]


def test_a_missed_screen_is_recorded_once_and_reinforced_as_missed(
        patient, nurse, panel, reinforced):
    due = timezone.now() - timedelta(hours=3)
    screen = actions.record_missed(ctx_for(nurse), patient, scheduled_for=due, panel=panel)
    again = actions.record_missed(ctx_for(nurse), patient, scheduled_for=due, panel=panel)
    assert screen.pk == again.pk and screen.status == ScreenStatus.MISSED
    assert reinforced == [("negative_screen", screen.uuid, "M")]


def test_a_screen_not_yet_due_cannot_be_missed(patient, nurse, panel):
    with pytest.raises(ValidationError) as refused:
        actions.record_missed(ctx_for(nurse), patient, panel=panel,
                              scheduled_for=timezone.now() + timedelta(days=1))
    assert "scheduled_for" in refused.value.message_dict


def test_an_amendment_keeps_the_original_and_needs_a_reason(patient, nurse, panel):
    screen = record_positive(ctx_for(nurse), patient, panel, "ketamine")
    with pytest.raises(ValidationError) as refused:
        actions.amend_screen(ctx_for(nurse), screen, analyte="ketamine",
                             to_result="negative", reason="")
    assert "reason" in refused.value.message_dict
    amendment = actions.amend_screen(ctx_for(nurse), screen, analyte="ketamine",
                                     to_result="negative",
                                     reason="Laboratory confirmation was negative")
    assert amendment.from_result == "positive"
    assert screen.results.get(analyte="ketamine").result == "positive"  # never overwritten


def test_amending_an_analyte_not_on_the_screen_or_to_the_same_result_is_refused(
        patient, nurse, panel):
    screen = record_negative(ctx_for(nurse), patient, panel)
    for analyte, to in (("mdma", "positive"), ("ketamine", "negative")):
        with pytest.raises(ValidationError):
            actions.amend_screen(ctx_for(nurse), screen, analyte=analyte, to_result=to,
                                 reason="Laboratory report received")
    assert not ScreenAmendment.objects.exists()


def test_audit_details_carry_no_free_text(patient, nurse, panel):
    screen = record_negative(ctx_for(nurse), patient, panel,
                             reported_use="Used on Saturday at a party")
    actions.amend_screen(ctx_for(nurse), screen, analyte="cocaine", to_result="positive",
                         reason="Laboratory report secret-reason-text")
    events = AuditEvent.objects.filter(object_type=actions.OBJECT_TYPE,
                                       outcome=Outcome.ALLOWED)
    assert events.count() == 2
    text = str(list(events.values_list("details", flat=True)))
    assert "Saturday" not in text and "secret-reason-text" not in text


@pytest.mark.parametrize("role", [Role.INTAKE_ADVISOR])
def test_a_role_that_does_not_record_screens_is_refused_and_audited(
        patient, clinician, make_user, panel, role):
    user = add_to_care_team(patient, clinician, make_user(role), "intake")
    with pytest.raises(PermissionDenied):
        record_negative(ctx_for(user), patient, panel)
    assert AuditEvent.objects.filter(actor=user, outcome=Outcome.DENIED).exists()
    assert not DrugScreen.objects.exists()


def test_someone_off_the_care_team_or_the_patient_is_refused_and_audited(
        patient, outsider, make_user, panel):
    own = make_user(None, account_type=AccountType.PATIENT)
    patient.user = own
    patient.save(update_fields=["user"])
    for user in (outsider, own):
        with pytest.raises(PermissionDenied):
            record_negative(ctx_for(user), patient, panel)
        assert AuditEvent.objects.filter(actor=user, outcome=Outcome.DENIED).exists()
    assert not DrugScreen.objects.exists()


def test_a_nurse_records_a_negative_and_the_ledger_shows_the_reward(
        patient, org, nurse, panel):
    enrol(patient, org)
    screen = record_negative(ctx_for(nurse), patient, panel)
    entry = LedgerEntry.objects.get(patient=patient, source_uuid=screen.uuid)
    assert entry.result == "N" and entry.amount > 0


def test_a_break_glass_visitor_reads_but_does_not_record(patient, outsider, panel):
    from carepath.access.models import BreakGlassAccess

    BreakGlassAccess.objects.create(user=outsider, patient=patient, reason="Urgent call",
                                    expires_at=timezone.now() + timedelta(hours=1))
    assert not actions.may_record_screens(outsider, patient)
    with pytest.raises(PermissionDenied):
        record_negative(ctx_for(outsider), patient, panel)
    assert AuditEvent.objects.filter(actor=outsider, outcome=Outcome.DENIED).exists()
