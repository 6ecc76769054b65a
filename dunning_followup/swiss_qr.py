"""Swiss QR-bill references and accounts (SIX, Swiss Implementation
Guidelines for the QR-bill, version 2.3, sections 3.1 and 4.3.3).

A *QR reference* is 27 digits: 26 chosen by the creditor and a check digit
computed with the recursive modulo 10 (the algorithm of the former orange
ISR slip). It is mandatory, and the only reference allowed, when the
payment goes to a *QR-IBAN*: a Swiss or Liechtenstein IBAN whose
institution identification (IID, its digits 5 to 9) is 30000 to 31999.
A plain IBAN takes an ISO 11649 creditor reference (RF) or none.

Printed, a QR reference is grouped by five digits from the right:
``21 00000 00003 13947 14300 09017``.
"""

import re

#: Digits of a QR reference, check digit included.
QR_REFERENCE_LENGTH = 27
#: Table of the recursive modulo 10: the carry after adding a digit.
_MOD10R_TABLE = (0, 9, 4, 6, 8, 2, 7, 1, 3, 5)
#: Institution identifications reserved for QR-IBANs.
QR_IID_RANGE = (30000, 31999)
#: Groups of digits separated by spaces (a QR reference as a payer copies it
#: from the QR-bill, or as the bank prints it), not inside a longer number.
_DIGIT_GROUPS_RE = re.compile(r"(?<![0-9])[0-9]+(?:\s+[0-9]+)*(?![0-9])")


def mod10r_check_digit(digits):
    """The recursive modulo 10 check digit of ``digits`` (a string of
    digits).

    :raises ValueError: when ``digits`` is empty or not only digits
    """
    if not digits or not digits.isdigit() or not digits.isascii():
        raise ValueError(f"{digits!r} is not a number.")
    carry = 0
    for digit in digits:
        carry = _MOD10R_TABLE[(carry + int(digit)) % 10]
    return str((10 - carry) % 10)


def qr_reference(number, prefix=""):
    """The QR reference of ``number`` (e.g. a reminder's ``DUN/2026/00042``):
    ``prefix`` (digits that tell the creditor's documents apart), then the
    digits of ``number`` padded on the left with zeros to 26 digits, then
    the check digit.

    :raises ValueError: when ``number`` has no digit, or ``prefix`` and the
        digits of ``number`` make more than 26 digits
    """
    digits = re.sub(r"\D", "", number or "")
    if not digits:
        raise ValueError(f"{number!r} has no digit to make a QR reference of.")
    if prefix and not (prefix.isdigit() and prefix.isascii()):
        raise ValueError(f"The prefix {prefix!r} is not only digits.")
    width = QR_REFERENCE_LENGTH - 1 - len(prefix)
    if len(digits) > width:
        raise ValueError(
            f"{number!r} has too many digits for a QR reference "
            f"({len(digits)}, at most {width})."
        )
    body = prefix + digits.zfill(width)
    return body + mod10r_check_digit(body)


def normalize_qr_reference(reference):
    """``reference`` without spaces."""
    return re.sub(r"\s+", "", reference or "")


def is_valid_qr_reference(reference):
    """Whether ``reference`` (spaces ignored) is 27 digits whose last one is
    the recursive modulo 10 check digit of the 26 others."""
    reference = normalize_qr_reference(reference)
    if len(reference) != QR_REFERENCE_LENGTH or not reference.isdigit():
        return False
    if not reference.isascii():
        return False
    return mod10r_check_digit(reference[:-1]) == reference[-1]


def find_qr_references(text):
    """The valid QR references quoted in ``text`` (a bank statement's
    communication), without spaces, in order of appearance, without repeats.

    A reference is 27 digits whose check digit is right, written in one
    piece or in groups separated by spaces (by five from the right as
    printed on the QR-bill, or any other way); groups of digits before or
    after it in the text ("Invoice 12 21 00000 ... 09017") are left out,
    though a run of them that passes the check is returned as well (one in
    ten does: the caller looks the references up). A longer number is no QR
    reference."""
    found = []
    for match in _DIGIT_GROUPS_RE.finditer(text or ""):
        # Every run of whole groups making 27 digits: the numbers around the
        # reference may pass the check too, so none hides the next one.
        groups = match.group(0).split()
        for start in range(len(groups)):
            digits = ""
            for group in groups[start:]:
                digits += group
                if len(digits) >= QR_REFERENCE_LENGTH:
                    break
            if (
                len(digits) == QR_REFERENCE_LENGTH
                and is_valid_qr_reference(digits)
                and digits not in found
            ):
                found.append(digits)
    return found


def format_qr_reference(reference):
    """``reference`` printed in groups of five digits from the right:
    ``21 00000 00003 13947 14300 09017``."""
    reference = normalize_qr_reference(reference)
    head = len(reference) % 5
    groups = [reference[:head]] if head else []
    groups += [reference[i : i + 5] for i in range(head, len(reference), 5)]
    return " ".join(groups)


def is_swiss_iban(iban):
    """Whether ``iban`` (spaces and case ignored) is a Swiss or Liechtenstein
    IBAN, the accounts a QR-bill pays to."""
    return re.sub(r"\s+", "", iban or "").upper()[:2] in ("CH", "LI")


def is_qr_iban(iban):
    """Whether ``iban`` (spaces and case ignored) is a QR-IBAN: Swiss or
    Liechtenstein, with an institution identification of 30000 to 31999."""
    iban = re.sub(r"\s+", "", iban or "").upper()
    iid = iban[4:9]
    if not is_swiss_iban(iban) or len(iid) != 5 or not iid.isdigit():
        return False
    return QR_IID_RANGE[0] <= int(iid) <= QR_IID_RANGE[1]
