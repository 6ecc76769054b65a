"""Swiss QR references and QR-IBANs, checked against SIX's published examples.

The examples are those of the Swiss Implementation Guidelines for the QR-bill
(SIX): the QR reference ``21 00000 00003 13947 14300 09017``, the QR-IBAN
``CH44 3199 9123 0008 8901 2`` and the IBAN ``CH93 0076 2011 6238 5295 7``.
"""

import pytest

from dunning_followup import (
    QR_REFERENCE_LENGTH,
    find_qr_references,
    format_qr_reference,
    is_qr_iban,
    is_swiss_iban,
    is_valid_qr_reference,
    mod10r_check_digit,
    qr_reference,
)

SIX_REFERENCE = "210000000003139471430009017"
SIX_QR_IBAN = "CH44 3199 9123 0008 8901 2"
SIX_IBAN = "CH93 0076 2011 6238 5295 7"


def test_six_example_reference_is_valid():
    assert is_valid_qr_reference(SIX_REFERENCE)
    assert is_valid_qr_reference("21 00000 00003 13947 14300 09017"), (
        "The printed form, grouped by five, must be valid too."
    )


def test_check_digit_of_six_example():
    assert mod10r_check_digit(SIX_REFERENCE[:-1]) == "7", (
        "The recursive modulo 10 of the SIX example's 26 digits must be 7."
    )


@pytest.mark.parametrize("position", range(QR_REFERENCE_LENGTH))
def test_every_single_digit_error_is_detected(position):
    for wrong in "0123456789":
        if wrong == SIX_REFERENCE[position]:
            continue
        typo = SIX_REFERENCE[:position] + wrong + SIX_REFERENCE[position + 1 :]
        assert not is_valid_qr_reference(typo), (
            f"Changing digit {position + 1} to {wrong} must break the check digit."
        )


@pytest.mark.parametrize(
    "reference",
    [
        "",
        "21000000000313947143000901",  # 26 digits
        "2100000000031394714300090170",  # 28 digits
        "21000000000313947143000901A",
        "RF18539007547034",
    ],
)
def test_malformed_references_are_invalid(reference):
    assert not is_valid_qr_reference(reference)


def test_reference_of_a_reminder_number():
    reference = qr_reference("DUN/2026/00042", prefix="9")
    assert reference == "900000000000000002026000428", (
        "The prefix, then the number's digits padded to 26, then the check digit."
    )
    assert is_valid_qr_reference(reference)
    assert qr_reference("DUN/2026/00042") != reference, (
        "The prefix must tell the reminders from other documents."
    )


def test_reference_without_prefix_pads_with_zeros():
    reference = qr_reference("2026/7")
    assert reference[:-1] == "20267".zfill(26), "Zeros on the left, up to 26 digits."
    assert is_valid_qr_reference(reference)


@pytest.mark.parametrize(
    ("number", "prefix"),
    [("DUN/", ""), ("", ""), ("1" * 26, "9"), ("DUN/1", "9A")],
)
def test_numbers_that_give_no_reference_are_refused(number, prefix):
    with pytest.raises(ValueError):
        qr_reference(number, prefix=prefix)


def test_printed_in_groups_of_five_from_the_right():
    assert format_qr_reference(SIX_REFERENCE) == "21 00000 00003 13947 14300 09017"


def test_qr_iban_is_told_from_a_plain_iban():
    assert is_qr_iban(SIX_QR_IBAN), "IID 31999 is in the QR-IBAN range."
    assert not is_qr_iban(SIX_IBAN), "IID 00762 is a plain IBAN."
    assert not is_qr_iban("DE89 3704 0044 0532 0130 00"), "Only CH and LI."
    assert is_qr_iban("LI21 3000 0000 0000 0000 0"), "Liechtenstein has QR-IBANs."
    assert not is_qr_iban("CH44 3200 0123 0008 8901 2"), "IID 32000 is out of range."
    assert is_swiss_iban(SIX_IBAN)
    assert not is_swiss_iban("DE89370400440532013000")


@pytest.mark.parametrize(
    "text",
    [
        SIX_REFERENCE,
        "21 00000 00003 13947 14300 09017",
        "Zahlung QRR 21 00000 00003 13947 14300 09017 Rechnung 12",
        "REF:210000000003139471430009017/CHF 1234.50",
        "21000 00000 03139 47143 00090 17",
        "2100000000031394\n71430009017",
        "Invoice 2026 42 21 00000 00003 13947 14300 09017 8001 Zürich",
    ],
)
def test_qr_reference_found_in_a_communication(text):
    assert find_qr_references(text) == [SIX_REFERENCE], (
        f"The QR reference must be found in {text!r}, whatever its grouping "
        "and the numbers around it."
    )


def test_numbers_before_the_reference_do_not_hide_it():
    # "00008 21 00000 00003 13947 14300" is 27 digits that pass the check.
    before = "00008"
    assert is_valid_qr_reference(before + SIX_REFERENCE[:22])
    text = f"Invoice {before} {format_qr_reference(SIX_REFERENCE)}"
    assert SIX_REFERENCE in find_qr_references(text), (
        "A run of digits before the reference that passes the check must not "
        "hide the reference."
    )


def test_several_references_in_order_without_repeats():
    other = qr_reference("DUN/2026/00042", prefix="9")
    text = f"{format_qr_reference(other)} and {SIX_REFERENCE}, again {other}"
    assert find_qr_references(text) == [other, SIX_REFERENCE]


@pytest.mark.parametrize(
    "text",
    [
        "",
        None,
        "21 00000 00003 13947 14300 09018",  # wrong check digit
        "21 00000 00003 13947 14300 0901",  # 26 digits
        "1210000000003139471430009017",  # inside a longer number
        "2100000000031394714300090177",  # 28 digits
        "RF18 5390 0754 7034",
        "CH44 3199 9123 0008 8901 2",
    ],
)
def test_no_qr_reference_in_a_communication(text):
    assert find_qr_references(text) == []


def test_every_single_digit_error_is_ignored_in_a_communication():
    reference = qr_reference("DUN/2026/00042", prefix="9")
    assert find_qr_references(f"Zahlung {format_qr_reference(reference)}") == [
        reference
    ]
    for position in range(QR_REFERENCE_LENGTH):
        digit = int(reference[position])
        typo = reference[:position] + str((digit + 1) % 10) + reference[position + 1 :]
        assert find_qr_references(f"Zahlung {format_qr_reference(typo)}") == [], (
            f"A typo in digit {position + 1} must not match."
        )
