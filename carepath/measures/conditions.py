"""The small condition language used by a definition's flags, band rules and codes.

A condition is one of
  {"source": "item:9" | "total" | "band" | "subscale:use", "op": ">", "value": 0}
  {"any": [condition, ...]}   {"all": [condition, ...]}
A skipped item (None) satisfies no comparison, so a skipped question never raises a flag.
"""

import operator

OPERATORS = {
    ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le,
    "=": operator.eq, "!=": operator.ne, "in": lambda a, b: a in b,
}


def sources(condition: dict) -> list[str]:
    """Every source a condition reads, so the loader can check they exist."""
    if "any" in condition or "all" in condition:
        return [s for part in condition.get("any", condition.get("all", [])) for s in sources(part)]
    return [condition["source"]]


def holds(condition: dict, values: dict) -> bool:
    if "any" in condition:
        return any(holds(part, values) for part in condition["any"])
    if "all" in condition:
        return all(holds(part, values) for part in condition["all"])
    value = values.get(condition["source"])
    if value is None:
        return False
    return OPERATORS[condition["op"]](value, condition["value"])
