from django.core.management.base import BaseCommand

from carepath.measures.tasks import remind_due


class Command(BaseCommand):
    help = "Email patients whose scheduled measures are due (once per due date). Run daily."

    def handle(self, *args, **options):
        self.stdout.write(f"Sent {remind_due()} reminder(s).")
