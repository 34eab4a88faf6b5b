from django import forms
from django.contrib.auth.forms import AuthenticationForm


class TokenForm(forms.Form):
    otp_token = forms.CharField(
        label="Code from your authenticator app, or a recovery code",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text",
                                      "class": "usa-input", "autofocus": True}),
    )


class EnrolForm(forms.Form):
    otp_token = forms.CharField(
        label="6-digit code shown by your authenticator app",
        min_length=6, max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "class": "usa-input", "autofocus": True}),
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=100, widget=forms.TextInput(attrs={"class": "usa-input"}))
    expires_days = forms.IntegerField(
        label="Expires after (days)", min_value=1, max_value=365, initial=90,
        widget=forms.NumberInput(attrs={"class": "usa-input"}))


class SignInForm(AuthenticationForm):
    """Django's sign-in form, where an email-address username (supporters register with
    theirs, stored lower-case) matches whatever case it is typed in."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Username or email address"

    def clean(self):
        username = self.cleaned_data.get("username")
        if username and "@" in username:
            self.cleaned_data["username"] = username.strip().lower()
        return super().clean()
