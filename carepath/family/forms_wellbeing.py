"""The well-being check-in form: CarePath's five questions and the separate safety question."""

from django import forms

from carepath.ui.forms import UswdsFormMixin

from . import wellbeing

SAFETY_CHOICES = (("no", "No"), ("yes", "Yes"))


class WellbeingForm(UswdsFormMixin, forms.Form):
    """One radio group per question (fields named by question key), then the safety one."""

    submission_key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for question in wellbeing.QUESTIONS:
            self.fields[question.key] = forms.TypedChoiceField(
                label=question.text, choices=wellbeing.ANSWER_CHOICES, coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": "Choose one answer for this question."})
        self.fields["unsafe"] = forms.ChoiceField(
            label=wellbeing.SAFETY_QUESTION, choices=SAFETY_CHOICES, widget=forms.RadioSelect,
            error_messages={"required": "Choose yes or no. If you are not sure, choose yes "
                                        "and we show you who can help."})

    def question_fields(self):
        return [self[key] for key in wellbeing.QUESTION_KEYS]

    def answers(self) -> dict:
        return {key: self.cleaned_data[key] for key in wellbeing.QUESTION_KEYS}

    @property
    def feels_unsafe(self) -> bool:
        return self.cleaned_data.get("unsafe") == "yes"
