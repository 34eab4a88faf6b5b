"""Background jobs for risk signals. Idempotent: safe to run twice
(a RiskSignal is unique per person, rule and occurrence; its task per signal)."""

from django.tasks import task


@task()
def evaluate_checkin(checkin_uuid: str) -> int:
    """Evaluate the risk rules after one check-in. Returns the number of new signals."""
    from .models import CheckIn
    from .scan import evaluate_patient

    checkin = (CheckIn.objects.select_related("organisation")
               .filter(uuid=checkin_uuid).first())
    if checkin is None:
        return 0  # not committed (rolled back): nothing to evaluate
    return evaluate_patient(checkin).total


@task()
def nightly_scan() -> dict:
    """The nightly scan as a task (cron runs ``carepath recovery_scan`` instead)."""
    from .scan import scan_all

    return scan_all().as_dict()
