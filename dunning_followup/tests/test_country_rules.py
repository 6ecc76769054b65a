"""The national rules of issue 18: the Dutch BIK scale, yearly compounding, the
French taux légal, the UK Bank Rate of 2025, Spain, Italy and Vietnam, and the check
that reference-rate series are current.

Every expected amount is worked out by hand in the comments, as in test_interest.
"""

import dataclasses
from datetime import date
from decimal import Decimal as D

import pytest

from dunning_followup import (
    BIK_SCALE,
    REFERENCE_RATES,
    RULES,
    DunningConfigError,
    InterestRule,
    fixed_compensation,
    half_year_start,
    series_is_current,
    stale_series,
    statutory_interest,
    validate_interest_rule,
)


def periods(result):
    return [(p.date_from, p.date_to, p.days, p.annual_rate) for p in result.periods]


def shipped(principal, date_due, as_of, code, **kwargs):
    rule = RULES[code]
    series = REFERENCE_RATES[rule.reference_series] if rule.reference_series else ()
    return statutory_interest(D(principal), date_due, as_of, rule, series, **kwargs)


# --- The Dutch BIK scale ------------------------------------------------------------


@pytest.mark.parametrize(
    "debt, costs",
    [
        # 15 % of 100 = 15.00, below the minimum: 40.00.
        (D("100"), D("40")),
        # 15 % of 250 = 37.50, still the minimum.
        (D("250"), D("40")),
        # 15 % of 1,000 = 150.00.
        (D("1000"), D("150.00")),
        # 15 % of 1,234.56 = 185.184 -> 185.18.
        (D("1234.56"), D("185.18")),
        # The whole first tier: 15 % of 2,500 = 375.00.
        (D("2500"), D("375.00")),
        # 375 + 10 % of 500 = 425.00.
        (D("3000"), D("425.00")),
        # 375 + 250 + 5 % of 2,500 = 750.00.
        (D("7500"), D("750.00")),
        # 375 + 250 + 250 = 875.00.
        (D("10000"), D("875.00")),
        # 875 + 1 % of 190,000 (1,900) + 0.5 % of 50,000 (250) = 3,025.00.
        (D("250000"), D("3025.00")),
        # 2,775 + 0.5 % of 800,000 (4,000) = 6,775.00: exactly the maximum.
        (D("1000000"), D("6775")),
        # 2,775 + 0.5 % of 1,800,000 (9,000) = 11,775, capped at 6,775.
        (D("2000000"), D("6775")),
    ],
)
def test_bik_scale_at_several_debts(debt, costs):
    assert fixed_compensation(debt, RULES["nl_b2c"]) == costs


def test_bik_scale_plus_vat_when_the_creditor_cannot_deduct_it():
    rule = dataclasses.replace(RULES["nl_b2c"], compensation_vat=D("21"))
    # 150.00 × 1.21 = 181.50; the minimum 40.00 × 1.21 = 48.40.
    assert fixed_compensation(D("1000"), rule) == D("181.50")
    assert fixed_compensation(D("100"), rule) == D("48.40")
    # Nothing owed, nothing charged, not even the minimum.
    assert fixed_compensation(D("0"), rule) == 0


def test_a_scale_without_bounds_and_on_any_rule():
    # The scale is a compensation type of any rule: here on a Swiss-like fixed rate,
    # 2 % up to 1,000 then 1 %: 2,000 -> 20 + 10 = 30.00.
    rule = InterestRule(
        code="scale",
        margin=D("0"),
        fixed_rate=D("5"),
        compensation_scale=((D("1000"), D("2")), (None, D("1"))),
    )
    assert fixed_compensation(D("2000"), rule) == D("30.00")
    assert fixed_compensation(D("500"), rule) == D("10.00")


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"compensation_bands": ((None, D("40")),)}, "choose one"),
        (
            {"compensation_scale": ((None, D("1")), (D("10"), D("2")))},
            "last compensation tier",
        ),
        (
            {"compensation_scale": ((D("10"), D("-1")),)},
            "negative compensation percentage",
        ),
        (
            {"compensation_minimum": D("100"), "compensation_maximum": D("50")},
            "exceeds",
        ),
        ({"compensation_minimum": D("-1")}, "negative minimum"),
        ({"compensation_vat": D("-21")}, "negative VAT"),
        ({"compound_yearly": "yes"}, "True or False"),
    ],
)
def test_invalid_scales(changes, message):
    with pytest.raises(DunningConfigError, match=message):
        validate_interest_rule(dataclasses.replace(RULES["nl_b2c"], **changes))


