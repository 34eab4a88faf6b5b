"""Background jobs for risk signals (owner: risk signals). Idempotent: safe to run twice."""

from django.tasks import task


@task()
def evaluate_checkin(checkin_uuid: str) -> int:
    """Evaluate the risk rules after one check-in. Returns the number of new signals."""
    return 0
