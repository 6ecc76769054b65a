"""Aging of open receivables: how late each item is and in which bucket it falls."""

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .errors import DunningConfigError

# Upper bounds (inclusive, in days overdue) of the overdue buckets after "not due".
DEFAULT_AGING_EDGES = (30, 60, 90, 120)


def days_overdue(date_due: date | None, as_of: date) -> int:
    """Days between the due date and ``as_of``: 0 on the due date, negative before it.

    An item without a due date is never late, so it counts as 0.
    """
    if date_due is None:
        return 0
    return (as_of - date_due).days


def validate_edges(edges: Iterable[int]) -> tuple[int, ...]:
    """The aging edges as a tuple, checked to be strictly increasing positive integers.

    :raises DunningConfigError: when there is no edge, an edge is not a positive
        integer, or the edges are not strictly increasing
    """
    if edges is DEFAULT_AGING_EDGES:
        # The common case, called once per item: skip re-checking a known-good tuple.
        return edges
    result = tuple(edges)
    if not result:
        raise DunningConfigError("The aging needs at least one bucket edge.")
    previous = 0
    for edge in result:
        # bool is an int subclass; True as "1 day" is surely a mistake.
        if isinstance(edge, bool) or not isinstance(edge, int):
            raise DunningConfigError(
                f"The aging edge {edge!r} is not a whole number of days."
            )
        if edge <= 0:
            raise DunningConfigError(
                f"The aging edge {edge} must be a positive number of days."
            )
        if edge <= previous:
            raise DunningConfigError(
                f"The aging edges must be strictly increasing: {edge} comes after "
                f"{previous}."
            )
        previous = edge
    return result


def bucket_labels(edges: Iterable[int] = DEFAULT_AGING_EDGES) -> tuple[str, ...]:
    """The bucket names, in order: ``'not_due'``, one ``'lo_hi'`` per edge,
    ``'last_plus'``.

    For the default edges:
    ``('not_due', '1_30', '31_60', '61_90', '91_120', '120_plus')``.
    """
    edges = validate_edges(edges)
    labels = ["not_due"]
    low = 1
    for edge in edges:
        labels.append(f"{low}_{edge}")
        low = edge + 1
    labels.append(f"{edges[-1]}_plus")
    return tuple(labels)


def bucket_index(days: int, edges: Iterable[int] = DEFAULT_AGING_EDGES) -> int:
    """Position in :func:`bucket_labels` of an item ``days`` overdue.

    0 when not yet late (``days <= 0``, the due date itself included), 1 up to the
    first edge inclusive, ..., ``len(edges) + 1`` beyond the last edge.
    """
    edges = validate_edges(edges)
    if days <= 0:
        return 0
    # bisect_left puts a day equal to an edge in the bucket that edge closes.
    return 1 + bisect_left(edges, days)


@dataclass(frozen=True)
class AgingItem:
    """One open amount to age: its due date (None if it has none) and what is
    still due."""

    date_due: date | None
    amount: float


def aging(
    items: Iterable[AgingItem], as_of: date, edges: Iterable[int] = DEFAULT_AGING_EDGES
) -> dict[str, float]:
    """The amounts of ``items`` summed per aging bucket on ``as_of``.

    Every bucket label is present (0.0 when empty), plus ``'total'``. Negative amounts
    (credit notes, payments) are summed where their due date puts them.
    """
    edges = validate_edges(edges)
    labels = bucket_labels(edges)
    sums = [0.0] * len(labels)
    for item in items:
        days = days_overdue(item.date_due, as_of)
        # Inlined bucket_index: the edges are already validated once for the whole run.
        index = 0 if days <= 0 else 1 + bisect_left(edges, days)
        sums[index] += item.amount
    result = dict(zip(labels, sums, strict=True))
    result["total"] = sum(sums)
    return result
