"""ISO 11649 creditor references, checked against published examples.

The examples are those of the standard as quoted by Wikipedia's "Creditor
Reference" article and by python-stdnum's documentation: RF18 5390 0754 7034
(and the same reference padded with zeros to 21 digits, RF18 0000 0000 0539
0075 4703 4), RF71 2348 231, and the alphanumeric RF45 G72U UR and RF65 18K5.
"""

import pytest

from dunning_followup import (
    find_rf_references,
    format_rf,
    is_valid_rf,
    reference_body,
    rf_check_digits,
    rf_reference,
)

PUBLISHED = [
    ("539007547034", "RF18539007547034"),
    ("000000000539007547034", "RF18000000000539007547034"),
    ("2348231", "RF712348231"),
    ("G72UUR", "RF45G72UUR"),
    ("18K5", "RF6518K5"),
]


@pytest.mark.parametrize(("body", "reference"), PUBLISHED)
def test_check_digits_of_published_examples(body, reference):
    assert rf_reference(body) == reference, "The check digits must be those published."
    assert rf_check_digits(body) == reference[2:4]


@pytest.mark.parametrize(("_body", "reference"), PUBLISHED)
def test_published_examples_are_valid(_body, reference):
    assert is_valid_rf(reference)
    assert is_valid_rf(format_rf(reference).lower()), "Spaces and case do not matter."


def test_leading_zeros_do_not_change_the_check_digits():
    assert rf_check_digits("539007547034") == rf_check_digits("000000000539007547034")


@pytest.mark.parametrize(
    "reference",
    [
        "RF17539007547034",  # wrong check digits
        "RF18539007547035",  # one digit of the reference changed
        "RF18539007547043",  # two digits swapped
        "RF18",  # no reference
        "RF180000000000539007547034",  # 22 characters: too long
        "RX18539007547034",
        "RF1A539007547034",
        "",
        None,
    ],
)
def test_invalid_references_are_refused(reference):
    assert not is_valid_rf(reference)


def test_printed_format_groups_by_four():
    assert format_rf("RF18539007547034") == "RF18 5390 0754 7034"
    assert format_rf("rf18000000000539007547034") == "RF18 0000 0000 0539 0075 4703 4"


def test_reference_body_of_a_reminder_number():
    assert reference_body("DUN/2026/00042") == "DUN202600042"
    assert is_valid_rf(rf_reference(reference_body("DUN/2026/00042")))


@pytest.mark.parametrize("text", ["", "///", "X" * 22, None])
def test_no_body_without_one_to_21_characters(text):
    with pytest.raises(ValueError):
        reference_body(text)


def test_body_must_be_letters_or_digits():
    with pytest.raises(ValueError):
        rf_reference("DUN/2026")
    with pytest.raises(ValueError):
        rf_reference("")


def test_references_found_in_a_bank_communication():
    text = "Payment rf18 5390 0754 7034 INV 12 and RF712348231, again RF18539007547034"
    assert find_rf_references(text) == ["RF18539007547034", "RF712348231"]


def test_reference_running_into_the_next_word_is_still_found():
    # "RF22DUN202600218THANKS" passes the check too (one cut in 97 does): both
    # are returned, for the caller to look up; the reminder's own is there.
    reference = rf_reference("DUN202600218")
    assert is_valid_rf(reference + "THANKS")
    found = find_rf_references(f"Invoices {format_rf(reference)} thanks")
    assert found == [reference + "THANKS", reference]


def test_every_reminder_number_is_found_in_a_communication():
    for number in range(1, 2001):
        reference = rf_reference(f"DUN2026{number:05d}")
        text = f"Invoices {format_rf(reference)} thanks, again {reference}."
        assert reference in find_rf_references(text), reference


def test_invalid_reference_in_a_communication_is_ignored():
    assert find_rf_references("RF17 5390 0754 7034 thanks") == []
    assert find_rf_references("PERF18539007547034") == [], "RF must start a word."


def test_every_generated_reference_is_valid():
    # Each body of up to 21 characters: all single changes are detected too.
    for number in range(1, 2000, 7):
        reference = rf_reference(f"DUN2026{number:05d}")
        assert is_valid_rf(reference)
        assert not is_valid_rf(reference[:-1] + str((int(reference[-1]) + 1) % 10))


def test_same_results_as_python_stdnum():
    iso11649 = pytest.importorskip("stdnum.iso11649")
    for body in ("1", "ABC", "DUN202600001", "Z" * 21, "0" * 20 + "7"):
        reference = rf_reference(body)
        assert iso11649.is_valid(reference), f"stdnum must accept {reference}."
