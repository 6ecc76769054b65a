"""Property-style checks over many generated cases (seeded, no hypothesis)."""

import random
from datetime import date, timedelta

from dunning_followup import (
    Item,
    Level,
    letter_items,
    level_due,
    resolve_customer,
    validate_levels,
)

AS_OF = date(2025, 6, 30)


def random_levels(rng):
    count = rng.randint(1, 5)
    delays = sorted(rng.sample(range(-10, 120), count))
    sequences = rng.sample(range(1, 100), count)
    return validate_levels(
        Level(
            id=index + 1,
            sequence=sorted(sequences)[index],
            delay=delay,
            min_interval=rng.choice([0, 0, 3, 7, 14, 30]),
            min_amount=rng.choice([0.0, 0.0, 50.0, 200.0]),
            collection=rng.random() < 0.2,
        )
        for index, delay in enumerate(delays)
    )


def random_item(rng, item_id, levels):
    last = rng.choice([None, *levels])
    return Item(
        id=item_id,
        date_due=AS_OF - timedelta(days=rng.randint(-30, 200)),
        amount_residual=rng.choice([0.0, -10.0, 20.0, 100.0, 500.0]),
        last_level_id=None if last is None else last.id,
        last_date=None if last is None else AS_OF - timedelta(days=rng.randint(0, 60)),
        excluded=rng.random() < 0.1,
    )


def test_decisions_are_consistent_and_next_date_is_exact():
    rng = random.Random(20250630)
    for case in range(1500):
        levels = random_levels(rng)
        stepwise = case % 2 == 0
        item = random_item(rng, case, levels)
        decision = level_due(item, levels, AS_OF, stepwise)
        position = {level.id: index for index, level in enumerate(levels)}
        current = position.get(item.last_level_id, -1)
        # A level is set exactly when the reason is 'due', and then next_date is today.
        assert (decision.level is not None) == (decision.reason == "due")
        if decision.level is not None:
            assert decision.next_date == AS_OF
            assert position[decision.level.id] > current
            assert item.amount_residual >= decision.level.min_amount
            assert decision.level.delay <= decision.days_overdue
            if stepwise:
                # Never skips an eligible level.
                skipped = levels[current + 1 : position[decision.level.id]]
                assert all(level.min_amount > item.amount_residual for level in skipped)
            continue
        if decision.next_date is None:
            # Nothing will ever become due without a change: check a long horizon.
            for ahead in (1, 30, 400):
                assert (
                    level_due(
                        item, levels, AS_OF + timedelta(days=ahead), stepwise
                    ).level
                    is None
                )
            continue
        # Nothing due before next_date, something due on it.
        assert decision.next_date > AS_OF
        gap = (decision.next_date - AS_OF).days
        for ahead in range(1, gap):
            assert (
                level_due(item, levels, AS_OF + timedelta(days=ahead), stepwise).level
                is None
            )
        assert level_due(item, levels, decision.next_date, stepwise).level is not None


def test_customer_invariants():
    rng = random.Random(7)
    for case in range(500):
        levels = random_levels(rng)
        items = [
            random_item(rng, item_id, levels) for item_id in range(rng.randint(0, 8))
        ]
        customer = resolve_customer(items, levels, AS_OF, stepwise=bool(case % 2))
        listed = letter_items(customer)
        by_id = {item.id: item for item in items}
        assert customer.overdue_amount == sum(
            by_id[d.item_id].amount_residual for d in listed
        )
        assert customer.max_days_overdue == max(
            (d.days_overdue for d in listed), default=0
        )
        assert (customer.status == "action_needed") == (customer.level is not None)
        if customer.level is not None:
            due = [d.level for d in customer.decisions if d.level is not None]
            assert max(levels.index(level) for level in due) == levels.index(
                customer.level
            )
        if customer.next_date is not None:
            assert customer.next_date >= AS_OF
