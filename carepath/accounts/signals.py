"""Sign-ins, sign-outs and failures go to the audit log (never the password)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from carepath.audit import log as audit
from carepath.audit.models import Action, Outcome


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    audit.record(audit.Context(user=user, client_address=request.META.get("REMOTE_ADDR")),
                 Action.LOGIN, object_type="accounts.user", object_id=str(user.uuid))


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record(audit.Context(user=user, client_address=request.META.get("REMOTE_ADDR")),
                     Action.LOGOUT, object_type="accounts.user", object_id=str(user.uuid))


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    address = request.META.get("REMOTE_ADDR") if request is not None else None
    audit.record(audit.Context(user=None, client_address=address, via="login"),
                 Action.LOGIN_FAILED, object_type="accounts.user",
                 outcome=Outcome.DENIED,
                 details={"username": str(credentials.get("username", ""))[:150]})
