"""Per-organisation instrument settings: only published cut-offs, only switchable ones off."""

import pytest

from carepath.measures.admin import InstrumentSettingForm

pytestmark = pytest.mark.django_db


def _form(org, **data):
    return InstrumentSettingForm(data={"organisation": org.pk, "enabled": True,
                                       "parameters": "{}", **data})


def test_dast_10_can_be_switched_off(org):
    assert _form(org, instrument_id="dast-10", enabled=False).is_valid()


def test_phq_9_cannot_be_switched_off(org):
    form = _form(org, instrument_id="phq-9", enabled=False)
    assert not form.is_valid() and "cannot be switched off" in str(form.errors)


def test_pc_ptsd_5_cut_off_may_be_4_but_not_5(org):
    assert _form(org, instrument_id="pc-ptsd-5",
                 parameters='{"positive_cut_off": 4}').is_valid()
    form = _form(org, instrument_id="pc-ptsd-5", parameters='{"positive_cut_off": 5}')
    assert not form.is_valid() and "must be one of" in str(form.errors)


def test_an_unknown_parameter_is_refused(org):
    form = _form(org, instrument_id="phq-9", parameters='{"cut_off": 10}')
    assert not form.is_valid()
