"""What every page's shell needs: navigation for the user's role and the idle limits."""

from django.conf import settings
from django.urls import reverse

from carepath.accounts.middleware import idle_limit_seconds
from carepath.accounts.models import AccountType, Role


def _navigation(user) -> list[tuple[str, str]]:
    if not user.is_authenticated:
        return []
    if user.account_type == AccountType.PATIENT:
        return [("My recovery", reverse("recovery:home")),
                ("My check-ins", reverse("recovery:checkin_history")),
                ("My plan", reverse("recovery:my_plan")),
                ("My aftercare plan", reverse("treatment:my_aftercare")),
                ("My record", reverse("recovery:my_record")),
                ("Sharing with family", reverse("family:my_sharing"))]
    if user.account_type == AccountType.SUPPORTER:
        return [("Family home", reverse("family:home")),
                ("Guidance", reverse("family:guide")),
                ("My well-being", reverse("family:wellbeing"))]
    if user.account_type != AccountType.STAFF:
        return [("My record", reverse("ui:home"))]
    items = []
    if user.role not in (Role.ADMINISTRATOR, Role.ANALYST):
        items += [("My caseload", reverse("ui:home")),
                  ("Open alerts", reverse("alerts:list")),
                  ("Register a patient", reverse("patients:create"))]
    if user.role in (Role.CLINICIAN, Role.NURSE, Role.PRESCRIBER, Role.SUPERVISOR):
        items.append(("My calendar", reverse("treatment:calendar")))
    if user.role in (Role.NURSE, Role.PRESCRIBER, Role.SUPERVISOR):
        items.append(("Withdrawal", reverse("withdrawal:board")))
    if user.role in (Role.INTAKE_ADVISOR, Role.CLINICIAN, Role.SUPERVISOR):
        items.append(("Enquiries", reverse("intake:enquiry_list")))
    if user.role not in (Role.ANALYST,):
        items.append(("Services", reverse("directory:manage")))
    if user.role not in (Role.ADMINISTRATOR, Role.ANALYST):
        items.append(("Referrals", reverse("directory:referral_list")))
    if user.role == Role.SUPERVISOR:
        items.append(("Notes to co-sign", reverse("treatment:cosign_queue")))
        items.append(("Break-glass review", reverse("access:break_glass_review")))
        items.append(("Programme schedules", reverse("measures:programme_schedules")))
    if user.role in (Role.CLINICIAN, Role.NURSE, Role.PRESCRIBER, Role.SUPERVISOR):
        items.append(("Reward requests", reverse("incentives:redemptions")))
    if user.role in (Role.SUPERVISOR, Role.ANALYST):
        items.append(("CM report", reverse("incentives:reports")))
    if user.role in (Role.SUPERVISOR, Role.ADMINISTRATOR):
        items.append(("Audit report", reverse("audit:report")))
    if user.role == Role.ADMINISTRATOR:
        items.append(("Users", reverse("ui:users")))
    return items


def _public_navigation() -> list[tuple[str, str]]:
    return [("Check your ketamine use", reverse("intake:selfcheck")),
            ("Learn", reverse("intake:education_index")),
            ("Find a service", reverse("directory:search")),
            ("For families", reverse("family:guide")),
            ("Staff sign in", reverse("accounts:login"))]


def shell(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {
        "nav_items": _navigation(user),
        "public_nav_items": _public_navigation(),
        "idle_seconds": idle_limit_seconds(user) if user.is_authenticated else 0,
        "idle_warning_seconds": settings.CAREPATH_IDLE_WARNING_SECONDS,
        "carepath_demo": settings.CAREPATH_DEMO,
    }
