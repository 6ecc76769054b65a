"""Aging: days overdue, bucket edges and amounts per bucket."""

from datetime import date, timedelta

import pytest

from dunning_followup import (
    DEFAULT_AGING_EDGES,
    AgingItem,
    DunningConfigError,
    aging,
    bucket_index,
    bucket_labels,
    days_overdue,
    validate_edges,
)

AS_OF = date(2025, 3, 31)


def ago(days):
    """The due date that makes an item ``days`` overdue on AS_OF."""
    return AS_OF - timedelta(days=days)


def test_days_overdue_signs_and_missing_due_date():
    assert days_overdue(date(2025, 3, 1), AS_OF) == 30
    assert days_overdue(AS_OF, AS_OF) == 0
    assert days_overdue(date(2025, 4, 5), AS_OF) == -5
    assert days_overdue(None, AS_OF) == 0
    # Across a leap day: 2024-02-28 -> 2024-03-01 is two days.
    assert days_overdue(date(2024, 2, 28), date(2024, 3, 1)) == 2


def test_default_bucket_labels():
    assert DEFAULT_AGING_EDGES == (30, 60, 90, 120)
    assert bucket_labels() == (
        "not_due",
        "1_30",
        "31_60",
        "61_90",
        "91_120",
        "120_plus",
    )


def test_custom_bucket_labels():
    assert bucket_labels((15, 45)) == ("not_due", "1_15", "16_45", "45_plus")
    assert bucket_labels([7]) == ("not_due", "1_7", "7_plus")


@pytest.mark.parametrize(
    "days, index",
    [
        (-10, 0),
        (0, 0),
        (1, 1),
        (30, 1),
        (31, 2),
        (60, 2),
        (61, 3),
        (90, 3),
        (91, 4),
        (120, 4),
        (121, 5),
        (10_000, 5),
    ],
)
def test_default_bucket_edges(days, index):
    assert bucket_index(days) == index


@pytest.mark.parametrize(
    "days, index", [(0, 0), (1, 1), (15, 1), (16, 2), (45, 2), (46, 3)]
)
def test_custom_bucket_edges(days, index):
    assert bucket_index(days, (15, 45)) == index


def test_aging_sums_per_bucket_with_every_label_present():
    items = [
        AgingItem(ago(-3), 100.0),  # not yet due
        AgingItem(ago(0), 10.0),  # due today: not due
        AgingItem(None, 5.0),  # no due date: not due
        AgingItem(ago(1), 1.0),
        AgingItem(ago(30), 2.0),
        AgingItem(ago(31), 4.0),
        AgingItem(ago(121), 1000.0),
        AgingItem(ago(200), -300.0),  # an old unreconciled credit
    ]
    result = aging(items, AS_OF)
    assert result == {
        "not_due": 115.0,
        "1_30": 3.0,
        "31_60": 4.0,
        "61_90": 0.0,
        "91_120": 0.0,
        "120_plus": 700.0,
        "total": 822.0,
    }
    assert list(result) == [*bucket_labels(), "total"]


def test_aging_custom_edges_and_empty_input():
    result = aging(
        [AgingItem(ago(10), 1.0), AgingItem(ago(11), 2.0)], AS_OF, edges=(10,)
    )
    assert result == {"not_due": 0.0, "1_10": 1.0, "10_plus": 2.0, "total": 3.0}
    assert aging([], AS_OF) == dict.fromkeys([*bucket_labels(), "total"], 0.0)


def test_validate_edges_accepts_and_normalises():
    assert validate_edges([5, 10, 20]) == (5, 10, 20)
    assert validate_edges(DEFAULT_AGING_EDGES) == DEFAULT_AGING_EDGES


@pytest.mark.parametrize(
    "edges, message",
    [
        ((), "at least one"),
        ((30, 30), "strictly increasing"),
        ((60, 30), "strictly increasing"),
        ((0, 30), "positive"),
        ((-5, 30), "positive"),
        ((30.5, 60), "whole number"),
        ((True, 30), "whole number"),
        (("30",), "whole number"),
    ],
)
def test_invalid_edges_raise(edges, message):
    with pytest.raises(DunningConfigError, match=message):
        validate_edges(edges)
    with pytest.raises(DunningConfigError):
        aging([], AS_OF, edges)
    with pytest.raises(DunningConfigError):
        bucket_labels(edges)


def test_config_error_is_a_value_error():
    assert issubclass(DunningConfigError, ValueError)
