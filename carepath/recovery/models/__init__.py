"""The recovery companion: the patient's portal, check-ins, relapse-prevention plan,
risk windows, crisis presses, risk signals, aftercare follow-ups and reminders."""

from .aftercare import FollowUp, FollowUpStatus, MeetingKind, SupportMeeting  # noqa: F401
from .checkins import CheckIn, CheckInSource  # noqa: F401
from .crisis import CareTeamContact, CrisisPress  # noqa: F401
from .invitations import InvitationChannel, PortalInvitation  # noqa: F401
from .plans import RelapsePreventionPlan  # noqa: F401
from .profile import RecoveryProfile, ReminderChannel  # noqa: F401
from .reminders import ReminderKind, ReminderSend, ReminderStatus  # noqa: F401
from .scan_runs import RiskScanRun  # noqa: F401
from .signals import RiskSignal  # noqa: F401
from .windows import RiskWindow, WindowRepeat  # noqa: F401
