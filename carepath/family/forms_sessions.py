"""The family-session invite form: which supporters to invite."""

import uuid

from django import forms
from django.core.exceptions import ValidationError

from carepath.ui.forms import UswdsFormMixin


class ConsentChoices(forms.MultipleChoiceField):
    """Consent UUIDs. Not limited to the choices shown when the page was drawn: a consent
    withdrawn since then must reach the action, which says why it is refused."""

    def valid_value(self, value):
        try:
            uuid.UUID(str(value))
        except ValueError:
            return False
        return True


class InviteSupportersForm(UswdsFormMixin, forms.Form):
    supporters = ConsentChoices(
        label="Supporters to invite", widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one supporter to invite.",
                        "invalid_choice": "Choose supporters from the list."})

    def chosen(self) -> list[str]:
        return list(dict.fromkeys(self.cleaned_data["supporters"]))

    def add_unknown(self, count: int) -> None:
        if count:
            self.add_error("supporters", ValidationError(
                "A supporter you chose is not linked to anyone attending this session. "
                "Choose from the list."))
