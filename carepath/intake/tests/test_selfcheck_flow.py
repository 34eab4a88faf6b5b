"""The public self-check: age routing, half-done steps, and what the result page says."""

import re

import pytest
from django.urls import reverse

from carepath.measures.models import InstrumentSetting

from .selfcheck_support import callback, crafft, dast, step_one

pytestmark = pytest.mark.django_db

START = "/self-check/"
MORE = "/self-check/more/"


def text(response) -> str:
    return response.content.decode()


def hidden(response) -> dict:
    """The hidden fields a page carries on to the next step."""
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"[^>]*>',
                           text(response)))


def test_urls_keep_their_names():
    assert reverse("intake:selfcheck") == START
    assert reverse("intake:selfcheck_more") == MORE


def test_step_one_asks_age_and_every_sign(client, org, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        page = client.get(START)
    assert page.status_code == 200
    body = text(page)
    assert 'name="age"' in body
    for link_id in ("1", "7", "10a", "12", "14"):
        assert f'name="signs-{link_id}"' in body
    assert "csrfmiddlewaretoken" not in body
    assert "not a validated questionnaire" in body
    assert "This is not a diagnosis" in body


# --- age routing -------------------------------------------------------------------------

@pytest.mark.parametrize("age", [12, 16, 21])
def test_ages_12_to_21_get_crafft(client, org, age):
    page = client.post(START, step_one(age))
    assert page.status_code == 200
    assert 'data-testid="selfcheck-step-2"' in text(page)
    assert "CRAFFT 2.1" in text(page) and 'name="second-car"' in text(page)
    assert hidden(page)["age"] == str(age)


@pytest.mark.parametrize("age", [22, 40, 90])
def test_ages_22_and_over_get_dast_10_when_enabled(client, org, age,
                                                    django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        page = client.post(START, step_one(age))
    assert "DAST-10" in text(page) and 'name="second-1"' in text(page)
    assert "second-car" not in text(page)


def test_no_second_step_when_dast_10_is_switched_off(client, org):
    InstrumentSetting.objects.create(organisation=org, instrument_id="dast-10", enabled=False)
    page = client.post(START, step_one(30))
    assert 'data-testid="selfcheck-step-2"' not in text(page)
    assert "Your self-check result" in text(page)
    assert "DAST-10" not in text(page)
    # Young people still get CRAFFT: only DAST-10 is switchable.
    assert "CRAFFT 2.1" in text(client.post(START, step_one(18)))


def test_dast_switched_off_between_steps_still_gives_a_result(client, org):
    carried = hidden(client.post(START, step_one(30)))
    InstrumentSetting.objects.create(organisation=org, instrument_id="dast-10", enabled=False)
    page = client.post(MORE, {**carried, **dast()})
    assert page.status_code == 200 and "Your self-check result" in text(page)


def test_under_12_get_a_kind_message_crisis_lines_and_guides_but_no_second_step(client, org):
    page = client.post(START, step_one(11))
    body = text(page)
    assert 'data-testid="young-result"' in body
    assert "talk to an adult you trust" in body
    assert "Samaritans" in body and "116 123" in body
    assert reverse("intake:education_index") in body
    assert 'data-testid="selfcheck-step-2"' not in body
    assert 'data-testid="callback-form"' not in body


def test_under_12_cannot_post_a_callback(client, org):
    from carepath.intake.models import Enquiry

    response = client.post(reverse("intake:selfcheck_callback"),
                           {**step_one(10), **callback()})
    assert response.status_code == 302 and response["Location"] == START
    assert not Enquiry.objects.exists()


# --- half-done steps ---------------------------------------------------------------------

def test_half_done_step_one_names_each_missing_question_and_keeps_every_answer(client, org):
    data = step_one(30, s2=1, s3=None, s9=None, s14=None)
    page = client.post(START, data)
    assert page.status_code == 400
    body = text(page)
    summary = body.split('data-testid="error-summary"')[1].split("</ul>")[0]
    assert "Please check 3 questions" in summary
    # Questions are numbered on the page: 10a is the 11th, so item 14 is question 15.
    for number, words in ((3, "binges"), (9, "urgent needs"), (15, "better off dead")):
        assert f"Question {number}</a>: Choose an answer." in summary
        assert words in summary
    assert 'value="30"' in body  # the age typed
    assert re.search(r'name="signs-2" value="1" checked', body)
    assert re.search(r'name="signs-1" value="0" checked', body)
    assert not re.search(r'name="signs-3" value="\d" checked', body)
    assert "Nothing was lost" in body


def test_missing_or_odd_age_is_named(client, org):
    for typed, message in (("", "Enter your age in years"), ("twenty", "whole number"),
                           ("0", "Enter an age from 1 to 120")):
        page = client.post(START, step_one(30) | {"age": typed})
        assert page.status_code == 400
        assert message in text(page)
        assert 'href="#age"' in text(page)


def test_severity_is_asked_only_after_pain(client, org):
    # Pain 'Yes' without saying whether it is severe: that question is now missing.
    page = client.post(START, step_one(30, s10=1))
    assert page.status_code == 400
    assert "Question 11</a>: Choose an answer." in text(page)
    # Without pain, an answer to the severity question is dropped, not an error.
    page = client.post(START, step_one(30, s10a=1))
    assert page.status_code == 200
    assert "signs-10a" not in hidden(page)


def test_half_done_step_two_names_the_missing_and_keeps_step_one_and_step_two(client, org):
    carried = hidden(client.post(START, step_one(30, s1=1)))
    answers = dast(d1=1)
    del answers["second-4"]
    page = client.post(MORE, {**carried, **answers})
    assert page.status_code == 400
    body = text(page)
    assert "Please check 1 question" in body and "Question 4</a>: Choose an answer." in body
    assert re.search(r'name="second-1" value="1" checked', body)
    assert hidden(page)["signs-1"] == "1" and hidden(page)["age"] == "30"


def test_crafft_part_b_is_asked_only_after_some_use(client, org):
    carried = hidden(client.post(START, step_one(17)))
    page = client.post(MORE, {**carried, **crafft(a2=5, car=1)} | {"second-relax": ""})
    assert page.status_code == 400
    assert "Question 5</a>: Choose an answer." in text(page)  # RELAX, the 5th question
    page = client.post(MORE, {**carried, **crafft(car=1)})
    assert page.status_code == 200
    assert 'data-testid="second-result"' in text(page)


def test_changed_hidden_answers_restart_the_check(client, org):
    carried = hidden(client.post(START, step_one(30)))
    carried["signs-3"] = "7"  # not an answer the question has
    response = client.post(MORE, {**carried, **dast()})
    assert response.status_code == 302 and response["Location"] == START


def test_get_on_later_steps_goes_back_to_the_start(client, org):
    assert client.get(MORE)["Location"] == START


# --- the result ------------------------------------------------------------------------

def result(client, age=30, second=None, **signs):
    first = client.post(START, step_one(age, **signs))
    if 'data-testid="selfcheck-step-2"' not in text(first):
        return first  # no step 2: the first POST already showed the result
    return client.post(MORE, {**hidden(first), **(second or dast())})


def test_result_is_never_a_diagnosis_and_always_names_bladder_warning_signs(client, org):
    body = text(result(client))
    assert "This is not a diagnosis" in body
    bladder = body.split('data-testid="bladder-signs"')[1]
    for words in ("frequency", "urgency", "pain", "blood in your urine"):
        assert words in bladder
    assert 'data-testid="bladder-red-flag"' not in body
    assert 'data-testid="crisis-panel"' not in body


def test_result_lists_the_signs_in_plain_words_and_the_second_screen(client, org):
    body = text(result(client, s1=1, s3=1, second=dast(d1=1, d2=1, d3=0)))
    assert "You said yes to 2 of the 7 signs" in body
    assert "needing more ketamine for the same effect" in body and "binges" in body
    assert "moderate level of problems" in body  # DAST-10: 1 + 1 + (item 3 'No') = 3
    assert "Score 3" in body
    assert "Your care team" not in body  # nobody has a care team on the public page


def test_no_signs_says_so(client, org):
    assert "You did not report any of the signs" in text(result(client))


def test_a_risk_answer_shows_crisis_lines_at_the_top(client, org):
    page = result(client, s14=1)
    body = text(page)
    assert 'data-testid="crisis-panel"' in body
    assert body.index('data-testid="crisis-panel"') < body.index("<h1>")
    panel = body.split('data-testid="crisis-panel"')[1].split("</section>")[0]
    assert "Samaritans" in panel and "tel:116123" in panel and "tel:999" in panel
    assert "alerted" not in panel  # nobody was alerted: the check is anonymous


def test_a_risk_answer_shows_crisis_lines_even_under_12(client, org):
    body = text(result(client, age=10, s14=1))
    assert body.index('data-testid="crisis-panel"') < body.index("<h1>")


def test_crisis_lines_follow_the_organisation(client, org):
    org.country = "US"
    org.save()
    panel = text(result(client, s14=1)).split('data-testid="crisis-panel"')[1]
    assert "988" in panel.split("</section>")[0]


@pytest.mark.parametrize("signs", [{"s11": 1}, {"s12": 1}, {"s10": 1, "s10a": 1}],
                         ids=["blood", "cannot-pass-urine", "severe-pain"])
def test_bladder_red_flag_says_seek_medical_help_today(client, org, signs):
    body = text(result(client, **signs))
    alert = body.split('data-testid="bladder-red-flag"')[1].split("</section>")[0]
    assert "Seek medical help today" in alert
    assert "see a doctor today" in alert and "emergency department" in alert


def test_mild_bladder_symptoms_are_named_without_the_red_flag(client, org):
    body = text(result(client, s8=1, s10=1, s10a=0))
    assert 'data-testid="bladder-red-flag"' not in body
    reported = body.split('data-testid="bladder-reported"')[1]
    assert "passing urine more often" in reported


def test_result_offers_find_a_service_and_a_callback_form_with_the_answers(client, org):
    page = result(client, s2=1)
    body = text(page)
    assert f'href="{reverse("directory:search")}"' in body
    form = body.split('data-testid="callback-form"')[1].split("</form>")[0]
    assert "csrfmiddlewaretoken" in form
    assert 'name="signs-2" value="1"' in form and 'name="second-1" value="0"' in form
    assert 'name="submission_key"' in form
    # Both checkboxes start unticked: consent is given, never assumed.
    assert 'name="contact_consent" type="checkbox" value="on">' in form
    assert 'name="share_answers" type="checkbox" value="on">' in form
