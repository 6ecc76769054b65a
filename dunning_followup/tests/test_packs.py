"""Country packs and the national rules the run applies: the Dutch 14-day letter,
the German consumer fee cap and the Californian contact hours."""

import dataclasses
from datetime import date, datetime
from decimal import Decimal as D

import pytest

from dunning_followup import RULES, DunningConfigError
from dunning_followup.packs import (
    B2B,
    B2C,
    COMPENSATION_AFTER_NOTICE,
    HANDOVER_AGENCY,
    PACKS,
    compensation_allowed,
    consumer_fee,
    contact_allowed,
    levels_for_kind,
    next_contact_time,
    notice_term_end,
    pack_for_country,
    validate_pack,
)

SHIPPED = {"intl", "de", "fr", "nl", "uk", "us_ca", "at", "ch", "es", "it", "vn"}


def test_a_pack_per_shipped_country():
    assert set(PACKS) == SHIPPED
    for country, state, code in [
        ("DE", None, "de"),
        ("fr", None, "fr"),
        ("NL", None, "nl"),
        ("GB", None, "uk"),
        ("US", "CA", "us_ca"),
        ("AT", None, "at"),
        ("CH", None, "ch"),
        ("ES", None, "es"),
        ("IT", None, "it"),
        ("VN", None, "vn"),
        # Other countries and other US states get the neutral pack.
        ("BE", None, "intl"),
        ("US", "NY", "intl"),
        (None, None, "intl"),
    ]:
        assert pack_for_country(country, state).code == code, (country, state)


@pytest.mark.parametrize("code", sorted(SHIPPED))
def test_every_pack_is_consistent_and_bilingual(code):
    pack = validate_pack(PACKS[code])
    for rule in (pack.rule_b2b, pack.rule_b2c):
        assert rule is None or rule in RULES
    for level in pack.levels:
        for texts in (level.name, level.intro, level.closing):
            assert texts["en_US"].strip()
            if pack.lang != "en_US":
                assert texts[pack.lang].strip() and texts[pack.lang] != texts["en_US"]
    # Every customer kind ends at a hand-over level.
    for kind in (B2B, B2C):
        assert levels_for_kind(pack, kind)[-1].collection


def test_no_text_repeats_itself():
    # The closing never says again what the introduction says (the old English
    # e-mail asked twice to ignore it if already paid).
    for pack in PACKS.values():
        for level in pack.levels:
            for lang, intro in level.intro.items():
                assert level.closing[lang] != intro
                assert "already paid" not in level.closing[lang]


def test_vietnam_never_hands_over_to_a_collection_agency():
    handovers = {level.handover for level in PACKS["vn"].levels if level.collection}
    assert handovers and HANDOVER_AGENCY not in handovers
    assert PACKS["vn"].currency_digits == 0
    assert PACKS["vn"].rule_b2c == "vn_civil"


def test_switzerland_ends_with_betreibung():
    assert PACKS["ch"].levels[-1].handover == "betreibung"


def test_german_consumers_pay_no_fee_on_the_first_reminder_and_no_pauschale():
    pack = PACKS["de"]
    first = levels_for_kind(pack, B2C)[0]
    assert first.fee_fixed == 0 and not first.charge_interest
    assert RULES[pack.rule_b2c].compensation_bands == ()
    assert RULES[pack.rule_b2b].compensation_bands == ((None, D("40")),)


def test_french_consumer_levels_charge_no_collection_costs():
    pack = PACKS["fr"]
    assert all(level.fee_fixed == 0 for level in levels_for_kind(pack, B2C))
    assert RULES[pack.rule_b2c].compensation_bands == ()
    assert "Mise en demeure" in levels_for_kind(pack, B2C)[2].name["fr_FR"]


def test_dutch_consumers_get_the_14_day_letter_before_the_costs():
    levels = levels_for_kind(PACKS["nl"], B2C)
    notice = next(level for level in levels if level.notice_days)
    costs = next(
        level for level in levels if level.compensation == COMPENSATION_AFTER_NOTICE
    )
    assert notice.notice_days == 14 and notice.sequence < costs.sequence
    assert not notice.charge_interest


