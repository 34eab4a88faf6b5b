"""Outbound messages: email through Django's mailers, text messages through a backend.

Messages never carry health data: they say something needs attention and link to
CarePath, where the reader signs in. That keeps 42 CFR Part 2 / UK GDPR data out of
mail servers, phones' lock screens and SMS gateways.
"""

from django.core.mail import send_mail

from .sms import send_sms

__all__ = ["send_email", "send_sms"]


def send_email(to: str, subject: str, body: str) -> None:
    send_mail(subject, body, None, [to])
