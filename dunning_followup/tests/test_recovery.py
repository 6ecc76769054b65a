"""Payment recovery: schedule, declines, caps, expiry notices and metrics.

The default policy retries on days +1, +3, +7 and +14 after the first failure and
takes the final action on day +15.
"""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from dunning_followup import DunningConfigError
from dunning_followup.recovery import (
    CHARGE,
    FINAL,
    HARD,
    RETRY,
    SOFT,
    WAIT,
    Attempt,
    InvoiceRecovery,
    RetryPolicy,
    classify_decline,
    decide,
    expiry_month_end,
    expiry_notice_due,
    is_last_retry_next,
    next_attempt_date,
    parse_offsets,
    recovery_metrics,
    retry_dates,
    validate_policy,
    within_caps,
)

POLICY = RetryPolicy()
DUE = date(2026, 6, 1)


def _days(n):
    return DUE + timedelta(days=n)


def test_first_attempt_on_the_due_date_not_before():
    invoice = InvoiceRecovery(due=DUE)
    assert decide(invoice, _days(-1), POLICY).action == WAIT
    decision = decide(invoice, DUE, POLICY)
    assert (decision.action, decision.attempt_number) == (CHARGE, 1)


def test_missed_due_date_is_caught_up_within_the_window_only():
    invoice = InvoiceRecovery(due=DUE)
    assert decide(invoice, _days(2), POLICY).action == CHARGE
    assert decide(invoice, _days(61), POLICY).action == WAIT


def test_retries_happen_on_the_schedule_days_only():
    acted_on = []
    retries = 0
    for offset in range(0, 20):
        today = _days(offset)
        invoice = InvoiceRecovery(
            due=DUE, first_attempt_done=True, first_failure=DUE, retries_done=retries
        )
        decision = decide(invoice, today, POLICY)
        if decision.action == RETRY:
            assert decision.attempt_number == retries + 2
            retries += 1
            acted_on.append(offset)
        elif decision.action == FINAL:
            acted_on.append(f"final {offset}")
            break
    assert acted_on == [1, 3, 7, 14, "final 15"]


def test_retry_dates_and_next_attempt():
    assert retry_dates(DUE, POLICY) == (_days(1), _days(3), _days(7), _days(14))
    invoice = InvoiceRecovery(
        due=DUE, first_attempt_done=True, first_failure=DUE, retries_done=2
    )
    assert next_attempt_date(invoice, POLICY) == _days(7)
    assert next_attempt_date(InvoiceRecovery(due=DUE), POLICY) == DUE


def test_hard_decline_waits_for_the_final_action_without_retrying():
    invoice = InvoiceRecovery(
        due=DUE, first_attempt_done=True, first_failure=DUE, hard_declined=True
    )
    for offset in range(1, 15):
        decision = decide(invoice, _days(offset), POLICY)
        assert decision.action == WAIT, offset
        assert decision.reason == "hard_decline"
    assert decide(invoice, _days(15), POLICY).action == FINAL


def test_open_transaction_and_final_done_block_everything():
    pending = InvoiceRecovery(due=DUE, open_transaction=True)
    assert decide(pending, DUE, POLICY).action == WAIT
    done = InvoiceRecovery(
        due=DUE, first_attempt_done=True, first_failure=DUE, final_done=True
    )
    assert decide(done, _days(20), POLICY).action == WAIT


def test_paid_first_attempt_needs_nothing_more():
    invoice = InvoiceRecovery(due=DUE, first_attempt_done=True)
    assert decide(invoice, _days(5), POLICY).reason == "not_failed"


def test_last_retry_detection():
    assert not is_last_retry_next(0, POLICY)
    assert is_last_retry_next(3, POLICY)


@pytest.mark.parametrize(
    "state, message, active, expected",
    [
        ("done", "", True, None),
        ("pending", "", True, None),
        ("error", "Insufficient funds", True, SOFT),
        ("error", "Your card was declined: do not honor", True, SOFT),
        ("error", "Card reported stolen", True, HARD),
        ("error", "The card was reported LOST", True, HARD),
        ("error", "Account closed", True, HARD),
        ("error", "Invalid token", True, HARD),
        ("error", "Your card has expired.", True, HARD),
        ("cancel", "", False, HARD),
        ("error", "You selected the following demo payment status: error", True, SOFT),
    ],
)
def test_decline_classification(state, message, active, expected):
    assert classify_decline(state, message, active) == expected


