"""Enumerations of DOMAIN.md section 5, in one place for the schema, the importer and the forms."""

STAFF_ROLES = (
    "account_officer",
    "post_loan_officer",
    "phone_collector",
    "risk_manager",
    "asset_preservation",
    "manager",
)
# Staff who work assigned cases (collector_assignments): phone collectors and asset preservation officers.
COLLECTOR_ROLES = ("phone_collector", "asset_preservation")
PRODUCT_CATEGORIES = ("consumer", "business", "housing")
REPAYMENT_METHODS = ("equal_instalment", "equal_principal", "interest_first", "bullet")
CREDIT_GRADES = ("good", "fair", "poor")
REPAYMENT_CAPACITIES = ("strong", "fair", "weak")
PAYMENT_MODES = ("entrusted", "self")
ACTION_CHANNELS = ("sms", "call", "letter", "field_visit", "legal")
ACTION_RESULTS = ("connected", "no_answer", "lost_contact", "ptp", "refused", "paid")
PHOTO_TYPES = ("image/jpeg", "image/png")
INSPECTION_KINDS = ("first", "periodic", "sampling", "special")
INSPECTION_METHODS = ("onsite", "offsite", "phone")
VISIT_METHODS = ("phone", "in_person", "questionnaire")
VISIT_STAGES = ("application", "approval", "disbursement", "funds_use", "repayment", "other")
SEVERITIES = ("general", "important", "major")
CLASSES = ("normal", "special_mention", "substandard", "doubtful", "loss")
BUCKETS = ("M0", "M1", "M2", "M3", "M3+")
NPL_CLASSES = ("substandard", "doubtful", "loss")
# Why a class is proposed (seed 002 Art. 48, quiz multiple-choice 12, the 2023 classification rules).
OVERRIDE_TRIGGERS = (
    "business_stopped",
    "insolvency",
    "defective_documents",
    "fraud",
    "funds_misused",
    "guarantor_incapable",
    "collateral_lost_value",
    "restructured",
    "overdue_elsewhere",
    "other",
)
PROPOSAL_STATUSES = ("pending", "approved", "rejected")
# A legal case's stages, in the order a case moves through them (issue 18).
LEGAL_STAGES = ("preparing", "filed", "judgment", "enforcement", "closed")
USER_ROLES = (
    "admin",
    "manager",
    "risk_manager",
    "officer",
    "collector",
    "agency",
    "auditor",
    "asset_preservation",
)

# The tables of the core-banking extract (DOMAIN section 5), parents before children: the order files
# are checked, reported and written in.
EXTRACT_TABLES = (
    "branches",
    "staff",
    "products",
    "channels",
    "customers",
    "contacts",
    "agencies",
    "loans",
    "schedule",
    "repayments",
    "placements",
    "collector_assignments",
    "collection_actions",
    "inspections",
    "visits",
    "issues",
    "classification_overrides",
    "legal_cases",
    "restructurings",
)

# Early warning (issue 17). Signals from outside, as signals.csv names them; internal signals are found in
# the lender's own records (dashboard.work.warnings.scan).
SIGNAL_KINDS = (
    "overdue_elsewhere",
    "lawsuit",
    "rating_downgrade",
    "business_closed",
    "guarantor_problem",
    "collateral_problem",
    "other",
)
INTERNAL_SIGNALS = ("first_overdue", "broken_promise", "inspection_risk", "funds_misused", "major_issue")
WARNING_KINDS = (*INTERNAL_SIGNALS, *SIGNAL_KINDS)
WARNING_VERIFICATIONS = ("onsite", "phone")
WARNING_DISPOSITIONS = ("no_risk", "watch", "propose_downgrade", "propose_recall", "propose_exit")
REMINDER_KINDS = ("instalment", "maturity", "revisit")
REMINDER_CHANNELS = ("sms", "call", "in_person")
