"""Scoring steps that the declarative block cannot say, named by a definition's
``scoring.function``. Each returns derived values (``derived:<name>``) that the
definition's flags, band rules and codes can then read like any other source.
"""


def pcl5_dsm5_provisional(item_scores: dict[str, int | None]) -> dict:
    """PCL-5 provisional DSM-5 diagnosis (Weathers 2013): an item rated 2 ("moderately")
    or more counts as endorsed; at least 1 B (items 1-5), 1 C (6-7), 2 D (8-14) and
    2 E (15-20) symptoms are needed."""
    need = {"B": (range(1, 6), 1), "C": (range(6, 8), 1),
            "D": (range(8, 15), 2), "E": (range(15, 21), 2)}
    met = all(
        sum(1 for n in items if (item_scores.get(str(n)) or 0) >= 2) >= minimum
        for items, minimum in need.values())
    return {"derived:dsm5_provisional": int(met)}


REGISTRY = {
    "pcl5_dsm5_provisional": pcl5_dsm5_provisional,
}
