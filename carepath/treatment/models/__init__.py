"""Treatment delivery: programmes, sessions, attendance, notes, plans, discharge."""

from .discharge import Discharge, DischargeReason  # noqa: F401
from .notes import (  # noqa: F401
    NOTE_TEMPLATES,
    ClinicalNote,
    GroupNote,
    GroupNoteSection,
    NoteAmendment,
    NoteStatus,
    NoteTemplate,
)
from .outreach import (  # noqa: F401
    OutreachOutcome,
    OutreachStatus,
    OutreachTask,
    OutreachUrgency,
)
from .plans import (  # noqa: F401
    MEASURE_FOR_PROBLEM,
    Goal,
    Intervention,
    Objective,
    ObjectiveStatus,
    PlanReview,
    PlanStatus,
    Problem,
    ProblemKind,
    TreatmentPlan,
)
from .programmes import (  # noqa: F401
    Enrolment,
    EnrolmentStatus,
    Programme,
    ProgrammeSlot,
    Room,
    SessionFormat,
    SessionType,
)
from .sessions import (  # noqa: F401
    PRESENT,
    Attendance,
    AttendanceStatus,
    CalendarFeed,
    Session,
    SessionStatus,
)
