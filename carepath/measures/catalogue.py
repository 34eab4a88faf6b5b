"""Instrument definitions: FHIR R4 Questionnaire files plus CarePath's scoring block.

Each file in ``definitions/`` is a Questionnaire resource with one extra top-level
member, ``carepath``, holding provenance, the declarative scoring block and
presentation hints. Files are validated when loaded: the FHIR part against the
R4B Questionnaire model, the scoring block against the rules in ``_check``. A
broken file raises DefinitionError naming the file and the problem.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from . import conditions, functions

DEFINITIONS_DIR = Path(__file__).parent / "definitions"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
ENABLE_OPERATORS = {"=", "!=", ">", ">=", "<", "<=", "exists"}


class DefinitionError(Exception):
    pass


@dataclass(frozen=True)
class Item:
    link_id: str
    text: str
    type: str  # "choice" or "integer"
    required: bool
    options: tuple[tuple[int, str], ...] = ()  # (raw value, label) for choice items
    minimum: int | None = None
    maximum: int | None = None
    enable_when: tuple[dict, ...] = ()
    enable_behavior: str = "all"
    section: str = ""  # the heading of the group the item sits in, if any

    @property
    def allowed(self) -> tuple[int, ...] | None:
        return tuple(v for v, _ in self.options) if self.type == "choice" else None

    @property
    def low(self) -> int:
        return min(v for v, _ in self.options) if self.options else self.minimum

    @property
    def high(self) -> int:
        return max(v for v, _ in self.options) if self.options else self.maximum


@dataclass(frozen=True, eq=False)  # eq=False: hashed by identity, one object per file
class Definition:
    id: str
    title: str
    version: str
    items: tuple[Item, ...]
    scoring: dict
    provenance: dict
    resource: dict  # the whole file, as loaded
    loinc: str = ""
    self_report: bool = True
    plain_language: dict = field(default_factory=dict)
    switchable: bool = False

    @property
    def item_ids(self) -> list[str]:
        return [item.link_id for item in self.items]

    def item(self, link_id: str) -> Item:
        return self._by_id()[link_id]

    @cache  # noqa: B019 - definitions live for the whole process
    def _by_id(self) -> dict[str, Item]:
        return {item.link_id: item for item in self.items}

    def fhir(self) -> dict:
        """The Questionnaire as FHIR R4 JSON: the file without CarePath's own member."""
        resource = copy.deepcopy(self.resource)
        resource.pop("carepath", None)
        return resource

    def parameters(self, overrides: dict | None = None) -> dict:
        """Scoring parameters (such as a cut-off) with an organisation's choices applied."""
        declared = self.scoring.get("parameters", {})
        values = {name: spec["default"] for name, spec in declared.items()}
        for name, value in (overrides or {}).items():
            if name in declared and value in declared[name]["allowed"]:
                values[name] = value
        return values


