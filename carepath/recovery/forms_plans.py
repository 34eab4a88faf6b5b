"""The plan editor: one textarea per list (one item a line) and a row per person. The
form only parses what was typed into the plan's sections; the action checks it. A refused
form keeps everything typed."""

from __future__ import annotations

import re
import uuid

from django import forms
from django.core.exceptions import ValidationError

from carepath.ui.forms import UswdsFormMixin

from .actions_plans import (
    CHANGE_NOTE_MAX,
    COPING_KINDS,
    LISTS,
    NAME_MAX,
    PEOPLE_MAX,
    PHONE_MAX_CHARS,
    RELATIONSHIP_MAX,
)

TEXTAREA_MAX_CHARS = 8000  # a generous bound on one box; the action counts items
BLANK_PEOPLE_ROWS = 2

# Prompts in plain words, shown under each box.
HINTS = {
    "reasons": "Why recovery matters to you. One a line.",
    "triggers": "People, places, feelings or things that set off cravings. One a line.",
    "high_risk_situations": "Times and places where using is more likely. One a line.",
    "warning_signs": "Signs that things are slipping, that you or others might notice. "
                     "One a line.",
    "safe_places": "Places to go and things to do that keep you safe. One a line.",
    "coping_cbt": "Skills for thoughts and urges. One a line.",
    "coping_dbt": "Skills for getting through a crisis without making it worse. One a line.",
    "coping_other": "Anything else that helps. One a line.",
}

# Well-known skill names offered as examples, never as prescriptions; sources are named
# on the page and in docs/relapse-prevention.md.
SKILL_EXAMPLES = {
    "coping_dbt": [
        ("TIPP", "cold water on the face, intense exercise, paced breathing, paired muscle "
                 "relaxation", "linehan"),
        ("STOP", "stop, take a step back, observe, proceed mindfully", "linehan"),
        ("ACCEPTS", "distract: activities, contributing, comparisons, other emotions, "
                    "pushing away, thoughts, sensations", "linehan"),
        ("Self-soothe", "with each of the five senses", "linehan"),
        ("IMPROVE the moment", "imagery, meaning, prayer, relaxation, one thing in the "
                               "moment, vacation, encouragement", "linehan"),
        ("Pros and cons", "of acting on the urge and of not acting on it", "linehan"),
    ],
    "coping_cbt": [
        ("Thought record", "write down the situation, the thought, the feeling and a more "
                           "balanced thought", "beck"),
        ("Recall the consequences", "think the craving through to how using usually ends",
         "carroll"),
        ("Talk it through", "tell someone you trust about the craving", "carroll"),
        ("Urge surfing", "notice the craving rise, peak and fall like a wave, without "
                         "acting on it", "mbrp"),
        ("SOBER breathing space", "stop, observe, breathe, expand awareness, respond "
                                  "mindfully", "mbrp"),
    ],
}
SOURCES = {
    "linehan": "Linehan MM. DBT Skills Training Manual, 2nd edition. Guilford Press, 2015.",
    "beck": "Beck JS. Cognitive Behavior Therapy: Basics and Beyond. Guilford Press.",
    "carroll": "Carroll KM. A Cognitive-Behavioral Approach: Treating Cocaine Addiction "
               "(NIDA Therapy Manuals for Drug Addiction, Manual 1). NIDA, 1998.",
    "mbrp": "Bowen S, Chawla N, Marlatt GA. Mindfulness-Based Relapse Prevention for "
            "Addictive Behaviors: A Clinician's Guide. Guilford Press, 2011.",
}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _textarea(label: str, key: str) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, help_text=HINTS.get(key, "One a line."),
        max_length=TEXTAREA_MAX_CHARS, strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": f"{label}: this box is too long (at most "
                                      f"{TEXTAREA_MAX_CHARS} characters)."})


PERSON_ROW = re.compile(r"^person_(\d+)_(name|relationship|phone)$")


