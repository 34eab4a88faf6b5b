"""The supporter's well-being check-in: five questions, safety first, signposting always."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from carepath.accounts.models import AccountType, Organisation
from carepath.audit.models import AuditEvent
from carepath.family import wellbeing
from carepath.family.models import WellbeingCheckIn

from .accounts_support import clear_rate_limit_cache, denied_events, make_supporter  # noqa: F401

pytestmark = pytest.mark.django_db
URL = "family:wellbeing"


def _answers(value=1, unsafe="no", **overrides):
    data = {key: value for key in wellbeing.QUESTION_KEYS}
    data.update({"unsafe": unsafe, "submission_key": str(uuid.uuid4()), **overrides})
    return data


@pytest.fixture
def supporter(make_user):
    return make_supporter(make_user)


@pytest.fixture
def client(supporter):
    client = Client()
    client.force_login(supporter)
    return client


def test_the_form_says_it_is_not_a_validated_measure(client):
    response = client.get(reverse(URL))
    assert response.status_code == 200
    body = response.content.decode()
    assert "not a validated measure" in body
    for question in wellbeing.QUESTIONS:
        assert question.text in body
    assert wellbeing.SAFETY_QUESTION in body


def test_a_check_in_is_stored_with_its_total_and_audited(client, supporter):
    response = client.post(reverse(URL), _answers(value=2, worry=4))
    assert response.status_code == 200
    checkin = WellbeingCheckIn.objects.get(supporter=supporter)
    assert checkin.total == 12 and checkin.answers["worry"] == 4
    assert b"12 out of 20" in response.content
    assert AuditEvent.objects.filter(object_type="family.wellbeing", action="create",
                                     object_id=str(checkin.uuid), actor=supporter).exists()


def test_the_safety_answer_is_not_stored(client, supporter):
    client.post(reverse(URL), _answers(unsafe="yes"))
    checkin = WellbeingCheckIn.objects.get(supporter=supporter)
    assert set(checkin.answers) == set(wellbeing.QUESTION_KEYS)
    event = AuditEvent.objects.get(object_type="family.wellbeing", action="create")
    assert "unsafe" not in str(event.details)


def test_feeling_unsafe_shows_emergency_and_domestic_abuse_lines_first(client):
    body = client.post(reverse(URL), _answers(unsafe="yes")).content.decode()
    assert 'data-testid="safety-lines"' in body
    assert "Call 999" in body and "0808 2000 247" in body
    assert body.index('data-testid="safety-lines"') < body.index('data-testid="checkin-result"')
    assert body.index('data-testid="safety-lines"') < body.index('data-testid="family-support"')


def test_us_organisations_get_911_and_the_us_hotline(make_user):
    us = Organisation.objects.create(name="US", country="US", time_zone="America/Chicago")
    supporter = make_supporter(make_user, organisation=us)
    client = Client()
    client.force_login(supporter)
    body = client.post(reverse(URL), _answers(unsafe="yes")).content.decode()
    assert "Call 911" in body and "1-800-799-7233" in body
    assert "Call or text 988" in body  # the organisation's crisis lines
    assert "SAMHSA" in body


def test_not_unsafe_shows_no_safety_section(client):
    body = client.post(reverse(URL), _answers()).content.decode()
    assert 'data-testid="safety-lines"' not in body


def test_signposting_and_crisis_lines_are_always_shown(client):
    for response in (client.get(reverse(URL)), client.post(reverse(URL), _answers(value=0))):
        body = response.content.decode()
        assert "Adfam" in body and "Samaritans" in body


def test_high_strain_makes_talk_to_someone_prominent_and_first(client):
    body = client.post(reverse(URL), _answers(value=3)).content.decode()  # 15 of 20
    assert 'data-prominent="yes"' in body
    assert body.index('data-testid="talk-to-someone"') < body.index('data-testid="checkin-result"')
    assert "design choice" in body


def test_the_threshold_is_the_boundary(client):
    below = _answers(value=2, worry=3)  # 11
    at = _answers(value=2, worry=4)  # 12
    assert 'data-prominent="no"' in client.post(reverse(URL), below).content.decode()
    assert 'data-prominent="yes"' in client.post(reverse(URL), at).content.decode()
    assert wellbeing.STRAIN_THRESHOLD == 12


def test_a_retried_form_stores_one_check_in(client, supporter):
    data = _answers()
    first = client.post(reverse(URL), data)
    second = client.post(reverse(URL), data)
    assert first.status_code == second.status_code == 200
    assert WellbeingCheckIn.objects.filter(supporter=supporter).count() == 1


def test_a_missing_answer_is_refused_naming_the_question_and_keeping_the_rest(client):
    data = _answers(value=3)
    del data["sleep"]
    response = client.post(reverse(URL), data)
    assert response.status_code == 400
    assert "sleep" in response.context["form"].errors
    assert b"Choose one answer for this question" in response.content
    assert b'value="3" checked' in response.content
    assert not WellbeingCheckIn.objects.exists()


def test_an_out_of_range_answer_is_refused(client):
    response = client.post(reverse(URL), _answers(worry=7))
    assert response.status_code == 400
    assert "worry" in response.context["form"].errors


def test_a_missing_safety_answer_is_refused(client):
    data = _answers()
    del data["unsafe"]
    response = client.post(reverse(URL), data)
    assert response.status_code == 400
    assert "unsafe" in response.context["form"].errors


def test_history_lists_only_my_own_check_ins(client, supporter, make_user):
    other = make_supporter(make_user)
    WellbeingCheckIn.objects.create(supporter=other, answers={}, total=19)
    client.post(reverse(URL), _answers(value=1))
    history = client.get(reverse(URL)).context["history"]
    assert [c.total for c in history] == [5]


@pytest.mark.parametrize("kind", ["staff", "patient"])
def test_others_get_404_and_a_denied_audit_event(make_user, as_user, kind):
    user = make_user() if kind == "staff" else \
        make_user(account_type=AccountType.PATIENT)
    client = as_user(user)
    assert client.get(reverse(URL)).status_code == 404
    assert client.post(reverse(URL), _answers()).status_code == 404
    assert denied_events("family.wellbeing", user).count() == 2
    assert not WellbeingCheckIn.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(db):
    response = Client().get(reverse(URL))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_page_read_is_audited(client, supporter):
    client.get(reverse(URL))
    assert AuditEvent.objects.filter(object_type="family.wellbeing", action="read",
                                     actor=supporter).exists()


def test_page_queries_do_not_grow_with_history(client, supporter, django_assert_max_num_queries):
    WellbeingCheckIn.objects.create(supporter=supporter, answers={}, total=3)
    with django_assert_max_num_queries(20) as one:
        client.get(reverse(URL))
    for n in range(10):
        WellbeingCheckIn.objects.create(supporter=supporter, answers={}, total=n)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse(URL))


def test_scoring_rejects_incomplete_or_out_of_range_answers():
    full = {key: 4 for key in wellbeing.QUESTION_KEYS}
    assert wellbeing.total_of(full) == 20
    with pytest.raises(ValueError):
        wellbeing.total_of({**full, "worry": 5})
    with pytest.raises(ValueError):
        wellbeing.total_of({"worry": 1})


def test_the_action_refuses_anyone_but_a_supporter_and_audits_it(clinician):
    from django.core.exceptions import PermissionDenied

    from carepath.conftest import ctx_for
    from carepath.family import actions_wellbeing

    answers = {key: 1 for key in wellbeing.QUESTION_KEYS}
    with pytest.raises(PermissionDenied):
        actions_wellbeing.record_checkin(ctx_for(clinician), answers)
    assert denied_events("family.wellbeing", clinician).filter(action="create").count() == 1
    assert not WellbeingCheckIn.objects.exists()
