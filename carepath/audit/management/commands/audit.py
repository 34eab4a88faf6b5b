from django.core.management.base import BaseCommand, CommandError

from carepath.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Audit log tools. `audit verify` proves the hash chain untouched."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("verify", help="Recompute every digest; exit 1 naming the first bad row.")

    def handle(self, *args, subcommand, **options):
        result = verify_chain()
        if not result.ok:
            raise CommandError(f"Audit log FAILED verification after {result.checked} good "
                               f"rows: {result.problem}")
        self.stdout.write(f"Audit log verified: {result.checked} rows, chain intact.")
