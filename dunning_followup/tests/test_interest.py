"""Statutory late-payment interest, fixed compensation and the shipped rates.

Every expected amount is worked out by hand in the comments: interest of a period is
principal × rate / 100 × days / basis, periods summed unrounded, the total rounded
half up to the cent.
"""

import dataclasses
import random
from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from dunning_followup import (
    REFERENCE_RATES,
    RULES,
    DunningConfigError,
    InterestRule,
    RatePoint,
    compensation_due,
    customer_kind,
    fixed_compensation,
    round_amount,
    statutory_interest,
    validate_interest_rule,
    validate_series,
)

ECB = REFERENCE_RATES["ecb_mro"]
DE_BASE = REFERENCE_RATES["de_base"]


def periods(result):
    """The periods as (from, to, days, rate) tuples, to compare at a glance."""
    return [(p.date_from, p.date_to, p.days, p.annual_rate) for p in result.periods]


def in_force(series, day):
    """The rate of ``series`` in force on ``day``."""
    ordered = sorted(series, key=lambda point: point.date_from)
    return [point.rate for point in ordered if point.date_from <= day][-1]


def shipped(principal, date_due, as_of, code, **kwargs):
    """The interest under the shipped rule ``code`` with its shipped series."""
    rule = RULES[code]
    series = REFERENCE_RATES[rule.reference_series] if rule.reference_series else ()
    return statutory_interest(D(principal), date_due, as_of, rule, series, **kwargs)


# --- Worked examples --------------------------------------------------------------


def test_german_b2b_across_a_base_rate_change():
    # EUR 10,000 due 2023-05-15, reminded 2023-08-31, §288(2) BGB: base rate + 9.
    # Base rate 1 Jan 2023: 1.62 -> 10.62 %; 1 Jul 2023: 3.12 -> 12.12 %.
    # 2023-05-16..2023-06-30: 16 (May) + 30 (June) = 46 days
    #   10,000 × 10.62 % × 46 / 365 = 1,062 × 46 / 365 = 48,852 / 365 = 133.8410958...
    # 2023-07-01..2023-08-31: 31 + 31 = 62 days
    #   10,000 × 12.12 % × 62 / 365 = 1,212 × 62 / 365 = 75,144 / 365 = 205.8739726...
    # Total 123,996 / 365 = 339.7150684... -> 339.72
    result = shipped("10000", date(2023, 5, 15), date(2023, 8, 31), "de_b2b")
    assert periods(result) == [
        (date(2023, 5, 16), date(2023, 6, 30), 46, D("10.62")),
        (date(2023, 7, 1), date(2023, 8, 31), 62, D("12.12")),
    ]
    assert result.periods[0].amount == D(48852) / D(365)
    assert result.periods[1].amount == D(75144) / D(365)
    assert result.amount == D("339.72")
    assert (result.date_from, result.date_to) == (date(2023, 5, 16), date(2023, 8, 31))
    assert fixed_compensation(D("10000"), RULES["de_b2b"]) == D("40")


def test_french_b2b_semester_fixing_and_compensation():
    # EUR 5,000 due 2024-05-31, reminded 2024-09-30: taux BCE + 10 points.
    # ECB rate in force on 1 Jan 2024: 4.50 (since 2023-09-20) -> 14.50 % for Jan-Jun;
    # on 1 Jul 2024: 4.25 (since 2024-06-12) -> 14.25 % for Jul-Dec. The cuts of
    # 2024-06-12 (within H1) and 2024-09-18 (3.65) do not move the rate mid-semester.
    # 2024-06-01..06-30: 30 days: 5,000 × 14.50 % × 30 / 365 = 21,750 / 365 = 59.5890...
    # 2024-07-01..09-30: 31 + 31 + 30 = 92 days:
    #   5,000 × 14.25 % × 92 / 365 = 712.5 × 92 / 365 = 65,550 / 365 = 179.5890...
    # Total 87,300 / 365 = 239.1780821... -> 239.18, plus the EUR 40 indemnité.
    assert in_force(ECB, date(2024, 1, 1)) == D("4.50")
    assert in_force(ECB, date(2024, 7, 1)) == D("4.25")
    result = shipped("5000", date(2024, 5, 31), date(2024, 9, 30), "fr_b2b")
    assert periods(result) == [
        (date(2024, 6, 1), date(2024, 6, 30), 30, D("14.50")),
        (date(2024, 7, 1), date(2024, 9, 30), 92, D("14.25")),
    ]
    assert result.amount == D("239.18")
    assert compensation_due(False, D("5000"), RULES["fr_b2b"]) == D("40")
    assert RULES["fr_b2b"].compensation_currency == "EUR"


