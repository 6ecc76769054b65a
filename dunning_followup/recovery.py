"""Payment recovery: automatic charges of saved payment methods and their retries.

Model. A customer who opted in to automatic charging has each open invoice charged
with a saved payment method on its due date (the *first attempt*), after a
*pre-charge notice* some days before it. When that charge fails, the day of the
failure is the *first failure*; the invoice is retried on the policy's days after
it (default +1, +3, +7 and +14) and, if still unpaid, the *final action* happens on
its day (default +15): automatic charging stops and the invoice goes back to the
ordinary dunning levels. A *hard decline* (card lost or stolen, account closed,
invalid token, expired card) is never retried with the same payment method. Card
networks penalise merchants that retry too often, so attempts per payment method
are capped per day and per rolling 30 days; an attempt over a cap waits for the
next day. Saved cards get *expiry notices* 30 and 5 days before the end of their
expiry month.

Everything here is a pure function over frozen dataclasses: the Odoo models gather
the facts, ask for a decision and record it.
"""

from __future__ import annotations

import calendar
import re
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from .errors import DunningConfigError

MAX_WINDOW_DAYS = 60


@dataclass(frozen=True)
class RetryPolicy:
    """When to retry a failed charge and when to give up.

    ``retry_offsets`` are days after the first failure; ``final_offset`` is the day
    of the final action; ``window_days`` bounds the whole recovery (at most 60 days:
    past that the customer has usually forgotten the purchase and the networks
    treat retries as abusive).
    """

    retry_offsets: tuple[int, ...] = (1, 3, 7, 14)
    final_offset: int = 15
    window_days: int = MAX_WINDOW_DAYS
    max_per_token_day: int = 3
    max_per_token_30_days: int = 15
    precharge_notice_days: int = 5


def validate_policy(policy: RetryPolicy) -> RetryPolicy:
    """Return ``policy`` or raise DunningConfigError saying what is wrong."""
    offsets = policy.retry_offsets
    if any(offset <= 0 for offset in offsets):
        raise DunningConfigError(
            "Retry days must be positive numbers of days after the failure."
        )
    if list(offsets) != sorted(set(offsets)):
        raise DunningConfigError("Retry days must be strictly increasing.")
    if not 0 < policy.window_days <= MAX_WINDOW_DAYS:
        raise DunningConfigError(
            f"The recovery window must be between 1 and {MAX_WINDOW_DAYS} days."
        )
    if offsets and policy.final_offset <= offsets[-1]:
        raise DunningConfigError("The final action must come after the last retry.")
    if not 0 < policy.final_offset <= policy.window_days:
        raise DunningConfigError(
            "The final action must fall within the recovery window."
        )
    if (
        policy.max_per_token_day < 1
        or policy.max_per_token_30_days < policy.max_per_token_day
    ):
        raise DunningConfigError(
            "Attempt caps must allow at least one attempt a day, and the 30-day cap "
            "must not be below the daily cap."
        )
    if policy.precharge_notice_days < 0:
        raise DunningConfigError("The pre-charge notice cannot come after the charge.")
    return policy


def parse_offsets(text: str) -> tuple[int, ...]:
    """``"1, 3,7 14"`` -> ``(1, 3, 7, 14)``; raise DunningConfigError on junk."""
    parts = [part for part in re.split(r"[\s,;]+", text or "") if part]
    try:
        return tuple(int(part) for part in parts)
    except ValueError as error:
        raise DunningConfigError(
            "Retry days must be whole numbers separated by commas, e.g. 1,3,7,14."
        ) from error


# ---------------------------------------------------------------------------
# Declines
# ---------------------------------------------------------------------------

HARD = "hard"
SOFT = "soft"

# Words that providers use for declines that no retry will fix. Checked on the
# lower-cased state message; the soft patterns win where both match ("do not
# honor" is soft even when the message also says "card").
_HARD_PATTERNS = (
    r"\blost\b",
    r"\bstolen\b",
    r"pick ?up card",
    r"account (is )?closed",
    r"closed account",
    r"invalid (payment )?token",
    r"token (is )?(invalid|expired)",
    r"invalid (card|account)",
    r"no such (card|account|customer|payment_method)",
    r"expired card",
    r"card (has )?expired",
    r"revoked",
    r"mandate (was )?(revoked|cancel)",
    r"fraud",
    r"do not try again",
    r"restricted card",
)
_SOFT_PATTERNS = (
    r"insufficient funds",
    r"do not honou?r",
    r"try again later",
    r"timeout",
    r"temporar",
    r"processing error",
    r"limit exceeded",
)


def classify_decline(
    state: str, message: str = "", token_active: bool = True
) -> str | None:
    """``None`` when the charge did not fail, else HARD or SOFT.

    ``state`` is the transaction state (``done``, ``authorized``, ``pending`` are
    not failures; ``error`` and ``cancel`` are). A token the provider archived
    while processing the charge is invalid: a hard decline.
    """
    if state not in ("error", "cancel"):
        return None
    if not token_active:
        return HARD
    text = (message or "").lower()
    if any(re.search(pattern, text) for pattern in _SOFT_PATTERNS):
        return SOFT
    if any(re.search(pattern, text) for pattern in _HARD_PATTERNS):
        return HARD
    return SOFT


