"""Review: the plan and discharge print views carry a Print button (a script from our
own static files, no inline JavaScript) that the print stylesheets leave off the paper."""

from pathlib import Path

import pytest
from django.urls import reverse

from carepath.conftest import verified_client

from .test_discharge_pages import _signed
from .test_discharge_support import open_episode as open_discharge_episode
from .test_plan_pages import plan_url
from .test_plan_versions import full_plan

pytestmark = pytest.mark.django_db
STATIC = Path(__file__).resolve().parent.parent / "static" / "treatment"
BUTTON = '<button type="button" class="usa-button" data-print'


def _has_print_button(html: str) -> None:
    assert BUTTON in html and "treatment/print-button.js" in html
    assert "<script>" not in html.split("</head>")[1]  # no inline script


def test_plan_print_view_has_a_print_button(patient, clinician):
    plan = full_plan(patient, clinician)
    _has_print_button(verified_client(clinician).get(plan_url(plan, "print/")).content
                      .decode())


def test_discharge_print_view_has_a_print_button(patient, clinician):
    open_discharge_episode(patient, clinician)
    discharge = _signed(patient, clinician)
    url = reverse("treatment:discharge_print", kwargs={"patient_id": patient.uuid,
                                                       "discharge_id": discharge.uuid})
    _has_print_button(verified_client(clinician).get(url).content.decode())


def test_the_button_prints_and_is_hidden_on_paper():
    assert "window.print()" in (STATIC / "print-button.js").read_text()
    for css in ("print.css", "discharge-print.css"):
        printed = (STATIC / css).read_text().split("@media print", 1)[1]
        assert "[data-print] { display: none !important; }" in printed