def test_daily_fixing_follows_every_ecb_change():
    # Same invoice as above, ECB + 8 with the rate in force each day:
    # 06-01..06-11: 11 days at 4.50 + 8 = 12.50 %:
    #   5,000 × 12.50 % × 11 / 365 = 6,875 / 365
    # 06-12..09-17: 19 + 31 + 31 + 17 = 98 days at 12.25 %:
    #   612.5 × 98 / 365 = 60,025 / 365
    # 09-18..09-30: 13 days at 3.65 + 8 = 11.65 %: 582.5 × 13 / 365 = 7,572.5 / 365
    # Total 74,472.5 / 365 = 204.0342... -> 204.03
    rule = InterestRule(code="daily", margin=D("8"), reference_fixing="daily")
    result = statutory_interest(
        D("5000"), date(2024, 5, 31), date(2024, 9, 30), rule, ECB
    )
    assert periods(result) == [
        (date(2024, 6, 1), date(2024, 6, 11), 11, D("12.50")),
        (date(2024, 6, 12), date(2024, 9, 17), 98, D("12.25")),
        (date(2024, 9, 18), date(2024, 9, 30), 13, D("11.65")),
    ]
    assert result.amount == D("204.03")


def test_uk_reference_rate_is_fixed_on_31_december_and_30_june():
    # GBP 2,000 due 2023-06-15, claimed 2023-07-31: Bank Rate + 8.
    # Jan-Jun 2023 uses Bank Rate on 2022-12-31: 3.50 (since 2022-12-15) -> 11.50 %
    # (not the 4.50 / 5.00 in force in June). Jul-Dec uses 2023-06-30: 5.00 -> 13.00 %.
    # 06-16..06-30: 15 days: 2,000 × 11.50 % × 15 / 365 = 230 × 15 / 365 = 3,450 / 365
    # 07-01..07-31: 31 days: 2,000 × 13.00 % × 31 / 365 = 260 × 31 / 365 = 8,060 / 365
    # Total 11,510 / 365 = 31.5342... -> 31.53
    result = shipped("2000", date(2023, 6, 15), date(2023, 7, 31), "uk_b2b")
    assert periods(result) == [
        (date(2023, 6, 16), date(2023, 6, 30), 15, D("11.50")),
        (date(2023, 7, 1), date(2023, 7, 31), 31, D("13.00")),
    ]
    assert result.amount == D("31.53")


def test_semester_and_uk_semester_differ_on_a_change_on_1_january():
    # A reference rate moving from 2.00 to 3.00 on 1 January 2024 counts for H1 2024
    # under 'semester' (in force on 1 January) but not under 'uk_semester' (in force
    # on 31 December), which catches it only from 1 July.
    series = [
        RatePoint(date(2023, 1, 1), D("2.00")),
        RatePoint(date(2024, 1, 1), D("3.00")),
    ]
    eu = InterestRule(code="eu", margin=D("8"), reference_fixing="semester")
    uk = InterestRule(code="uk", margin=D("8"), reference_fixing="uk_semester")
    # 36,500 × rate × 10 days / 365 = rate × 10: 11 % -> 110.00; 10 % -> 100.00
    due, as_of = date(2024, 2, 29), date(2024, 3, 10)
    assert statutory_interest(D("36500"), due, as_of, eu, series).amount == D("110.00")
    assert statutory_interest(D("36500"), due, as_of, uk, series).amount == D("100.00")
    result = statutory_interest(
        D("36500"), date(2024, 6, 20), date(2024, 7, 10), uk, series
    )
    assert periods(result) == [
        (date(2024, 6, 21), date(2024, 6, 30), 10, D("10.00")),
        (date(2024, 7, 1), date(2024, 7, 10), 10, D("11.00")),
    ]


