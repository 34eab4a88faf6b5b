"""Text messages behind a small interface, so a gateway (Twilio, GOV.UK Notify …) is a
new backend class named in CAREPATH_SMS_BACKEND, not a change to callers."""

import sys
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string


class SmsBackend:
    def send(self, to: str, body: str) -> None:
        raise NotImplementedError


class ConsoleSmsBackend(SmsBackend):
    """Prints the message: for the demo and development."""

    def send(self, to: str, body: str) -> None:
        sys.stdout.write(f"SMS to {to}: {body}\n")


class MemorySmsBackend(SmsBackend):
    """Keeps messages in ``outbox``: for tests, like Django's locmem mail backend."""

    outbox: list[tuple[str, str]] = []

    def send(self, to: str, body: str) -> None:
        self.outbox.append((to, body))


@cache
def _backend(path: str) -> SmsBackend:
    return import_string(path)()


def send_sms(to: str, body: str) -> None:
    _backend(settings.CAREPATH_SMS_BACKEND).send(to, body)
