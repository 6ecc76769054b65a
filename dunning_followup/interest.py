"""Statutory late-payment interest and the fixed compensation for recovery costs.

Interest is simple interest on the amount still due, at an annual rate that is either
fixed (Switzerland, art. 104 OR: 5 %) or a published reference rate plus a margin
(EU Directive 2011/7 and its national laws). The reference rate is either the one in
force each day, or fixed per half-year: on its first day ('semester': §288/§247 BGB,
EU, France, Austria, the Netherlands) or on the last day of the previous half-year
('uk_semester': UK Late Payment of Commercial Debts Act). Interest already charged up
to some day is never charged again. Amounts are ``Decimal`` and rounded once, at the
end, half up.
"""

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, localcontext
from itertools import pairwise

from .errors import DunningConfigError

# 'act/365' and 'act/360': actual days over a 365- or 360-day year; 'act/act': each
# day over the days of its own calendar year (365 or 366).
DAY_COUNTS = ("act/365", "act/360", "act/act")

REFERENCE_FIXINGS = ("daily", "semester", "uk_semester")
"""'daily': the reference rate in force each day; 'semester': the one in force on
1 January for January-June and on 1 July for July-December; 'uk_semester': the one
in force on 31 December for January-June and on 30 June for July-December."""

B2B = "b2b"
B2C = "b2c"

ZERO = Decimal(0)
ONE_DAY = timedelta(days=1)

# Intermediate results keep 28 significant digits whatever the caller's decimal
# context; the only rounding that reaches an amount is the final one, half up.
_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)


def to_decimal(value, what: str = "amount") -> Decimal:
    """``value`` as a Decimal: Decimal and int as they are, float through its shortest
    repr (``0.1`` -> ``Decimal('0.1')``, not the binary expansion).

    Odoo hands monetary and float fields over as floats; converting through ``str``
    keeps the figure the user typed.

    :raises DunningConfigError: for anything else (None, bool, text, NaN, infinity)
    """
    # bool is an int subclass; True as "1" is surely a mistake.
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, float)):
        raise DunningConfigError(f"The {what} {value!r} is not a number.")
    result = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if not result.is_finite():
        raise DunningConfigError(f"The {what} {value!r} is not a finite number.")
    return result


def round_amount(amount: Decimal, rounding: Decimal = Decimal("0.01")) -> Decimal:
    """``amount`` rounded half up to a multiple of ``rounding`` (0.01, 1, 0.05, ...).

    :raises DunningConfigError: when ``rounding`` is not positive
    """
    rounding = to_decimal(rounding, "rounding")
    if rounding <= 0:
        raise DunningConfigError(f"The rounding {rounding} must be positive.")
    with localcontext(_CONTEXT):
        # Dividing first handles steps that are not powers of ten (0.05).
        return (amount / rounding).quantize(
            Decimal(1), rounding=ROUND_HALF_UP
        ) * rounding


@dataclass(frozen=True)
class RatePoint:
    """A reference rate (annual, in percent) in force from ``date_from`` until the next
    point of its series."""

    date_from: date
    rate: Decimal


def validate_series(series: Sequence[RatePoint]) -> tuple[RatePoint, ...]:
    """The rate points by date, rates as Decimal, checked to have distinct dates.

    :raises DunningConfigError: when two points share a date or a rate is not a number
    """
    points = sorted(
        (
            RatePoint(point.date_from, to_decimal(point.rate, "reference rate"))
            for point in series
        ),
        key=lambda point: point.date_from,
    )
    for previous, point in pairwise(points):
        if point.date_from == previous.date_from:
            raise DunningConfigError(
                f"The reference rate series has two rates from {point.date_from}: "
                f"{previous.rate} and {point.rate}."
            )
    return tuple(points)


@dataclass(frozen=True)
class InterestRule:
    """How late-payment interest and the fixed compensation are computed.

    The annual rate is ``fixed_rate`` when set, else the reference rate of the series
    named ``reference_series`` (fixed per ``reference_fixing``) plus ``margin``
    percentage points. The first ``grace_days`` days after the due date are free of
    interest.
    ``compensation_bands`` are ``(threshold, amount)`` pairs in
    ``compensation_currency``: the compensation is the amount of the first band whose
    threshold the debt is strictly below; a None threshold (last band only) takes any
    debt. No band: no compensation.
    """

    code: str
    margin: Decimal
    day_count: str = "act/365"
    fixed_rate: Decimal | None = None
    grace_days: int = 0
    reference_fixing: str = "daily"
    compensation_bands: tuple[tuple[Decimal | None, Decimal], ...] = ()
    compensation_currency: str | None = None
    reference_series: str | None = None


