from django.core.management.base import BaseCommand

from carepath.recovery.followups import run_nightly


class Command(BaseCommand):
    help = ("Nightly safety net for alumni follow-ups: create any missing for signed "
            "discharges, cancel those of people who have died, and mark as missed those "
            "not answered within CAREPATH_FOLLOW_UP_ANSWER_DAYS. Safe to run twice.")

    def handle(self, *args, **options):
        result = run_nightly()
        self.stdout.write(f"Follow-ups created {result.created}, marked missed "
                          f"{result.missed}, cancelled after a death "
                          f"{result.cancelled_after_death}.")
