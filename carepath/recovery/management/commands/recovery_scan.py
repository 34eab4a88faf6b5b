"""``carepath recovery_scan``: the nightly risk scan. Run it from cron after midnight."""

import json
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from carepath.recovery.scan import last_finished_scan, scan_all

STALE_HOURS = 36  # a nightly job not finished for this long has stopped running


class Command(BaseCommand):
    help = ("Run the recovery risk rules over everyone: missed check-ins, rising craving, "
            "reported use, blood in urine, BAM and PHQ-9 changes. Idempotent. Schedule "
            "nightly, e.g. `15 2 * * * carepath recovery_scan`. With --check, run nothing "
            "and exit 1 if no scan has finished in the last 36 hours (for monitoring).")

    def add_arguments(self, parser):
        parser.add_argument("--date", help="scan as of this local date (YYYY-MM-DD); "
                                           "default: each organisation's today")
        parser.add_argument("--check", action="store_true",
                            help="only report when the last scan finished; exit 1 if stale")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args, **options):
        if options["check"]:
            return self._check()
        today = None
        if options["date"]:
            try:
                today = date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date: give a date as YYYY-MM-DD.") from None
            if today > timezone.localdate() + timedelta(days=1):
                raise CommandError("--date: a scan cannot be run for a future date.")
        result = scan_all(today)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict()))
            return
        new = ", ".join(f"{rule} {n}" for rule, n in result.new_signals.items())
        self.stdout.write(f"Risk scan of {result.scan_date}: new signals: {new}; "
                          f"{result.tasks_raised} outreach task(s) raised, "
                          f"{result.linked_to_open_tasks} signal(s) linked to an open task; "
                          f"{result.seconds:.1f} s.")

    def _check(self):
        last = last_finished_scan()
        if last is None:
            raise CommandError("No risk scan has ever finished: is the nightly job scheduled?")
        age = timezone.now() - last.finished_at
        if age > timedelta(hours=STALE_HOURS):
            raise CommandError(f"The last risk scan finished {age.days} day(s) ago "
                               f"({last.finished_at:%Y-%m-%d %H:%M} UTC): it has stopped.")
        self.stdout.write(f"Last risk scan finished {last.finished_at:%Y-%m-%d %H:%M} UTC.")
