"""Bad input is refused with the field and the limit named; nothing is saved and, on the
page, nothing typed is lost."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from carepath.withdrawal.models import Observation

from .conftest import observe

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("field", "value", "message"), [
    ("heart_rate", 300, "Heart rate must be between 25 and 250 beats a minute"),
    ("heart_rate", 20, "Heart rate must be between 25 and 250 beats a minute"),
    ("systolic", 400, "Systolic blood pressure must be between 50 and 300 mmHg"),
    ("diastolic", 5, "Diastolic blood pressure must be between 20 and 200 mmHg"),
    ("temperature", "3.7", "Temperature must be between 30.0 and 45.0 °C"),
    ("temperature", "37.25", "to one decimal place"),
    ("respiratory_rate", 90, "Respiratory rate must be between 4 and 70 breaths a minute"),
    ("spo2", 101, "Oxygen saturation (SpO2) must be between 50 and 100 %"),
    ("spo2", "abc", "enter a number"),
])
def test_a_vital_outside_its_range_is_refused_naming_the_limit(in_withdrawal, nurse, field,
                                                                value, message):
    with pytest.raises(ValidationError) as refused:
        observe(nurse, in_withdrawal, **{field: value})
    assert message in " ".join(refused.value.message_dict[field])
    assert not Observation.objects.exists()


def test_diastolic_must_be_below_systolic(in_withdrawal, nurse):
    with pytest.raises(ValidationError) as refused:
        observe(nurse, in_withdrawal, systolic=100, diastolic=110)
    assert "must be lower than systolic" in refused.value.message_dict["diastolic"][0]


def test_symptoms_are_rated_0_to_3_and_craving_0_to_10(in_withdrawal, nurse):
    with pytest.raises(ValidationError) as refused:
        observe(nurse, in_withdrawal, symptoms={"anxiety": 4, "made_up": 1}, craving=11)
    errors = refused.value.message_dict
    assert "Anxiety must be rated with a whole number from 0 to 3." in errors["symptom_anxiety"]
    assert "'made_up' is not a symptom on this chart." in errors["symptoms"]
    assert "Craving must be a whole number from 0 to 10" in errors["craving"][0]


def test_times_in_the_future_or_before_the_episode_are_refused(in_withdrawal, nurse):
    with pytest.raises(ValidationError) as refused:
        observe(nurse, in_withdrawal, ago=-timedelta(hours=1), craving=2)
    assert "cannot be in the future" in refused.value.message_dict["taken_at"][0]
    with pytest.raises(ValidationError) as refused:
        observe(nurse, in_withdrawal, ago=timedelta(days=500), craving=2)
    assert "before the episode of care opened" in refused.value.message_dict["taken_at"][0]


def test_an_empty_observation_is_refused(in_withdrawal, nurse):
    with pytest.raises(ValidationError) as refused:
        observe(nurse, in_withdrawal)
    assert "Nothing was entered" in refused.value.messages[0]


def test_valid_values_are_stored_as_entered(in_withdrawal, nurse):
    obs = observe(nurse, in_withdrawal, symptoms={"anxiety": 2, "tremor": 0}, craving=6,
                  heart_rate="96", temperature="37.4", systolic=128, diastolic=82)
    obs.refresh_from_db()
    assert (obs.symptoms, obs.craving, obs.heart_rate, str(obs.temperature)) == (
        {"anxiety": 2, "tremor": 0}, 6, 96, "37.4")
    assert obs.red_flags == []


def test_the_page_refuses_with_the_limit_and_keeps_what_was_typed(in_withdrawal, nurse,
                                                                   as_user):
    client = as_user(nurse)
    url = reverse("withdrawal:chart_withdrawal", args=[in_withdrawal.uuid])
    taken = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"taken_at": taken, "heart_rate": "700", "systolic": "131",
                                 "symptom_anxiety": "2", "craving": "7",
                                 "note": "Pacing the corridor"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Heart rate must be between 25 and 250 beats a minute (you entered 700)." in page
    assert 'value="700"' in page and 'value="131"' in page
    assert "Pacing the corridor" in page
    assert '<option value="2" selected>2: Moderate' in page
    assert not Observation.objects.exists()