def test_unchanged_rate_across_a_half_year_is_one_period():
    # German base rate -0.88 on both 1 Jan and 1 Jul 2022: one period,
    # 9 + -0.88 = 8.12 %. 2022-05-01..2022-08-31: 31 + 30 + 31 + 31 = 123 days;
    # 1,000 × 8.12 % × 123 / 365 = 81.2 × 123 / 365 = 9,987.6 / 365
    #   = 27.3632... -> 27.36
    result = shipped("1000", date(2022, 4, 30), date(2022, 8, 31), "de_b2b")
    assert periods(result) == [(date(2022, 5, 1), date(2022, 8, 31), 123, D("8.12"))]
    assert result.amount == D("27.36")


def test_german_b2c_with_negative_base_rate():
    # §288(1) BGB: base rate + 5 = -0.88 + 5 = 4.12 % in 2022.
    # EUR 1,000 due 2022-01-31, to 2022-03-02: 28 (Feb) + 2 = 30 days;
    # 1,000 × 4.12 % × 30 / 365 = 41.2 × 30 / 365 = 1,236 / 365 = 3.3863... -> 3.39;
    # no Pauschale for a consumer.
    result = shipped("1000", date(2022, 1, 31), date(2022, 3, 2), "de_b2c")
    assert result.amount == D("3.39")
    assert fixed_compensation(D("1000"), RULES["de_b2c"]) == 0


def test_netherlands_b2b_is_ecb_plus_8_per_half_year():
    # EUR 10,000 due 2023-12-31, to 2024-03-31: ECB on 1 Jan 2024 4.50 + 8 = 12.50 %;
    # 31 + 29 + 31 = 91 days (act/365 also in a leap year):
    # 10,000 × 12.50 % × 91 / 365 = 1,250 × 91 / 365 = 113,750 / 365
    #   = 311.6438... -> 311.64
    # The EU directive minimum is the same rate.
    for code in ("nl_b2b", "eu_b2b"):
        result = shipped("10000", date(2023, 12, 31), date(2024, 3, 31), code)
        assert periods(result) == [
            (date(2024, 1, 1), date(2024, 3, 31), 91, D("12.50"))
        ]
        assert result.amount == D("311.64")


def test_austrian_b2b_is_base_rate_plus_9_2():
    # §456 UGB: OeNB base rate on 1 Jan 2025 (2.53) + 9.2 = 11.73 %.
    # EUR 1,000 due 2024-12-31, to 2025-01-31: 31 days;
    # 1,000 × 11.73 % × 31 / 365 = 117.3 × 31 / 365 = 3,636.3 / 365 = 9.9624... -> 9.96
    result = shipped("1000", date(2024, 12, 31), date(2025, 1, 31), "at_b2b")
    assert periods(result) == [(date(2025, 1, 1), date(2025, 1, 31), 31, D("11.73"))]
    assert result.amount == D("9.96")


def test_swiss_invoice_at_five_percent_needs_no_series():
    # Art. 104 OR: 5 %. CHF 8,000 due 2024-01-31, to 2024-04-30: 29 + 31 + 30 = 90 days;
    # 8,000 × 5 % × 90 / 365 = 400 × 90 / 365 = 36,000 / 365 = 98.6301... -> 98.63
    result = statutory_interest(
        D("8000"), date(2024, 1, 31), date(2024, 4, 30), RULES["ch"]
    )
    assert periods(result) == [(date(2024, 2, 1), date(2024, 4, 30), 90, D("5"))]
    assert result.amount == D("98.63")
    assert fixed_compensation(D("8000"), RULES["ch"]) == 0


def test_act_360():
    # EUR 3,600 at a fixed 8 % due 2025-01-31, to 2025-03-02: 28 + 2 = 30 days.
    # act/360: 3,600 × 8 % × 30 / 360 = 288 × 30 / 360 = 24.00 exactly;
    # act/365 would be 8,640 / 365 = 23.6712... -> 23.67.
    rule = InterestRule(
        code="custom", margin=D("0"), fixed_rate=D("8"), day_count="act/360"
    )
    due, as_of = date(2025, 1, 31), date(2025, 3, 2)
    assert statutory_interest(D("3600"), due, as_of, rule).amount == D("24.00")
    rule_365 = dataclasses.replace(rule, day_count="act/365")
    assert statutory_interest(D("3600"), due, as_of, rule_365).amount == D("23.67")


