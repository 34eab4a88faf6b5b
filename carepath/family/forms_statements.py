"""The statement form of step 3: four boxes, each with an optional writing prompt."""

from __future__ import annotations

from django import forms

from carepath.ui.forms import UswdsFormMixin

from .actions_statements import FIELD_MAX

# CarePath's own words, from seed 003's guidance (specific behaviours, concern and impact,
# care, no blame) plus "I" statements, a CarePath suggestion not taken from the seed.
PROMPTS = {
    "behaviours": "Specific things you have seen, with when and where: \"Last month you "
                  "missed Dad's birthday.\" Describe what happened; leave out labels.",
    "impact": "How it has affected you, in \"I\" statements: \"I felt scared when...\", "
              "\"I lie awake worrying...\". Say it without blame.",
    "care": "That you care: what you love about them, good times you remember, what you "
            "hope for them.",
    "request": "What you are asking: that they accept the help on offer today, and how you "
               "will support them.",
}


class StatementForm(UswdsFormMixin, forms.Form):
    behaviours = forms.CharField(label="What I have seen", required=False, max_length=FIELD_MAX,
                                 widget=forms.Textarea(attrs={"rows": 4}))
    impact = forms.CharField(label="How it has affected me", required=False,
                             max_length=FIELD_MAX, widget=forms.Textarea(attrs={"rows": 4}))
    care = forms.CharField(label="What I love and hope for", required=False,
                           max_length=FIELD_MAX, widget=forms.Textarea(attrs={"rows": 4}))
    request = forms.CharField(label="What I am asking", required=False, max_length=FIELD_MAX,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def prompted_fields(self):
        """(bound field, prompt) pairs for the template."""
        return [(self[name], PROMPTS[name]) for name in self.fields]
