"""Levels: validation and the per-item decision (level_due)."""

from datetime import date, timedelta

import pytest

from dunning_followup import DunningConfigError, Item, Level, level_due, validate_levels

DUE = date(2025, 1, 10)

# A typical escalation: a friendly reminder, a firm one, a final notice, collection.
FIRST = Level(id=1, sequence=10, delay=15)
SECOND = Level(id=2, sequence=20, delay=30, min_interval=7)
FINAL = Level(id=3, sequence=30, delay=45, min_interval=7)
COLLECT = Level(id=4, sequence=40, delay=60, min_interval=7, collection=True)
LEVELS = validate_levels([COLLECT, FIRST, FINAL, SECOND])


def day(n):
    """The date ``n`` days after the due date."""
    return DUE + timedelta(days=n)


def item(amount=500.0, last=None, last_day=None, **kwargs):
    return Item(
        id=kwargs.pop("id", 7),
        date_due=kwargs.pop("date_due", DUE),
        amount_residual=amount,
        last_level_id=None if last is None else last.id,
        last_date=None if last_day is None else day(last_day),
        **kwargs,
    )


# --- validate_levels ---------------------------------------------------------------


def test_validate_orders_by_sequence_then_id():
    assert LEVELS == (FIRST, SECOND, FINAL, COLLECT)
    a = Level(id=9, sequence=5, delay=1)
    b = Level(id=3, sequence=6, delay=2)
    assert validate_levels(iter([b, a])) == (a, b)


def test_validate_empty_is_empty():
    assert validate_levels([]) == ()


def test_validate_rejects_shared_sequence():
    with pytest.raises(DunningConfigError, match="same sequence 10"):
        validate_levels([Level(1, 10, 5), Level(2, 10, 20)])


@pytest.mark.parametrize("second_delay", [15, 5])
def test_validate_rejects_non_increasing_delays_naming_both_levels(second_delay):
    with pytest.raises(DunningConfigError) as error:
        validate_levels([Level(1, 10, 15), Level(2, 20, second_delay)])
    message = str(error.value)
    for fragment in (
        "level 2",
        "sequence 20",
        f"delay {second_delay} days",
        "level 1",
        "sequence 10",
        "delay 15 days",
    ):
        assert fragment in message


def test_validate_rejects_negative_min_interval():
    with pytest.raises(DunningConfigError, match="negative minimum interval"):
        validate_levels([Level(1, 10, 15, min_interval=-1)])


def test_validate_rejects_negative_min_amount():
    with pytest.raises(DunningConfigError, match="negative minimum amount"):
        validate_levels([Level(1, 10, 15, min_amount=-0.01)])


def test_validate_rejects_duplicate_ids():
    with pytest.raises(DunningConfigError, match="same id 1"):
        validate_levels([Level(1, 10, 15), Level(1, 20, 30)])


def test_validate_accepts_zero_interval_zero_amount_and_negative_delay():
    levels = validate_levels([Level(1, 10, -5), Level(2, 20, 0), Level(3, 30, 1)])
    assert [level.delay for level in levels] == [-5, 0, 1]


# --- level_due: reaching levels ------------------------------------------------------


@pytest.mark.parametrize("index", range(len(LEVELS)))
def test_each_level_reached_exactly_at_its_day_stepwise(index):
    level = LEVELS[index]
    previous = LEVELS[index - 1] if index else None
    # The previous level was sent long enough ago for any minimum interval.
    history = {} if previous is None else {"last": previous, "last_day": previous.delay}
    before = level_due(item(**history), LEVELS, day(level.delay - 1))
    assert before.level is None
    assert before.next_date == day(level.delay)
    assert before.reason in ("not_overdue", "already_at_level")
    on = level_due(item(**history), LEVELS, day(level.delay))
    assert (on.level, on.reason, on.next_date) == (level, "due", day(level.delay))
    assert on.current_level == previous
    assert on.days_overdue == level.delay