def test_act_act_splits_at_the_year_end():
    # EUR 1,000 at 5 %, due 2023-12-16, to 2024-01-15.
    # act/act: 2023-12-17..12-31: 15 days / 365:
    #            1,000 × 5 % × 15 / 365 = 750 / 365 = 2.0547...
    #          2024-01-01..01-15: 15 days / 366: 750 / 366 = 2.0491...
    #          total 4.1039... -> 4.10
    # act/365: 30 days / 365: 1,500 / 365 = 4.1095... -> 4.11
    rule = InterestRule(
        code="custom", margin=D("0"), fixed_rate=D("5"), day_count="act/act"
    )
    result = statutory_interest(D("1000"), date(2023, 12, 16), date(2024, 1, 15), rule)
    assert periods(result) == [
        (date(2023, 12, 17), date(2023, 12, 31), 15, D("5")),
        (date(2024, 1, 1), date(2024, 1, 15), 15, D("5")),
    ]
    assert result.amount == D("4.10")
    assert shipped("1000", date(2023, 12, 16), date(2024, 1, 15), "ch").amount == D(
        "4.11"
    )
    # Two 365-day years are still two periods: each act/act period shows its own year.
    # 2022-12-22..12-31 and 2023-01-01..01-10: 10 days each, 500 / 365 each
    # -> 2.74 total.
    result = statutory_interest(D("1000"), date(2022, 12, 21), date(2023, 1, 10), rule)
    assert [p.days for p in result.periods] == [10, 10]
    assert result.amount == D("2.74")


# --- Never twice, never too early -------------------------------------------------


def test_second_letter_charges_only_the_new_days():
    # The German example in two letters. First on 2023-06-30: 48,852 / 365 -> 133.84.
    # Second on 2023-08-31, charged until 2023-06-30: 75,144 / 365 -> 205.87.
    # 133.84 + 205.87 = 339.71, one cent under the single charge 339.72 (one split,
    # each part rounded on its own).
    due = date(2023, 5, 15)
    first = shipped("10000", due, date(2023, 6, 30), "de_b2b")
    second = shipped(
        "10000", due, date(2023, 8, 31), "de_b2b", charged_until=first.date_to
    )
    assert first.amount == D("133.84")
    assert second.amount == D("205.87")
    assert (second.date_from, second.date_to) == (date(2023, 7, 1), date(2023, 8, 31))
    whole = shipped("10000", due, date(2023, 8, 31), "de_b2b")
    assert abs(first.amount + second.amount - whole.amount) <= D("0.01")


def test_charged_until_within_a_period():
    # CHF 36,500 at 5 %: 5 per day. Charged to 2025-02-10, then
    # 2025-02-11..02-28: 18 days -> 90.00.
    charged_until = date(2025, 2, 10)
    due, as_of = date(2025, 1, 31), date(2025, 2, 28)
    result = shipped("36500", due, as_of, "ch", charged_until=charged_until)
    assert periods(result) == [(date(2025, 2, 11), date(2025, 2, 28), 18, D("5"))]
    assert result.amount == D("90.00")


def test_charged_until_as_of_or_later_or_before_due_date():
    due, as_of = date(2025, 1, 31), date(2025, 2, 28)
    for charged_until in (as_of, date(2025, 3, 15)):
        result = shipped("36500", due, as_of, "ch", charged_until=charged_until)
        assert result.periods == () and result.amount == 0 and result.date_from is None
    # A charged_until before the due date changes nothing: 28 days × 5 = 140.00.
    result = shipped("36500", due, as_of, "ch", charged_until=date(2025, 1, 1))
    assert result.amount == D("140.00")


def test_split_charges_sum_to_the_single_charge():
    # Seeded random splits: the pieces cover each day exactly once, so their unrounded
    # amounts sum to the whole, and the rounded ones stay within a cent per split.
    rng = random.Random(20250601)
    for _ in range(200):
        code = rng.choice(["de_b2b", "de_b2c", "fr_b2b", "uk_b2b", "at_b2b", "ch"])
        principal = str(D(rng.randint(1, 5_000_000)) / 100)
        date_due = date(2022, 1, 1) + timedelta(days=rng.randint(0, 900))
        length = rng.randint(1, 600)
        as_of = date_due + timedelta(days=length)
        whole = shipped(principal, date_due, as_of, code)
        cuts = sorted(rng.sample(range(1, length), k=min(3, length - 1)))
        charged, total, exact, days = None, D(0), D(0), 0
        for cut in [*cuts, length]:
            letter = date_due + timedelta(days=cut)
            part = shipped(principal, date_due, letter, code, charged_until=charged)
            charged = letter
            total += part.amount
            exact += sum(p.amount for p in part.periods)
            days += sum(p.days for p in part.periods)
        assert days == length
        assert abs(exact - sum(p.amount for p in whole.periods)) < D("1e-18")
        assert abs(total - whole.amount) <= D("0.01") * (len(cuts) + 1)