# ---------------------------------------------------------------------------
# Schedule
# ---------------------------------------------------------------------------


def retry_dates(first_failure: date, policy: RetryPolicy) -> tuple[date, ...]:
    """The days on which a charge that first failed on ``first_failure`` is retried."""
    return tuple(
        first_failure + timedelta(days=offset) for offset in policy.retry_offsets
    )


def final_action_date(first_failure: date, policy: RetryPolicy) -> date:
    return first_failure + timedelta(days=policy.final_offset)


def precharge_notice_date(due: date, policy: RetryPolicy) -> date:
    return due - timedelta(days=policy.precharge_notice_days)


@dataclass(frozen=True)
class InvoiceRecovery:
    """What the recovery knows about one open invoice of an opted-in customer.

    ``retries_done`` counts the retries after the first failure (not the first
    attempt itself); ``open_transaction`` is true while a transaction for the
    invoice is pending or authorised at the provider.
    """

    due: date
    first_attempt_done: bool = False
    first_failure: date | None = None
    retries_done: int = 0
    hard_declined: bool = False
    open_transaction: bool = False
    final_done: bool = False


CHARGE = "charge"
RETRY = "retry"
FINAL = "final"
WAIT = "wait"


@dataclass(frozen=True)
class RecoveryDecision:
    """What to do today: CHARGE (first attempt), RETRY (attempt ``attempt_number``),
    FINAL (final action) or WAIT; ``next_date`` is the next day anything happens."""

    action: str
    attempt_number: int = 0
    next_date: date | None = None
    reason: str = ""


def next_attempt_date(invoice: InvoiceRecovery, policy: RetryPolicy) -> date | None:
    """The day of the next charge attempt, or None when no attempt is left."""
    if not invoice.first_attempt_done:
        return invoice.due
    if invoice.first_failure is None or invoice.hard_declined or invoice.final_done:
        return None
    dates = retry_dates(invoice.first_failure, policy)
    return dates[invoice.retries_done] if invoice.retries_done < len(dates) else None


def decide(
    invoice: InvoiceRecovery, today: date, policy: RetryPolicy
) -> RecoveryDecision:
    """The recovery step for ``invoice`` on ``today``.

    A missed day (the scheduled action did not run) is caught up the next day, one
    attempt at a time; nothing is attempted before its day. The final action
    happens on its day whatever the retries did, and only once.
    """
    if invoice.open_transaction:
        return RecoveryDecision(WAIT, reason="open_transaction")
    if invoice.final_done:
        return RecoveryDecision(WAIT, reason="final_done")
    if not invoice.first_attempt_done:
        if today < invoice.due:
            return RecoveryDecision(WAIT, next_date=invoice.due, reason="not_due")
        if (today - invoice.due).days > policy.window_days:
            return RecoveryDecision(WAIT, reason="outside_window")
        return RecoveryDecision(CHARGE, attempt_number=1, next_date=today)
    if invoice.first_failure is None:
        return RecoveryDecision(WAIT, reason="not_failed")
    final_date = final_action_date(invoice.first_failure, policy)
    if today >= final_date:
        return RecoveryDecision(FINAL, next_date=today)
    upcoming = next_attempt_date(invoice, policy)
    if upcoming is None:
        reason = "hard_decline" if invoice.hard_declined else "retries_exhausted"
        return RecoveryDecision(WAIT, next_date=final_date, reason=reason)
    if today < upcoming:
        return RecoveryDecision(WAIT, next_date=upcoming, reason="not_due")
    return RecoveryDecision(
        RETRY, attempt_number=invoice.retries_done + 2, next_date=today
    )


def is_last_retry_next(retries_done: int, policy: RetryPolicy) -> bool:
    """After ``retries_done`` failed retries, is the next attempt the last one?"""
    return len(policy.retry_offsets) - retries_done == 1


def within_caps(
    token_attempt_dates: list[date], today: date, policy: RetryPolicy
) -> bool:
    """May the payment method be charged once more today?

    Counts every attempt already made with it today and in the 30 days ending today.
    """
    start = today - timedelta(days=29)
    today_count = sum(1 for day in token_attempt_dates if day == today)
    window_count = sum(1 for day in token_attempt_dates if start <= day <= today)
    return (
        today_count < policy.max_per_token_day
        and window_count < policy.max_per_token_30_days
    )


# ---------------------------------------------------------------------------
# Card expiry
# ---------------------------------------------------------------------------

EXPIRY_NOTICE_DAYS = (30, 5)