@pytest.mark.parametrize("index", range(len(LEVELS)))
def test_each_level_reached_exactly_at_its_day_straight(index):
    level = LEVELS[index]
    before = level_due(item(), LEVELS, day(level.delay - 1), stepwise=False)
    assert before.level == (LEVELS[index - 1] if index else None)
    on = level_due(item(), LEVELS, day(level.delay), stepwise=False)
    assert on.level == level and on.reason == "due"


def test_stepwise_never_skips_a_level():
    # 100 days late and never reminded: the first reminder still comes first.
    assert level_due(item(), LEVELS, day(100)).level == FIRST
    assert level_due(item(last=FIRST, last_day=100), LEVELS, day(107)).level == SECOND
    assert level_due(item(last=SECOND, last_day=107), LEVELS, day(114)).level == FINAL


def test_straight_goes_to_the_level_the_age_reaches():
    assert level_due(item(), LEVELS, day(50), stepwise=False).level == FINAL
    assert level_due(item(), LEVELS, day(100), stepwise=False).level == COLLECT
    # From the first level straight to the final notice, the interval being over.
    decision = level_due(item(last=FIRST, last_day=15), LEVELS, day(45), stepwise=False)
    assert decision.level == FINAL and decision.current_level == FIRST


def test_daily_run_stepwise_from_late_discovery():
    """An invoice first seen 50 days late climbs one level per minimum interval."""
    sent, last, last_day = [], None, None
    for n in range(50, 120):
        decision = level_due(item(last=last, last_day=last_day), LEVELS, day(n))
        if decision.level is not None:
            sent.append((n, decision.level.id))
            last, last_day = decision.level, n
    assert sent == [(50, 1), (57, 2), (64, 3), (71, 4)]


def test_daily_run_stepwise_on_time():
    sent, last, last_day = [], None, None
    for n in range(-10, 120):
        decision = level_due(item(last=last, last_day=last_day), LEVELS, day(n))
        if decision.level is not None:
            sent.append((n, decision.level.id))
            last, last_day = decision.level, n
    assert sent == [(15, 1), (30, 2), (45, 3), (60, 4)]


# --- level_due: what blocks a level ------------------------------------------------


def test_min_interval_holds_the_next_level():
    # The first reminder went out late, on day 28: the second waits 7 days.
    blocked = level_due(item(last=FIRST, last_day=28), LEVELS, day(30))
    assert (blocked.level, blocked.reason, blocked.next_date) == (
        None,
        "min_interval",
        day(35),
    )
    assert (
        level_due(item(last=FIRST, last_day=28), LEVELS, day(34)).reason
        == "min_interval"
    )
    due = level_due(item(last=FIRST, last_day=28), LEVELS, day(35))
    assert (due.level, due.reason) == (SECOND, "due")


def test_min_amount_skips_a_level_but_a_lower_one_still_counts():
    levels = validate_levels(
        [
            Level(1, 10, 15),
            Level(2, 20, 30, min_amount=1000.0),
        ]
    )
    decision = level_due(
        item(amount=200.0, last=levels[0], last_day=15), levels, day(40)
    )
    # The second level is out of reach; the item stays at the first.
    assert (decision.level, decision.reason) == (None, "already_at_level")
    assert decision.next_date is None  # it will never owe enough for the second level
    straight = level_due(item(amount=200.0), levels, day(40), stepwise=False)
    assert straight.level == levels[0]
    big = level_due(item(amount=1000.0), levels, day(40), stepwise=False)
    assert big.level == levels[1]


def test_below_min_amount_of_every_reached_level():
    levels = validate_levels(
        [Level(1, 10, 15, min_amount=50.0), Level(2, 20, 30, min_amount=50.0)]
    )
    decision = level_due(item(amount=49.99), levels, day(40))
    assert (decision.level, decision.reason, decision.next_date) == (
        None,
        "below_min_amount",
        None,
    )
    # Not yet late enough for the first level: that is 'not_overdue', with its date.
    early = level_due(item(amount=49.99), levels, day(10))
    assert early.reason == "not_overdue"
    assert early.next_date is None  # it would be blocked by the amount anyway
    assert level_due(item(amount=50.0), levels, day(15)).level == levels[0]


