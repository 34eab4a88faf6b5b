"""Who may see what: decided here and nowhere else.

Bases for access to a patient's record, in the order they are tried:
  own record    a patient account linked to the record
  care team     a staff member on the patient's care team
  supervision   a supervisor of a care-team member
  break-glass   a clinical user with an unexpired break-glass grant
A supporter (family member or friend) has no basis for the record itself: they see one
category of it at a time under the patient's consent naming them (``supporter_access``).
Administrators and analysts have no basis: they manage users and reference
data and see no clinical content.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from carepath.accounts.models import BREAK_GLASS_ROLES, AccountType, Role

from .models import BreakGlassAccess


@dataclass(frozen=True)
class Decision:
    allowed: bool
    basis: str  # own_record, care_team, supervision, break_glass, or why not
    grant: BreakGlassAccess | None = None
    consent: object | None = None  # the patients.Consent a supporter's access rests on

    def __bool__(self):
        return self.allowed


def _same_org(user, patient) -> bool:
    return user.organisation_id is not None and user.organisation_id == patient.organisation_id


def patient_access(user, patient) -> Decision:
    if user is None or not user.is_authenticated or not user.is_active:
        return Decision(False, "not_signed_in")
    if user.account_type == AccountType.PATIENT:
        if patient.user_id == user.pk:
            return Decision(True, "own_record")
        return Decision(False, "not_own_record")
    if user.account_type != AccountType.STAFF or not _same_org(user, patient):
        return Decision(False, "no_relationship")
    if user.role in (Role.ADMINISTRATOR, Role.ANALYST):
        return Decision(False, "role_sees_no_clinical_content")
    if patient.care_team.filter(user=user).exists():
        return Decision(True, "care_team")
    if user.role == Role.SUPERVISOR and patient.care_team.filter(user__supervisor=user).exists():
        return Decision(True, "supervision")
    grant = BreakGlassAccess.objects.active().filter(user=user, patient=patient).first()
    if grant is not None:
        return Decision(True, "break_glass", grant)
    return Decision(False, "not_on_care_team")


def patient_change_access(user, patient) -> Decision:
    """Changing the clinical record is for staff with access. A patient reads their own
    record; their own journeys (check-ins, plans) come with their own actions later."""
    decision = patient_access(user, patient)
    if decision and decision.basis == "own_record":
        return Decision(False, "patients_may_not_change_clinical_record")
    return decision


def may_break_glass(user, patient) -> bool:
    return (
        user.is_authenticated
        and user.account_type == AccountType.STAFF
        and user.role in BREAK_GLASS_ROLES
        and _same_org(user, patient)
    )


def may_create_patients(user) -> bool:
    return (
        user.is_authenticated
        and user.account_type == AccountType.STAFF
        and user.role not in (Role.ADMINISTRATOR, Role.ANALYST, "")
    )


def may_review_break_glass(user) -> bool:
    return user.is_authenticated and user.role == Role.SUPERVISOR


def may_read_audit_report(user) -> bool:
    return user.is_authenticated and user.role in (Role.SUPERVISOR, Role.ADMINISTRATOR)


def may_manage_care_team(user, patient) -> bool:
    """Changing the team is for care-team members and supervisors, not break-glass visitors."""
    decision = patient_access(user, patient)
    return decision.allowed and decision.basis in ("care_team", "supervision")


def may_work_intake(user) -> bool:
    """Enquiries hold special-category data about people who are not patients yet:
    intake advisors work them, clinicians see the ones booked with them, supervisors oversee."""
    return (
        user.is_authenticated
        and user.account_type == AccountType.STAFF
        and user.role in (Role.INTAKE_ADVISOR, Role.CLINICIAN, Role.SUPERVISOR)
    )


def sees_every_enquiry(user) -> bool:
    """Intake advisors work the whole pipeline and supervisors oversee it."""
    return may_work_intake(user) and user.role in (Role.INTAKE_ADVISOR, Role.SUPERVISOR)


def visible_enquiries(user, enquiries: QuerySet) -> QuerySet:
    """Narrow an enquiry queryset to those the user may see: all of the organisation's for
    advisors and supervisors; for a clinician only those assigned to them, logged by them
    or with an assessment booked with them. (Field names only: access imports no intake.)"""
    if not may_work_intake(user) or user.organisation_id is None:
        return enquiries.none()
    enquiries = enquiries.filter(organisation_id=user.organisation_id)
    if sees_every_enquiry(user):
        return enquiries
    booked = enquiries.model.objects.filter(assessments__assessor=user).values("pk")
    return enquiries.filter(Q(assigned_to=user) | Q(created_by=user) | Q(pk__in=booked))


def may_edit_directory(user) -> bool:
    """Services are reference data with no health information."""
    return (
        user.is_authenticated
        and user.account_type == AccountType.STAFF
        and user.role in (Role.ADMINISTRATOR, Role.SUPERVISOR, Role.INTAKE_ADVISOR)
    )


def may_refer(user) -> bool:
    return (
        user.is_authenticated
        and user.account_type == AccountType.STAFF
        and user.role not in (Role.ADMINISTRATOR, Role.ANALYST, "")
    )


def may_read_referral_report(user) -> bool:
    """The anti-brokering report names services and counts, not people."""
    return user.is_authenticated and user.role in (Role.SUPERVISOR, Role.ADMINISTRATOR)


def visible_patients(user, patients: QuerySet) -> QuerySet:
    """Narrow a patient queryset to those the user may list (break-glass is per record)."""
    if not user.is_authenticated or not user.is_active:
        return patients.none()
    if user.account_type == AccountType.PATIENT:
        return patients.filter(user=user)
    if user.account_type != AccountType.STAFF or user.role in (Role.ADMINISTRATOR, Role.ANALYST):
        return patients.none()
    org_patients = patients.filter(organisation_id=user.organisation_id)
    if user.role == Role.SUPERVISOR:
        # A supervisor's own memberships and their supervisees' overlap: use a
        # subquery on ids so a patient is never listed twice, with no DISTINCT.
        from carepath.patients.models import CareTeamMember

        ids = CareTeamMember.objects.filter(
            Q(user=user) | Q(user__supervisor=user)
        ).values("patient_id")
        return org_patients.filter(pk__in=ids)
    return org_patients.filter(care_team__user=user)


def may_manage_session(user, session) -> bool:
    """Rescheduling, cancelling and recording attendance of a treatment session: its lead
    clinician, whoever scheduled it, or the lead's supervisor; for an individual or family
    session also anyone who may change its patient's record. (Field names only.)"""
    if (not user.is_authenticated or not user.is_active
            or user.account_type != AccountType.STAFF
            or user.role in (Role.ADMINISTRATOR, Role.ANALYST, "")
            or user.organisation_id != session.organisation_id):
        return False
    if user.pk in (session.clinician_id, session.created_by_id):
        return True
    if user.role == Role.SUPERVISOR and session.clinician.supervisor_id == user.pk:
        return True
    if session.format == "group":
        return False
    attendees = [a.patient for a in session.attendances.select_related("patient")]
    return bool(attendees) and all(patient_change_access(user, p) for p in attendees)


