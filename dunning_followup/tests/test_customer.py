"""Customers: resolve_customer statuses, promises to pay, and letter_items."""

from datetime import date, timedelta

from dunning_followup import (
    Item,
    Level,
    letter_items,
    resolve_customer,
    validate_levels,
)

AS_OF = date(2025, 6, 30)

FIRST = Level(id=1, sequence=10, delay=15)
SECOND = Level(id=2, sequence=20, delay=30, min_interval=7)
FINAL = Level(id=3, sequence=30, delay=45, min_interval=7)
COLLECT = Level(id=4, sequence=40, delay=60, min_interval=7, collection=True)
LEVELS = validate_levels([FIRST, SECOND, FINAL, COLLECT])


def late(item_id, days, amount=100.0, last=None, last_ago=None, excluded=False):
    """An item ``days`` overdue on AS_OF, last reminded ``last_ago`` days ago."""
    return Item(
        id=item_id,
        date_due=AS_OF - timedelta(days=days),
        amount_residual=amount,
        last_level_id=None if last is None else last.id,
        last_date=None if last_ago is None else AS_OF - timedelta(days=last_ago),
        excluded=excluded,
    )


def test_customer_gets_the_highest_level_due_among_its_items():
    items = [
        late(1, 20),  # due for FIRST
        late(2, 40, last=FIRST, last_ago=20),  # due for SECOND
        late(3, 5),  # not overdue enough
    ]
    customer = resolve_customer(items, LEVELS, AS_OF)
    assert customer.level == SECOND
    assert customer.status == "action_needed"
    assert customer.next_date == AS_OF
    assert [d.item_id for d in customer.decisions] == [1, 2, 3]
    assert customer.overdue_amount == 300.0
    assert customer.max_days_overdue == 40


def test_straight_escalation_passes_through():
    customer = resolve_customer([late(1, 50)], LEVELS, AS_OF, stepwise=False)
    assert customer.level == FINAL
    assert resolve_customer([late(1, 50)], LEVELS, AS_OF).level == FIRST


def test_waiting_when_overdue_but_nothing_new_to_send():
    customer = resolve_customer([late(1, 20, last=FIRST, last_ago=5)], LEVELS, AS_OF)
    assert (customer.level, customer.status) == (None, "waiting")
    # SECOND is reached 10 days from now (day 30 of the item).
    assert customer.next_date == AS_OF + timedelta(days=10)


def test_no_action_when_nothing_is_overdue():
    items = [late(1, -10), late(2, 0), late(3, 40, amount=0.0)]
    customer = resolve_customer(items, LEVELS, AS_OF)
    assert (customer.level, customer.status) == (None, "no_action")
    assert customer.overdue_amount == 0.0
    assert customer.max_days_overdue == 0
    assert customer.next_date == AS_OF + timedelta(days=15)  # item 2 reaches FIRST


def test_no_items_at_all():
    customer = resolve_customer([], LEVELS, AS_OF)
    assert (customer.level, customer.status, customer.next_date) == (
        None,
        "no_action",
        None,
    )
    assert customer.decisions == ()


def test_collection_when_already_at_a_collection_level():
    customer = resolve_customer([late(1, 90, last=COLLECT, last_ago=30)], LEVELS, AS_OF)
    assert (customer.level, customer.status, customer.next_date) == (
        None,
        "collection",
        None,
    )


def test_action_needed_wins_over_collection():
    items = [
        late(1, 90, last=COLLECT, last_ago=30),
        late(2, 20),  # a new invoice due for its first reminder
    ]
    customer = resolve_customer(items, LEVELS, AS_OF)
    assert (customer.level, customer.status) == (FIRST, "action_needed")


def test_collection_ignores_excluded_items():
    items = [
        late(1, 90, last=COLLECT, last_ago=30, excluded=True),
        late(2, 20, last=FIRST, last_ago=5),
    ]
    customer = resolve_customer(items, LEVELS, AS_OF)
    assert customer.status == "waiting"


def test_excluded_item_is_left_out_of_everything():
    items = [late(1, 100, amount=900.0, excluded=True), late(2, 10, amount=50.0)]
    customer = resolve_customer(items, LEVELS, AS_OF)
    assert customer.level is None
    assert customer.status == "waiting"
    assert customer.overdue_amount == 50.0
    assert customer.max_days_overdue == 10
    assert customer.decisions[0].reason == "excluded"


def test_excluded_customer():
    customer = resolve_customer([late(1, 100)], LEVELS, AS_OF, excluded=True)
    assert (customer.level, customer.status, customer.next_date) == (
        None,
        "excluded",
        None,
    )
    # Still computed, for display.
    assert customer.decisions[0].level == FIRST
    assert customer.overdue_amount == 100.0


def test_promise_to_pay_active_on_its_date_and_lapsed_the_day_after():
    items = [late(1, 40, last=FIRST, last_ago=20)]
    for promise in (AS_OF + timedelta(days=3), AS_OF):
        customer = resolve_customer(items, LEVELS, AS_OF, promise_date=promise)
        assert (customer.level, customer.status) == (None, "waiting")
        assert customer.next_date == promise + timedelta(days=1)
    lapsed = resolve_customer(
        items, LEVELS, AS_OF, promise_date=AS_OF - timedelta(days=1)
    )
    assert (lapsed.level, lapsed.status, lapsed.next_date) == (
        SECOND,
        "action_needed",
        AS_OF,
    )


def test_promise_without_overdue_items_is_no_action():
    courtesy = Level(id=9, sequence=1, delay=-5)
    levels = validate_levels([courtesy, FIRST])
    items = [late(1, -3)]  # due for the pre-due reminder
    assert resolve_customer(items, levels, AS_OF).level == courtesy
    customer = resolve_customer(
        items, levels, AS_OF, promise_date=AS_OF + timedelta(days=2)
    )
    assert (customer.level, customer.status) == (None, "no_action")
    # The reminder waits for the promise to lapse.
    assert customer.next_date == AS_OF + timedelta(days=3)


def test_letter_items_lists_overdue_items_latest_first():
    items = [
        late(5, 20),
        late(3, 45, last=SECOND, last_ago=15),
        late(4, 20),
        late(1, -5),  # not yet due
        late(2, 0),  # due today: not overdue
        late(6, 60, excluded=True),
        late(7, 70, amount=0.0),
        late(8, 80, amount=-20.0),  # a credit
        late(9, 1, amount=1.0),
    ]
    customer = resolve_customer(items, LEVELS, AS_OF)
    listed = letter_items(customer)
    assert [(d.item_id, d.days_overdue) for d in listed] == [
        (3, 45),
        (4, 20),
        (5, 20),
        (9, 1),
    ]
    assert customer.overdue_amount == 301.0
    assert customer.max_days_overdue == 45
