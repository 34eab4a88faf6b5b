"""Forms for supporter self-registration and asking for a new verification link."""

import uuid

from django import forms
from django.contrib.auth import password_validation

from carepath.ui.forms import UswdsFormMixin


def new_submission_key() -> str:
    return str(uuid.uuid4())


class RegisterForm(UswdsFormMixin, forms.Form):
    given_name = forms.CharField(label="Given name", max_length=150,
                                 widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    family_name = forms.CharField(label="Family name", max_length=150,
                                  widget=forms.TextInput(attrs={"autocomplete": "family-name"}))
    email = forms.EmailField(
        label="Email address", max_length=150,
        help_text="You sign in with this address. We send a link to confirm it.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autocapitalize": "none",
                                       "spellcheck": "false"}))
    # Passwords are never sent back to the browser, even when the form has errors.
    password1 = forms.CharField(
        label="Choose a password", strip=False,
        help_text=" ".join(password_validation.password_validators_help_texts()),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(
        label="Type the password again", strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    submission_key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords are different. Type the same "
                                        "password in both boxes.")
        return data


class NewLinkForm(UswdsFormMixin, forms.Form):
    email = forms.EmailField(label="Email address you registered with", max_length=150,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
