"""Statutory late-payment interest and the fixed compensation for recovery costs.

Interest is simple interest on the amount still due, at an annual rate that is either
fixed (Switzerland, art. 104 OR: 5 %) or a published reference rate plus a margin
(EU Directive 2011/7 and its national laws). The reference rate is either the one in
force each day, or fixed per half-year: on its first day ('semester': §288/§247 BGB,
EU, France, Austria, the Netherlands) or on the last day of the previous half-year
('uk_semester': UK Late Payment of Commercial Debts Act). Interest already charged up
to some day is never charged again. Amounts are ``Decimal`` and rounded once, at the
end, half up.

Two options serve national laws: yearly compounding (Netherlands, art. 6:119(2) and
6:119a(3) BW: at the end of each year of delay the year's interest is added to the
sum it runs on; German law forbids it, § 289 BGB, so it is off by default), and a
tiered-percentage compensation with a minimum and maximum (the Dutch BIK scale of the
*Besluit vergoeding voor buitengerechtelijke incassokosten*), beside the fixed bands.
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

    ``compensation_scale`` (instead of bands) are ``(upper bound, percent)`` tiers:
    ``percent`` of the part of the debt between the previous bound and this one (a
    None bound, last tier only, takes the rest), the sum kept within
    ``compensation_minimum`` and ``compensation_maximum``. ``compensation_vat`` is a
    VAT rate, in percent, added to the compensation (a creditor who cannot deduct the
    VAT on its collection costs may charge it). ``compound_yearly`` adds each full
    year's interest to the sum interest runs on for the following years.
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
    compound_yearly: bool = False
    compensation_scale: tuple[tuple[Decimal | None, Decimal], ...] = ()
    compensation_minimum: Decimal | None = None
    compensation_maximum: Decimal | None = None
    compensation_vat: Decimal = ZERO


def _check_increasing(rule: InterestRule, pairs, what: str, kind: str) -> None:
    """Thresholds strictly increasing, values not negative, None only last."""
    previous = None
    for index, (threshold, value) in enumerate(pairs):
        if to_decimal(value, f"compensation {kind}") < 0:
            raise DunningConfigError(
                f"Interest rule {rule.code!r} has a negative compensation {kind} "
                f"({value})."
            )
        if threshold is None:
            if index != len(pairs) - 1:
                raise DunningConfigError(
                    f"Interest rule {rule.code!r}: only the last compensation {what} "
                    f"may take any amount (no threshold)."
                )
            continue
        threshold = to_decimal(threshold, "compensation threshold")
        if previous is not None and threshold <= previous:
            raise DunningConfigError(
                f"Interest rule {rule.code!r}: the compensation thresholds must be "
                f"strictly increasing: {threshold} comes after {previous}."
            )
        previous = threshold


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
    _check_increasing(rule, rule.compensation_bands, "band", "amount")
    _check_increasing(rule, rule.compensation_scale, "tier", "percentage")
    if rule.compensation_bands and rule.compensation_scale:
        raise DunningConfigError(
            f"Interest rule {rule.code!r} has both fixed compensation bands and a "
            f"percentage scale: choose one."
        )
    bounds = [
        to_decimal(value, what)
        for value, what in (
            (rule.compensation_minimum, "minimum compensation"),
            (rule.compensation_maximum, "maximum compensation"),
        )
        if value is not None
    ]
    if any(value < 0 for value in bounds):
        raise DunningConfigError(
            f"Interest rule {rule.code!r} has a negative minimum or maximum "
            f"compensation."
        )
    if len(bounds) == 2 and bounds[0] > bounds[1]:
        raise DunningConfigError(
            f"Interest rule {rule.code!r}: the minimum compensation {bounds[0]} "
            f"exceeds "
            f"the maximum {bounds[1]}."
        )
    if to_decimal(rule.compensation_vat, "compensation VAT rate") < 0:
        raise DunningConfigError(
            f"Interest rule {rule.code!r} has a negative VAT rate on the compensation."
        )
    if not isinstance(rule.compound_yearly, bool):
        raise DunningConfigError(
            f"Interest rule {rule.code!r}: compounding must be True or False."
        )
    return rule


@dataclass(frozen=True)
class InterestPeriod:
    """Days ``date_from`` to ``date_to`` (both included) at one annual rate, and their
    interest, unrounded. ``principal`` is the sum the interest runs on: the amount due,
    plus the interest of the past full years when the rule compounds yearly."""

    date_from: date
    date_to: date
    days: int
    annual_rate: Decimal
    amount: Decimal
    principal: Decimal | None = None


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
    origin = date_due + timedelta(days=rule.grace_days) + ONE_DAY
    start = origin
    if charged_until is not None:
        start = max(start, charged_until + ONE_DAY)
    if principal <= 0 or start > as_of:
        return InterestResult((), round_amount(ZERO, rounding), None, None)

    # Compounding needs every year since interest began, to know the sum it runs on:
    # the periods are worked out from the origin and those already charged dropped.
    first_day = origin if rule.compound_yearly else start
    # The days after `first_day` where the rate, the act/act basis or the compounded
    # sum may change.
    breaks = set()
    if rule.fixed_rate is None:
        if rule.reference_fixing == "daily":
            breaks.update(day for day in dates if first_day < day <= as_of)
        else:
            breaks.update(_half_year_starts(first_day, as_of))
    if rule.day_count == "act/act":
        breaks.update(
            date(year, 1, 1) for year in range(first_day.year + 1, as_of.year + 1)
        )
    anniversaries = set()
    if rule.compound_yearly:
        anniversaries = set(_anniversaries(origin, as_of))
        breaks |= anniversaries
        if start > origin:
            breaks.add(start)

    periods = []  # [first day, last day, rate, basis, act/act year, principal]
    bounds = [first_day, *sorted(breaks), as_of + ONE_DAY]
    with localcontext(_CONTEXT):
        base, year_interest = principal, ZERO
        for first, after in pairwise(bounds):
            if first in anniversaries:
                # Art. 6:119(2) BW: the interest of the year just ended bears interest.
                base, year_interest = base + year_interest, ZERO
            last = after - ONE_DAY
            rate = _annual_rate(rule, points, dates, first)
            basis = _year_basis(rule, first)
            year = first.year if rule.day_count == "act/act" else None
            days = (last - first).days + 1
            year_interest += base * rate * days / (100 * basis)
            if (
                periods
                and periods[-1][2:] == [rate, basis, year, base]
                and first != start
            ):
                # Nothing changed at this break (e.g. the same base rate on 1 July): one
                # period. An act/act period stays within its year, so its basis shows.
                periods[-1][1] = last
            else:
                periods.append([first, last, rate, basis, year, base])
        result = []
        for first, last, rate, basis, _year, base in periods:
            if first < start:
                continue  # already charged (compounding works from the origin)
            days = (last - first).days + 1
            # One division per period, so the only inexact step is that quotient.
            amount = base * rate * days / (100 * basis)
            result.append(InterestPeriod(first, last, days, rate, amount, base))
        total = sum((period.amount for period in result), ZERO)
    return InterestResult(tuple(result), round_amount(total, rounding), start, as_of)


def _anniversaries(origin: date, end: date) -> list[date]:
    """The first day of each new year of delay after ``origin`` up to ``end`` (a year
    begun on 29 February renews on 1 March)."""
    days = []
    for years in range(1, end.year - origin.year + 2):
        try:
            day = origin.replace(year=origin.year + years)
        except ValueError:
            day = date(origin.year + years, 3, 1)
        if day <= end:
            days.append(day)
    return days


def fixed_compensation(debt: Decimal, rule: InterestRule) -> Decimal:
    """The compensation for recovery costs a ``debt`` earns under ``rule``.

    With bands: the amount of the first band whose threshold ``debt`` is strictly
    below (a None threshold takes any debt); 0 when no band applies. With a scale:
    each tier's percentage of the part of the debt within it, summed, rounded half up
    to the cent and kept within the rule's minimum and maximum. Either way the VAT
    rate of the rule is added on top, and nothing is due when nothing is owed.
    ``debt`` and the result are in ``rule.compensation_currency``: converting is the
    caller's job.
    """
    validate_interest_rule(rule)
    debt = to_decimal(debt, "debt")
    if debt <= 0:
        return ZERO
    if rule.compensation_scale:
        amount = _scale_compensation(debt, rule)
    else:
        amount = ZERO
        for threshold, band in rule.compensation_bands:
            if threshold is None or debt < to_decimal(
                threshold, "compensation threshold"
            ):
                amount = to_decimal(band, "compensation amount")
                break
    vat = to_decimal(rule.compensation_vat, "compensation VAT rate")
    if vat and amount:
        with localcontext(_CONTEXT):
            amount = round_amount(amount * (100 + vat) / 100)
    return amount


def _scale_compensation(debt: Decimal, rule: InterestRule) -> Decimal:
    """The tiered percentage of ``debt``, rounded to the cent, within the bounds."""
    amount, floor = ZERO, ZERO
    with localcontext(_CONTEXT):
        for bound, percent in rule.compensation_scale:
            top = debt if bound is None else min(debt, to_decimal(bound, "scale bound"))
            if top > floor:
                amount += (top - floor) * to_decimal(percent, "scale percentage") / 100
            if bound is None or debt <= top:
                break
            floor = top
        amount = round_amount(amount)
        if rule.compensation_minimum is not None:
            amount = max(amount, to_decimal(rule.compensation_minimum))
        if rule.compensation_maximum is not None:
            amount = min(amount, to_decimal(rule.compensation_maximum))
    return amount


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

BIK_SCALE = (
    (Decimal("2500"), Decimal("15")),
    (Decimal("5000"), Decimal("10")),
    (Decimal("10000"), Decimal("5")),
    (Decimal("200000"), Decimal("1")),
    (None, Decimal("0.5")),
)
"""The Dutch BIK scale as ``(upper bound, percent)`` tiers, in EUR."""

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
    # § 289 BGB: no interest on interest, so never compound_yearly.
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
    # half-year; art. 6:96(4) BW: EUR 40; art. 6:119a(3) with 6:119(2) BW: the
    # interest of each full year is added to the sum it runs on.
    "nl_b2b": InterestRule(
        code="nl_b2b",
        margin=Decimal("8"),
        reference_fixing="semester",
        compensation_bands=_EUR_40,
        compensation_currency="EUR",
        reference_series="ecb_mro",
        compound_yearly=True,
    ),
    # Art. 6:96(2)(c), (5) and (6) BW with the Besluit vergoeding voor
    # buitengerechtelijke incassokosten (BIK), art. 2: 15 % of the first 2,500 EUR,
    # 10 % of the next 2,500, 5 % of the next 5,000, 1 % of the next 190,000 and
    # 0.5 % above, at least 40 and at most 6,775 EUR; VAT on top only when the
    # creditor cannot deduct it (compensation_vat). Chargeable only after the 14-day
    # letter (art. 6:96(6) BW). The consumer wettelijke rente (art. 6:119 BW, a rate
    # set by decree) is not shipped: the rule charges no interest until an
    # administrator sets it as the fixed rate.
    "nl_b2c": InterestRule(
        code="nl_b2c",
        margin=Decimal("0"),
        fixed_rate=Decimal("0"),
        compound_yearly=True,
        compensation_scale=BIK_SCALE,
        compensation_minimum=Decimal("40"),
        compensation_maximum=Decimal("6775"),
        compensation_currency="EUR",
    ),
    # Art. L313-2 and D313-1-A Code monétaire et financier: a consumer owes the taux
    # de l'intérêt légal fixed per half-year; the creditor, a business, is in the
    # "other cases" series. Art. L441-10 C. com. (EUR 40) is for businesses only,
    # and art. L111-8 Code des procédures civiles d'exécution leaves pre-judgment
    # collection costs to the creditor: no compensation.
    "fr_b2c": InterestRule(
        code="fr_b2c",
        margin=Decimal("0"),
        reference_fixing="semester",
        reference_series="fr_legal_pro",
    ),
    # Ley 3/2004 art. 7: the ECB rate of its latest main refinancing operation before
    # the first day of the half-year + 8 points; art. 8: EUR 40.
    "es_b2b": InterestRule(
        code="es_b2b",
        margin=Decimal("8"),
        reference_fixing="semester",
        compensation_bands=_EUR_40,
        compensation_currency="EUR",
        reference_series="ecb_mro",
    ),
    # D.Lgs. 231/2002 art. 5: the ECB rate in force on the first day of the half-year
    # + 8 points; art. 6(2): EUR 40.
    "it_b2b": InterestRule(
        code="it_b2b",
        margin=Decimal("8"),
        reference_fixing="semester",
        compensation_bands=_EUR_40,
        compensation_currency="EUR",
        reference_series="ecb_mro",
    ),
    # Vietnamese Civil Code 2015 art. 357(2) with art. 468(1): without an agreed rate,
    # half of the 20 % cap, so 10 % a year.
    "vn_civil": InterestRule(
        code="vn_civil", margin=Decimal("0"), fixed_rate=Decimal("10")
    ),
    # Commercial Law 2005 art. 306: the average market rate for overdue loans at the
    # time of payment, unless agreed; the rate is the administrator's to keep current.
    "vn_commercial": InterestRule(
        code="vn_commercial", margin=Decimal("0"), fixed_rate=Decimal("10")
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
