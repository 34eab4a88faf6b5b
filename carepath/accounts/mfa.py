"""TOTP enrolment and recovery codes (django-otp)."""

import base64
import secrets

import segno
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10


def confirmed_totp(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_totp(user) -> TOTPDevice:
    """The unconfirmed device being enrolled; one per user, reused on reload."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app",
                                               confirmed=False)


def qr_code_data_uri(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5)


def base32_secret(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes; each works once. Shown to the user one time."""
    # 12 hex digits (48 bits, single use, throttled) fit django-otp's 16-character tokens.
    codes = [secrets.token_hex(6) for _ in range(RECOVERY_CODE_COUNT)]
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes",
                                                       defaults={"confirmed": True})
        device.token_set.all().delete()
        StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return [format_recovery_code(c) for c in codes]


def format_recovery_code(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def normalise_token(typed: str) -> str:
    """What the person typed, as stored: no spaces or dashes, lower case."""
    return "".join(ch for ch in typed if ch not in " -").lower()
