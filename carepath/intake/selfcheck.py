"""The anonymous self-check: which questions come in which order, and what the answers suggest.

Step 1 asks the person's age and CarePath's own list of signs (``ketamine-signs``, not a
validated instrument). Step 2 asks CRAFFT 2.1 for ages 12-21, or DAST-10 for 22 and over
when the front-door organisation has DAST-10 switched on (it is switchable for licence
reasons); under 12 there is no step 2. Scoring reuses the measures engine.

Nothing here writes anything: the answers travel between steps in hidden form fields,
parsed and re-validated from scratch at every step, so a changed hidden field can only
change the person's own result.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist, ValidationError

from carepath.alerts import crisis
from carepath.measures import actions as measures_actions
from carepath.measures import catalogue, engine, presentation

SIGNS = "ketamine-signs"
CRAFFT = "crafft-2.1"
DAST = "dast-10"
YOUNGEST_FOR_CRAFFT = 12  # CRAFFT 2.1 is for ages 12-21 (CLINICAL.md section 1)
OLDEST_FOR_CRAFFT = 21
MIN_AGE, MAX_AGE = 1, 120
# Form field prefixes: one per instrument, the same on the step that asks and on the
# steps that carry the answers on as hidden fields.
SIGNS_PREFIX = "signs-"
SECOND_PREFIX = "second-"

# The signs (items 1-7) in a few words each, for the result page and the advisor.
SIGN_WORDS = {
    "1": "needing more ketamine for the same effect (tolerance)",
    "2": "strong cravings",
    "3": "binges",
    "4": "K-holes",
    "5": "trying to cut down or stop and not managing to",
    "6": "feeling unwell without ketamine (withdrawal-type symptoms)",
    "7": "changes in behaviour: neglecting work, study or family, pulling away, secrecy",
}
BLADDER_WORDS = {
    "8": "passing urine more often",
    "9": "sudden, urgent needs to pass urine",
    "10": "bladder or lower-belly pain, or pain passing urine",
    "11": "blood in your urine",
    "12": "times you could not pass urine",
}

# What a DAST-10 or CRAFFT band suggests, in words for someone on their own, without an
# account or a care team (the definitions' own plain language speaks to patients).
SECOND_WORDS = {
    DAST: {
        "none": "Your DAST-10 answers do not suggest problems linked to drug use in the "
                "past 12 months.",
        "low": "Your DAST-10 answers suggest a low level of problems linked to drug use.",
        "moderate": "Your DAST-10 answers suggest a moderate level of problems linked to "
                    "drug use. Talking to an advisor could help you decide what to do next.",
        "substantial": "Your DAST-10 answers suggest a substantial level of problems linked "
                       "to drug use. It would be a good idea to talk to an advisor or a "
                       "doctor about support.",
        "severe": "Your DAST-10 answers suggest a severe level of problems linked to drug "
                  "use. Please talk to an advisor or a doctor soon about support and "
                  "treatment.",
    },
    CRAFFT: {
        "negative": "Your CRAFFT answers do not suggest a problem with alcohol or drugs at "
                    "the moment.",
        "positive": "Your CRAFFT answers suggest that alcohol or drug use may be putting you "
                    "at some risk. It would be a good idea to talk it through with someone "
                    "you trust, an advisor or a doctor.",
    },
}


# --- the organisation and the route through the steps -----------------------------------

def front_door():
    """The organisation callback requests go to; None on an install with none yet."""
    from carepath.intake import actions_enquiries

    try:
        return actions_enquiries.front_door_organisation()
    except (ObjectDoesNotExist, LookupError):
        return None


def dast_enabled(organisation) -> bool:
    """DAST-10 is non-commercial only: an organisation may switch it off."""
    if organisation is None:
        return True
    try:
        measures_actions.available(organisation.pk, DAST)
    except ValidationError:
        return False
    return True


def second_instrument(age: int, organisation) -> str | None:
    if age < YOUNGEST_FOR_CRAFFT:
        return None
    if age <= OLDEST_FOR_CRAFFT:
        return CRAFFT
    return DAST if dast_enabled(organisation) else None


def crisis_lines(organisation) -> list[dict]:
    return crisis.lines_for(organisation)


# --- parsing and checking a step's answers -------------------------------------------------

@dataclass
class Question:
    """One question as a public form shows it: numbered from 1 on its page."""

    number: int
    item: catalogue.Item
    name: str
    raw: str
    error: str
    hint: str

    @property
    def anchor(self) -> str:
        """The id of the first input, so the error summary's link lands in the question."""
        if self.item.type == "choice":
            return f"{self.name}-{self.item.options[0][0]}"
        return self.name


