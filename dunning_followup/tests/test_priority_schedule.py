"""Priority scores and the next run date."""

from datetime import date, timedelta

import pytest

from dunning_followup import (
    PRIORITY_METHODS,
    DunningConfigError,
    next_run_date,
    priority_score,
)


def test_priority_methods():
    assert PRIORITY_METHODS == ("balance", "age", "weighted")
    assert priority_score(1200.0, 45, "balance") == 1200.0
    assert priority_score(1200.0, 45, "age") == 45.0
    assert priority_score(1200.0, 45, "weighted") == 1200.0 * 2.5
    assert priority_score(1200.0, 45) == 3000.0  # weighted is the default


def test_weighted_doubles_at_thirty_days():
    assert priority_score(100.0, 0) == 100.0
    assert priority_score(100.0, 30) == 200.0
    # A smaller but older debt can outrank a larger fresh one.
    assert priority_score(100.0, 90) > priority_score(300.0, 1)


@pytest.mark.parametrize("method", PRIORITY_METHODS)
@pytest.mark.parametrize("amount", [0.0, -50.0])
def test_nothing_overdue_scores_zero(method, amount):
    assert priority_score(amount, 60, method) == 0.0


def test_priority_scores_are_floats():
    assert isinstance(priority_score(10, 3, "balance"), float)
    assert isinstance(priority_score(10, 3, "age"), float)


@pytest.mark.parametrize("method", ["oldest", "", "Weighted"])
def test_unknown_priority_method(method):
    with pytest.raises(DunningConfigError, match="Unknown dunning priority method"):
        priority_score(100.0, 10, method)
    with pytest.raises(DunningConfigError):
        priority_score(0.0, 0, method)  # even when the customer owes nothing


def test_next_run_date():
    today = date(2025, 6, 30)
    assert next_run_date(today, []) is None
    assert next_run_date(today, [None, None]) is None
    later = [today + timedelta(days=9), None, today + timedelta(days=4)]
    assert next_run_date(today, later) == today + timedelta(days=4)
    assert (
        next_run_date(today, [today - timedelta(days=3), today + timedelta(days=4)])
        == today
    )
    assert next_run_date(today, iter([today])) == today