def test_stepwise_does_not_send_a_level_whose_min_amount_is_not_owed():
    # Unusual set-up: the middle level only for large debts.
    levels = validate_levels(
        [
            Level(1, 10, 15),
            Level(2, 20, 30, min_amount=1000.0),
            Level(3, 30, 45),
        ]
    )
    small = item(amount=100.0, last=levels[0], last_day=15)
    assert level_due(small, levels, day(30)).reason == "already_at_level"
    assert level_due(small, levels, day(30)).next_date == day(45)
    assert level_due(small, levels, day(45)).level == levels[2]


def test_excluded_item():
    decision = level_due(item(excluded=True), LEVELS, day(100))
    assert (decision.level, decision.reason, decision.next_date) == (
        None,
        "excluded",
        None,
    )
    assert decision.days_overdue == 100


@pytest.mark.parametrize("amount", [0.0, -25.0])
def test_nothing_left_to_pay(amount):
    decision = level_due(item(amount=amount), LEVELS, day(100))
    assert (decision.level, decision.reason, decision.next_date) == (
        None,
        "no_amount",
        None,
    )


def test_not_overdue_gives_the_first_level_date():
    decision = level_due(item(), LEVELS, day(-3))
    assert (decision.level, decision.reason) == (None, "not_overdue")
    assert decision.days_overdue == -3
    assert decision.next_date == day(15)


def test_already_at_level_and_no_level_left():
    at_second = level_due(item(last=SECOND, last_day=30), LEVELS, day(40))
    assert (at_second.level, at_second.reason, at_second.next_date) == (
        None,
        "already_at_level",
        day(45),
    )
    assert at_second.current_level == SECOND
    at_last = level_due(item(last=COLLECT, last_day=60), LEVELS, day(300))
    assert (at_last.level, at_last.reason, at_last.next_date) == (
        None,
        "no_level_left",
        None,
    )


def test_unknown_last_level_starts_over():
    decision = level_due(
        Item(7, DUE, 500.0, last_level_id=999, last_date=day(20)), LEVELS, day(40)
    )
    assert decision.current_level is None
    # The first level has no minimum interval, so it is due at once.
    assert (decision.level, decision.reason) == (FIRST, "due")


def test_negative_delay_pre_due_reminder():
    courtesy = Level(id=10, sequence=1, delay=-5)
    levels = validate_levels([courtesy, FIRST, SECOND])
    before = level_due(item(), levels, day(-6))
    assert (before.level, before.reason, before.next_date) == (
        None,
        "not_overdue",
        day(-5),
    )
    on = level_due(item(), levels, day(-5))
    assert (on.level, on.days_overdue) == (courtesy, -5)
    after = level_due(item(last=courtesy, last_day=-5), levels, day(0))
    assert (after.reason, after.next_date) == ("already_at_level", day(15))


def test_item_without_due_date_is_never_overdue():
    levels = validate_levels([Level(10, 1, -5), Level(1, 10, 15)])
    decision = level_due(item(date_due=None), levels, day(100))
    assert (decision.level, decision.reason, decision.next_date) == (
        None,
        "not_overdue",
        None,
    )
    assert decision.days_overdue == 0


def test_no_levels_configured():
    decision = level_due(item(), (), day(100))
    assert (decision.level, decision.reason, decision.next_date) == (
        None,
        "no_level_left",
        None,
    )


def test_straight_next_date_skips_a_level_whose_window_closes_first():
    # Straight: the second level's interval (20 days) outlasts its window (30..45),
    # so the final notice (interval 0) takes over on day 45.
    levels = validate_levels(
        [
            Level(1, 10, 15),
            Level(2, 20, 30, min_interval=20),
            Level(3, 30, 45),
        ]
    )
    decision = level_due(
        item(last=levels[0], last_day=29), levels, day(30), stepwise=False
    )
    assert (decision.reason, decision.next_date) == ("min_interval", day(45))
    assert (
        level_due(
            item(last=levels[0], last_day=29), levels, day(45), stepwise=False
        ).level
        == levels[2]
    )
    # Stepwise, the second level must come first: on day 49.
    stepwise = level_due(item(last=levels[0], last_day=29), levels, day(30))
    assert stepwise.next_date == day(49)
