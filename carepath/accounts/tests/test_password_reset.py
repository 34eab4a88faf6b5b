"""Password reset by email: the link sets a new password once."""

import re

from django.core import mail
from django.test import Client
from django.urls import reverse


def test_reset_link_sets_a_new_password(clinician):
    client = Client()
    client.post(reverse("accounts:password_reset"), {"email": clinician.email})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password-reset/\S+)", mail.outbox[0].body)[1]
    form = client.get(link, follow=True)
    new = "a-brand-new-passphrase-42"
    done = client.post(form.redirect_chain[-1][0],
                       {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    clinician.refresh_from_db()
    assert clinician.check_password(new)


def test_unknown_address_reveals_nothing(db):
    response = Client().post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302 and len(mail.outbox) == 0