def validate_interest_rule(rule: InterestRule) -> InterestRule:
    """``rule``, checked for consistency.

    :raises DunningConfigError: for an unknown day count or fixing, negative grace
        days or fixed rate, or compensation bands that are not increasing thresholds
        with non-negative amounts and at most a last open (None) threshold
    """
    if rule.day_count not in DAY_COUNTS:
        raise DunningConfigError(
            f"Interest rule {rule.code!r}: unknown day count {rule.day_count!r}; "
            f"expected one of {', '.join(DAY_COUNTS)}."
        )
    if rule.reference_fixing not in REFERENCE_FIXINGS:
        raise DunningConfigError(
            f"Interest rule {rule.code!r}: unknown reference fixing "
            f"{rule.reference_fixing!r}; expected one of "
            f"{', '.join(REFERENCE_FIXINGS)}."
        )
    if isinstance(rule.grace_days, bool) or not isinstance(rule.grace_days, int):
        raise DunningConfigError(
            f"Interest rule {rule.code!r}: the grace period {rule.grace_days!r} is not "
            f"a whole number of days."
        )
    if rule.grace_days < 0:
        raise DunningConfigError(
            f"Interest rule {rule.code!r} has a negative grace period "
            f"({rule.grace_days} days)."
        )
    to_decimal(rule.margin, "interest margin")
    if rule.fixed_rate is not None and to_decimal(rule.fixed_rate, "fixed rate") < 0:
        raise DunningConfigError(
            f"Interest rule {rule.code!r} has a negative fixed rate ({rule.fixed_rate} "
            f"%)."
        )
    previous = None
    for index, (threshold, amount) in enumerate(rule.compensation_bands):
        if to_decimal(amount, "compensation amount") < 0:
            raise DunningConfigError(
                f"Interest rule {rule.code!r} has a negative compensation amount "
                f"({amount})."
            )
        if threshold is None:
            if index != len(rule.compensation_bands) - 1:
                raise DunningConfigError(
                    f"Interest rule {rule.code!r}: only the last compensation band may "
                    f"take any amount (no threshold)."
                )
            continue
        threshold = to_decimal(threshold, "compensation threshold")
        if previous is not None and threshold <= previous:
            raise DunningConfigError(
                f"Interest rule {rule.code!r}: the compensation thresholds must be "
                f"strictly increasing: {threshold} comes after {previous}."
            )
        previous = threshold
    return rule


@dataclass(frozen=True)
class InterestPeriod:
    """Days ``date_from`` to ``date_to`` (both included) at one annual rate, and their
    interest, unrounded."""

    date_from: date
    date_to: date
    days: int
    annual_rate: Decimal
    amount: Decimal


@dataclass(frozen=True)
class InterestResult:
    """The interest due: its periods, their total rounded to the currency, and the
    days it covers (None, None when nothing is due)."""

    periods: tuple[InterestPeriod, ...]
    amount: Decimal
    date_from: date | None
    date_to: date | None


def _fixing_day(rule: InterestRule, day: date) -> date:
    """The day whose reference rate applies to ``day``."""
    if rule.reference_fixing == "semester":
        return date(day.year, 1, 1) if day.month <= 6 else date(day.year, 7, 1)
    if rule.reference_fixing == "uk_semester":
        return date(day.year - 1, 12, 31) if day.month <= 6 else date(day.year, 6, 30)
    return day


def _annual_rate(
    rule: InterestRule, points: tuple[RatePoint, ...], dates: list[date], day: date
) -> Decimal:
    """The annual rate, in percent, that applies to ``day``."""
    if rule.fixed_rate is not None:
        return to_decimal(rule.fixed_rate, "fixed rate")
    fixing = _fixing_day(rule, day)
    index = bisect_right(dates, fixing) - 1
    if index < 0:
        needed = "" if fixing == day else f" (its reference rate applies to {day})"
        series = f" {rule.reference_series!r}" if rule.reference_series else ""
        start = f"; it starts on {dates[0]}" if dates else "; it is empty"
        raise DunningConfigError(
            f"Interest rule {rule.code!r}: the reference rate series{series} has no "
            f"rate in force on {fixing}{needed}{start}."
        )
    # Late-payment interest is never negative: a debtor paying late earns nothing,
    # even if a negative reference rate outweighs the margin.
    return max(points[index].rate + to_decimal(rule.margin, "interest margin"), ZERO)


