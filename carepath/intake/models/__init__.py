"""The front door: enquiries, education content, assessment and placement."""

from .assessment import (  # noqa: F401
    DIMENSIONS,
    Assessment,
    AssessmentStatus,
    Placement,
)
from .education import Article, ArticleVersion  # noqa: F401
from .enquiries import (  # noqa: F401
    CLOSED_STAGES,
    Enquiry,
    EnquiryNotification,
    EnquirySource,
    EnquiryStageChange,
    Stage,
)
