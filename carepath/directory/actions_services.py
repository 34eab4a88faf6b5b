"""Every change to a directory service: permission, one transaction, audit.

Services are reference data with no health information, but who changed a listing
and when its capacity was confirmed matters when someone is sent there, so each
change is an audit event (object type ``directory.service``) naming the fields
changed (values are not needed: the service row holds them).

Who may edit: ``access.policy.may_edit_directory``. A service that another CarePath
organisation runs (``operated_by``) is theirs to keep up to date: only their staff
change it, so one organisation cannot alter another's capacity.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from carepath.access.policy import may_edit_directory
from carepath.accounts.idempotency import run_once
from carepath.audit import log as audit
from carepath.audit.models import Action

from . import places
from .models import Service

OBJECT_TYPE = "directory.service"
WEB_CREATE_ENDPOINT = "directory.services.create.web"
CAPACITY_FIELDS = ("places_available", "waiting_days")
EDITABLE_FIELDS = [
    "name", "provider", "description", "address_line1", "town", "postcode", "country",
    "latitude", "longitude", "phone", "email", "website",
    "offers_withdrawal", "offers_residential", "offers_intensive_outpatient",
    "offers_outpatient", "offers_aftercare", "offers_sober_living",
    "urology_liaison", "young_adult_programme", "dual_diagnosis",
    "min_age", "max_age",
    "accepts_nhs", "accepts_insurance", "accepts_self_pay", "free_of_charge",
    "languages", "places_available", "waiting_days", "active",
]
COORDINATES_MESSAGE = ("Enter the latitude and longitude, or a postcode or ZIP code the places "
                       "table knows so CarePath can use its approximate centre.")
OTHER_ORGANISATION_MESSAGE = ("Another organisation runs this service: only its own staff "
                              "can change it.")


def may_change(user, service: Service | None = None) -> bool:
    if not may_edit_directory(user):
        return False
    return (service is None or service.operated_by_id is None
            or service.operated_by_id == user.organisation_id)


def _check(ctx, service: Service | None) -> None:
    if not may_change(ctx.user, service):
        reason = ("other_organisation_operates_service" if may_edit_directory(ctx.user)
                  else "may_not_edit_directory")
        audit.record(ctx, Action.UPDATE if service else Action.CREATE, obj=service,
                     object_type=OBJECT_TYPE, outcome="denied", details={"reason": reason})
        raise PermissionDenied(OTHER_ORGANISATION_MESSAGE if service and
                               reason == "other_organisation_operates_service"
                               else "You may not change the service directory.")


def _fill_coordinates(service: Service) -> str:
    """Use the postcode's (or failing that the town's) approximate centre when no
    coordinates were given. Returns how the coordinates were set, for the audit."""
    if service.latitude is not None and service.longitude is not None:
        return "entered"
    place = places.resolve(service.postcode) or places.resolve(service.town)
    if place is None:
        raise ValidationError({"latitude": COORDINATES_MESSAGE})
    service.latitude, service.longitude = place.latitude, place.longitude
    return f"approximate centre of {place.label}"


def _validate(service: Service) -> None:
    errors = {}
    if service.max_age is not None and service.max_age < service.min_age:
        errors["max_age"] = "The oldest age served must be at least the youngest age served."
    if not any(getattr(service, f) for f in ("offers_withdrawal", "offers_residential",
                                              "offers_intensive_outpatient",
                                              "offers_outpatient", "offers_aftercare")):
        errors["offers_outpatient"] = "Tick at least one level of care the service offers."
    try:
        service.full_clean(exclude=["updated_by", "operated_by"])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, " ".join(messages))
    if errors:
        raise ValidationError(errors)


def create_service(ctx, data: dict, *, operated_by=None, confirm_capacity: bool = False,
                   submission_key: str | None = None) -> Service:
    """A new listing. Capacity given now counts as confirmed now. A repeated
    ``submission_key`` (a re-sent form) returns the service already made."""
    _check(ctx, None)

    def create() -> Service:
        now = timezone.now()
        service = Service(**{k: v for k, v in data.items() if k in EDITABLE_FIELDS})
        service.operated_by = operated_by
        how = _fill_coordinates(service)
        _validate(service)
        if confirm_capacity or any(getattr(service, f) is not None for f in CAPACITY_FIELDS):
            service.capacity_confirmed_at = now
        service.created_at = service.updated_at = now
        service.updated_by = ctx.user
        with transaction.atomic():
            service.save()
            audit.record(ctx, Action.CREATE, obj=service, object_type=OBJECT_TYPE,
                         details={"coordinates": how,
                                  "capacity_confirmed": service.capacity_confirmed_at
                                  is not None})
        return service

    made, earlier = run_once(ctx.user, WEB_CREATE_ENDPOINT, submission_key, "", create)
    return made if made is not None else Service.objects.get(uuid=earlier)


def update_service(ctx, service: Service, data: dict, *, operated_by=...,
                   confirm_capacity: bool = False) -> Service:
    """Change a listing. Changed capacity figures, or ``confirm_capacity``, stamp
    ``capacity_confirmed_at`` now. ``operated_by`` is left as it is unless given."""
    _check(ctx, service)
    changed = []
    for name, value in data.items():
        if name in EDITABLE_FIELDS and getattr(service, name) != value:
            setattr(service, name, value)
            changed.append(name)
    if operated_by is not ... and service.operated_by != operated_by:
        service.operated_by = operated_by
        changed.append("operated_by")
    how = _fill_coordinates(service)
    _validate(service)
    now = timezone.now()
    confirmed = confirm_capacity or any(f in changed for f in CAPACITY_FIELDS)
    if confirmed:
        service.capacity_confirmed_at = now
        changed.append("capacity_confirmed_at")
    if not changed:
        return service
    service.updated_at = now
    service.updated_by = ctx.user
    with transaction.atomic():
        service.save()
        audit.record(ctx, Action.UPDATE, obj=service, object_type=OBJECT_TYPE,
                     details={"fields": changed, "coordinates": how})
    return service


def confirm_capacity(ctx, service: Service) -> Service:
    """The figures shown were checked with the service just now ("confirm capacity now")."""
    _check(ctx, service)
    now = timezone.now()
    with transaction.atomic():
        Service.objects.filter(pk=service.pk).update(capacity_confirmed_at=now, updated_at=now,
                                                     updated_by=ctx.user)
        service.capacity_confirmed_at = service.updated_at = now
        service.updated_by = ctx.user
        audit.record(ctx, Action.UPDATE, obj=service, object_type=OBJECT_TYPE,
                     details={"fields": ["capacity_confirmed_at"],
                              "places_available": service.places_available,
                              "waiting_days": service.waiting_days})
    return service