def test_bik_scale_constant():
    assert BIK_SCALE[-1] == (None, D("0.5"))
    assert [bound for bound, _percent in BIK_SCALE[:-1]] == [
        D("2500"),
        D("5000"),
        D("10000"),
        D("200000"),
    ]


# --- Yearly compounding -------------------------------------------------------------

TEN_PERCENT_COMPOUND = InterestRule(
    code="compound", margin=D("0"), fixed_rate=D("10"), compound_yearly=True
)


def test_yearly_compounding_over_two_years():
    # 3,650 due 2022-12-31 at 10 %, to 2024-12-31.
    # Year 1, 2023-01-01..2023-12-31, 365 days: 3,650 × 10 % × 365 / 365 = 365.00.
    # Year 2 runs on 3,650 + 365 = 4,015; 2024-01-01..2024-12-31, 366 days:
    #   4,015 × 10 % × 366 / 365 = 401.5 × 366 / 365 = 146,949 / 365 = 402.60.
    # Total 767.60 (simple interest would be 3,650 × 10 % × 731 / 365 = 731.00).
    result = statutory_interest(
        D("3650"), date(2022, 12, 31), date(2024, 12, 31), TEN_PERCENT_COMPOUND
    )
    assert periods(result) == [
        (date(2023, 1, 1), date(2023, 12, 31), 365, D("10")),
        (date(2024, 1, 1), date(2024, 12, 31), 366, D("10")),
    ]
    assert [p.principal for p in result.periods] == [D("3650"), D("4015")]
    assert result.amount == D("767.60")
    simple = dataclasses.replace(TEN_PERCENT_COMPOUND, compound_yearly=False)
    assert statutory_interest(
        D("3650"), date(2022, 12, 31), date(2024, 12, 31), simple
    ).amount == D("731.00")


def test_compounding_charged_in_two_letters_sums_to_one_charge():
    # First letter to 2023-06-30: 181 days × 1.00 a day = 181.00.
    # Second letter: 2023-07-01..12-31, 184 days on 3,650 = 184.00, then 2024 on
    # 4,015 = 402.60 (as above): 586.60. 181.00 + 586.60 = 767.60.
    due = date(2022, 12, 31)
    first = statutory_interest(D("3650"), due, date(2023, 6, 30), TEN_PERCENT_COMPOUND)
    second = statutory_interest(
        D("3650"),
        due,
        date(2024, 12, 31),
        TEN_PERCENT_COMPOUND,
        charged_until=date(2023, 6, 30),
    )
    assert first.amount == D("181.00")
    assert periods(second) == [
        (date(2023, 7, 1), date(2023, 12, 31), 184, D("10")),
        (date(2024, 1, 1), date(2024, 12, 31), 366, D("10")),
    ]
    assert second.amount == D("586.60")


def test_dutch_commercial_interest_compounds_yearly():
    # EUR 10,000 due 2023-06-30, to 2025-06-30, ECB + 8 fixed per half-year:
    # H2 2023: ECB 4.00 -> 12.00 %; H1 2024: 4.50 -> 12.50 %; H2 2024: 4.25 ->
    # 12.25 %; H1 2025: 3.15 -> 11.15 %.
    # Year 1 (2023-07-01..2024-06-30): 10,000 × 12 % × 184 / 365 = 220,800 / 365,
    #   plus 10,000 × 12.5 % × 182 / 365 = 227,500 / 365: 448,300 / 365 = 1,228.2192.
    # Year 2 runs on 10,000 + 1,228.2192 = 11,228.2192 (4,098,300 / 365):
    #   × (184 × 12.25 + 181 × 11.15) / 36,500 = × 4,272.15 / 36,500 = 1,314.2092.
    # Total 2,542.4284 -> 2,542.43 (simple: 1,228.2192 + 1,170.4521 = 2,398.67).
    result = shipped("10000", date(2023, 6, 30), date(2025, 6, 30), "nl_b2b")
    assert periods(result) == [
        (date(2023, 7, 1), date(2023, 12, 31), 184, D("12.00")),
        (date(2024, 1, 1), date(2024, 6, 30), 182, D("12.50")),
        (date(2024, 7, 1), date(2024, 12, 31), 184, D("12.25")),
        (date(2025, 1, 1), date(2025, 6, 30), 181, D("11.15")),
    ]
    assert result.amount == D("2542.43")
    assert result.periods[2].principal == D(4098300) / D(365)
    simple = dataclasses.replace(RULES["nl_b2b"], compound_yearly=False)
    assert statutory_interest(
        D("10000"),
        date(2023, 6, 30),
        date(2025, 6, 30),
        simple,
        REFERENCE_RATES["ecb_mro"],
    ).amount == D("2398.67")


