"""Published reference rates for statutory late-payment interest, as data.

Each series is a tuple of :class:`~.interest.RatePoint`, by date: a rate (annual, in
percent) is in force from its ``date_from`` until the next point. The series go back
far enough to fix every half-year from 2020 on. They are the single source of the
Odoo data file, and an administrator extends them in Odoo as new rates are published;
nothing here is fetched at run time.
"""

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal

from .interest import RatePoint


def _series(*points: tuple[str, str]) -> tuple[RatePoint, ...]:
    return tuple(
        RatePoint(date.fromisoformat(day), Decimal(rate)) for day, rate in points
    )


REFERENCE_RATE_NAMES: dict[str, str] = {
    "ecb_mro": "ECB main refinancing operations rate",
    "de_base": "Basiszinssatz (§ 247 BGB), Deutsche Bundesbank",
    "at_base": "Basiszinssatz, Oesterreichische Nationalbank",
    "boe_base": "Bank of England Bank Rate",
    "fr_legal_pro": "Taux de l'intérêt légal, creditor acting for professional needs",
    "fr_legal_private": "Taux de l'intérêt légal, creditor a private person",
}
"""A readable name per series code."""

REFERENCE_RATES: dict[str, tuple[RatePoint, ...]] = {
    # Source: ECB, "Key ECB interest rates", main refinancing operations (fixed rate
    # tenders), date of effect. 0.00 held from 2016-03-16 until July 2022.
    # https://www.ecb.europa.eu/stats/policy_and_exchange_rates/key_ecb_interest_rates/html/index.en.html
    "ecb_mro": _series(
        ("2016-03-16", "0.00"),
        ("2022-07-27", "0.50"),
        ("2022-09-14", "1.25"),
        ("2022-11-02", "2.00"),
        ("2022-12-21", "2.50"),
        ("2023-02-08", "3.00"),
        ("2023-03-22", "3.50"),
        ("2023-05-10", "3.75"),
        ("2023-06-21", "4.00"),
        ("2023-08-02", "4.25"),
        ("2023-09-20", "4.50"),
        ("2024-06-12", "4.25"),
        # From here the spread to the deposit rate is 15 points, not 50.
        ("2024-09-18", "3.65"),
        ("2024-10-23", "3.40"),
        ("2024-12-18", "3.15"),
        ("2025-02-05", "2.90"),
        ("2025-03-12", "2.65"),
        ("2025-04-23", "2.40"),
        ("2025-06-11", "2.15"),
        # Restated as published in the Official Journal of the EU (C series, "Interest
        # rate applied by the European Central Bank to its main refinancing
        # operations") for the half-year: unchanged, and a confirmation that the
        # series is current (see stale_series).
        ("2025-07-01", "2.15"),
        # Unchanged through the second half of 2025 (the Governing Council kept the
        # rates in July, September, October and December 2025): 2.15 on 1 January
        # 2026. No value for 1 July 2026 is shipped: add it as published (the
        # series then reads stale, see stale_series).
        ("2026-01-01", "2.15"),
    ),
    # Source: Deutsche Bundesbank, "Basiszinssatz nach § 247 BGB". It changes only on
    # 1 January and 1 July, so one point per half-year, as published (-0.88 since
    # 2016-07-01).
    # https://www.bundesbank.de/de/bundesbank/organisation/agb-und-regelungen/basiszinssatz-607820
    "de_base": _series(
        ("2020-01-01", "-0.88"),
        ("2020-07-01", "-0.88"),
        ("2021-01-01", "-0.88"),
        ("2021-07-01", "-0.88"),
        ("2022-01-01", "-0.88"),
        ("2022-07-01", "-0.88"),
        ("2023-01-01", "1.62"),
        ("2023-07-01", "3.12"),
        ("2024-01-01", "3.62"),
        ("2024-07-01", "3.37"),
        ("2025-01-01", "2.27"),
        ("2025-07-01", "1.27"),
        # Unchanged on 1 January 2026 (the ECB rate did not move since the last
        # change). 1 July 2026: not shipped, add it as published.
        ("2026-01-01", "1.27"),
    ),
    # Source: OeNB, "Basis- und Referenzzinssätze" and its press releases. Under
    # 1. Euro-JuBeG Art. I § 1 the base rate moves by the change of the ECB main
    # refinancing rate once that change totals at least 0.50 points since its last
    # move. Checked against OeNB publications: -0.62 from 2016-03-16; 1.88 on
    # 1 January 2023; 3.38 on 1 July 2023; 3.38 -> 3.88 on 2023-09-20; 3.88 -> 3.03 on
    # 2024-09-18; 2.03 -> 1.53 on 2025-06-11. The other dates are derived from the ECB
    # series by that rule and agree with every checked value.
    # https://www.oenb.at/Statistik/Standardisierte-Tabellen/zinssaetze-und-wechselkurse/zinssaetze/basis--und-referenzzinssatz.html
    "at_base": _series(
        ("2016-03-16", "-0.62"),
        ("2022-07-27", "-0.12"),
        ("2022-09-14", "0.63"),
        ("2022-11-02", "1.38"),
        ("2022-12-21", "1.88"),
        ("2023-02-08", "2.38"),
        ("2023-03-22", "2.88"),
        ("2023-06-21", "3.38"),
        ("2023-09-20", "3.88"),
        ("2024-09-18", "3.03"),
        ("2024-12-18", "2.53"),
        ("2025-03-12", "2.03"),
        ("2025-06-11", "1.53"),
        # OeNB table of base rates for the second half of 2025: unchanged.
        ("2025-07-01", "1.53"),
        # Unchanged on 1 January 2026 (no ECB move since 2025-06-11). 1 July 2026:
        # not shipped, add it as published.
        ("2026-01-01", "1.53"),
    ),
    # Source: Bank of England, "Bank Rate history", date of change.
    # https://www.bankofengland.co.uk/boeapps/database/Bank-Rate.asp
    "boe_base": _series(
        ("2018-08-02", "0.75"),
        ("2020-03-11", "0.25"),
        ("2020-03-19", "0.10"),
        ("2021-12-16", "0.25"),
        ("2022-02-03", "0.50"),
        ("2022-03-17", "0.75"),
        ("2022-05-05", "1.00"),
        ("2022-06-16", "1.25"),
        ("2022-08-04", "1.75"),
        ("2022-09-22", "2.25"),
        ("2022-11-03", "3.00"),
        ("2022-12-15", "3.50"),
        ("2023-02-02", "4.00"),
        ("2023-03-23", "4.25"),
        ("2023-05-11", "4.50"),
        ("2023-06-22", "5.00"),
        ("2023-08-03", "5.25"),
        ("2024-08-01", "5.00"),
        ("2024-11-07", "4.75"),
        ("2025-02-06", "4.50"),
        ("2025-05-08", "4.25"),
        ("2025-08-07", "4.00"),
        ("2025-12-18", "3.75"),
        # The rate in force on 31 December 2025, which fixes the first half of 2026
        # under the Late Payment Act (no MPC decision between 18 December 2025 and
        # the year end). 30 June 2026: not shipped, add it as published.
        ("2025-12-31", "3.75"),
    ),
    # Source: Banque de France, "Taux de l'intérêt légal", set each half-year by
    # arrêté (art. L313-2 and D313-1-A Code monétaire et financier) in two cases:
    # the creditor is a private person not acting for professional needs, and every
    # other case, including a creditor acting for professional needs.
    # https://www.banque-france.fr/fr/statistiques/taux-et-cours/taux-dinteret-legal
    # First half of 2026: arrêté du 15 décembre 2025 relatif à la fixation du taux
    # de l'intérêt légal, JORF n°0302 du 26 décembre 2025 (6.67 % for a private
    # creditor, 2.62 % in every other case). The second half of 2026 is not
    # shipped: add it as its arrêté publishes it (until then both series read
    # stale, see stale_series).
    "fr_legal_pro": _series(
        ("2020-01-01", "0.87"),
        ("2020-07-01", "0.84"),
        ("2021-01-01", "0.79"),
        ("2021-07-01", "0.76"),
        ("2022-01-01", "0.76"),
        ("2022-07-01", "0.77"),
        ("2023-01-01", "2.06"),
        ("2023-07-01", "4.22"),
        ("2024-01-01", "5.07"),
        ("2024-07-01", "4.92"),
        ("2025-01-01", "3.71"),
        ("2025-07-01", "2.76"),
        ("2026-01-01", "2.62"),
    ),
    "fr_legal_private": _series(
        ("2020-01-01", "3.15"),
        ("2020-07-01", "3.11"),
        ("2021-01-01", "3.14"),
        ("2021-07-01", "3.12"),
        ("2022-01-01", "3.13"),
        ("2022-07-01", "3.15"),
        ("2023-01-01", "4.47"),
        ("2023-07-01", "6.82"),
        ("2024-01-01", "8.01"),
        ("2024-07-01", "8.16"),
        ("2025-01-01", "7.21"),
        ("2025-07-01", "6.65"),
        ("2026-01-01", "6.67"),
    ),
}
"""The published reference rate series, by code (see :data:`REFERENCE_RATE_NAMES`)."""


def half_year_start(day: date) -> date:
    """1 January or 1 July: the first day of the half-year of ``day``."""
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def series_is_current(points: Sequence[RatePoint], today: date) -> bool:
    """Whether ``points`` hold a rate published for the half-year of ``today``.

    Reference rates are fixed per half-year (on its first day, or on the day before
    for the UK rule), so a series is current when it has a point dated on the last
    day of the previous half-year or later. A series whose rate did not change gets a
    point restating it, as the Official Journal, the Bundesbank and the OeNB publish
    it each half-year; without one, a change may have been missed.
    """
    threshold = half_year_start(today) - timedelta(days=1)
    return any(point.date_from >= threshold for point in points)


def stale_series(
    series: Mapping[str, Sequence[RatePoint]], today: date
) -> tuple[str, ...]:
    """The codes of ``series``, sorted, with no rate for the half-year of ``today``."""
    return tuple(
        sorted(
            code
            for code, points in series.items()
            if not series_is_current(points, today)
        )
    )
