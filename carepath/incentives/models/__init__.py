"""Drug screens and contingency management: panels, screens and their results, amendments,
schedules per programme, enrolments, the ledger, redemptions and the organisation's cap."""

from .cm import (  # noqa: F401
    CMEnrolment,
    CMSchedule,
    CMSettings,
    LedgerEntry,
    LedgerKind,
    Redemption,
    RedemptionKind,
    RedemptionStatus,
    ScheduleKind,
    Target,
)
from .screens import (  # noqa: F401
    ANALYTES,
    AnalyteResult,
    DrugScreen,
    Panel,
    ScreenAmendment,
    ScreenMethod,
    ScreenResult,
    ScreenStatus,
    Specimen,
)
