"""One generic scorer for every instrument definition.

Answers are raw values keyed by linkId, exactly as the person answered (a DAST-10
"yes" is 1 even on its reversed item 3); None marks an item the instrument's own
skip logic (FHIR enableWhen) leaves out. Validation names the item at fault.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from . import conditions, functions
from .catalogue import Definition, Item


@dataclass(frozen=True)
class AnswerError:
    item: str
    message: str

    def __str__(self):
        return f"item {self.item}: {self.message}"


class InvalidAnswers(ValueError):
    def __init__(self, errors: list[AnswerError]):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


@dataclass
class Result:
    instrument: str
    total: int | None
    band: str | None
    subscales: dict[str, int] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    codes: dict[str, str] = field(default_factory=dict)
    urgent_flags: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        """The CLI and API contract: instrument, total, band, subscales, flags, codes."""
        data = asdict(self)
        data.pop("urgent_flags")
        return data


def _rule_holds(rule: dict, answers: dict) -> bool:
    value = answers.get(rule["question"])
    if rule["operator"] == "exists":
        return (value is not None) == rule.get("answerBoolean", True)
    if value is None:
        return False
    if "answerCoding" in rule:
        expected = int(rule["answerCoding"]["code"])
    elif "answerInteger" in rule:
        expected = rule["answerInteger"]
    else:
        expected = int(rule["answerBoolean"])
    return conditions.OPERATORS[rule["operator"]](value, expected)


def is_enabled(item: Item, answers: dict) -> bool:
    if not item.enable_when:
        return True
    results = [_rule_holds(rule, answers) for rule in item.enable_when]
    return any(results) if item.enable_behavior == "any" else all(results)


def enabled_items(defn: Definition, answers: dict) -> dict[str, bool]:
    """Which items are asked, given the answers so far (items depend only on earlier ones)."""
    return {item.link_id: is_enabled(item, answers) for item in defn.items}


def drop_skipped(defn: Definition, answers: dict) -> dict:
    """Forms post every field; an answer to a question its logic skips is not kept."""
    kept = dict(answers)
    for item in defn.items:
        if not is_enabled(item, kept):
            kept[item.link_id] = None
    return kept


def _range_text(item: Item) -> str:
    if item.type == "choice":
        return ", ".join(str(v) for v in item.allowed)
    return f"{item.minimum}-{item.maximum}"


def validate(defn: Definition, answers: dict, *, draft: bool = False) -> list[AnswerError]:
    errors = [AnswerError(key, f"{defn.id} has no item {key}")
              for key in answers if key not in defn.item_ids]
    checked: dict = {}
    for item in defn.items:
        value = answers.get(item.link_id)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            errors.append(AnswerError(item.link_id, f"{value!r} is not a whole number"))
            value = None
        elif value is not None and (
                (item.type == "choice" and value not in item.allowed)
                or (item.type == "integer" and not item.minimum <= value <= item.maximum)):
            errors.append(AnswerError(item.link_id,
                                      f"{value} is out of range (allowed: {_range_text(item)})"))
            value = None
        asked = is_enabled(item, checked)
        if value is not None and not asked:
            errors.append(AnswerError(item.link_id, "this item is skipped by the instrument's "
                                      "own logic here; leave it unanswered ('-')"))
            value = None
        elif value is None and asked and item.required and not draft \
                and item.link_id not in {e.item for e in errors}:
            errors.append(AnswerError(item.link_id, "an answer is required"))
        checked[item.link_id] = value
    return errors


def _item_score(item: Item, raw: int | None, reversed_ids: set[str]) -> int | None:
    if raw is None:
        return None
    return item.low + item.high - raw if item.link_id in reversed_ids else raw


def _band(scoring: dict, values: dict, parameters: dict) -> str | None:
    if scoring.get("band_rules"):
        for rule in scoring["band_rules"]:
            if "when" not in rule or conditions.holds(rule["when"], values):
                return rule["band"]
    bands = scoring.get("bands")
    if not bands:
        return None
    value = values.get(bands["source"])
    if value is None:
        return None
    chosen = None
    for threshold in bands["thresholds"]:
        low = threshold["min"]
        if isinstance(low, dict):
            low = parameters[low["parameter"]]
        if value >= low:
            chosen = threshold["band"]
    return chosen


def score(defn: Definition, answers: dict, parameters: dict | None = None) -> Result:
    """Validate then score. Raises InvalidAnswers listing every item at fault."""
    errors = validate(defn, answers)
    if errors:
        raise InvalidAnswers(errors)
    scoring = defn.scoring
    params = defn.parameters(parameters)
    reversed_ids = set(scoring.get("reversed", []))
    item_scores = {item.link_id: _item_score(item, answers.get(item.link_id), reversed_ids)
                   for item in defn.items}
    values: dict = {f"item:{k}": v for k, v in answers.items()}
    total = None
    if scoring.get("total") is not None:
        total = sum(item_scores[i] or 0 for i in scoring["total"]["items"])
        values["total"] = total
    subscales = {}
    for sub in scoring.get("subscales", []):
        subscales[sub["id"]] = sum(item_scores[i] or 0 for i in sub["items"])
        values[f"subscale:{sub['id']}"] = subscales[sub["id"]]
    if scoring.get("function"):
        values.update(functions.REGISTRY[scoring["function"]](item_scores))
    band = _band(scoring, values, params)
    values["band"] = band
    flags, urgent = [], []
    for flag in scoring.get("flags", []):
        if conditions.holds(flag["when"], values):
            flags.append(flag["id"])
            if flag.get("urgent"):
                urgent.append(flag["id"])
    codes = {}
    for code in scoring.get("codes", []):
        if code["system"] not in codes and conditions.holds(code["when"], values):
            codes[code["system"]] = code["code"]
    return Result(defn.id, total, band, subscales, flags, codes, urgent)


def answers_in_order(defn: Definition, tokens: list[str]) -> dict:
    """The CLI's form: one token per item in item order; '-' for a skipped item."""
    if len(tokens) != len(defn.items):
        first, last = defn.items[0].link_id, defn.items[-1].link_id
        at = defn.items[len(tokens)].link_id if len(tokens) < len(defn.items) else last
        raise InvalidAnswers([AnswerError(
            at, f"{defn.id} takes {len(defn.items)} answers (items {first} to {last}), "
                f"got {len(tokens)}")])
    answers, errors = {}, []
    for item, token in zip(defn.items, tokens, strict=True):
        if token == "-":  # noqa: S105 - the CLI's mark for a skipped item
            answers[item.link_id] = None
            continue
        try:
            answers[item.link_id] = int(token)
        except ValueError:
            errors.append(AnswerError(item.link_id, f"{token!r} is not a whole number"))
    if errors:
        raise InvalidAnswers(errors)
    return answers