class PlanForm(UswdsFormMixin, forms.Form):
    """``staff``: the care team's editor, with "written with the patient"."""

    based_on_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0,
                                          required=False)
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, staff: bool = False, people_rows: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in LISTS.items():
            self.fields[key] = _textarea(label, key)
        for kind, label in COPING_KINDS.items():
            self.fields[f"coping_{kind}"] = _textarea(label, f"coping_{kind}")
        if people_rows is None:
            people_rows = self._rows_in_data() if self.is_bound else BLANK_PEOPLE_ROWS
        self.people_rows = max(1, min(people_rows, PEOPLE_MAX))
        for n in range(1, self.people_rows + 1):
            self.fields[f"person_{n}_name"] = forms.CharField(
                label="Name", required=False, max_length=NAME_MAX,
                widget=forms.TextInput(attrs={"autocomplete": "off"}),
                error_messages={"max_length": f"Person {n}: keep the name to {NAME_MAX} "
                                              "characters."})
            self.fields[f"person_{n}_relationship"] = forms.CharField(
                label="Who they are to you", required=False, max_length=RELATIONSHIP_MAX,
                widget=forms.TextInput(attrs={"autocomplete": "off"}),
                error_messages={"max_length": f"Person {n}: keep who they are to you to "
                                              f"{RELATIONSHIP_MAX} characters."})
            self.fields[f"person_{n}_phone"] = forms.CharField(
                label="Phone number", required=False, max_length=PHONE_MAX_CHARS,
                widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel",
                                              "autocomplete": "off"}),
                error_messages={"max_length": f"Person {n}: the phone number is too long "
                                              f"(at most {PHONE_MAX_CHARS} characters)."})
        self.fields["change_note"] = forms.CharField(
            label="What changed (optional)", required=False, max_length=CHANGE_NOTE_MAX,
            help_text="A few words for the version history, such as “added a new trigger”.",
            error_messages={"max_length": f"What changed: keep it to {CHANGE_NOTE_MAX} "
                                          "characters."})
        if staff:
            self.fields["written_with_patient"] = forms.BooleanField(
                label="Written with the patient (together, in a session)", required=False)
        # The mixin styled the fields present when it ran; style the ones added since.
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Textarea):
                widget.attrs.setdefault("class", "usa-textarea")
            elif isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "usa-checkbox__input")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "usa-input")
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())

    def _rows_in_data(self) -> int:
        numbers = [int(m.group(1)) for key in self.data
                   if (m := PERSON_ROW.match(key))]
        return max(numbers, default=0) or BLANK_PEOPLE_ROWS

    @classmethod
    def for_plan(cls, plan, *, staff: bool = False) -> PlanForm:
        """An unbound form filled with ``plan`` (None: empty), based on its version."""
        initial = {"based_on_version": plan.version if plan else 0}
        if plan is not None:
            for key in LISTS:
                initial[key] = "\n".join(getattr(plan, key))
            for kind in COPING_KINDS:
                initial[f"coping_{kind}"] = "\n".join(
                    s["text"] for s in plan.coping_strategies if s.get("kind") == kind)
            for n, person in enumerate(plan.people, 1):
                for part in ("name", "relationship", "phone"):
                    initial[f"person_{n}_{part}"] = person.get(part, "")
        people = len(plan.people) if plan else 0
        return cls(initial=initial, staff=staff,
                   people_rows=min(PEOPLE_MAX, people + BLANK_PEOPLE_ROWS))

    def person_rows(self):
        """The people rows' bound fields, for the template: [(number, name, relationship,
        phone)]."""
        return [(n, self[f"person_{n}_name"], self[f"person_{n}_relationship"],
                 self[f"person_{n}_phone"]) for n in range(1, self.people_rows + 1)]

    def list_fields(self):
        return [self[key] for key in LISTS]

    def coping_fields(self):
        return [(self[f"coping_{kind}"], SKILL_EXAMPLES.get(f"coping_{kind}", []))
                for kind in COPING_KINDS]

    # --- Into the plan's sections, and the action's errors back onto the fields ----------

    def content(self) -> dict:
        data = self.cleaned_data
        content: dict = {key: _lines(data.get(key, "")) for key in LISTS}
        content["coping_strategies"] = [
            {"kind": kind, "text": text} for kind in COPING_KINDS
            for text in _lines(data.get(f"coping_{kind}", ""))]
        people, self._row_of = [], []
        for n in range(1, self.people_rows + 1):
            person = {part: (data.get(f"person_{n}_{part}") or "").strip()
                      for part in ("name", "relationship", "phone")}
            if any(person.values()):
                people.append(person)
                self._row_of.append(n)
        content["people"] = people
        return content

    def _field_for(self, key: str) -> str | None:
        parts = key.split(".")
        if parts[0] == "coping_strategies" and len(parts) == 2:
            return f"coping_{parts[1]}"
        if parts[0] == "people" and len(parts) == 3 and parts[1].isdigit():
            index = int(parts[1])
            rows = getattr(self, "_row_of", [])
            if index < len(rows):
                return f"person_{rows[index]}_{parts[2]}"
        if key == "written_with" and "written_with_patient" in self.fields:
            return "written_with_patient"
        if key in self.fields and not self.fields[key].widget.is_hidden:
            return key
        return None

    def add_plan_errors(self, exc: ValidationError) -> None:
        """The action's errors beside the field or row they are about; the rest on top."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for key, messages in exc.message_dict.items():
            self.add_error(self._field_for(key), messages)

    def rebased(self, version: int) -> PlanForm:
        """The same typed words, now based on ``version`` (after a refused conflict, so a
        deliberate second save may replace the newer version)."""
        data = self.data.copy()
        data["based_on_version"] = str(version)
        form = type(self)(data, staff="written_with_patient" in self.fields)
        form.is_valid()
        form.content()
        return form
