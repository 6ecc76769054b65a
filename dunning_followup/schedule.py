"""When the dunning run next has something to do."""

from collections.abc import Iterable
from datetime import date


def next_run_date(as_of: date, next_dates: Iterable[date | None]) -> date | None:
    """The earliest of ``next_dates`` (None ignored), never before ``as_of``.

    A date already past means something is due now, hence ``as_of``. None when no
    date is given.
    """
    earliest = min((day for day in next_dates if day is not None), default=None)
    if earliest is None:
        return None
    return max(earliest, as_of)