def test_grace_days():
    # CHF 7,300 at 5 % = 1.00 per day, due 2025-03-31, to 2025-04-30.
    # No grace: 04-01..04-30 = 30 days -> 30.00.
    # Ten grace days: 04-11..04-30 = 20 -> 20.00.
    due, as_of = date(2025, 3, 31), date(2025, 4, 30)
    assert shipped("7300", due, as_of, "ch").amount == D("30.00")
    graced = dataclasses.replace(RULES["ch"], grace_days=10)
    result = statutory_interest(D("7300"), due, as_of, graced)
    assert result.date_from == date(2025, 4, 11)
    assert result.amount == D("20.00")
    # Still within the grace period: nothing.
    assert statutory_interest(D("7300"), due, date(2025, 4, 10), graced).periods == ()


@pytest.mark.parametrize(
    "principal, as_of",
    [
        ("1000", date(2025, 3, 30)),  # before the due date
        ("1000", date(2025, 3, 31)),  # on the due date: still on time
        ("0", date(2025, 6, 30)),  # nothing owed
        ("-50", date(2025, 6, 30)),  # a credit
    ],
)
def test_nothing_due(principal, as_of):
    result = shipped(principal, date(2025, 3, 31), as_of, "de_b2b")
    assert result.periods == ()
    assert result.amount == D("0.00")
    assert (result.date_from, result.date_to) == (None, None)


def test_first_day_after_due_date_is_charged():
    # CHF 36,500 at 5 %: one day (2025-04-01) -> 5.00.
    result = shipped("36500", date(2025, 3, 31), date(2025, 4, 1), "ch")
    assert periods(result) == [(date(2025, 4, 1), date(2025, 4, 1), 1, D("5"))]
    assert result.amount == D("5.00")


# --- Rounding and inputs ----------------------------------------------------------


def test_rounds_half_up_only_at_the_end():
    # 36 × 5 % × 1 / 360 = 0.005 exactly: half up -> 0.01 (half even would give 0.00).
    rule = InterestRule(
        code="custom", margin=D("0"), fixed_rate=D("5"), day_count="act/360"
    )
    one_day = statutory_interest(D("36"), date(2025, 1, 1), date(2025, 1, 2), rule)
    assert one_day.amount == D("0.01")
    # 1,000 × 5 % / 360 = 0.13888... a day. 7 days rounded per day would be 0.14 × 7 =
    # 0.98; rounded once: 350 / 360 = 0.97222... -> 0.97.
    week = statutory_interest(D("1000"), date(2025, 1, 1), date(2025, 1, 8), rule)
    assert week.amount == D("0.97")


def test_rounding_step():
    # 339.7150684... (the German example) to whole units -> 340; to 0.05 -> 339.70.
    args = ("10000", date(2023, 5, 15), date(2023, 8, 31), "de_b2b")
    assert shipped(*args, rounding=D("1")).amount == D("340")
    assert shipped(*args, rounding=D("0.05")).amount == D("339.70")
    assert round_amount(D("0.025"), D("0.05")) == D("0.05")
    with pytest.raises(DunningConfigError):
        round_amount(D("1"), D("0"))


def test_float_principal_and_unordered_series():
    # Odoo passes floats; 0.1-style floats go through their repr, not binary.
    # Series given newest first: sorted before use.
    series = [RatePoint(date(2024, 7, 1), 3.0), RatePoint(date(2024, 1, 1), D("2"))]
    rule = InterestRule(code="x", margin=D("0"), reference_fixing="daily")
    # 36,500.0 × 2 % × 10 / 365 = 20.00
    result = statutory_interest(
        36500.0, date(2024, 1, 10), date(2024, 1, 20), rule, series
    )
    assert result.amount == D("20.00")
    assert validate_series(series)[0].date_from == date(2024, 1, 1)


