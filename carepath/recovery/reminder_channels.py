"""How a reminder reaches the person: a small registry of channels, so another one (web
push, an app notification) is a new class registered here, not a change to the job.

Every channel sends the same content-free message (``reminders.message``): no health
data ever leaves CarePath in a reminder.
"""

from __future__ import annotations

from dataclasses import dataclass

from carepath.notify import send_email, send_sms


@dataclass(frozen=True)
class Message:
    subject: str  # used by channels that have one (email)
    text: str  # the short form (a text message)
    body: str  # the long form (an email body)


class Channel:
    name = ""
    label = ""

    def address(self, patient) -> str:
        """Where to send for this person, or "" when CarePath has nowhere."""
        raise NotImplementedError

    def send(self, address: str, message: Message) -> None:
        raise NotImplementedError


class EmailChannel(Channel):
    name, label = "email", "Email"

    def address(self, patient) -> str:
        user = patient.user
        return ((getattr(user, "email", "") or "") or patient.email or "").strip()

    def send(self, address: str, message: Message) -> None:
        send_email(address, message.subject, message.body)


class SmsChannel(Channel):
    name, label = "sms", "Text message"

    def address(self, patient) -> str:
        return (patient.phone or "").strip()

    def send(self, address: str, message: Message) -> None:
        send_sms(address, message.text)


CHANNELS: dict[str, Channel] = {"email": EmailChannel(), "sms": SmsChannel()}


def register(channel: Channel) -> None:
    """Add or replace a channel (e.g. web push, when built)."""
    CHANNELS[channel.name] = channel


def get(name: str) -> Channel | None:
    return CHANNELS.get(name)
