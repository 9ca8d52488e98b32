"""All models, imported here so that Base.metadata knows every table."""

from db.models.app import (
    AuditEntry,
    ClassificationProposal,
    DataVersion,
    ExtractLoad,
    FormSubmission,
    LoginAttempt,
    Setting,
    User,
)
from db.models.base import Base
from db.models.loans import (
    ClassificationOverride,
    Loan,
    LoanStateSnapshot,
    Repayment,
    RollGroup,
    RollMonth,
    ScheduleItem,
    SnapshotDate,
    SnapshotGroup,
    StateChange,
)
from db.models.reference import Agency, Branch, Channel, Customer, Product, Staff, Workday
from db.models.work import (
    CollectionAction,
    CollectorAssignment,
    Inspection,
    Issue,
    Placement,
    Visit,
)

__all__ = [
    "Agency",
    "AuditEntry",
    "Base",
    "Branch",
    "Channel",
    "ClassificationOverride",
    "ClassificationProposal",
    "CollectionAction",
    "CollectorAssignment",
    "Customer",
    "DataVersion",
    "ExtractLoad",
    "FormSubmission",
    "Inspection",
    "Issue",
    "Loan",
    "LoanStateSnapshot",
    "LoginAttempt",
    "Placement",
    "Product",
    "Repayment",
    "RollGroup",
    "RollMonth",
    "ScheduleItem",
    "Setting",
    "SnapshotDate",
    "SnapshotGroup",
    "Staff",
    "StateChange",
    "User",
    "Visit",
    "Workday",
]
