"""Dunning fees: fixed, percentage, bounds, currency and fee invoices.

Expected fees are worked out by hand in the comments; the total is rounded half up
to the cent.
"""

from decimal import Decimal as D

import pytest

from dunning_followup import (
    DunningConfigError,
    FeeRule,
    fee_applies,
    level_fee,
    validate_fee_rule,
)


def test_fixed_fee():
    assert level_fee(D("1000"), FeeRule(fixed=D("5"))) == D("5.00")


def test_no_rule_no_fee():
    assert level_fee(D("1000"), FeeRule()) == D("0.00")


def test_percentage_fee():
    # 1.5 % of 1,234.56 = 18.5184 -> 18.52
    assert level_fee(D("1234.56"), FeeRule(percent=D("1.5"))) == D("18.52")
    # 2.50 + 1 % of 100 = 3.50
    assert level_fee(D("100"), FeeRule(fixed=D("2.50"), percent=D("1"))) == D("3.50")


def test_minimum_and_maximum():
    rule = FeeRule(fixed=D("2.50"), percent=D("1"), minimum=D("5"), maximum=D("50"))
    # 2.50 + 1 % of 100 = 3.50, raised to the minimum 5.00
    assert level_fee(D("100"), rule) == D("5.00")
    # 2.50 + 1 % of 2,000 = 22.50, within the bounds
    assert level_fee(D("2000"), rule) == D("22.50")
    # 2.50 + 1 % of 10,000 = 102.50, capped at 50.00
    assert level_fee(D("10000"), rule) == D("50.00")


def test_currency_rate_converts_fixed_amounts_only():
    # Company in EUR, invoice in USD at 1.0850 USD per EUR.
    # 10 EUR -> 10.85 USD; 1 % of 2,000 USD (already USD) = 20.00: 30.85 USD.
    rate = D("1.0850")
    assert level_fee(D("2000"), FeeRule(fixed=D("10"), percent=D("1")), rate=rate) == D(
        "30.85"
    )
    # Minimum 40 EUR -> 43.40 USD beats 30.85.
    floor = FeeRule(fixed=D("10"), percent=D("1"), minimum=D("40"))
    assert level_fee(D("2000"), floor, rate=rate) == D("43.40")
    # Maximum 25 EUR -> 27.125 USD, rounded half up to 27.13.
    cap = FeeRule(fixed=D("10"), percent=D("1"), maximum=D("25"))
    assert level_fee(D("2000"), cap, rate=rate) == D("27.13")


def test_nothing_overdue_no_fee_not_even_the_minimum():
    rule = FeeRule(fixed=D("5"), minimum=D("10"))
    assert level_fee(D("0"), rule) == 0
    assert level_fee(D("-20"), rule) == 0


def test_rounding_step_and_float_input():
    # 3 % of 1,001 = 30.03; to whole yen -> 30. A float overdue amount goes
    # through its repr.
    assert level_fee(D("1001"), FeeRule(percent=D("3")), rounding=D("1")) == D("30")
    assert level_fee(100.1, FeeRule(percent=D("10"))) == D("10.01")


@pytest.mark.parametrize(
    "rule, message",
    [
        (FeeRule(fixed=D("-1")), "fixed fee"),
        (FeeRule(percent=D("-0.5")), "fee percentage"),
        (FeeRule(minimum=D("-1")), "minimum fee"),
        (FeeRule(maximum=D("-1")), "maximum fee"),
        (FeeRule(minimum=D("20"), maximum=D("10")), "exceeds"),
    ],
)
def test_invalid_rules_fail_even_with_nothing_overdue(rule, message):
    with pytest.raises(DunningConfigError, match=message):
        validate_fee_rule(rule)
    with pytest.raises(DunningConfigError, match=message):
        level_fee(D("0"), rule)


@pytest.mark.parametrize("rate", [D("0"), D("-1.2")])
def test_currency_rate_must_be_positive(rate):
    with pytest.raises(DunningConfigError, match="currency rate"):
        level_fee(D("100"), FeeRule(fixed=D("5")), rate=rate)


def test_no_fee_on_fee_invoices():
    assert fee_applies(False) is True
    assert fee_applies(True) is False
