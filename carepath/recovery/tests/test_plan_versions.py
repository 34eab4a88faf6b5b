"""The relapse-prevention plan: co-written, versioned, never changed in place."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from carepath.audit.models import Action, AuditEvent
from carepath.conftest import ctx_for
from carepath.recovery import actions_plans, queries_plans
from carepath.recovery.models import RelapsePreventionPlan

from .plans_support import PLAN, own_account, save, with_changes

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(patient, make_user):
    return own_account(patient, make_user)


def _errors(exc) -> str:
    return " ".join(m for ms in exc.value.message_dict.values() for m in ms)


def test_patient_and_clinician_both_save_and_each_save_is_a_new_version(patient, me, clinician):
    first = save(me, patient, based_on_version=0)
    second = save(clinician, patient, with_changes(reasons=["Back to work", "My health"]),
                  based_on_version=1, written_with=clinician)
    assert (first.version, second.version) == (1, 2)
    assert first.written_by == me and first.written_with is None
    assert second.written_by == clinician and second.written_with == clinician
    assert queries_plans.current_plan(patient).pk == second.pk


def test_earlier_versions_never_change(patient, me, clinician):
    first = save(me, patient, based_on_version=0)
    before = {f.attname: getattr(first, f.attname) for f in first._meta.concrete_fields}
    save(clinician, patient, with_changes(triggers=["Stress at work"], people=[]),
         based_on_version=1)
    save(me, patient, with_changes(reasons=["Only this"]), based_on_version=2)
    first.refresh_from_db()
    after = {f.attname: getattr(first, f.attname) for f in first._meta.concrete_fields}
    assert after == before
    assert first.triggers == PLAN["triggers"] and first.people == PLAN["people"]
    assert RelapsePreventionPlan.objects.filter(patient=patient).count() == 3


def test_a_save_based_on_an_older_version_is_refused_and_saves_nothing(patient, me, clinician):
    save(me, patient, based_on_version=0)
    save(clinician, patient, with_changes(reasons=["Clinician's words"]), based_on_version=1)
    with pytest.raises(actions_plans.PlanConflict) as refused:
        save(me, patient, with_changes(reasons=["My words"]), based_on_version=1)
    assert refused.value.latest.version == 2
    assert "changed while you were editing" in _errors(refused)
    assert "version 2" in _errors(refused) and clinician.display_name in _errors(refused)
    assert RelapsePreventionPlan.objects.filter(patient=patient).count() == 2


def test_two_first_plans_at_once_one_is_refused(patient, me, clinician):
    save(clinician, patient, based_on_version=0)
    with pytest.raises(actions_plans.PlanConflict):
        save(me, patient, with_changes(reasons=["Mine"]), based_on_version=0)


def _stale_once(monkeypatch, stale):
    """Our read sees ``stale`` once, as if another save committed just after it."""
    real, calls = actions_plans._latest, []

    def latest(p):
        calls.append(p)
        return stale if len(calls) == 1 else real(p)

    monkeypatch.setattr(actions_plans, "_latest", latest)
    return calls


def test_a_lost_race_for_the_version_number_is_retried(patient, me, clinician, monkeypatch):
    """Another save took the number between our read and our insert: the unique constraint
    refuses ours and the retry takes the next number."""
    first = save(me, patient, based_on_version=0)
    save(clinician, patient, with_changes(reasons=["Theirs"]), based_on_version=1)
    calls = _stale_once(monkeypatch, first)
    plan = save(me, patient, with_changes(reasons=["Mine"]))  # no based_on: API-style
    assert plan.version == 3 and len(calls) == 2
    assert sorted(RelapsePreventionPlan.objects.filter(patient=patient)
                  .values_list("version", flat=True)) == [1, 2, 3]


def test_a_lost_race_with_based_on_is_a_conflict_on_retry(patient, me, clinician, monkeypatch):
    first = save(me, patient, based_on_version=0)
    save(clinician, patient, with_changes(reasons=["Theirs"]), based_on_version=1)
    _stale_once(monkeypatch, first)
    with pytest.raises(actions_plans.PlanConflict):
        save(me, patient, with_changes(reasons=["Mine"]), based_on_version=1)
    assert RelapsePreventionPlan.objects.filter(patient=patient).count() == 2


def test_the_race_gives_up_after_a_few_attempts(patient, me, monkeypatch):
    save(me, patient)
    monkeypatch.setattr(actions_plans, "_latest", lambda p: None)  # always stale: number 1
    with pytest.raises(IntegrityError):
        save(me, patient, with_changes(reasons=["Again"]))


def test_another_patient_is_refused_and_the_refusal_audited(patient, me, make_patient,
                                                            make_user):
    other = make_patient(legal_given_name="Jamie", legal_family_name="Other")
    own_account(other, make_user)
    with pytest.raises(PermissionDenied):
        save(me, other)
    denied = AuditEvent.objects.filter(patient_uuid=other.uuid, outcome="denied",
                                       object_type=actions_plans.OBJECT_TYPE)
    assert denied.count() == 1
    assert not RelapsePreventionPlan.objects.filter(patient=other).exists()


def test_staff_off_the_care_team_are_refused_and_audited(patient, outsider):
    with pytest.raises(PermissionDenied):
        save(outsider, patient)
    assert AuditEvent.objects.filter(patient_uuid=patient.uuid, outcome="denied").exists()


def test_a_save_is_audited_without_its_content(patient, me):
    plan = save(me, patient, based_on_version=0)
    event = AuditEvent.objects.get(action=Action.CREATE, object_id=str(plan.uuid))
    assert event.patient_uuid == patient.uuid and event.actor == me
    assert event.details["version"] == 1
    assert "Back to work" not in str(event.details)
    assert set(event.details["sections_changed"]) == set(actions_plans.SECTIONS)


def test_an_unchanged_plan_is_not_saved_again(patient, me):
    save(me, patient)
    with pytest.raises(ValidationError) as refused:
        save(me, patient, based_on_version=1)
    assert "Nothing has changed since version 1" in _errors(refused)


def test_an_empty_plan_is_refused(patient, me):
    with pytest.raises(ValidationError) as refused:
        save(me, patient, {"reasons": ["  "], "people": []})
    assert "The plan is empty" in _errors(refused)


@pytest.mark.parametrize("content, message", [
    ({"triggers": ["x" * 201]}, "Triggers: item 1 has 201 characters: keep it to 200."),
    ({"warning_signs": [f"sign {n}" for n in range(21)]},
     "Early warning signs: 21 items is too many; keep it to 20"),
    ({"reasons": "just one string"}, "Reasons for recovery: give a list of short phrases."),
    ({"coping_strategies": [{"kind": "magic", "text": "x"}]},
     "item 1 needs a kind (cbt, dbt or other)"),
    ({"coping_strategies": [{"kind": "dbt", "text": "ok"}, {"kind": "dbt", "text": "y" * 250}]},
     "DBT distress-tolerance skills: item 2 has 250 characters"),
    ({"people": [{"name": "Sam", "relationship": "", "phone": "call me"}]},
     "People to contact, row 1 (Sam): the phone number may contain only digits, spaces, +, - "
     "and brackets."),
    ({"people": [{"name": "Sam", "phone": "12"}]},
     "row 1 (Sam): the phone number needs 3 to 20 digits (it has 2)"),
    ({"people": [{"name": "A", "phone": "123"}, {"name": "Bo", "phone": "1" * 21}]},
     "row 2 (Bo): the phone number needs 3 to 20 digits (it has 21)"),
    ({"people": [{"name": "", "relationship": "friend", "phone": "0800 123"}]},
     "People to contact, row 1: enter a name."),
    ({"nonsense": ["x"]}, "Unknown plan section: nonsense."),
])
def test_bad_content_is_refused_naming_the_field(patient, me, content, message):
    with pytest.raises(ValidationError) as refused:
        save(me, patient, content)
    assert message in _errors(refused)
    assert not RelapsePreventionPlan.objects.exists()


def test_phone_numbers_at_the_digit_limits_are_accepted(patient, me):
    plan = save(me, patient, {"people": [{"name": "A", "relationship": "", "phone": "999"},
                                         {"name": "B", "relationship": "",
                                          "phone": "+1 (234) 567-8901 2345 67890"}]})
    assert [p["phone"] for p in plan.people] == ["999", "+1 (234) 567-8901 2345 67890"]


def test_items_are_tidied_and_blank_ones_dropped(patient, me):
    plan = save(me, patient, {"triggers": ["  Payday  ", "", "Friday   nights"],
                              "people": [{"name": "", "relationship": "", "phone": ""}]})
    assert plan.triggers == ["Payday", "Friday nights"] and plan.people == []


def test_written_with_must_be_on_the_care_team(patient, me, outsider):
    with pytest.raises(ValidationError) as refused:
        save(me, patient, written_with=outsider)
    assert "Written with: name a member of this person's care team." in _errors(refused)


def test_a_retried_submission_saves_one_version(patient, me):
    first, made = actions_plans.save_plan_once(ctx_for(me), patient, key="k-1", content=PLAN,
                                               based_on_version=0)
    again, made_again = actions_plans.save_plan_once(ctx_for(me), patient, key="k-1",
                                                     content=PLAN, based_on_version=0)
    assert made and not made_again and again.pk == first.pk
    assert RelapsePreventionPlan.objects.filter(patient=patient).count() == 1


def test_coping_reminder_rotates_by_date_and_is_none_without_strategies(patient, me):
    plan = save(me, patient)
    texts = [s["text"] for s in PLAN["coping_strategies"]]
    day = date(2026, 3, 2)
    seen = [queries_plans.coping_reminder(plan, date.fromordinal(day.toordinal() + n))
            for n in range(3)]
    assert sorted(seen) == sorted(texts)
    assert queries_plans.coping_reminder(plan, day) == queries_plans.coping_reminder(plan, day)
    bare = save(me, patient, with_changes(coping_strategies=[]))
    assert queries_plans.coping_reminder(bare) is None
    assert queries_plans.coping_reminder(None) is None


def test_tel_links_keep_only_digits_and_a_leading_plus():
    assert queries_plans.tel_href("+44 (0)7700 900-123") == "tel:+4407700900123"
    assert queries_plans.tel_href("0800 068 4141") == "tel:08000684141"
