"""reinforce: what a result earns, once per source, within the yearly cap, audited."""

import uuid
from decimal import Decimal

import pytest

from carepath.audit.models import Action, AuditEvent
from carepath.conftest import ctx_for, verified_client
from carepath.incentives import ledger
from carepath.incentives.models import LedgerEntry, LedgerKind
from carepath.incentives.rewards import reinforce

from .rewards_support import earn_negatives, enrol, set_cap, with_portal_account

pytestmark = pytest.mark.django_db


def test_a_negative_screen_writes_one_earned_entry_the_patient_sees(patient, org, clinician,
                                                                    make_user):
    enrol(patient, org)
    with_portal_account(patient, make_user)
    written = reinforce(ctx_for(clinician), patient, "negative_screen", uuid.uuid4(), "N")
    assert len(written) == 1
    entry = LedgerEntry.objects.get(patient=patient)
    assert (entry.kind, entry.amount, entry.result) == (LedgerKind.EARNED, Decimal("2.50"), "N")
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="incentives.ledger",
                                     object_id=str(entry.uuid),
                                     patient_uuid=patient.uuid).exists()
    page = verified_client(patient.user).get("/my/rewards/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="ledger-row"' in text and "+£2.50" in text
    assert "Your next negative screen earns £3.75." in text


def test_calling_reinforce_twice_for_the_same_source_pays_once(patient, org, clinician):
    enrol(patient, org)
    source = uuid.uuid4()
    first = reinforce(ctx_for(clinician), patient, "negative_screen", source, "N")
    again = reinforce(ctx_for(clinician), patient, "negative_screen", source, "N")
    assert [e.pk for e in first] == [e.pk for e in again]
    assert LedgerEntry.objects.filter(patient=patient).count() == 1
    assert ledger.totals(patient).earned == Decimal("2.50")


def test_vouchers_escalate_and_a_positive_resets_with_an_entry_of_zero(patient, org, clinician):
    enrol(patient, org)
    ctx = ctx_for(clinician)
    for result in "NNNP":
        reinforce(ctx, patient, "negative_screen", uuid.uuid4(), result)
    amounts = list(LedgerEntry.objects.filter(patient=patient).values_list("amount", flat=True))
    # Higgins: 2.50, 3.75, 5.00 + 10.00 bonus on the third; the positive earns nothing.
    assert amounts == [Decimal("2.50"), Decimal("3.75"), Decimal("15.00"), Decimal("0.00")]
    assert "earns £2.50" in ledger.account(patient).next_reward


def test_the_cap_stops_earnings_at_the_cap_and_says_so(patient, org):
    set_cap(org, 10)
    enrol(patient, org)
    earn_negatives(patient, 3)  # 2.50 + 3.75 = 6.25, then 15.00 would pass 10.00
    last = LedgerEntry.objects.filter(patient=patient).last()
    assert last.capped is True and last.amount == Decimal("3.75")
    assert "limit of £10.00 was reached" in last.note
    earn_negatives(patient, 1)
    after = LedgerEntry.objects.filter(patient=patient).last()
    assert after.capped is True and after.amount == Decimal("0.00")
    assert ledger.totals(patient).earned_this_year == Decimal("10.00")
    assert "reached this year's limit" in ledger.account(patient).next_reward


def test_fishbowl_draws_are_stored_with_their_slips(patient, org, clinician):
    enrol(patient, org, kind="fishbowl")
    ctx = ctx_for(clinician)
    reinforce(ctx, patient, "negative_screen", uuid.uuid4(), "N")
    reinforce(ctx, patient, "negative_screen", uuid.uuid4(), "N")
    first, second = LedgerEntry.objects.filter(patient=patient)
    assert len(first.draws) == 1 and len(second.draws) == 2
    for entry in (first, second):
        assert entry.amount == sum(Decimal(d["value"]) for d in entry.draws)
        assert all(d["label"] for d in entry.draws)
    assert ledger.account(patient).next_reward == "Your next negative screen earns 3 draws."


def test_nothing_is_written_without_an_enrolment_targeting_it(patient, org, clinician):
    assert reinforce(ctx_for(clinician), patient, "negative_screen", uuid.uuid4(), "N") == []
    enrol(patient, org, targets=["negative_screen"])
    assert reinforce(ctx_for(clinician), patient, "attendance", uuid.uuid4(), "N") == []
    assert not LedgerEntry.objects.exists()


def test_a_bad_result_is_refused(patient, org, clinician):
    enrol(patient, org)
    with pytest.raises(ValueError):
        reinforce(ctx_for(clinician), patient, "negative_screen", uuid.uuid4(), "X")