def test_caps_per_day_and_per_30_days():
    policy = RetryPolicy(max_per_token_day=2, max_per_token_30_days=3)
    today = DUE
    assert within_caps([], today, policy)
    assert not within_caps([today, today], today, policy)
    assert not within_caps(
        [today - timedelta(days=29), today - timedelta(days=3), today], today, policy
    )
    # The attempt 30 days ago has left the rolling window.
    assert within_caps(
        [today - timedelta(days=30), today - timedelta(days=3), today], today, policy
    )


def test_policy_validation():
    assert validate_policy(POLICY) is POLICY
    bad = [
        RetryPolicy(retry_offsets=(3, 1)),
        RetryPolicy(retry_offsets=(0, 2)),
        RetryPolicy(final_offset=14),
        RetryPolicy(window_days=61, final_offset=15),
        RetryPolicy(retry_offsets=(1, 20), final_offset=30, window_days=25),
        RetryPolicy(max_per_token_day=0),
        RetryPolicy(max_per_token_day=5, max_per_token_30_days=4),
        RetryPolicy(precharge_notice_days=-1),
    ]
    for policy in bad:
        with pytest.raises(DunningConfigError):
            validate_policy(policy)


def test_parse_offsets():
    assert parse_offsets("1, 3,7 14") == (1, 3, 7, 14)
    with pytest.raises(DunningConfigError):
        parse_offsets("1, three")


def test_expiry_notices_30_and_5_days_before_month_end():
    # A card valid through 06/2026 works until 30 June 2026.
    assert expiry_month_end(2026, 6) == date(2026, 6, 30)
    assert expiry_month_end(2028, 2) == date(2028, 2, 29)
    assert expiry_notice_due(2026, 6, date(2026, 5, 30)) is None
    assert expiry_notice_due(2026, 6, date(2026, 5, 31)) == 30
    assert expiry_notice_due(2026, 6, date(2026, 6, 1), sent={30}) is None
    assert expiry_notice_due(2026, 6, date(2026, 6, 25), sent={30}) == 5
    assert expiry_notice_due(2026, 6, date(2026, 6, 26), sent={30, 5}) is None
    # A missed run sends only the nearest notice.
    assert expiry_notice_due(2026, 6, date(2026, 6, 27)) == 5
    assert expiry_notice_due(2026, 6, date(2026, 7, 1)) is None
    with pytest.raises(DunningConfigError):
        expiry_month_end(2026, 13)


def test_metrics_on_a_small_ledger():
    # Invoice 1 (100): fails 1 June, retry 2 fails, retry 3 succeeds on 5 June.
    # Invoice 2 (200): fails 10 June, never recovered.
    # Invoice 3 (50): paid on its first attempt.
    # Invoice 4 (80): fails 2 July, the customer pays on the portal on 4 July.
    attempts = [
        Attempt(1, 1, date(2026, 6, 1), D("100"), False),
        Attempt(1, 2, date(2026, 6, 2), D("100"), False),
        Attempt(1, 3, date(2026, 6, 5), D("100"), True),
        Attempt(2, 1, date(2026, 6, 10), D("200"), False),
        Attempt(3, 1, date(2026, 6, 11), D("50"), True),
        Attempt(4, 1, date(2026, 7, 2), D("80"), False),
        Attempt(4, 0, date(2026, 7, 4), D("80"), True),
    ]
    metrics = recovery_metrics(
        attempts,
        auto_charge_customers=4,
        churned_customers=1,
        expiry_notices=3,
        cards_updated_after_notice=1,
    )
    first, second, third = metrics.by_attempt
    # Attempt 1: 430 attempted, 380 failed, 50 paid -> 11.63 %.
    assert (first.attempted, first.failed, first.recovered, first.rate) == (
        D("430"),
        D("380"),
        D("50"),
        D("11.63"),
    )
    assert (second.failed, second.recovered, second.rate) == (D("100"), D("0"), D("0"))
    assert (third.recovered, third.rate) == (D("100"), D("100.00"))
    june, july = metrics.by_month
    # June: 300 failed, 100 recovered -> 33.33 %; July: 80 failed, 80 recovered.
    assert (june.key, june.failed, june.recovered, june.rate) == (
        "2026-06",
        D("300"),
        D("100"),
        D("33.33"),
    )
    assert (july.key, july.rate) == ("2026-07", D("100.00"))
    # Days to recovery: 4 and 2 -> median 3.
    assert metrics.median_days_to_recovery == 3.0
    assert metrics.involuntary_churn == D("25.00")
    assert metrics.expiry_conversion == D("33.33")
    assert (metrics.failed_amount, metrics.recovered_amount) == (D("380"), D("180"))


def test_metrics_empty():
    metrics = recovery_metrics([], 0, 0, 0, 0)
    assert metrics.by_attempt == () and metrics.median_days_to_recovery is None
    assert metrics.involuntary_churn == D("0")
