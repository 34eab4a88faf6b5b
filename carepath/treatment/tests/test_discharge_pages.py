"""The Discharge tab, a discharge's page, print view, readmission and the patient's
aftercare page, through HTTP."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from carepath.accounts.models import AccountType
from carepath.audit.models import Action, AuditEvent
from carepath.conftest import ctx_for
from carepath.treatment import actions_discharge as actions
from carepath.treatment.models import Discharge

from .test_discharge_support import attend, open_episode, session

AFTERCARE = "Tuesday aftercare group at 6pm.\nCall Chris on 01632 960000 if you use again."


def _url(name, patient, discharge=None):
    kwargs = {"patient_id": patient.uuid}
    if discharge is not None:
        kwargs["discharge_id"] = discharge.uuid
    return reverse(f"treatment:{name}", kwargs=kwargs)


def _signed(patient, clinician):
    d = actions.start_discharge(ctx_for(clinician), patient, reason="completed",
                                discharged_on=timezone.localdate())
    d = actions.save_draft(ctx_for(clinician), d, reason="completed",
                           discharged_on=d.discharged_on,
                           summary=d.summary.replace(actions.drafting.CLINICIAN_PROMPT,
                                                     "Did well."),
                           aftercare_plan=AFTERCARE)
    return actions.sign_discharge(ctx_for(clinician), d)


def _patient_account(patient, make_user):
    account = make_user(None, account_type=AccountType.PATIENT)
    patient.user = account
    patient.save(update_fields=["user"])
    return account


def test_clinician_starts_edits_and_signs_through_the_pages(as_user, clinician, patient):
    episode = open_episode(patient, clinician)
    client = as_user(clinician)
    page = client.get(_url("chart_discharge", patient))
    assert page.status_code == 200 and b"Start discharge" in page.content

    today = timezone.localdate()
    refused = client.post(_url("chart_discharge", patient),
                          {"reason": "completed",
                           "discharged_on": (today + timedelta(days=2)).isoformat()})
    assert refused.status_code == 400
    assert b"cannot be in the future" in refused.content
    assert (today + timedelta(days=2)).isoformat().encode() in refused.content  # kept

    started = client.post(_url("chart_discharge", patient),
                          {"reason": "completed", "discharged_on": today.isoformat()})
    discharge = Discharge.objects.get()
    assert started.status_code == 302 and started["Location"] == _url("discharge", patient,
                                                                      discharge)
    page = client.get(_url("discharge", patient, discharge))
    assert b"Reason for discharge: Completed treatment." in page.content
    assert b"Sign and close the episode" in page.content

    form = {"reason": "completed", "discharged_on": today.isoformat(),
            "summary": discharge.summary, "aftercare_plan": "",
            "version": discharge.updated_at.isoformat(), "action": "sign"}
    refused = client.post(_url("discharge", patient, discharge), form)
    assert refused.status_code == 400
    assert b"Write the aftercare plan before signing" in refused.content
    assert b"saved as a draft; the discharge is not signed yet" in refused.content
    episode.refresh_from_db()
    assert episode.is_open

    discharge.refresh_from_db()
    form.update(summary=discharge.summary.replace(actions.drafting.CLINICIAN_PROMPT,
                                                  "Completed the programme."),
                aftercare_plan=AFTERCARE, version=discharge.updated_at.isoformat())
    signed = client.post(_url("discharge", patient, discharge), form)
    assert signed.status_code == 302
    episode.refresh_from_db()
    assert not episode.is_open
    page = client.get(_url("discharge", patient, discharge))
    assert b"Content matches its signature" in page.content
    assert b"Sign and close the episode" not in page.content
    assert b"Call Chris on 01632 960000" in page.content

    printed = client.get(_url("discharge_print", patient, discharge))
    assert printed.status_code == 200
    assert patient.mrn.encode() in printed.content and b"discharge-print.css" in printed.content
    assert AuditEvent.objects.filter(action=Action.PRINT, patient_uuid=patient.uuid).exists()


def test_a_signed_discharge_refuses_a_post(as_user, clinician, patient):
    open_episode(patient, clinician)
    discharge = _signed(patient, clinician)
    response = as_user(clinician).post(_url("discharge", patient, discharge), {
        "reason": "completed", "discharged_on": timezone.localdate().isoformat(),
        "summary": "changed", "aftercare_plan": "changed", "action": "save"})
    assert response.status_code == 302
    discharge.refresh_from_db()
    assert discharge.summary != "changed"


def test_readmit_from_the_tab_shows_the_link_both_ways(as_user, clinician, patient):
    first = open_episode(patient, clinician)
    _signed(patient, clinician)
    client = as_user(clinician)
    page = client.get(_url("chart_discharge", patient))
    assert b"Readmit" in page.content
    refused = client.post(_url("readmit", patient), {"reason": "", "level_of_care": ""})
    assert refused.status_code == 400 and b"Say why the patient is readmitted" in refused.content
    done = client.post(_url("readmit", patient), {"reason": "Relapsed",
                                                  "level_of_care": "outpatient"})
    assert done.status_code == 302
    second = patient.episodes.get(closed_at__isnull=True)
    assert second.previous_episode == first
    page = client.get(_url("chart_discharge", patient)).content.decode()
    assert f'href="#episode-{first.uuid}"' in page and f'href="#episode-{second.uuid}"' in page
    assert "Readmission after" in page and "Followed by" in page


def test_the_patient_sees_their_aftercare_plan(as_user, clinician, patient, make_user):
    account = _patient_account(patient, make_user)
    open_episode(patient, clinician)
    client = as_user(account)
    none_yet = client.get(_url("aftercare", patient))
    assert b"You do not have an aftercare plan yet" in none_yet.content
    _signed(patient, clinician)
    page = client.get(_url("aftercare", patient))
    assert page.status_code == 200
    assert b"My aftercare plan" in page.content
    assert b"Call Chris on 01632 960000 if you use again." in page.content
    # The clinical discharge pages send the patient to their plan.
    assert client.get(_url("chart_discharge", patient))["Location"] == _url("aftercare",
                                                                           patient)
    # And they cannot start or sign anything.
    assert client.post(_url("readmit", patient), {"reason": "x",
                                                  "level_of_care": "outpatient"}).status_code \
        in (302, 403)
    assert patient.episodes.count() == 1


def test_others_cannot_see_the_aftercare_plan(as_user, clinician, outsider, patient,
                                              make_patient, make_user):
    open_episode(patient, clinician)
    _signed(patient, clinician)
    someone_else = _patient_account(make_patient(), make_user)
    for user in (someone_else, outsider):
        response = as_user(user).get(_url("aftercare", patient))
        assert response.status_code == 403
        assert b"01632 960000" not in response.content


def test_died_shows_no_aftercare_plan_to_anyone(as_user, clinician, patient, make_user):
    account = _patient_account(patient, make_user)
    open_episode(patient, clinician)
    d = actions.start_discharge(ctx_for(clinician), patient, reason="died",
                                discharged_on=timezone.localdate())
    d = actions.save_draft(ctx_for(clinician), d, reason="died", discharged_on=d.discharged_on,
                           summary="Died in hospital.", aftercare_plan="")
    actions.sign_discharge(ctx_for(clinician), d, confirm_died=True)
    assert b"You do not have an aftercare plan yet" in as_user(account).get(
        _url("aftercare", patient)).content
    page = as_user(clinician).get(_url("discharge", patient, d))
    assert b"No aftercare plan: the patient died." in page.content


def test_the_tab_uses_a_bounded_number_of_queries(as_user, org, clinician, patient,
                                                  django_assert_max_num_queries):
    """Two discharged episodes, then twelve: the same number of queries."""
    client = as_user(clinician)

    def discharge_episodes(n):
        for _ in range(n):
            open_episode(patient, clinician, days_ago=5)
            attend(patient, session(org, clinician,
                                    starts_at=timezone.now() - timedelta(days=1)))
            _signed(patient, clinician)

    discharge_episodes(2)
    client.get(_url("chart_discharge", patient))  # warm the session
    with django_assert_max_num_queries(30) as few:
        client.get(_url("chart_discharge", patient))
    discharge_episodes(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(_url("chart_discharge", patient))
    assert page.content.count(b"Completed treatment, ") == 12


def test_the_patients_menu_link_opens_their_own_aftercare_page(org, make_user, patient):
    from carepath.accounts.models import AccountType
    from carepath.conftest import verified_client

    person = make_user(account_type=AccountType.PATIENT)
    patient.user = person
    patient.save(update_fields=["user"])
    client = verified_client(person)

    # The menu on every page of theirs offers the link.
    assert 'href="/my/aftercare/"' in client.get(f"/patients/{patient.uuid}/").content.decode()
    response = client.get("/my/aftercare/")

    assert response.status_code == 302
    assert response["Location"] == f"/patients/{patient.uuid}/aftercare/"


def test_an_account_without_a_record_has_no_aftercare_page(make_user):
    from carepath.accounts.models import AccountType
    from carepath.conftest import verified_client

    person = make_user(account_type=AccountType.SUPPORTER)
    assert verified_client(person).get("/my/aftercare/").status_code == 404
