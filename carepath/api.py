"""The JSON API at /api/v1/: bearer tokens, one error shape, the same actions as the web."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from carepath.accounts.idempotency import KeyReused
from carepath.accounts.tokens import user_for_token


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.auth_user = user
        return user


api = NinjaAPI(
    title="CarePath API",
    version="1",
    urls_namespace="api",
    auth=BearerToken(),
    docs_url="/docs",
    description="Care management for ketamine-addiction treatment. Every call is audited; "
                "errors are {\"detail\": ..., \"errors\": [...]}.",
)


def error(request, status: int, detail: str, errors=None, **extra):
    return api.create_response(request, {"detail": detail, "errors": errors or [], **extra},
                               status=status)


def _field_name(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path")]
    return ".".join(parts) or "request"


@api.exception_handler(NinjaValidationError)
def on_schema_error(request, exc):
    errors = [{"field": _field_name(e.get("loc", [])), "message": e.get("msg", "invalid")}
              for e in exc.errors]
    return error(request, 422, "The request has invalid fields.", errors)


@api.exception_handler(DjangoValidationError)
def on_validation_error(request, exc):
    if hasattr(exc, "error_dict"):
        errors = [{"field": f, "message": m} for f, ms in exc.message_dict.items() for m in ms]
    else:
        errors = [{"field": "request", "message": m} for m in exc.messages]
    return error(request, 422, "The request has invalid fields.", errors)


@api.exception_handler(PermissionDenied)
def on_denied(request, exc):
    return error(request, 403, str(exc) or "You do not have access to this resource.")


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error(request, 404, "Not found.")


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return error(request, 401, "A valid bearer token is required.")


@api.exception_handler(KeyReused)
def on_key_reused(request, exc):
    return error(request, 422, "This Idempotency-Key was used with a different request.")


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    return error(request, exc.status_code, str(exc))


from carepath.accounts.api import router as accounts_router  # noqa: E402
from carepath.patients.api import router as patients_router  # noqa: E402

api.add_router("/", accounts_router)
api.add_router("/patients", patients_router)
from carepath.measures.api import instruments_router, responses_router  # noqa: E402

api.add_router("/instruments", instruments_router)
api.add_router("/patients", responses_router)
from carepath.directory.api_referrals import router as referrals_router  # noqa: E402
from carepath.directory.api_services import router as services_router  # noqa: E402
from carepath.intake.api_assessments import router as assessments_router  # noqa: E402
from carepath.intake.api_enquiries import router as enquiries_router  # noqa: E402

api.add_router("/services", services_router)
api.add_router("/referrals", referrals_router)
api.add_router("/enquiries", enquiries_router)
api.add_router("/assessments", assessments_router)
from carepath.recovery.api import router as recovery_router  # noqa: E402

api.add_router("/", recovery_router)