def test_negative_total_rate_is_zero():
    # A reference rate of -0.88 with no margin would be a negative rate: floored at 0.
    rule = InterestRule(code="x", margin=D("0"), reference_fixing="semester")
    result = statutory_interest(
        D("1000"), date(2022, 1, 31), date(2022, 3, 2), rule, DE_BASE
    )
    assert periods(result) == [(date(2022, 2, 1), date(2022, 3, 2), 30, D("0"))]
    assert result.amount == D("0.00")


# --- Configuration errors ---------------------------------------------------------


def test_missing_reference_rate_names_the_date():
    # German base rate given only from 1 July 2023: an invoice late in May 2023 needs
    # the rate of 1 January 2023.
    late_series = [point for point in DE_BASE if point.date_from >= date(2023, 7, 1)]
    due, as_of, de_b2b = date(2023, 5, 15), date(2023, 8, 31), RULES["de_b2b"]
    with pytest.raises(DunningConfigError, match="2023-01-01"):
        statutory_interest(D("10000"), due, as_of, de_b2b, late_series)
    daily = InterestRule(code="x", margin=D("8"))
    with pytest.raises(DunningConfigError, match="2023-05-16"):
        statutory_interest(D("10000"), due, as_of, daily, late_series)
    with pytest.raises(DunningConfigError, match="empty"):
        statutory_interest(D("10000"), due, as_of, daily, ())
    # The same invoice charged from July on needs nothing earlier.
    result = statutory_interest(
        D("10000"), due, as_of, de_b2b, late_series, charged_until=date(2023, 6, 30)
    )
    assert result.amount == D("205.87")


def test_duplicate_series_dates():
    series = [RatePoint(date(2024, 1, 1), D("2")), RatePoint(date(2024, 1, 1), D("3"))]
    with pytest.raises(DunningConfigError, match="2024-01-01"):
        validate_series(series)
    with pytest.raises(DunningConfigError):
        statutory_interest(
            D("100"), date(2024, 1, 1), date(2024, 2, 1), RULES["eu_b2b"], series
        )
    # Even when nothing is due yet: a bad series should not wait for the first late day.
    with pytest.raises(DunningConfigError):
        statutory_interest(
            D("100"), date(2024, 3, 1), date(2024, 2, 1), RULES["eu_b2b"], series
        )


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"day_count": "30/360"}, "day count"),
        ({"reference_fixing": "quarterly"}, "fixing"),
        ({"grace_days": -1}, "negative grace"),
        ({"fixed_rate": D("-1")}, "negative fixed rate"),
        (
            {"compensation_bands": ((None, D("40")), (D("1000"), D("70")))},
            "last compensation",
        ),
        (
            {"compensation_bands": ((D("1000"), D("4")), (D("1000"), D("7")))},
            "strictly increasing",
        ),
        ({"compensation_bands": ((None, D("-40")),)}, "negative compensation"),
    ],
)
def test_invalid_rules(changes, message):
    rule = dataclasses.replace(RULES["eu_b2b"], **changes)
    with pytest.raises(DunningConfigError, match=message):
        validate_interest_rule(rule)


# --- Fixed compensation and customer kind ------------------------------------------


@pytest.mark.parametrize(
    "debt, amount",
    [
        (D("0.01"), D("40")),
        (D("999.99"), D("40")),
        (D("1000"), D("70")),  # £1,000 is not below £1,000: the second band
        (D("9999.99"), D("70")),
        (D("10000"), D("100")),
        (D("250000"), D("100")),
        (D("0"), D("0")),
    ],
)
def test_uk_fixed_sums(debt, amount):
    assert fixed_compensation(debt, RULES["uk_b2b"]) == amount


def test_compensation_bands_without_open_end():
    rule = InterestRule(
        code="x", margin=D("8"), compensation_bands=((D("500"), D("10")),)
    )
    assert fixed_compensation(D("499.99"), rule) == D("10")
    assert fixed_compensation(D("500"), rule) == 0


def test_compensation_is_charged_once_per_invoice():
    rule = RULES["eu_b2b"]
    assert compensation_due(False, D("120"), rule) == D("40")
    assert compensation_due(True, D("120"), rule) == 0
    assert compensation_due(False, D("0"), rule) == 0


