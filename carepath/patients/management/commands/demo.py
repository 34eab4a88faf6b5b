import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from rich.progress import Progress

from carepath.accounts.models import Organisation, User
from carepath.patients import demo


class Command(BaseCommand):
    help = ("Load the synthetic demo organisation (once), print demo logins, or add a large "
            "synthetic population for benchmarks.")

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--patients", type=int, default=None,
                            help="Patients to generate (default 60 for the demo; for benchmarks "
                                 "this adds N more to an existing demo organisation).")
        parser.add_argument("--credentials", action="store_true",
                            help="Print demo logins as JSON (demo mode only).")

    def handle(self, *args, seed, patients, credentials, **options):
        if not (settings.CAREPATH_DEMO or settings.DEBUG):
            raise CommandError("Demo data and logins exist only in demo mode "
                               "(CAREPATH_DEMO=1 or DEBUG=1).")
        if credentials:
            self.stdout.write(json.dumps(demo.credentials(seed), indent=2))
            return
        if not demo.demo_loaded():
            count = patients or 60
            with Progress(transient=True) as bar:
                task = bar.add_task("Creating demo patients", total=count)
                demo.create_demo(seed=seed, patients=count,
                                 progress=lambda n: bar.advance(task, n))
            self.stdout.write(f"Demo organisation loaded with {count} synthetic patients.")
            return
        if not patients:
            self.stdout.write("Demo organisation already loaded; nothing to do.")
            return
        org = Organisation.objects.get(name=demo.DEMO_ORGANISATION)
        care_staff = [User.objects.get(username=u) for u in
                      ("clinician", "clinician2", "nurse", "prescriber")]
        with Progress(transient=True) as bar:
            task = bar.add_task("Adding synthetic patients", total=patients)
            demo.generate_population(org, patients, seed=seed + org.next_mrn, care_staff=care_staff,
                                     progress=lambda n: bar.advance(task, n))
        self.stdout.write(f"Added {patients} synthetic patients.")
