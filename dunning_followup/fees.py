"""Dunning fees: the charge a dunning level adds for an overdue invoice."""

from dataclasses import dataclass
from decimal import Decimal, localcontext

from .errors import DunningConfigError
from .interest import _CONTEXT, ZERO, round_amount, to_decimal


@dataclass(frozen=True)
class FeeRule:
    """The fee of a dunning level: ``fixed`` plus ``percent`` % of the overdue amount,
    kept within ``minimum`` and ``maximum`` (None: no bound).

    ``fixed``, ``minimum`` and ``maximum`` are in company currency.
    """

    fixed: Decimal = ZERO
    percent: Decimal = ZERO
    minimum: Decimal | None = None
    maximum: Decimal | None = None


def validate_fee_rule(rule: FeeRule) -> FeeRule:
    """``rule``, checked for consistency.

    :raises DunningConfigError: when a value is negative or not a number, or the
        minimum exceeds the maximum
    """
    for what, value in (
        ("fixed fee", rule.fixed),
        ("fee percentage", rule.percent),
        ("minimum fee", rule.minimum),
        ("maximum fee", rule.maximum),
    ):
        if value is not None and to_decimal(value, what) < 0:
            raise DunningConfigError(f"The {what} {value} must not be negative.")
    if (
        rule.minimum is not None
        and rule.maximum is not None
        and to_decimal(rule.minimum) > to_decimal(rule.maximum)
    ):
        raise DunningConfigError(
            f"The minimum fee {rule.minimum} exceeds the maximum fee {rule.maximum}."
        )
    return rule


def level_fee(
    overdue_amount: Decimal,
    rule: FeeRule,
    *,
    rate: Decimal = Decimal(1),
    rounding: Decimal = Decimal("0.01"),
) -> Decimal:
    """The fee for ``overdue_amount`` (in invoice currency), in invoice currency.

    ``fixed + percent / 100 × overdue_amount``, raised to ``minimum`` and capped at
    ``maximum``, rounded half up to a multiple of ``rounding``. ``rate`` converts
    company currency into invoice currency: ``fixed``, ``minimum`` and ``maximum``
    are multiplied by it; the percentage applies to the overdue amount as it is.
    Nothing overdue (0 or less): no fee, not even the minimum.

    :raises DunningConfigError: for an invalid rule or a rate that is not positive
    """
    # Checked first so a misconfigured rule fails even when nothing is overdue.
    validate_fee_rule(rule)
    rate = to_decimal(rate, "currency rate")
    if rate <= 0:
        raise DunningConfigError(f"The currency rate {rate} must be positive.")
    overdue = to_decimal(overdue_amount, "overdue amount")
    if overdue <= 0:
        return round_amount(ZERO, rounding)
    with localcontext(_CONTEXT):
        fee = to_decimal(rule.fixed) * rate + overdue * to_decimal(rule.percent) / 100
        if rule.minimum is not None:
            fee = max(fee, to_decimal(rule.minimum) * rate)
        if rule.maximum is not None:
            fee = min(fee, to_decimal(rule.maximum) * rate)
    return round_amount(fee, rounding)


def fee_applies(is_fee_invoice: bool) -> bool:
    """Whether a dunning fee may be charged on an invoice.

    Fee invoices are followed up like any other invoice, but no fee is charged on
    them: a fee on a fee would snowball.
    """
    return not is_fee_invoice