def expiry_month_end(year: int, month: int) -> date:
    """A card valid through ``month/year`` works until the last day of that month."""
    if not 1 <= month <= 12:
        raise DunningConfigError("An expiry month is a number from 1 to 12.")
    return date(year, month, calendar.monthrange(year, month)[1])


def expiry_notice_due(
    year: int,
    month: int,
    today: date,
    sent: frozenset[int] | set[int] = frozenset(),
    notice_days: tuple[int, ...] = EXPIRY_NOTICE_DAYS,
) -> int | None:
    """Which expiry notice (days before the month ends) to send today, if any.

    When a run was missed and several notices are due, only the nearest one goes
    out; a notice already sent (``sent``) never goes out again; nothing goes out
    once the card has expired.
    """
    end = expiry_month_end(year, month)
    if today > end:
        return None
    due = [days for days in notice_days if today >= end - timedelta(days=days)]
    if not due:
        return None
    nearest = min(due)
    if nearest in sent or any(days in sent for days in due if days < nearest):
        return None
    return nearest


def is_expired(year: int, month: int, today: date) -> bool:
    return today > expiry_month_end(year, month)


# ---------------------------------------------------------------------------
# Metrics
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Attempt:
    """One charge attempt (or a payment by the customer, ``attempt_number`` 0 not
    counted in the per-number figures) for an invoice, in company currency."""

    invoice: int
    attempt_number: int
    day: date
    amount: Decimal
    success: bool


@dataclass(frozen=True)
class RateRow:
    key: object
    attempted: Decimal
    failed: Decimal
    recovered: Decimal

    @property
    def rate(self) -> Decimal:
        """Recovered ÷ attempted, in percent (for a month row the attempted
        amount is the amount that failed)."""
        return _percent(self.recovered, self.attempted)


@dataclass(frozen=True)
class RecoveryMetrics:
    by_attempt: tuple[RateRow, ...]
    by_month: tuple[RateRow, ...]
    median_days_to_recovery: float | None
    involuntary_churn: Decimal
    expiry_conversion: Decimal
    failed_amount: Decimal = Decimal("0")
    recovered_amount: Decimal = Decimal("0")


def _percent(part: int | Decimal, whole: int | Decimal) -> Decimal:
    if not whole:
        return Decimal("0")
    return (Decimal(part) / Decimal(whole) * 100).quantize(Decimal("0.01"))


def recovery_metrics(
    attempts: list[Attempt],
    auto_charge_customers: int,
    churned_customers: int,
    expiry_notices: int,
    cards_updated_after_notice: int,
) -> RecoveryMetrics:
    """The recovery figures over ``attempts``.

    Per attempt number: the amount attempted, the amount that failed and the
    amount recovered by that attempt; the rate is recovered ÷ attempted. Per month
    of the first failure: the amount that failed, the part of it recovered later
    (by a retry or by the customer paying), and their ratio. Days to recovery run
    from the first failure to the successful attempt. Involuntary churn is the
    share of opted-in customers (``auto_charge_customers``, those stopped
    included) whose automatic charging the final action stopped.
    """
    by_invoice: dict[int, list[Attempt]] = defaultdict(list)
    for attempt in sorted(attempts, key=lambda a: (a.day, a.attempt_number)):
        by_invoice[attempt.invoice].append(attempt)

    per_number: dict[int, list[Decimal]] = defaultdict(
        lambda: [Decimal("0"), Decimal("0"), Decimal("0")]
    )
    per_month: dict[str, list[Decimal]] = defaultdict(
        lambda: [Decimal("0"), Decimal("0"), Decimal("0")]
    )
    days_to_recovery = []
    for history in by_invoice.values():
        first_failure = next((a for a in history if not a.success), None)
        for attempt in history:
            if attempt.attempt_number < 1:
                continue
            row = per_number[attempt.attempt_number]
            row[0] += attempt.amount
            row[1 if not attempt.success else 2] += attempt.amount
        if first_failure is None:
            continue
        month = first_failure.day.strftime("%Y-%m")
        per_month[month][0] += first_failure.amount
        per_month[month][1] += first_failure.amount
        success = next(
            (a for a in history if a.success and a.day >= first_failure.day), None
        )
        if success is not None:
            per_month[month][2] += success.amount
            days_to_recovery.append((success.day - first_failure.day).days)

    by_attempt = tuple(
        RateRow(number, *per_number[number]) for number in sorted(per_number)
    )
    by_month = tuple(RateRow(month, *per_month[month]) for month in sorted(per_month))
    return RecoveryMetrics(
        by_attempt=by_attempt,
        by_month=by_month,
        median_days_to_recovery=(
            float(statistics.median(days_to_recovery)) if days_to_recovery else None
        ),
        involuntary_churn=_percent(churned_customers, auto_charge_customers),
        expiry_conversion=_percent(cards_updated_after_notice, expiry_notices),
        failed_amount=sum((row.failed for row in by_month), Decimal("0")),
        recovered_amount=sum((row.recovered for row in by_month), Decimal("0")),
    )
