"""Forms for notes, amendments and group notes: they parse what was typed into values
for the actions (which do the checking) and keep it on error."""

from __future__ import annotations

import uuid

from django import forms

from carepath.ui.forms import UswdsFormMixin

from .actions_notes import AMEND_REASON_MIN
from .models import NOTE_TEMPLATES, NoteTemplate, SessionType

PART2_HELP = ("Records of substance use treatment are separately protected under 42 CFR "
              "Part 2 (2024): this note is left out of every disclosure unless the patient's "
              "consent names it. Leave this on for substance use counselling.")


def section_field(key: str) -> str:
    return f"section_{key}"


class NoteForm(UswdsFormMixin, forms.Form):
    """A note of one template: its sections are fields ``section_<key>``."""

    template = forms.ChoiceField(
        choices=[c for c in NoteTemplate.choices if c[0] != NoteTemplate.GROUP],
        widget=forms.HiddenInput)
    title = forms.CharField(label="Title (optional)", required=False, max_length=120,
                            error_messages={"max_length": "Keep the title under 120 "
                                                          "characters."})
    session = forms.ChoiceField(label="Session this note is about (optional)", required=False)
    objectives = forms.MultipleChoiceField(
        label="Treatment plan objectives this note works on", required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"}))
    part2_protected = forms.BooleanField(label="Part 2 protected", required=False,
                                         help_text=PART2_HELP)
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, template="dap", sessions=(), objectives=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.template_key = template
        self.sessions = {str(s.uuid): s for s in sessions}
        self.objective_rows = {str(o.uuid): o for o in objectives}
        self.fields["session"].choices = [("", "No session")] + [
            (key, f"{s.starts_at:%d %b %Y %H:%M} — {s.display_title}")
            for key, s in self.sessions.items()]
        self.fields["objectives"].choices = [(key, o.text)
                                             for key, o in self.objective_rows.items()]
        for key, label in NOTE_TEMPLATES[template]:
            self.fields[section_field(key)] = forms.CharField(
                label=label, required=False,
                widget=forms.Textarea(attrs={"rows": 6, "class": "usa-textarea"}))
        if not self.is_bound:
            self.initial.setdefault("template", template)
            self.initial.setdefault("part2_protected", True)
            self.initial.setdefault("submission_key", uuid.uuid4())

    @classmethod
    def initial_for(cls, note) -> dict:
        data = {"template": note.template, "title": note.title,
                "session": str(note.session.uuid) if note.session_id else "",
                "objectives": [str(o.uuid) for o in note.objectives.all()],
                "part2_protected": note.part2_protected,
                "submission_key": note.submission_key}
        for key, _label in NOTE_TEMPLATES[note.template]:
            data[section_field(key)] = (note.sections or {}).get(key, "")
        return data

    def section_fields(self):
        return [self[section_field(key)] for key, _ in NOTE_TEMPLATES[self.template_key]]

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "template": self.template_key,
            "title": data.get("title", ""),
            "sections": {key: data.get(section_field(key), "")
                         for key, _ in NOTE_TEMPLATES[self.template_key]},
            "session": self.sessions.get(data.get("session") or ""),
            "objectives": [self.objective_rows[k] for k in data.get("objectives") or []],
            "part2_protected": data.get("part2_protected", False),
        }


class AmendmentForm(UswdsFormMixin, forms.Form):
    reason = forms.CharField(
        label="Reason for the amendment", max_length=300,
        help_text=f"At least {AMEND_REASON_MIN} characters: why the signed note needs a "
                  "correction or addition.",
        error_messages={"required": "Say why you are amending the note.",
                        "max_length": "Keep the reason under 300 characters."})
    text = forms.CharField(label="Amendment", widget=forms.Textarea(attrs={"rows": 6}),
                           error_messages={"required": "Write the amendment: what is "
                                                       "corrected or added."})


class GroupNoteForm(UswdsFormMixin, forms.Form):
    """Topic, modality, shared content and one section per attendee
    (``section_<patient uuid>``)."""

    topic = forms.CharField(label="Topic", required=False, max_length=200,
                            error_messages={"max_length": "Keep the topic under 200 "
                                                          "characters."})
    modality = forms.ChoiceField(label="Modality", choices=SessionType.choices)
    content = forms.CharField(
        label="Shared content", required=False,
        help_text="What the group did. This text is copied into every attendee's record: "
                  "never name an attendee here.",
        widget=forms.Textarea(attrs={"rows": 8}))
    part2_protected = forms.BooleanField(label="Part 2 protected", required=False,
                                         help_text=PART2_HELP)

    def __init__(self, *args, attendees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.attendees = list(attendees)
        for patient in self.attendees:
            self.fields[section_field(patient.uuid)] = forms.CharField(
                label=patient.display_name, required=False,
                help_text="Copied only into this person's record.",
                widget=forms.Textarea(attrs={"rows": 3, "class": "usa-textarea"}))
        if not self.is_bound:
            self.initial.setdefault("part2_protected", True)

    def section_fields(self):
        return [self[section_field(p.uuid)] for p in self.attendees]

    def values(self) -> dict:
        data = self.cleaned_data
        return {"topic": data.get("topic", ""), "modality": data["modality"],
                "content": data.get("content", ""),
                "part2_protected": data.get("part2_protected", False),
                "sections": {str(p.uuid): data.get(section_field(p.uuid), "")
                             for p in self.attendees}}