def _half_year_starts(start: date, end: date) -> list[date]:
    """Every 1 January and 1 July after ``start`` up to ``end``."""
    days = []
    for year in range(start.year, end.year + 1):
        for month in (1, 7):
            day = date(year, month, 1)
            if start < day <= end:
                days.append(day)
    return days


def _year_basis(rule: InterestRule, day: date) -> int:
    if rule.day_count == "act/360":
        return 360
    if rule.day_count == "act/act":
        return (date(day.year + 1, 1, 1) - date(day.year, 1, 1)).days
    return 365


def statutory_interest(
    principal: Decimal,
    date_due: date,
    as_of: date,
    rule: InterestRule,
    series: Sequence[RatePoint] = (),
    *,
    charged_until: date | None = None,
    rounding: Decimal = Decimal("0.01"),
) -> InterestResult:
    """The late-payment interest on ``principal`` (the amount still due) up to and
    including ``as_of``.

    Interest runs from the day after the due date: the due date itself is still on
    time (§§ 286, 288 BGB and EU Directive 2011/7 count it so; payment on the due day
    is punctual). ``grace_days`` more days are interest-free after that. When interest
    was already charged up to and including ``charged_until``, only the days after it
    count: no day is ever charged twice.

    Each period has one annual rate (``fixed_rate``, or the reference rate of
    ``series`` per ``reference_fixing`` plus ``margin``, never below 0); with 'act/act'
    it also stays within one calendar year. A period's interest is ``principal × rate /
    100 × days / basis`` (basis 365 or 360; 'act/act': the days of its year), kept
    unrounded; only the total is rounded, half up, to a multiple of ``rounding``.

    Nothing is due (no period, amount 0) when the principal is not positive or no day
    remains to charge.

    :raises DunningConfigError: for an invalid rule or series, or when the series has
        no reference rate in force on a day it is needed (the message names that day)
    """
    # Checked first so a misconfigured rule or series fails even when nothing is due.
    validate_interest_rule(rule)
    points = validate_series(series) if rule.fixed_rate is None else ()
    dates = [point.date_from for point in points]
    principal = to_decimal(principal, "principal")
    start = date_due + timedelta(days=rule.grace_days) + ONE_DAY
    if charged_until is not None:
        start = max(start, charged_until + ONE_DAY)
    if principal <= 0 or start > as_of:
        return InterestResult((), round_amount(ZERO, rounding), None, None)

    # The days after `start` where the rate, or the act/act basis, may change.
    breaks = set()
    if rule.fixed_rate is None:
        if rule.reference_fixing == "daily":
            breaks.update(day for day in dates if start < day <= as_of)
        else:
            breaks.update(_half_year_starts(start, as_of))
    if rule.day_count == "act/act":
        breaks.update(
            date(year, 1, 1) for year in range(start.year + 1, as_of.year + 1)
        )

    periods = []  # [first day, last day, rate, basis, act/act year]
    bounds = [start, *sorted(breaks), as_of + ONE_DAY]
    with localcontext(_CONTEXT):
        for first, after in pairwise(bounds):
            last = after - ONE_DAY
            rate = _annual_rate(rule, points, dates, first)
            basis = _year_basis(rule, first)
            year = first.year if rule.day_count == "act/act" else None
            if periods and periods[-1][2:] == [rate, basis, year]:
                # Nothing changed at this break (e.g. the same base rate on 1 July): one
                # period. An act/act period stays within its year, so its basis shows.
                periods[-1][1] = last
            else:
                periods.append([first, last, rate, basis, year])
        result = []
        for first, last, rate, basis, _year in periods:
            days = (last - first).days + 1
            # One division per period, so the only inexact step is that quotient.
            amount = principal * rate * days / (100 * basis)
            result.append(InterestPeriod(first, last, days, rate, amount))
        total = sum((period.amount for period in result), ZERO)
    return InterestResult(tuple(result), round_amount(total, rounding), start, as_of)


def fixed_compensation(debt: Decimal, rule: InterestRule) -> Decimal:
    """The fixed compensation for recovery costs a ``debt`` earns under ``rule``.

    The amount of the first band whose threshold ``debt`` is strictly below (a None
    threshold takes any debt); 0 when no band applies or nothing is owed. ``debt``
    and the result are in ``rule.compensation_currency``: converting is the caller's
    job.
    """
    validate_interest_rule(rule)
    debt = to_decimal(debt, "debt")
    if debt <= 0:
        return ZERO
    for threshold, amount in rule.compensation_bands:
        if threshold is None or debt < to_decimal(threshold, "compensation threshold"):
            return to_decimal(amount, "compensation amount")
    return ZERO


