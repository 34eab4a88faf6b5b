from django import forms


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