def test_german_rules_never_compound():
    # § 289 BGB: no interest on interest.
    assert not RULES["de_b2b"].compound_yearly
    assert not RULES["de_b2c"].compound_yearly


def test_a_year_begun_on_29_february_renews_on_1_march():
    # 3,660 due 2024-02-28 at 10 %: interest from 2024-02-29; the first year ends
    # 2025-02-28 (366 days: 366 × 366 / 365 = 133,956 / 365 = 367.0027...). From
    # 2025-03-01 the sum is 3,660 + 367.0027 = 4,027.0027; to 2025-03-10 (10 days) it
    # earns 4,027.0027 × 10 % × 10 / 365 = 11.0329... Total 378.0356 -> 378.04.
    result = statutory_interest(
        D("3660"), date(2024, 2, 28), date(2025, 3, 10), TEN_PERCENT_COMPOUND
    )
    assert [p.date_from for p in result.periods] == [
        date(2024, 2, 29),
        date(2025, 3, 1),
    ]
    assert result.amount == D("378.04")


# --- France, the United Kingdom, Spain, Italy, Vietnam ------------------------------


def test_french_consumer_rate_across_a_half_year_change():
    # EUR 10,000 due 2024-05-31, to 2024-08-31, taux légal (creditor a professional):
    # H1 2024 5.07 %: 06-01..06-30, 30 days: 507 × 30 / 365 = 15,210 / 365
    # H2 2024 4.92 %: 07-01..08-31, 62 days: 492 × 62 / 365 = 30,504 / 365
    # Total 45,714 / 365 = 125.2438... -> 125.24; no collection costs.
    result = shipped("10000", date(2024, 5, 31), date(2024, 8, 31), "fr_b2c")
    assert periods(result) == [
        (date(2024, 6, 1), date(2024, 6, 30), 30, D("5.07")),
        (date(2024, 7, 1), date(2024, 8, 31), 62, D("4.92")),
    ]
    assert result.amount == D("125.24")
    assert fixed_compensation(D("10000"), RULES["fr_b2c"]) == 0


def test_uk_late_payment_at_the_2025_bank_rates():
    # GBP 10,000 due 2025-12-15, claimed 2026-02-28, Bank Rate + 8:
    # H2 2025 takes Bank Rate on 2025-06-30: 4.25 -> 12.25 %; 12-16..12-31, 16 days:
    #   1,225 × 16 / 365 = 19,600 / 365.
    # H1 2026 takes Bank Rate on 2025-12-31: 3.75 (from 2025-12-18) -> 11.75 %;
    #   01-01..02-28, 59 days: 1,175 × 59 / 365 = 69,325 / 365.
    # Total 88,925 / 365 = 243.6301... -> 243.63; fixed sum GBP 100 (not below 10,000).
    result = shipped("10000", date(2025, 12, 15), date(2026, 2, 28), "uk_b2b")
    assert periods(result) == [
        (date(2025, 12, 16), date(2025, 12, 31), 16, D("12.25")),
        (date(2026, 1, 1), date(2026, 2, 28), 59, D("11.75")),
    ]
    assert result.amount == D("243.63")
    assert fixed_compensation(D("10000"), RULES["uk_b2b"]) == D("100")


