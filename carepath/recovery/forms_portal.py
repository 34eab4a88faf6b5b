"""Forms of the portal shell: the invitation (staff), setting a password (the person)."""

import uuid

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator

from carepath.ui.forms import UswdsFormMixin

from .models import InvitationChannel


def new_submission_key() -> str:
    return uuid.uuid4().hex


class InviteForm(UswdsFormMixin, forms.Form):
    channel = forms.ChoiceField(
        label="Send the invitation by", choices=InvitationChannel.choices,
        initial=InvitationChannel.EMAIL, widget=forms.RadioSelect,
        help_text="Email goes to the address on the record; a text message to the phone "
                  "number on the record.")


class JoinForm(UswdsFormMixin, forms.Form):
    username = forms.CharField(
        label="Username", max_length=150, validators=[UnicodeUsernameValidator()],
        help_text="You sign in with this. Your email address works well. Letters, digits "
                  "and @ . + - _ only.",
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none",
                                      "spellcheck": "false"}))
    password1 = forms.CharField(
        label="Choose a password", strip=False,
        help_text=" ".join(password_validation.password_validators_help_texts()),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=True))
    password2 = forms.CharField(
        label="Type the password again", strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=True))

    def clean_username(self):
        return self.cleaned_data["username"].strip()

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords are different. Type the same "
                                        "password in both boxes.")
        return data
