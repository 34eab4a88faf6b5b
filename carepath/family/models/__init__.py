"""Family and supporters: supporter accounts, guidance and well-being check-ins, the
staged-intervention planner, consented sharing with a patient, encouragement messages
and family-session invitations."""

from .accounts import EmailVerification, SupporterProfile  # noqa: F401
from .plans import (  # noqa: F401
    Boundary,
    InterventionOutcome,
    InterventionPlan,
    MemberRole,
    PlanMember,
    Statement,
    TreatmentOption,
)
from .sharing import EncouragementMessage, FamilySessionInvite, SharingPreference  # noqa: F401
from .wellbeing import WellbeingCheckIn  # noqa: F401