@dataclass
class Answers:
    """One instrument's answers parsed from a POST, with an error per item at fault."""

    defn: catalogue.Definition
    prefix: str
    answers: dict
    raw: dict
    errors: dict = field(default_factory=dict)  # link id -> sentence

    @property
    def complete(self) -> bool:
        return not self.errors

    def questions(self, start: int = 1) -> list[Question]:
        numbers = {item.link_id: start + n for n, item in enumerate(self.defn.items)}
        return [Question(numbers[item.link_id], item, f"{self.prefix}{item.link_id}",
                         self.raw.get(item.link_id, ""), self.errors.get(item.link_id, ""),
                         _hint(self.defn, item, numbers))
                for item in self.defn.items]

    def carried(self) -> list[tuple[str, str]]:
        """Hidden fields that carry these answers to the next step."""
        return [(f"{self.prefix}{k}", str(v)) for k, v in self.answers.items() if v is not None]

    def problems(self) -> list[dict]:
        """The error summary: each question at fault, by number, in order."""
        return [{"anchor": q.anchor, "number": q.number, "message": q.error,
                 "text": q.item.text} for q in self.questions() if q.error]

    def score(self) -> engine.Result:
        return engine.score(self.defn, self.answers)


def _hint(defn, item, numbers) -> str:
    """'Answer only if …' in the page's own question numbers (the engine's hint uses ids)."""
    if not item.enable_when:
        return ""
    parts = []
    for rule in item.enable_when:
        other = defn.item(rule["question"])
        if "answerCoding" in rule:
            label = dict(other.options).get(int(rule["answerCoding"]["code"]), "")
            parts.append(f"you answered “{label}” to question {numbers[other.link_id]}")
        elif rule["operator"] == ">" and rule.get("answerInteger") == 0:
            parts.append(f"you put more than 0 for question {numbers[other.link_id]}")
        else:
            parts.append(f"question {numbers[other.link_id]} is answered")
    joiner = " or " if item.enable_behavior == "any" else " and "
    return "Answer only if " + joiner.join(parts) + "; otherwise leave it blank."


def _public_message(item: catalogue.Item, message: str) -> str:
    if message == "an answer is required":
        return "Choose an answer." if item.type == "choice" else "Enter a number."
    if item.type == "integer":
        return f"Enter a whole number from {item.minimum} to {item.maximum}."
    return "Choose one of the answers given."


def parse(instrument_id: str, data, prefix: str) -> Answers:
    """Answers to one instrument from posted fields named ``<prefix><linkId>``."""
    defn = catalogue.get(instrument_id)
    fields = {f"item_{item.link_id}": data.get(f"{prefix}{item.link_id}", "")
              for item in defn.items}
    answers, raw, not_numbers = presentation.answers_from_post(defn, fields)
    errors = {}
    for key in not_numbers:
        link_id = key.removeprefix("item_")
        errors[link_id] = _public_message(defn.item(link_id), "not a number")
    for problem in engine.validate(defn, answers):
        if problem.item not in errors and problem.item in defn.item_ids:
            errors[problem.item] = _public_message(defn.item(problem.item), problem.message)
    return Answers(defn, prefix, answers, raw, errors)


def parse_age(data) -> tuple[int | None, str, str]:
    """(age, what was typed, error sentence)."""
    typed = (data.get("age") or "").strip()
    if not typed:
        return None, typed, "Enter your age in years, for example 19."
    try:
        age = int(typed)
    except ValueError:
        return None, typed, "Enter your age as a whole number of years, for example 19."
    if not MIN_AGE <= age <= MAX_AGE:
        return None, typed, f"Enter an age from {MIN_AGE} to {MAX_AGE}."
    return age, typed, ""


