"""Dunning levels and the decision of which level an item, and a customer, is
due for."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from .aging import days_overdue
from .errors import DunningConfigError

# Reason codes of a Decision.
DUE = "due"
NOT_OVERDUE = "not_overdue"
EXCLUDED = "excluded"
BELOW_MIN_AMOUNT = "below_min_amount"
MIN_INTERVAL = "min_interval"
ALREADY_AT_LEVEL = "already_at_level"
NO_LEVEL_LEFT = "no_level_left"
NO_AMOUNT = "no_amount"

# Statuses of a CustomerDecision.
NO_ACTION = "no_action"
WAITING = "waiting"
ACTION_NEEDED = "action_needed"
COLLECTION = "collection"


@dataclass(frozen=True)
class Level:
    """One step of the dunning escalation.

    An item reaches the level ``delay`` days after its due date (negative: before it)
    if it still owes at least ``min_amount``; the level is not sent until
    ``min_interval`` days have passed since the item's previous reminder. A
    ``collection`` level hands the customer over to collection.
    """

    id: int
    sequence: int
    delay: int
    min_interval: int = 0
    min_amount: float = 0.0
    collection: bool = False


def validate_levels(levels: Iterable[Level]) -> tuple[Level, ...]:
    """The levels in escalation order, ``(sequence, id)``, checked for consistency.

    :raises DunningConfigError: when two levels share an id or a sequence, the delays
        do not strictly increase along the sequence, or a minimum interval or
        minimum amount is negative
    """
    ordered = tuple(sorted(levels, key=lambda level: (level.sequence, level.id)))
    seen_ids = set()
    previous = None
    for level in ordered:
        if level.id in seen_ids:
            raise DunningConfigError(f"Two dunning levels have the same id {level.id}.")
        seen_ids.add(level.id)
        if level.min_interval < 0:
            raise DunningConfigError(
                f"Dunning level {level.id} has a negative minimum interval "
                f"({level.min_interval} days)."
            )
        if level.min_amount < 0:
            raise DunningConfigError(
                f"Dunning level {level.id} has a negative minimum amount "
                f"({level.min_amount})."
            )
        if previous is not None:
            if level.sequence == previous.sequence:
                raise DunningConfigError(
                    f"Dunning levels {previous.id} and {level.id} have the same "
                    f"sequence {level.sequence}; the escalation order must be "
                    f"unambiguous."
                )
            if level.delay <= previous.delay:
                raise DunningConfigError(
                    f"Dunning level {level.id} (sequence {level.sequence}, delay "
                    f"{level.delay} days) comes after level {previous.id} (sequence "
                    f"{previous.sequence}, delay {previous.delay} days) and must have "
                    f"a longer delay."
                )
        previous = level
    return ordered


@dataclass(frozen=True)
class Item:
    """One open receivable item (an invoice) as the engine sees it.

    ``last_level_id`` and ``last_date`` are the level of the item's previous reminder
    and the day it was sent; ``excluded`` keeps the item out of dunning (disputed, ...).
    """

    id: int
    date_due: date | None
    amount_residual: float
    last_level_id: int | None = None
    last_date: date | None = None
    excluded: bool = False


@dataclass(frozen=True)
class Decision:
    """What one item is due for on a given day.

    ``level`` is the level to send now (None: nothing new), ``current_level`` the one
    it last received, ``next_date`` the earliest day a further level could become due
    (``as_of`` when ``level`` is set), and ``reason`` a short code saying why.
    """

    item_id: int
    days_overdue: int
    level: Level | None
    current_level: Level | None
    next_date: date | None
    reason: str


def _eligible(level: Level, days: int, amount: float) -> bool:
    return level.delay <= days and amount >= level.min_amount


def _level_index(levels: Sequence[Level], level_id: int | None) -> int:
    # Levels are few: a linear scan beats building a dict per item.
    if level_id is None:
        return -1
    for index, level in enumerate(levels):
        if level.id == level_id:
            return index
    return -1


def _next_date(
    item: Item, levels: Sequence[Level], current: int, stepwise: bool
) -> date | None:
    """The earliest day some level after ``current`` becomes due for ``item``.

    Assumes the item's amount and reminder history stay as they are. Levels whose
    minimum amount the item does not meet never become due, so they are skipped.
    Each eligible level j is the target from ``date_due + delay_j`` until the next
    eligible level takes over (stepwise: for good, since it must be sent first); it
    becomes due in that window once its minimum interval has passed.
    """
    if item.date_due is None:
        return None
    amount = item.amount_residual
    eligible = [level for level in levels[current + 1 :] if amount >= level.min_amount]
    for position, level in enumerate(eligible):
        start = item.date_due + timedelta(days=level.delay)
        due = start
        if item.last_date is not None:
            due = max(due, item.last_date + timedelta(days=level.min_interval))
        if stepwise or position + 1 == len(eligible):
            return due
        window_end = item.date_due + timedelta(days=eligible[position + 1].delay)
        if due < window_end:
            return due
        # Straight escalation: the interval outlasts this level's window, so the next
        # eligible level takes over before this one is ever sent.
    return None


def level_due(
    item: Item, levels: Sequence[Level], as_of: date, stepwise: bool = True
) -> Decision:
    """Which level ``item`` should receive on ``as_of``.

    ``levels`` must come from :func:`validate_levels` (not re-checked: this runs once
    per invoice). The item reaches the highest level whose delay has passed and whose
    minimum amount it owes. Stepwise, it moves one level at a time: to the first level
    after its current one that it reaches; straight, it goes directly to the highest
    reached level. A level is only sent once the minimum interval since the item's
    previous reminder has passed. An item without a due date is never overdue.
    """
    days = days_overdue(item.date_due, as_of)
    current = _level_index(levels, item.last_level_id)
    current_level = levels[current] if current >= 0 else None

    def decide(level, next_date, reason):
        return Decision(item.id, days, level, current_level, next_date, reason)

    if item.excluded:
        return decide(None, None, EXCLUDED)
    if item.amount_residual <= 0:
        return decide(None, None, NO_AMOUNT)
    if not levels:
        return decide(None, None, NO_LEVEL_LEFT)
    if item.date_due is None:
        return decide(None, None, NOT_OVERDUE)

    amount = item.amount_residual
    reached = -1
    for index in range(len(levels) - 1, -1, -1):
        if _eligible(levels[index], days, amount):
            reached = index
            break
    if reached < 0:
        reason = NOT_OVERDUE if days < levels[0].delay else BELOW_MIN_AMOUNT
        return decide(None, _next_date(item, levels, current, stepwise), reason)

    if stepwise and reached > current + 1:
        # One level at a time, but never to a level whose minimum amount the item
        # does not owe: the first eligible level after the current one (with
        # non-decreasing minimum amounts, simply current + 1).
        target = next(
            index
            for index in range(current + 1, reached + 1)
            if _eligible(levels[index], days, amount)
        )
    else:
        target = reached
    if target <= current:
        reason = NO_LEVEL_LEFT if current == len(levels) - 1 else ALREADY_AT_LEVEL
        return decide(None, _next_date(item, levels, current, stepwise), reason)

    level = levels[target]
    if (
        item.last_date is not None
        and (as_of - item.last_date).days < level.min_interval
    ):
        return decide(None, _next_date(item, levels, current, stepwise), MIN_INTERVAL)
    return decide(level, as_of, DUE)


@dataclass(frozen=True)
class CustomerDecision:
    """What one customer is due for on a given day, from the decisions on its items.

    ``level`` is the highest level due among its items (None: nothing to send);
    ``status`` is one of 'no_action', 'waiting', 'action_needed', 'excluded',
    'collection'. ``overdue_amount`` and ``max_days_overdue`` cover its overdue items:
    not excluded, past their due date, with an amount still due.
    """

    level: Level | None
    status: str
    decisions: tuple[Decision, ...]
    overdue_amount: float
    max_days_overdue: int
    next_date: date | None


def _is_overdue(decision: Decision) -> bool:
    # 'excluded' and 'no_amount' are decided before anything else, so these two
    # reasons are exactly "excluded" and "nothing (or a credit) left to pay".
    return decision.days_overdue > 0 and decision.reason not in (EXCLUDED, NO_AMOUNT)


def resolve_customer(
    items: Iterable[Item],
    levels: Sequence[Level],
    as_of: date,
    *,
    excluded: bool = False,
    promise_date: date | None = None,
    stepwise: bool = True,
) -> CustomerDecision:
    """The customer's dunning decision on ``as_of`` from its open ``items``.

    An excluded customer gets nothing (its item decisions are still computed for
    display). A promise to pay holds every reminder up to and including the promised
    day. Otherwise the customer receives the highest level any of its items is due
    for; with nothing due it is in 'collection' if its most advanced overdue item
    already reached a collection level, 'waiting' if something is overdue, else
    'no_action'.
    """
    items = tuple(items)
    decisions = tuple(level_due(item, levels, as_of, stepwise) for item in items)
    position = {level.id: index for index, level in enumerate(levels)}

    overdue_amount = 0.0
    max_days = 0
    any_overdue = False
    best_level = None  # highest level due now
    best_current = None  # highest level already received by an overdue item
    earliest = None  # earliest next_date among items
    for item, decision in zip(items, decisions, strict=True):
        if decision.level is not None and (
            best_level is None or position[decision.level.id] > position[best_level.id]
        ):
            best_level = decision.level
        if decision.next_date is not None and (
            earliest is None or decision.next_date < earliest
        ):
            earliest = decision.next_date
        if _is_overdue(decision):
            any_overdue = True
            overdue_amount += item.amount_residual
            max_days = max(max_days, decision.days_overdue)
            current = decision.current_level
            if current is not None and (
                best_current is None or position[current.id] > position[best_current.id]
            ):
                best_current = current

    def decide(level, status, next_date):
        return CustomerDecision(
            level, status, decisions, overdue_amount, max_days, next_date
        )

    if excluded:
        return decide(None, EXCLUDED, None)
    if promise_date is not None and promise_date >= as_of:
        resume = promise_date + timedelta(days=1)
        if any_overdue:
            return decide(None, WAITING, resume)
        # Nothing overdue (a pre-due reminder may be pending): it waits for the
        # promise too.
        return decide(
            None, NO_ACTION, None if earliest is None else max(earliest, resume)
        )
    if best_level is not None:
        return decide(best_level, ACTION_NEEDED, as_of)
    if best_current is not None and best_current.collection:
        return decide(None, COLLECTION, earliest)
    return decide(None, WAITING if any_overdue else NO_ACTION, earliest)


def letter_items(customer: CustomerDecision) -> tuple[Decision, ...]:
    """The item decisions a dunning letter lists: the customer's overdue items, the
    latest first (then by item id)."""
    overdue = [decision for decision in customer.decisions if _is_overdue(decision)]
    overdue.sort(key=lambda decision: (-decision.days_overdue, decision.item_id))
    return tuple(overdue)
