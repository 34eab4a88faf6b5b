"""Treatment services (public reference data) and the referrals and waitlists that use them."""

from .referrals import (  # noqa: F401
    Affiliation,
    Referral,
    ReferralStatus,
    ReferralStatusChange,
    WaitlistEntry,
)
from .services import LEVEL_FIELDS, Service  # noqa: F401