# --- what the answers suggest --------------------------------------------------------------

@dataclass
class Outcome:
    """The scored self-check. Built again from the hidden fields at every step."""

    age: int
    signs: Answers
    signs_result: engine.Result
    second: Answers | None = None
    second_result: engine.Result | None = None

    @property
    def young(self) -> bool:
        return self.age < YOUNGEST_FOR_CRAFFT

    @property
    def risk(self) -> bool:
        return "risk" in self.signs_result.flags

    @property
    def bladder_red_flag(self) -> bool:
        return "bladder_red_flag" in self.signs_result.flags

    @property
    def urgent(self) -> bool:
        """Any urgent flag: the callback is marked so an advisor sees it first."""
        return bool(self.signs_result.urgent_flags
                    or (self.second_result and self.second_result.urgent_flags))

    def signs_reported(self) -> list[str]:
        return [words for link_id, words in SIGN_WORDS.items()
                if self.signs.answers.get(link_id) == 1]

    def bladder_reported(self) -> list[str]:
        return [words for link_id, words in BLADDER_WORDS.items()
                if self.signs.answers.get(link_id) == 1]

    def bladder_urgent(self) -> list[str]:
        """The answers that fired the bladder red flag, in words."""
        found = [words for link_id, words in (("11", "blood in your urine"),
                                              ("12", "times you could not pass urine"),
                                              ("10a", "severe pain"))
                 if self.signs.answers.get(link_id) == 1]
        return found

    @property
    def low_mood(self) -> bool:
        return self.signs.answers.get("13") == 1

    def signs_words(self) -> str:
        return self.signs.defn.plain_language.get(self.signs_result.band, "")

    def second_words(self) -> str:
        if self.second_result is None:
            return ""
        return SECOND_WORDS[self.second.defn.id].get(self.second_result.band, "")

    def second_band_label(self) -> str:
        if self.second_result is None:
            return ""
        return presentation.band_label(self.second.defn, self.second_result.band)

    def carried(self) -> list[tuple[str, str]]:
        fields = [("age", str(self.age)), *self.signs.carried()]
        if self.second is not None:
            fields += self.second.carried()
        return fields

    def summary(self) -> dict:
        """What an advisor sees when the person shares their answers: scores, bands,
        flags and the answers themselves, by instrument and version."""
        parts = [(self.signs, self.signs_result)]
        if self.second is not None:
            parts.append((self.second, self.second_result))
        return {
            "source": "self-check",
            "age": self.age,
            "flags": [f for _, r in parts for f in r.flags],
            "instruments": [{
                "instrument": a.defn.id, "version": a.defn.version, "title": a.defn.title,
                "validated": bool(a.defn.provenance.get("validated")),
                "total": r.total, "band": r.band,
                "band_label": presentation.band_label(a.defn, r.band),
                "subscales": r.subscales, "flags": r.flags,
                "answers": {k: v for k, v in a.answers.items() if v is not None},
            } for a, r in parts],
        }


class Restart(Exception):
    """Carried answers that no longer make a complete step 1 (changed by hand, or a
    definition changed between steps): the person starts again."""


def step_one(data) -> tuple[int | None, str, str, Answers]:
    age, typed, age_error = parse_age(data)
    return age, typed, age_error, parse(SIGNS, data, SIGNS_PREFIX)


def outcome_from(data, organisation, *, need_second: bool) -> tuple[Outcome, Answers | None]:
    """Rebuild the outcome from carried fields. Returns (outcome, second answers if the
    step-2 instrument is due but not yet complete). Raises Restart if step 1 is not whole."""
    age, _typed, age_error, signs = step_one(data)
    if age_error or not signs.complete:
        raise Restart
    outcome = Outcome(age, signs, signs.score())
    instrument = second_instrument(age, organisation)
    if instrument is None:
        return outcome, None
    second = parse(instrument, data, SECOND_PREFIX)
    if not second.complete:
        if need_second:
            return outcome, second
        raise Restart
    outcome.second, outcome.second_result = second, second.score()
    return outcome, None