def may_cosign_notes(user) -> bool:
    """Co-signing a clinical note (CAREPATH_COSIGN_ROLES authors) is a supervisor's."""
    return (
        user.is_authenticated
        and user.account_type == AccountType.STAFF
        and user.role == Role.SUPERVISOR
    )


DISCHARGE_ROLES = (Role.CLINICIAN, Role.NURSE, Role.PRESCRIBER, Role.SUPERVISOR)


def may_discharge(user, patient) -> Decision:
    """Drafting and signing a discharge, and readmitting: clinical staff (not intake
    advisors) who may change the patient's record."""
    decision = patient_change_access(user, patient)
    if decision and user.role not in DISCHARGE_ROLES:
        return Decision(False, "role_may_not_discharge")
    return decision


def may_record_withdrawal_medication(user, patient) -> Decision:
    """A withdrawal medication note (what was given) is a nurse's, prescriber's or
    supervisor's with change access to the record; other clinicians read it."""
    decision = patient_change_access(user, patient)
    if decision and user.role not in (Role.NURSE, Role.PRESCRIBER, Role.SUPERVISOR):
        return Decision(False, "role_does_not_give_medication")
    return decision


def own_record_access(user, patient) -> Decision:
    """The person's own journeys in the recovery companion (check-ins, their plan, risk
    windows, meetings, the crisis button): only the patient account linked to the record."""
    decision = patient_access(user, patient)
    if decision and decision.basis != "own_record":
        return Decision(False, "only_the_patient")
    return decision


