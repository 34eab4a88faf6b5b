from django.core.management.base import BaseCommand

from carepath.recovery.reminders import send_due


class Command(BaseCommand):
    help = ("Send the reminders due now (daily check-in, before a risk window, follow-up "
            "due). Run from cron every 15 minutes; running it twice sends nothing twice.")

    def handle(self, *args, **options):
        counts = send_due().as_dict()
        self.stdout.write("Reminders: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
