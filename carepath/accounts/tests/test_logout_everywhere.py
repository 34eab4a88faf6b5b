"""Signing out everywhere ends every session of the user, on every device."""

from django.urls import reverse

from carepath.conftest import verified_client


def test_sign_out_everywhere_ends_other_sessions(clinician):
    laptop, phone = verified_client(clinician), verified_client(clinician)
    assert phone.get(reverse("ui:home")).status_code == 200
    laptop.post(reverse("accounts:logout_everywhere"))
    assert phone.get(reverse("alerts:list")).status_code == 302
    assert laptop.get(reverse("alerts:list")).status_code == 302


def test_plain_sign_out_ends_only_this_session(clinician):
    laptop, phone = verified_client(clinician), verified_client(clinician)
    laptop.post(reverse("accounts:logout"))
    assert laptop.get(reverse("alerts:list")).status_code == 302
    assert phone.get(reverse("alerts:list")).status_code == 200
