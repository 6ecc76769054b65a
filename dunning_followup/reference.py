"""ISO 11649 structured creditor references ("RF" references).

A creditor reference is ``RF``, two check digits and a reference of 1 to 21
letters or digits chosen by the creditor. The check digits make the whole
reference pass the ISO 7064 MOD 97-10 check: move ``RF`` and the check digits
to the end, replace every letter by two digits (A = 10 ... Z = 35) and the
number modulo 97 is 1. Banks validate it when the payer types it, and SEPA
transfers carry it in the structured remittance field, so it comes back intact
on the bank statement.

Printed, it is grouped by four characters (``RF18 5390 0754 7034``); stored and
sent electronically, without spaces (``RF18539007547034``).
"""

import re

MAX_BODY_LENGTH = 21
_BODY_RE = re.compile(r"[0-9A-Z]{1,21}")
# "RF", two digits, then the reference, possibly printed in groups of four
# separated by single spaces (as a payer copies it from the letter).
_IN_TEXT_RE = re.compile(r"(?<![0-9A-Z])RF\s?\d{2}(?:\s?[0-9A-Z]){1,21}(?![0-9A-Z])")


def _as_digits(text):
    """``text`` with every letter replaced by its two-digit value (A = 10)."""
    return "".join(str(int(char, 36)) for char in text)


def _mod97(text):
    return int(_as_digits(text)) % 97


def normalize_reference(reference):
    """``reference`` without spaces, upper case."""
    return re.sub(r"\s+", "", reference or "").upper()


def reference_body(text):
    """The letters and digits of ``text`` (e.g. a reminder number), upper case,
    as the body of a creditor reference: ``DUN/2026/00042`` -> ``DUN202600042``.

    :raises ValueError: when nothing is left, or more than 21 characters
    """
    body = re.sub(r"[^0-9A-Z]", "", (text or "").upper())
    if not _BODY_RE.fullmatch(body):
        raise ValueError(
            f"{text!r} gives no creditor reference: it needs 1 to "
            f"{MAX_BODY_LENGTH} letters or digits."
        )
    return body


def rf_check_digits(body):
    """The two check digits of the creditor reference of ``body``.

    :raises ValueError: when ``body`` is not 1 to 21 letters or digits
    """
    body = normalize_reference(body)
    if not _BODY_RE.fullmatch(body):
        raise ValueError(f"{body!r} is not 1 to {MAX_BODY_LENGTH} letters or digits.")
    return f"{98 - _mod97(body + 'RF00'):02d}"


def rf_reference(body):
    """The creditor reference of ``body``, electronic format (no spaces):
    ``539007547034`` -> ``RF18539007547034``.

    :raises ValueError: when ``body`` is not 1 to 21 letters or digits
    """
    body = normalize_reference(body)
    return f"RF{rf_check_digits(body)}{body}"


def is_valid_rf(reference):
    """Whether ``reference`` (spaces and case ignored) is a creditor reference
    with correct check digits."""
    reference = normalize_reference(reference)
    if not re.fullmatch(r"RF\d{2}[0-9A-Z]{1,21}", reference):
        return False
    return _mod97(reference[4:] + reference[:4]) == 1


def format_rf(reference):
    """``reference`` printed in groups of four: ``RF18 5390 0754 7034``."""
    reference = normalize_reference(reference)
    return " ".join(reference[i : i + 4] for i in range(0, len(reference), 4))


def find_rf_references(text):
    """The valid creditor references quoted in ``text`` (a bank statement's
    communication), electronic format, in order of appearance, without
    repeats. Spaced or not, any case; invalid check digits are ignored.

    A printed reference may run on into the next word of the communication
    ("RF22 DUN2 0260 0218 thanks"), and one time in 97 the reference and that
    word pass the check together ("RF22DUN202600218THANKS"): every cut at a
    space that passes the check is returned, longest first, and the caller
    looks them up."""
    found = []
    for match in _IN_TEXT_RE.finditer((text or "").upper()):
        words = match.group(0).split()
        for end in range(len(words), 0, -1):
            reference = normalize_reference("".join(words[:end]))
            if is_valid_rf(reference) and reference not in found:
                found.append(reference)
    return found
