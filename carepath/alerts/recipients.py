"""Who hears about an alert: the care team first, their supervisors on escalation."""

from django.contrib.auth import get_user_model
from django.db.models import Q

from carepath.accounts.models import AccountType, Role

CLINICAL_ROLES = [Role.CLINICIAN, Role.NURSE, Role.PRESCRIBER, Role.SUPERVISOR,
                  Role.INTAKE_ADVISOR]


def _staff():
    return get_user_model().objects.filter(is_active=True, account_type=AccountType.STAFF,
                                           role__in=CLINICAL_ROLES)


def care_team(alert):
    return list(_staff().filter(care_team_memberships__patient_id=alert.patient_id)
                .order_by("pk"))


def supervisors(alert):
    """Supervisors of the care team, and supervisors on it. With none, every supervisor
    in the organisation: an escalation must never have nobody to reach."""
    team = _staff().filter(care_team_memberships__patient_id=alert.patient_id)
    found = list(_staff().filter(role=Role.SUPERVISOR)
                 .filter(Q(pk__in=team.values("supervisor")) | Q(pk__in=team.values("pk")))
                 .order_by("pk"))
    if found:
        return found
    return list(_staff().filter(role=Role.SUPERVISOR, organisation_id=alert.organisation_id)
                .order_by("pk"))
