"""The shift handover shows the last 12 hours' red flags, trends, what is due or overdue
and medication given; the ward board lists the user's own patients with an open plan,
overdue first."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from carepath.conftest import ctx_for
from carepath.patients import actions as patient_actions
from carepath.withdrawal import actions, queries

from .conftest import observe

pytestmark = pytest.mark.django_db


def test_handover_content(in_withdrawal, nurse, prescriber, as_user):
    ctx = ctx_for(nurse)
    actions.start_plan(ctx, in_withdrawal, started_at=timezone.now() - timedelta(hours=20))
    observe(nurse, in_withdrawal, ago=timedelta(hours=14), heart_rate=140)  # before the shift
    observe(nurse, in_withdrawal, ago=timedelta(hours=11), craving=8, heart_rate=104,
            symptoms={"anxiety": 3, "tremor": 2})
    observe(nurse, in_withdrawal, ago=timedelta(hours=7), craving=6, heart_rate=92,
            symptoms={"hallucinations_paranoia": 1, "anxiety": 2})
    wrong = observe(nurse, in_withdrawal, ago=timedelta(hours=6), craving=0)
    actions.mark_entered_in_error(ctx, wrong, "Entered for the wrong bed")
    actions.record_medication(ctx_for(prescriber), in_withdrawal, {
        "given_at": timezone.now() - timedelta(hours=5), "medicine": "Promethazine",
        "dose": "25 mg", "route": "by mouth", "reason": "Night-time agitation"})
    actions.record_medication(ctx_for(prescriber), in_withdrawal, {
        "given_at": timezone.now() - timedelta(hours=13), "medicine": "Old dose",
        "dose": "1 mg", "reason": "Before the shift"})

    report = queries.handover(in_withdrawal)
    assert [o.flag_labels for o in report.flagged] == [["Hallucinations or paranoia"]]
    changes = {c.label: (c.first, c.last, c.difference) for c in report.changes}
    assert changes["Craving (0–10)"] == (8, 6, -2)
    assert changes["Symptom total"] == (5, 3, -2)
    assert changes["Heart rate (beats a minute)"] == (104, 92, -12)
    assert [m.medicine for m in report.medication] == ["Promethazine"]
    assert report.status.overdue and report.missed == 1  # last valid at -7 h, due at -3 h
    assert len(report.in_error) == 1 and len(report.open_alerts) == 2

    page = as_user(prescriber).get(reverse("withdrawal:handover", args=[in_withdrawal.uuid]))
    text = page.content.decode()
    assert page.status_code == 200
    for expected in ("Hallucinations or paranoia", "Promethazine 25 mg by mouth",
                     "Night-time agitation", "Overdue", "Entered for the wrong bed",
                     "Open red-flag alerts, not yet acknowledged", "NOT A VALIDATED"):
        assert expected in text, expected
    assert "Old dose" not in text


def test_board_lists_own_patients_with_an_open_plan_overdue_first(in_withdrawal, nurse,
                                                                  make_patient, clinician,
                                                                  as_user):
    ctx = ctx_for(nurse)
    actions.start_plan(ctx, in_withdrawal, started_at=timezone.now() - timedelta(hours=1))
    observe(nurse, in_withdrawal, ago=timedelta(minutes=30), craving=2)  # due in 3.5 h
    late = make_patient(legal_given_name="Lee", legal_family_name="Overdue")
    patient_actions.open_episode(ctx_for(clinician), late, reason="Withdrawal",
                                 level_of_care="withdrawal",
                                 opened_at=timezone.now() - timedelta(days=2))
    patient_actions.add_care_team_member(ctx_for(clinician), late, nurse, "nurse")
    actions.start_plan(ctx, late, started_at=timezone.now() - timedelta(hours=6))
    not_mine = make_patient(legal_given_name="Sam", legal_family_name="Elsewhere")
    patient_actions.open_episode(ctx_for(clinician), not_mine, reason="Withdrawal",
                                 level_of_care="withdrawal")
    actions.start_plan(ctx_for(clinician), not_mine)

    rows = queries.board(nurse)
    assert [(r.patient.pk, r.status.overdue) for r in rows] == [(late.pk, True),
                                                                (in_withdrawal.pk, False)]
    page = as_user(nurse).get(reverse("withdrawal:board")).content.decode()
    assert page.index("Overdue") < page.index("Quinton")
    assert "Elsewhere" not in page
    assert "1 overdue." in page


def test_an_ended_plan_or_closed_episode_leaves_the_board(in_withdrawal, nurse):
    plan = actions.start_plan(ctx_for(nurse), in_withdrawal)
    assert len(queries.board(nurse)) == 1
    actions.end_plan(ctx_for(nurse), plan)
    assert queries.board(nurse) == []


def test_the_plan_is_started_from_the_tab_and_the_first_observation_is_due(in_withdrawal,
                                                                           nurse, as_user):
    client = as_user(nurse)
    handover = client.get(reverse("withdrawal:handover", args=[in_withdrawal.uuid]))
    assert "No observation plan." in handover.content.decode()
    url = reverse("withdrawal:plan", args=[in_withdrawal.uuid])
    refused = client.post(url, {"action": "start", "early_every_hours": "30"})
    assert refused.status_code == 400
    assert "from 1 to 24" in refused.content.decode() and 'value="30"' in (
        refused.content.decode())
    assert client.post(url, {"action": "start", "early_every_hours": "4",
                             "early_for_hours": "72", "later_every_hours": "8"}
                       ).status_code == 302
    tab = client.get(reverse("withdrawal:chart_withdrawal", args=[in_withdrawal.uuid]))
    assert 'data-testid="next-due"' in tab.content.decode()
    assert queries.plan_status(in_withdrawal)[1].due_at is not None