def test_bank_rate_of_4_and_3_75_percent_day_by_day():
    # GBP 3,650 + 8 points, the rate in force each day: 3,650 × r / 100 / 365 = r / 10
    # a day. 08-01..08-06 at 12.25: 6 × 1.225 = 7.35; 08-07..12-17 (25 + 30 + 31 +
    # 30 + 17 = 133 days) at 12.00: 159.60; 12-18..12-31 (14 days) at 11.75: 16.45.
    # Total 183.40.
    rule = InterestRule(
        code="daily",
        margin=D("8"),
        reference_fixing="daily",
        reference_series="boe_base",
    )
    result = statutory_interest(
        D("3650"),
        date(2025, 7, 31),
        date(2025, 12, 31),
        rule,
        REFERENCE_RATES["boe_base"],
    )
    assert periods(result) == [
        (date(2025, 8, 1), date(2025, 8, 6), 6, D("12.25")),
        (date(2025, 8, 7), date(2025, 12, 17), 133, D("12.00")),
        (date(2025, 12, 18), date(2025, 12, 31), 14, D("11.75")),
    ]
    assert result.amount == D("183.40")


@pytest.mark.parametrize("code", ["es_b2b", "it_b2b"])
def test_spanish_and_italian_b2b(code):
    # EUR 1,000 due 2025-06-30, to 2025-07-30: ECB on 1 July 2025 2.15 + 8 = 10.15 %,
    # 30 days: 101.5 × 30 / 365 = 3,045 / 365 = 8.3424... -> 8.34; EUR 40.
    result = shipped("1000", date(2025, 6, 30), date(2025, 7, 30), code)
    assert result.amount == D("8.34")
    assert fixed_compensation(D("1000"), RULES[code]) == D("40")


def test_vietnamese_civil_ten_percent_in_whole_dong():
    # VND 100,000,000 due 2025-03-31, to 2025-06-30 (91 days) at 10 %:
    # 10,000,000 × 91 / 365 = 910,000,000 / 365 = 2,493,150.68... -> 2,493,151 (no
    # decimals in VND).
    result = shipped(
        "100000000", date(2025, 3, 31), date(2025, 6, 30), "vn_civil", rounding=D("1")
    )
    assert result.amount == D("2493151")
    assert RULES["vn_civil"].compensation_bands == ()
    # The commercial rule's rate is configurable: at 12 %, 12,000,000 × 91 / 365 =
    # 2,991,780.82... -> 2,991,781.
    commercial = dataclasses.replace(RULES["vn_commercial"], fixed_rate=D("12"))
    assert statutory_interest(
        D("100000000"),
        date(2025, 3, 31),
        date(2025, 6, 30),
        commercial,
        rounding=D("1"),
    ).amount == D("2991781")


# --- Reference rates kept current ---------------------------------------------------


def test_half_year_start():
    assert half_year_start(date(2025, 6, 30)) == date(2025, 1, 1)
    assert half_year_start(date(2025, 7, 1)) == date(2025, 7, 1)


def test_shipped_series_are_current_in_the_second_half_of_2025():
    assert stale_series(REFERENCE_RATES, date(2025, 9, 1)) == ()


def test_shipped_series_are_current_in_the_first_half_of_2026():
    # ECB, Bundesbank and OeNB restated on 1 January 2026, the Bank Rate on
    # 31 December 2025, the taux légal by the arrêté of 15 December 2025.
    assert stale_series(REFERENCE_RATES, date(2026, 1, 15)) == ()


def test_french_legal_rates_of_the_first_half_of_2026():
    # Arrêté du 15 décembre 2025 (JORF du 26 décembre 2025).
    private = REFERENCE_RATES["fr_legal_private"][-1]
    assert (private.date_from, private.rate) == (date(2026, 1, 1), D("6.67"))
    pro = REFERENCE_RATES["fr_legal_pro"][-1]
    assert (pro.date_from, pro.rate) == (date(2026, 1, 1), D("2.62"))


def test_every_series_reads_stale_in_the_second_half_of_2026():
    # No rate for 1 July 2026 (30 June for the UK) is shipped: each series warns.
    assert stale_series(REFERENCE_RATES, date(2026, 12, 1)) == tuple(
        sorted(REFERENCE_RATES)
    )


def test_a_series_is_current_from_the_day_before_the_half_year():
    # The UK rule fixes the rate on 30 June / 31 December: a point of that day counts.
    points = REFERENCE_RATES["de_base"]
    assert series_is_current(points, date(2026, 6, 30))
    assert not series_is_current(points, date(2026, 7, 1))
    assert not series_is_current((), date(2025, 9, 1))
