from django.core.management.base import BaseCommand

from carepath.alerts.actions import escalate_overdue


class Command(BaseCommand):
    help = ("Escalate every open alert past its time. Each alert also schedules its own "
            "escalation task; run this from cron every few minutes as a safety net.")

    def handle(self, *args, **options):
        self.stdout.write(f"Escalated {escalate_overdue()} alert(s).")
