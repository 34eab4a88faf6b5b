from django.core.management.base import BaseCommand

from carepath.directory.tasks import remind_referral_checks


class Command(BaseCommand):
    help = ("Email each referrer whose open referrals are past their status-check date "
            "(once per check date). Run daily, e.g. from cron.")

    def handle(self, *args, **options):
        self.stdout.write(f"Sent {remind_referral_checks()} reminder(s).")
