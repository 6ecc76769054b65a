"""The dunning engine: pure Python, no Odoo, so it is fast and testable on its own.

Model. A company defines dunning *levels*, ordered by sequence with strictly
increasing delays (days after the due date; negative for a courtesy reminder before
it). Each open invoice (an *item*) reaches the highest level whose delay has passed
and whose minimum amount it still owes. With *stepwise* escalation (the default) an
item moves one level at a time, whatever its age; with *straight* escalation it goes
directly to the level its age reaches. A level is only sent once its minimum interval
since the item's previous reminder has passed. A *customer* receives the highest level
due among its items, unless it is excluded or has an active promise to pay (which
holds reminders up to and including the promised day). Aging buckets and a priority
score rank the customers to chase; ``next_run_date`` tells when to look again.
"""

from .aging import (
    DEFAULT_AGING_EDGES,
    AgingItem,
    aging,
    bucket_index,
    bucket_labels,
    days_overdue,
    validate_edges,
)
from .errors import DunningConfigError
from .levels import (
    CustomerDecision,
    Decision,
    Item,
    Level,
    letter_items,
    level_due,
    resolve_customer,
    validate_levels,
)
from .priority import PRIORITY_METHODS, priority_score
from .schedule import next_run_date

__all__ = [
    "DEFAULT_AGING_EDGES",
    "PRIORITY_METHODS",
    "AgingItem",
    "CustomerDecision",
    "Decision",
    "DunningConfigError",
    "Item",
    "Level",
    "aging",
    "bucket_index",
    "bucket_labels",
    "days_overdue",
    "letter_items",
    "level_due",
    "next_run_date",
    "priority_score",
    "resolve_customer",
    "validate_edges",
    "validate_levels",
]

# Statutory late-payment interest, fixed compensation and dunning fees (Decimal
# amounts).
from .fees import FeeRule, fee_applies, level_fee, validate_fee_rule
from .interest import (
    BIK_SCALE,
    DAY_COUNTS,
    REFERENCE_FIXINGS,
    RULES,
    InterestPeriod,
    InterestResult,
    InterestRule,
    RatePoint,
    compensation_due,
    customer_kind,
    fixed_compensation,
    round_amount,
    statutory_interest,
    to_decimal,
    validate_interest_rule,
    validate_series,
)
from .rates import (
    REFERENCE_RATE_NAMES,
    REFERENCE_RATES,
    half_year_start,
    series_is_current,
    stale_series,
)

# ISO 11649 creditor references of the reminders.
from .reference import (
    find_rf_references,
    format_rf,
    is_valid_rf,
    reference_body,
    rf_check_digits,
    rf_reference,
)

# Swiss QR-bill: QR references and QR-IBANs.
from .swiss_qr import (
    QR_REFERENCE_LENGTH,
    find_qr_references,
    format_qr_reference,
    is_qr_iban,
    is_swiss_iban,
    is_valid_qr_reference,
    mod10r_check_digit,
    qr_reference,
)

__all__ += [
    "BIK_SCALE",
    "DAY_COUNTS",
    "REFERENCE_FIXINGS",
    "REFERENCE_RATES",
    "REFERENCE_RATE_NAMES",
    "RULES",
    "FeeRule",
    "InterestPeriod",
    "InterestResult",
    "InterestRule",
    "RatePoint",
    "compensation_due",
    "customer_kind",
    "fee_applies",
    "fixed_compensation",
    "half_year_start",
    "level_fee",
    "round_amount",
    "series_is_current",
    "stale_series",
    "statutory_interest",
    "to_decimal",
    "validate_fee_rule",
    "validate_interest_rule",
    "validate_series",
]

__all__ += [
    "find_rf_references",
    "format_rf",
    "is_valid_rf",
    "reference_body",
    "rf_check_digits",
    "rf_reference",
]

__all__ += [
    "QR_REFERENCE_LENGTH",
    "find_qr_references",
    "format_qr_reference",
    "is_qr_iban",
    "is_swiss_iban",
    "is_valid_qr_reference",
    "mod10r_check_digit",
    "qr_reference",
]