def _int(value, where: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise DefinitionError(f"{where}: {value!r} is not a whole number") from None


def _extension(item: dict, url: str):
    for ext in item.get("extension", []):
        if ext.get("url") == url:
            return ext.get("valueInteger")
    return None


def _items(nodes: list[dict], where: str, section: str = "") -> list[Item]:
    items: list[Item] = []
    for node in nodes:
        kind = node.get("type")
        if kind in ("group", "display") and node.get("enableWhen"):
            # The engine asks leaf items only: a condition on a group would be ignored
            # here while a FHIR renderer hid the group. Put it on each item instead.
            raise DefinitionError(f"{where}: {kind} {node.get('linkId')} has enableWhen; "
                                  "put conditions on the items")
        if kind == "group":
            items += _items(node.get("item", []), where, node.get("text", section))
            continue
        if kind == "display":
            continue
        link_id = node["linkId"]
        here = f"{where}: item {link_id}"
        enable_when = tuple(node.get("enableWhen", []))
        for rule in enable_when:
            if rule.get("operator") not in ENABLE_OPERATORS:
                raise DefinitionError(f"{here}: enableWhen operator {rule.get('operator')!r}")
        if kind == "choice":
            options = tuple(
                (_int(o["valueCoding"]["code"], here), o["valueCoding"].get("display", ""))
                for o in node.get("answerOption", []))
            if not options:
                raise DefinitionError(f"{here}: a choice item needs answerOption")
            items.append(Item(link_id, node.get("text", ""), kind, node.get("required", False),
                              options=options, enable_when=enable_when,
                              enable_behavior=node.get("enableBehavior", "all"),
                              section=section))
        elif kind == "integer":
            low, high = _extension(node, MIN_VALUE), _extension(node, MAX_VALUE)
            if low is None or high is None or low > high:
                raise DefinitionError(f"{here}: an integer item needs minValue <= maxValue")
            items.append(Item(link_id, node.get("text", ""), kind, node.get("required", False),
                              minimum=low, maximum=high, enable_when=enable_when,
                              enable_behavior=node.get("enableBehavior", "all"),
                              section=section))
        else:
            raise DefinitionError(f"{here}: type {kind!r} is not supported")
    return items


def _check_fhir(resource: dict, where: str) -> None:
    from fhir.resources.R4B.questionnaire import Questionnaire

    body = {k: v for k, v in resource.items() if k != "carepath"}
    try:
        Questionnaire.model_validate(body)
    except Exception as exc:  # pydantic's ValidationError: the message names the field
        raise DefinitionError(f"{where}: not a valid FHIR Questionnaire: {exc}") from None


def _check(defn: Definition, where: str) -> None:
    ids = defn.item_ids
    if len(ids) != len(set(ids)):
        raise DefinitionError(f"{where}: duplicate linkId")
    known = set(ids)
    earlier: set[str] = set()
    for item in defn.items:
        for rule in item.enable_when:
            if rule.get("question") not in known:
                raise DefinitionError(f"{where}: item {item.link_id} enableWhen names "
                                      f"unknown question {rule.get('question')!r}")
            if rule["question"] not in earlier:
                # Answers are checked in order: a condition on a later item would refuse
                # every answer to this one.
                raise DefinitionError(f"{where}: item {item.link_id} enableWhen names "
                                      f"question {rule['question']!r}, which comes later")
        earlier.add(item.link_id)
    scoring = defn.scoring
    allowed_keys = {"total", "reversed", "subscales", "bands", "band_rules", "parameters",
                    "flags", "codes", "function", "reliable_change"}
    if unknown := set(scoring) - allowed_keys:
        raise DefinitionError(f"{where}: unknown scoring keys {sorted(unknown)}")
    for link_id in scoring.get("reversed", []):
        if link_id not in known:
            raise DefinitionError(f"{where}: reversed item {link_id!r} does not exist")
    sources = {f"item:{i}" for i in ids} | {"band"}
    if scoring.get("total") is not None:
        sources.add("total")
        for link_id in scoring["total"]["items"]:
            if link_id not in known:
                raise DefinitionError(f"{where}: total item {link_id!r} does not exist")
    for sub in scoring.get("subscales", []):
        sources.add(f"subscale:{sub['id']}")
        for link_id in sub["items"]:
            if link_id not in known:
                raise DefinitionError(f"{where}: subscale {sub['id']} item {link_id!r} "
                                      "does not exist")
    parameters = scoring.get("parameters", {})
    for name, spec in parameters.items():
        if spec.get("default") not in spec.get("allowed", []):
            raise DefinitionError(f"{where}: parameter {name} default not in allowed")
    bands = scoring.get("bands")
    if bands:
        if bands["source"] not in sources:
            raise DefinitionError(f"{where}: bands read unknown source {bands['source']!r}")
        mins = []
        for threshold in bands["thresholds"]:
            low = threshold["min"]
            if isinstance(low, dict):
                if low.get("parameter") not in parameters:
                    raise DefinitionError(f"{where}: band {threshold['band']} names unknown "
                                          f"parameter {low.get('parameter')!r}")
                low = parameters[low["parameter"]]["default"]
            mins.append(low)
        if mins != sorted(mins) or len(set(mins)) != len(mins):
            raise DefinitionError(f"{where}: band thresholds must rise")
    if bands and scoring.get("band_rules"):
        raise DefinitionError(f"{where}: give bands or band_rules, not both")
    rules = scoring.get("band_rules", [])
    if rules and "when" in rules[-1]:
        raise DefinitionError(f"{where}: the last band rule must have no condition")
    conditionals = ([r["when"] for r in rules if "when" in r]
                    + [f["when"] for f in scoring.get("flags", [])]
                    + [c["when"] for c in scoring.get("codes", [])])
    for condition in conditionals:
        for source in conditions.sources(condition):
            if source not in sources and not source.startswith("derived:"):
                raise DefinitionError(f"{where}: condition reads unknown source {source!r}")
    name = scoring.get("function")
    if name and name not in functions.REGISTRY:
        raise DefinitionError(f"{where}: scoring function {name!r} is not registered")
    for key in ("citation", "licence", "population", "validated"):
        if key not in defn.provenance:
            raise DefinitionError(f"{where}: provenance needs {key!r}")


def parse(resource: dict, where: str) -> Definition:
    if resource.get("resourceType") != "Questionnaire":
        raise DefinitionError(f"{where}: resourceType must be Questionnaire")
    extra = resource.get("carepath")
    if not isinstance(extra, dict) or "scoring" not in extra or "provenance" not in extra:
        raise DefinitionError(f"{where}: needs a carepath member with scoring and provenance")
    _check_fhir(resource, where)
    loinc = next((c["code"] for c in resource.get("code", [])
                  if c.get("system") == "http://loinc.org"), "")
    defn = Definition(
        id=resource["id"], title=resource.get("title", resource["id"]),
        version=resource.get("version", "1"), items=tuple(_items(resource.get("item", []), where)),
        scoring=extra["scoring"], provenance=extra["provenance"], resource=resource,
        loinc=loinc, self_report=extra.get("self_report", True),
        plain_language=extra.get("plain_language", {}),
        switchable=extra.get("switchable", False))
    _check(defn, where)
    return defn


def load_file(path: Path) -> Definition:
    try:
        resource = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DefinitionError(f"{path.name}: not valid JSON: {exc}") from None
    defn = parse(resource, path.name)
    if f"{defn.id}.json" != path.name:
        raise DefinitionError(f"{path.name}: id {defn.id!r} does not match the file name")
    return defn


@cache
def load_all() -> dict[str, Definition]:
    return {d.id: d for d in sorted((load_file(p) for p in DEFINITIONS_DIR.glob("*.json")),
                                    key=lambda d: d.id)}


def get(instrument_id: str) -> Definition:
    try:
        return load_all()[instrument_id]
    except KeyError:
        raise LookupError(f"no instrument {instrument_id!r}") from None


def ids() -> list[str]:
    return list(load_all())
