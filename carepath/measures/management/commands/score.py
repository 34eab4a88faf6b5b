"""``carepath score INSTRUMENT ANSWER...``: score answers given in item order.

Prints one JSON object; invalid input exits with status 2 and one line on stderr
naming the item. Uses each instrument's default parameters (cut-offs), not an
organisation's settings, so a script gets the published scoring.
"""

import json
import sys

from django.core.management.base import BaseCommand

from carepath.measures import catalogue, engine


class Command(BaseCommand):
    help = "Score an instrument from answers in item order ('-' for a skipped item)."
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("instrument", nargs="?")
        parser.add_argument("answers", nargs="*")
        parser.add_argument("--list", action="store_true", help="list the instrument ids")

    def _fail(self, message: str):
        sys.stderr.write(message.replace("\n", " ") + "\n")
        sys.exit(2)

    def handle(self, *args, instrument=None, answers=(), list=False, **options):
        if list:
            for instrument_id in catalogue.ids():
                self.stdout.write(instrument_id)
            return
        if not instrument:
            self._fail("name an instrument (carepath score --list shows them)")
        try:
            defn = catalogue.get(instrument)
        except LookupError:
            self._fail(f"unknown instrument {instrument!r} (carepath score --list shows them)")
        try:
            result = engine.score(defn, engine.answers_in_order(defn, answers))
        except engine.InvalidAnswers as exc:
            self._fail(f"{instrument}: {exc.errors[0]}")
        self.stdout.write(json.dumps(result.as_dict()))