def test_the_uk_letter_of_claim_gives_30_days():
    claim = levels_for_kind(PACKS["uk"], B2C)[2]
    assert "Pre-Action Protocol" in claim.intro["en_US"]
    assert "30 days" in claim.intro["en_US"] and "Reply Form" in claim.intro["en_US"]
    recovery = levels_for_kind(PACKS["uk"], B2C)[3]
    assert recovery.min_interval > 30


# --- The 14-day term --------------------------------------------------------------


def test_fourteen_days_from_the_day_after_receipt():
    # Sent Monday 2026-03-02, received two days later (Wednesday 03-04): the 14 days
    # run 03-05..03-18; costs may be charged from 03-19.
    assert notice_term_end(date(2026, 3, 2), 14, 2) == date(2026, 3, 18)
    sent = date(2026, 3, 2)
    assert not compensation_allowed(
        COMPENSATION_AFTER_NOTICE, date(2026, 3, 18), sent, 14, 2
    )
    assert compensation_allowed(
        COMPENSATION_AFTER_NOTICE, date(2026, 3, 19), sent, 14, 2
    )
    # No letter: no costs, ever.
    assert not compensation_allowed(
        COMPENSATION_AFTER_NOTICE, date(2030, 1, 1), None, 14, 2
    )
    assert compensation_allowed("with_interest", date(2026, 3, 2))
    assert not compensation_allowed("never", date(2026, 3, 2))
    with pytest.raises(DunningConfigError):
        compensation_allowed("sometimes", date(2026, 3, 2))
    with pytest.raises(DunningConfigError):
        notice_term_end(sent, -14)


# --- Consumer fee cap -------------------------------------------------------------


def test_consumer_fee_is_capped_at_the_real_cost():
    assert consumer_fee(D("5"), D("2.50")) == D("2.50")
    assert consumer_fee(D("1.80"), D("2.50")) == D("1.80")
    assert consumer_fee(D("5"), None) == D("5")
    with pytest.raises(DunningConfigError):
        consumer_fee(D("5"), D("-1"))


# --- Contact hours ----------------------------------------------------------------


@pytest.mark.parametrize(
    "local, expected",
    [
        (datetime(2026, 3, 9, 7, 59), datetime(2026, 3, 9, 8, 0)),
        (datetime(2026, 3, 9, 8, 0), datetime(2026, 3, 9, 8, 0)),
        (datetime(2026, 3, 9, 20, 59), datetime(2026, 3, 9, 20, 59)),
        # 21:00 is too late: the next morning.
        (datetime(2026, 3, 9, 21, 0), datetime(2026, 3, 10, 8, 0)),
        (datetime(2026, 3, 9, 23, 30), datetime(2026, 3, 10, 8, 0)),
        (datetime(2026, 3, 10, 2, 0), datetime(2026, 3, 10, 8, 0)),
    ],
)
def test_calls_and_texts_wait_for_8_am(local, expected):
    hours = PACKS["us_ca"].contact_hours
    assert next_contact_time(local, hours) == expected
    assert contact_allowed(expected, hours)


def test_no_contact_hours_means_any_time():
    assert contact_allowed(datetime(2026, 3, 9, 3, 0), None)


def test_invalid_packs_are_refused():
    pack = PACKS["de"]
    first, second = pack.levels[:2]
    with pytest.raises(DunningConfigError, match="does not come after"):
        validate_pack(
            dataclasses.replace(
                pack, levels=(first, dataclasses.replace(second, delay=first.delay))
            )
        )
    with pytest.raises(DunningConfigError, match="same key"):
        validate_pack(dataclasses.replace(pack, levels=(first, first)))
    with pytest.raises(DunningConfigError, match="customer kind"):
        validate_pack(
            dataclasses.replace(
                pack, levels=(dataclasses.replace(first, customer_kind="b2g"),)
            )
        )