def compensation_due(
    already_charged: bool, debt: Decimal, rule: InterestRule
) -> Decimal:
    """The fixed compensation to charge now: it is due once per invoice, so 0 if it
    was already charged, else :func:`fixed_compensation`."""
    if already_charged:
        return ZERO
    return fixed_compensation(debt, rule)


def customer_kind(is_company: bool, override: str | None = None) -> str:
    """'b2b' or 'b2c': the ``override`` when set, else 'b2b' for a company.

    An empty override (None, '', or False as an unset Odoo selection) means none.

    :raises DunningConfigError: for an override other than 'b2b' or 'b2c'
    """
    if override:
        if override not in (B2B, B2C):
            raise DunningConfigError(
                f"Unknown customer kind {override!r}; expected {B2B!r} or {B2C!r}."
            )
        return override
    return B2B if is_company else B2C


_EUR_40 = ((None, Decimal("40")),)

RULES: dict[str, InterestRule] = {
    # EU Directive 2011/7 art. 2(6), 3, 6: ECB main refinancing rate in force on the
    # first calendar day of the half-year + at least 8 points; EUR 40 per invoice.
    "eu_b2b": InterestRule(
        code="eu_b2b",
        margin=Decimal("8"),
        reference_fixing="semester",
        compensation_bands=_EUR_40,
        compensation_currency="EUR",
        reference_series="ecb_mro",
    ),
    # §288(2), (5) BGB with §247 BGB: Basiszinssatz + 9 points; EUR 40 Pauschale.
    "de_b2b": InterestRule(
        code="de_b2b",
        margin=Decimal("9"),
        reference_fixing="semester",
        compensation_bands=_EUR_40,
        compensation_currency="EUR",
        reference_series="de_base",
    ),
    # §288(1) BGB: a consumer owes Basiszinssatz + 5 points and no Pauschale.
    "de_b2c": InterestRule(
        code="de_b2c",
        margin=Decimal("5"),
        reference_fixing="semester",
        reference_series="de_base",
    ),
    # Art. L441-10 Code de commerce: taux BCE + 10 points, the rate in force on
    # 1 January (resp. 1 July) for the half-year; indemnité forfaitaire EUR 40 (D441-5).
    "fr_b2b": InterestRule(
        code="fr_b2b",
        margin=Decimal("10"),
        reference_fixing="semester",
        compensation_bands=_EUR_40,
        compensation_currency="EUR",
        reference_series="ecb_mro",
    ),
    # §456 UGB: OeNB Basiszinssatz on the first calendar day of the half-year
    # + 9.2 points; §458 UGB: EUR 40.
    "at_b2b": InterestRule(
        code="at_b2b",
        margin=Decimal("9.2"),
        reference_fixing="semester",
        compensation_bands=_EUR_40,
        compensation_currency="EUR",
        reference_series="at_base",
    ),
    # Art. 6:119a/6:120 BW, wettelijke handelsrente: ECB rate + 8 points per
    # half-year; art. 6:96(4) BW: EUR 40. (Dutch law compounds yearly; not modelled.)
    "nl_b2b": InterestRule(
        code="nl_b2b",
        margin=Decimal("8"),
        reference_fixing="semester",
        compensation_bands=_EUR_40,
        compensation_currency="EUR",
        reference_series="ecb_mro",
    ),
    # Late Payment of Commercial Debts (Interest) Act 1998 and its Rate of Interest
    # Order 2002: Bank Rate on 31 December / 30 June + 8 points; fixed sums by debt.
    "uk_b2b": InterestRule(
        code="uk_b2b",
        margin=Decimal("8"),
        reference_fixing="uk_semester",
        compensation_bands=(
            (Decimal("1000"), Decimal("40")),
            (Decimal("10000"), Decimal("70")),
            (None, Decimal("100")),
        ),
        compensation_currency="GBP",
        reference_series="boe_base",
    ),
    # Art. 104 OR: 5 % a year, no fixed compensation.
    "ch": InterestRule(code="ch", margin=Decimal("0"), fixed_rate=Decimal("5")),
}
"""The statutory rules shipped with the engine, by code (custom rules are made in Odoo).
Their ``reference_series`` name a series of :data:`rates.REFERENCE_RATES`."""