def may_invite_to_portal(user, patient) -> Decision:
    """Inviting a person to the patient portal is for their care team (or a member's
    supervisor): not for a break-glass visitor, whose access is for an emergency read."""
    decision = patient_change_access(user, patient)
    if decision and decision.basis not in ("care_team", "supervision"):
        return Decision(False, "only_the_care_team_invites")
    return decision


# ---------------------------------------------------------------------------------------
# Supporters (carepath.family). Field names only: access imports no family.


def _active_supporter_consents(user, patient):
    from django.utils import timezone

    from carepath.patients.models import Consent

    today = timezone.localdate()
    return Consent.objects.filter(patient=patient, recipient_user=user, revoked_at__isnull=True,
                                  starts_on__lte=today, expires_on__gte=today)


def supporter_access(user, patient, category: str) -> Decision:
    """A supporter sees one category of a patient's record (attendance, milestones,
    appointments, encouragement, clinical notes, measures, counselling notes) only while a
    consent naming them and that category is in force: not revoked, started, not expired.
    Checked afresh on every request, so a revocation or expiry takes effect at once."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Decision(False, "not_signed_in")
    if user.account_type != AccountType.SUPPORTER:
        return Decision(False, "not_a_supporter")
    for consent in _active_supporter_consents(user, patient).order_by("-recorded_at"):
        if category in (consent.data_categories or []):
            return Decision(True, "supporter_consent", consent=consent)
    return Decision(False, "no_consent_for_category")


def supporter_shared_categories(user, patient) -> dict:
    """{category: consent} for every category currently consented to this supporter."""
    if not user.is_authenticated or user.account_type != AccountType.SUPPORTER:
        return {}
    shared = {}
    for consent in _active_supporter_consents(user, patient).order_by("recorded_at"):
        for category in consent.data_categories or []:
            shared[category] = consent
    return shared


def patients_sharing_with(user, patients: QuerySet) -> QuerySet:
    """The patients who have a consent in force naming this supporter."""
    from django.utils import timezone

    if not user.is_authenticated or user.account_type != AccountType.SUPPORTER:
        return patients.none()
    today = timezone.localdate()
    return patients.filter(consents__recipient_user=user, consents__revoked_at__isnull=True,
                           consents__starts_on__lte=today,
                           consents__expires_on__gte=today).distinct()


def plan_membership(user, plan):
    """The accepted PlanMember row through which ``user`` works on an intervention plan,
    or None. The plan is private to its team: nobody else (not staff, not the person it
    is about) reads it."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return plan.members.filter(user=user, accepted_at__isnull=False).first()


def may_invite_supporters_to_session(user, session) -> bool:
    """Inviting consenting supporters to a family session: whoever may manage it."""
    return session.format == "family" and may_manage_session(user, session)


def may_read_cm_report(user) -> bool:
    """Aggregate contingency-management reports (counts and money by programme, no names):
    supervisors and analysts of an organisation."""
    return (user.is_authenticated and user.is_active and user.account_type == AccountType.STAFF
            and user.organisation_id is not None
            and user.role in (Role.SUPERVISOR, Role.ANALYST))
