"""Turning definitions and posted forms into what templates show, and back."""

from __future__ import annotations

from dataclasses import dataclass

from . import catalogue, engine


def enable_hint(defn: catalogue.Definition, item: catalogue.Item) -> str:
    """'Asked only if …' in words, from the item's enableWhen."""
    if not item.enable_when:
        return ""
    parts = []
    for rule in item.enable_when:
        other = defn.item(rule["question"])
        if "answerCoding" in rule:
            code = int(rule["answerCoding"]["code"])
            label = dict(other.options).get(code, str(code))
            value = f"“{label}”"
        else:
            value = str(rule.get("answerInteger", rule.get("answerBoolean", "")))
        words = {"=": "is", "!=": "is not", ">": "is more than", ">=": "is at least",
                 "<": "is less than", "<=": "is at most", "exists": "is answered"}
        phrase = words[rule["operator"]]
        parts.append(f"question {other.link_id} {phrase}" +
                     ("" if rule["operator"] == "exists" else f" {value}"))
    joiner = " or " if item.enable_behavior == "any" else " and "
    return "Answer only if " + joiner.join(parts) + "; otherwise leave it blank."


@dataclass
class FormItem:
    item: catalogue.Item
    value: int | None
    raw: str
    error: str
    hint: str

    @property
    def name(self) -> str:
        return f"item_{self.item.link_id}"


def form_items(defn, answers: dict, errors: dict | None = None, raw: dict | None = None):
    errors, raw = errors or {}, raw or {}
    return [FormItem(item, answers.get(item.link_id),
                     raw.get(item.link_id, "" if answers.get(item.link_id) is None
                             else str(answers[item.link_id])),
                     " ".join(errors.get(f"item_{item.link_id}", [])), enable_hint(defn, item))
            for item in defn.items]


def answers_from_post(defn, data) -> tuple[dict, dict, dict]:
    """(answers, raw text, errors) from a posted form. Blank means unanswered."""
    answers, raw, errors = {}, {}, {}
    for item in defn.items:
        text = (data.get(f"item_{item.link_id}") or "").strip()
        raw[item.link_id] = text
        if not text:
            answers[item.link_id] = None
            continue
        try:
            answers[item.link_id] = int(text)
        except ValueError:
            answers[item.link_id] = None
            errors[f"item_{item.link_id}"] = [f"“{text}” is not a whole number."]
    return engine.drop_skipped(defn, answers), raw, errors


def labelled_answers(defn, answers: dict) -> list[tuple[catalogue.Item, str]]:
    rows = []
    for item in defn.items:
        value = answers.get(item.link_id)
        if value is None:
            shown = "Not asked" if not engine.is_enabled(item, answers) else "No answer"
        elif item.type == "choice":
            shown = f"{dict(item.options).get(value, value)} ({value})"
        else:
            shown = str(value)
        rows.append((item, shown))
    return rows


def band_label(defn, band: str | None) -> str:
    if not band:
        return ""
    for threshold in (defn.scoring.get("bands") or {}).get("thresholds", []):
        if threshold["band"] == band:
            return threshold.get("label", band)
    return band.replace("-", " ").capitalize()


def flag_messages(defn, flags: list[str]) -> list[dict]:
    declared = {f["id"]: f for f in defn.scoring.get("flags", [])}
    return [{"id": f, "message": declared.get(f, {}).get("message", f),
             "urgent": declared.get(f, {}).get("urgent", False)} for f in flags]
