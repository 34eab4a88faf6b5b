"""What a drug screen counts as for contingency management: N (negative), P (positive)
or M (missed). Missed counts as positive (CLINICAL.md §5); a dilute or adulterated
specimen, or an invalid result, is not a verified negative (a CarePath design choice that
follows common CM practice [R]), so it counts as positive too."""

from .engine import MISSED, NEGATIVE, POSITIVE
from .models import AnalyteResult, ScreenStatus


def current_results(screen) -> dict[str, str]:
    """{analyte: result} after amendments (uses prefetched results and amendments)."""
    results = {r.analyte: r.result for r in screen.results.all()}
    for amendment in screen.amendments.all():  # oldest first
        results[amendment.analyte] = amendment.to_result
    return results


def outcome(screen) -> str:
    if screen.status == ScreenStatus.MISSED:
        return MISSED
    results = current_results(screen)
    tested = [r for r in results.values() if r != AnalyteResult.NOT_TESTED]
    if any(r == AnalyteResult.POSITIVE for r in tested):
        return POSITIVE
    if screen.dilute or screen.adulterated or not tested \
            or any(r == AnalyteResult.INVALID for r in tested):
        return POSITIVE
    return NEGATIVE