@pytest.mark.parametrize(
    "is_company, override, kind",
    [
        (True, None, "b2b"),
        (False, None, "b2c"),
        (True, "b2c", "b2c"),  # a sole trader buying privately
        (False, "b2b", "b2b"),  # a freelancer recorded as a person
        (True, False, "b2b"),  # an unset Odoo selection
        (False, "", "b2c"),
    ],
)
def test_customer_kind(is_company, override, kind):
    assert customer_kind(is_company, override) == kind


def test_customer_kind_rejects_unknown_override():
    with pytest.raises(DunningConfigError, match="b2g"):
        customer_kind(True, "b2g")


# --- Shipped rules and rates --------------------------------------------------------


def test_shipped_rules():
    assert set(RULES) == {
        "eu_b2b",
        "de_b2b",
        "de_b2c",
        "fr_b2b",
        "at_b2b",
        "nl_b2b",
        "uk_b2b",
        "ch",
        "nl_b2c",
        "fr_b2c",
        "es_b2b",
        "it_b2b",
        "vn_civil",
        "vn_commercial",
    }
    expected = {
        # code: (series, margin, fixing, compensation for a 500 debt, currency)
        "eu_b2b": ("ecb_mro", D("8"), "semester", D("40"), "EUR"),
        "de_b2b": ("de_base", D("9"), "semester", D("40"), "EUR"),
        "de_b2c": ("de_base", D("5"), "semester", D("0"), None),
        "fr_b2b": ("ecb_mro", D("10"), "semester", D("40"), "EUR"),
        "at_b2b": ("at_base", D("9.2"), "semester", D("40"), "EUR"),
        "nl_b2b": ("ecb_mro", D("8"), "semester", D("40"), "EUR"),
        "uk_b2b": ("boe_base", D("8"), "uk_semester", D("40"), "GBP"),
        "es_b2b": ("ecb_mro", D("8"), "semester", D("40"), "EUR"),
        "it_b2b": ("ecb_mro", D("8"), "semester", D("40"), "EUR"),
        "fr_b2c": ("fr_legal_pro", D("0"), "semester", D("0"), None),
    }
    for code, (series, margin, fixing, compensation, currency) in expected.items():
        rule = validate_interest_rule(RULES[code])
        assert rule.code == code
        assert rule.reference_series == series
        assert (rule.margin, rule.reference_fixing) == (margin, fixing)
        assert rule.fixed_rate is None and rule.day_count == "act/365"
        assert fixed_compensation(D("500"), rule) == compensation
        assert rule.compensation_currency == currency
    ch = RULES["ch"]
    assert (ch.fixed_rate, ch.reference_series, ch.compensation_bands) == (
        D("5"),
        None,
        (),
    )


def test_shipped_series_are_valid_and_cover_2020():
    for code, series in REFERENCE_RATES.items():
        assert validate_series(series) == series, code  # already sorted, no duplicate
        assert all(isinstance(point.rate, D) for point in series)
        # Every fixing day from 2020 on has a rate, 31 Dec 2019 included (UK rule).
        assert series[0].date_from <= date(2020, 1, 1), code
    assert min(p.date_from for p in REFERENCE_RATES["boe_base"]) <= date(2019, 12, 31)


@pytest.mark.parametrize(
    "code, day, rate",
    [
        # The half-year fixings the EU, French and Dutch rules use.
        ("ecb_mro", date(2022, 7, 1), D("0.00")),
        ("ecb_mro", date(2023, 1, 1), D("2.50")),
        ("ecb_mro", date(2023, 7, 1), D("4.00")),
        ("ecb_mro", date(2025, 1, 1), D("3.15")),
        ("ecb_mro", date(2025, 7, 1), D("2.15")),
        ("de_base", date(2024, 7, 1), D("3.37")),
        ("de_base", date(2025, 7, 1), D("1.27")),
        ("at_base", date(2023, 1, 1), D("1.88")),
        ("at_base", date(2023, 7, 1), D("3.38")),
        ("at_base", date(2024, 1, 1), D("3.88")),
        ("boe_base", date(2022, 12, 31), D("3.50")),
        ("boe_base", date(2024, 6, 30), D("5.25")),
        ("boe_base", date(2025, 6, 30), D("4.25")),
    ],
)
def test_published_rates(code, day, rate):
    assert in_force(REFERENCE_RATES[code], day) == rate
