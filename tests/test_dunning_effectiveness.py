from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import DunningCommon
from .test_dunning_aging import AgingLedgerMixin

TODAY = date(2026, 6, 15)
RUN_1 = date(2026, 3, 10)
RUN_2 = date(2026, 4, 14)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestDunningEffectiveness(AgingLedgerMixin, DunningCommon):
    """Reminders and what they recovered, DSO and the overdue ratio.

    Straight escalation (levels: friendly 7 days, second 21, final 45,
    collection 60). Invoices (invoice date = due date - 30 days):

    ========  ======  ==========  ==========================================
    customer  amount  due         payments (date amount)
    ========  ======  ==========  ==========================================
    C1        1000    2026-02-25  03-15 300, 03-20 200, 04-05 400, 04-20 100
    C2        2000    2026-01-15  03-05 100 (matched after the reminder), 03-10 500
    C3        1500    2026-01-01  -
    C4        1000    2026-02-25  03-11 600 (matched before the reminder), 03-13 400
    C5         800    2026-03-30  04-30 800
    C6         600    2026-05-20  - (invoiced 2026-04-20, never reminded)
    ========  ======  ==========  ==========================================

    Run of 2026-03-10: C1 13 days -> friendly (sent), C2 54 days -> final,
    C3 68 days -> collection (both approved and sent), C4 13 days -> friendly
    for the 400 still open then (sent). C5 is not due yet.
    Run of 2026-04-14: C5 15 days -> friendly (sent); the new reminders of C2
    and C3 wait for approval and are never sent (they do not count).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.dunning_escalation = "straight"
        Partner = cls.env["res.partner"]
        cls.c1, cls.c2, cls.c3, cls.c4, cls.c5, cls.c6 = Partner.create(
            [
                {
                    "name": f"Effect C{index}",
                    "is_company": True,
                    "email": f"c{index}@example.com",
                }
                for index in range(1, 7)
            ]
        )
        cls.inv1 = cls._invoice(cls.c1, 1000.0, date(2026, 1, 26), date(2026, 2, 25))
        cls.inv2 = cls._invoice(cls.c2, 2000.0, date(2025, 12, 16), date(2026, 1, 15))
        cls.inv3 = cls._invoice(cls.c3, 1500.0, date(2025, 12, 2), date(2026, 1, 1))
        cls.inv4 = cls._invoice(cls.c4, 1000.0, date(2026, 1, 26), date(2026, 2, 25))
        cls.inv5 = cls._invoice(cls.c5, 800.0, date(2026, 2, 28), date(2026, 3, 30))
        cls.inv6 = cls._invoice(cls.c6, 600.0, date(2026, 4, 20), date(2026, 5, 20))

        # Matched before the reminder although dated after it: the reminder
        # claims only the 400 left, and the cap keeps it at 400.
        cls._pay(cls.inv4, 600.0, date(2026, 3, 11))

        cls.run_1 = cls.env["dunning.letter"]._run_dunning(
            date=RUN_1, company=cls.company
        )
        for letter in cls.run_1.filtered(lambda letter: letter.state == "to_approve"):
            letter.action_approve()
            letter.action_send()

        cls._pay(cls.inv1, 300.0, date(2026, 3, 15))
        cls._pay(cls.inv1, 200.0, date(2026, 3, 20))
        cls._pay(cls.inv1, 400.0, date(2026, 4, 5))
        cls._pay(cls.inv1, 100.0, date(2026, 4, 20))
        cls._pay(cls.inv2, 100.0, date(2026, 3, 5))
        cls._pay(cls.inv2, 500.0, date(2026, 3, 10))
        cls._pay(cls.inv4, 400.0, date(2026, 3, 13))

        cls.run_2 = cls.env["dunning.letter"]._run_dunning(
            date=RUN_2, company=cls.company
        )
        cls._pay(cls.inv5, 800.0, date(2026, 4, 30))

        cls.Report = cls.env["dunning.effectiveness.report"]
        cls.Dso = cls.env["dunning.dso.report"]

    def test_letters_as_built(self):
        sent = self.run_1.filtered(lambda letter: letter.state == "sent")
        self.assertRecordValues(
            sent.sorted(lambda letter: letter.partner_id.name),
            [
                {
                    "partner_id": self.c1.id,
                    "level_id": self.friendly.id,
                    "amount_total": 1000.0,
                },
                {
                    "partner_id": self.c2.id,
                    "level_id": self.final.id,
                    "amount_total": 2000.0,
                },
                {
                    "partner_id": self.c3.id,
                    "level_id": self.collection.id,
                    "amount_total": 1500.0,
                },
                {
                    "partner_id": self.c4.id,
                    "level_id": self.friendly.id,
                    "amount_total": 400.0,
                },
            ],
        )
        self.assertEqual(
            self.run_2.filtered(lambda letter: letter.state == "sent").partner_id,
            self.c5,
        )
        self.assertTrue(
            self.run_2.filtered(lambda letter: letter.state == "to_approve"),
            "reminders waiting for approval exist, and must not count",
        )

    def test_per_letter(self):
        """Per reminder (paid within 7 / 14 / 30 days of its date, both included):

        C1 friendly 03-10, 1000: 03-15 (+5) 300 -> 7d 300; 03-20 (+10) 200 -> 14d 500;
           04-05 (+26) 400 -> 30d 900; 04-20 (+41) is too late. Rate 900 / 1000 = 90 %.
        C2 final 03-10, 2000: 03-10 (+0) 500 counts; 03-05 (-5) 100 is before the
           reminder (matched later, but the partial's max_date is 03-05).
           500 / 2000 = 25 %.
        C3 collection 03-10, 1500: nothing. 0 %.
        C4 friendly 03-10, 400 claimed: 03-11 600 + 03-13 400 = 1000 in the window,
           capped at the 400 claimed -> 400 / 400 / 400, 100 %.
        C5 friendly 04-14, 800: 04-30 (+16) 800 -> 0 / 0 / 800, 100 %.
        """
        rows = self.Report.search([("company_id", "=", self.company.id)])
        self.assertRecordValues(
            rows.sorted(lambda row: (row.date, row.partner_id.name)),
            [
                {
                    "partner_id": self.c1.id,
                    "level_id": self.friendly.id,
                    "date": RUN_1,
                    "letter_count": 1,
                    "amount_dunned": 1000.0,
                    "amount_paid_7": 300.0,
                    "amount_paid_14": 500.0,
                    "amount_paid_30": 900.0,
                    "recovery_rate": 90.0,
                    "collection": False,
                    "collection_customer_count": 0,
                },
                {
                    "partner_id": self.c2.id,
                    "level_id": self.final.id,
                    "date": RUN_1,
                    "letter_count": 1,
                    "amount_dunned": 2000.0,
                    "amount_paid_7": 500.0,
                    "amount_paid_14": 500.0,
                    "amount_paid_30": 500.0,
                    "recovery_rate": 25.0,
                    "collection": False,
                    "collection_customer_count": 0,
                },
                {
                    "partner_id": self.c3.id,
                    "level_id": self.collection.id,
                    "date": RUN_1,
                    "letter_count": 1,
                    "amount_dunned": 1500.0,
                    "amount_paid_7": 0.0,
                    "amount_paid_14": 0.0,
                    "amount_paid_30": 0.0,
                    "recovery_rate": 0.0,
                    "collection": True,
                    "collection_customer_count": 1,
                },
                {
                    "partner_id": self.c4.id,
                    "level_id": self.friendly.id,
                    "date": RUN_1,
                    "letter_count": 1,
                    "amount_dunned": 400.0,
                    "amount_paid_7": 400.0,
                    "amount_paid_14": 400.0,
                    "amount_paid_30": 400.0,
                    "recovery_rate": 100.0,
                    "collection": False,
                    "collection_customer_count": 0,
                },
                {
                    "partner_id": self.c5.id,
                    "level_id": self.friendly.id,
                    "date": RUN_2,
                    "letter_count": 1,
                    "amount_dunned": 800.0,
                    "amount_paid_7": 0.0,
                    "amount_paid_14": 0.0,
                    "amount_paid_30": 800.0,
                    "recovery_rate": 100.0,
                    "collection": False,
                    "collection_customer_count": 0,
                },
            ],
        )

    def test_per_level_and_month(self):
        """Grouped by month and level, as in the pivot:

        2026-03 friendly   2 reminders, dunned 1000 + 400 = 1400,
                           7d 300 + 400 = 700, 14d 500 + 400 = 900,
                           30d 900 + 400 = 1300, rate 1300 / 1400 = 92.857 %
        2026-03 final      1, 2000, 500, 500, 500, 25 %
        2026-03 collection 1, 1500, 0, 0, 0, 0 %, 1 customer handed over
        2026-04 friendly   1, 800, 0, 0, 800, 100 %
        March overall      4, 4900, 1200, 1400, 1800, 1800 / 4900 = 36.735 %
        """
        aggregates = [
            "letter_count:sum",
            "amount_dunned:sum",
            "amount_paid_7:sum",
            "amount_paid_14:sum",
            "amount_paid_30:sum",
            "recovery_rate:avg",
            "collection_customer_count:sum",
        ]
        groups = self.Report.formatted_read_group(
            [("company_id", "=", self.company.id)],
            ["date:month", "level_id"],
            aggregates,
        )
        result = [
            (
                group["date:month"][1],
                group["level_id"][0],
                *(round(group[spec], 3) for spec in aggregates),
            )
            for group in groups
        ]
        self.assertEqual(
            sorted(result),
            sorted(
                [
                    (
                        "March 2026",
                        self.friendly.id,
                        2,
                        1400.0,
                        700.0,
                        900.0,
                        1300.0,
                        92.857,
                        0,
                    ),
                    (
                        "March 2026",
                        self.final.id,
                        1,
                        2000.0,
                        500.0,
                        500.0,
                        500.0,
                        25.0,
                        0,
                    ),
                    (
                        "March 2026",
                        self.collection.id,
                        1,
                        1500.0,
                        0.0,
                        0.0,
                        0.0,
                        0.0,
                        1,
                    ),
                    (
                        "April 2026",
                        self.friendly.id,
                        1,
                        800.0,
                        0.0,
                        0.0,
                        800.0,
                        100.0,
                        0,
                    ),
                ]
            ),
        )
        groups = self.Report.formatted_read_group(
            [("company_id", "=", self.company.id)], ["date:month"], aggregates
        )
        march = next(
            group for group in groups if group["date:month"][1] == "March 2026"
        )
        self.assertEqual(
            [round(march[spec], 3) for spec in aggregates],
            [4, 4900.0, 1200.0, 1400.0, 1800.0, 36.735, 1],
        )

    def test_dso_and_overdue_ratio(self):
        """Per month (figures at the month's end; sales = invoices of the 90
        days up to it):

        2025-12-31: receivables C3 1500 + C2 2000 = 3500, none due before 12-31
            -> overdue 0, ratio 0 %; sales 12-02 1500 + 12-16 2000 = 3500
            -> DSO 3500 / 3500 x 90 = 90.
        2026-03-31: invoices 1500 + 2000 + 1000 + 1000 + 800 = 6300; paid by then
            C4 600 + 400, C1 300 + 200, C2 100 + 500 = 2100 -> receivables 4200:
            C3 1500, C2 1400, C1 500, C5 800 (due 03-30), all overdue -> 100 %;
            sales 01-01..03-31: C1 1000 + C4 1000 + C5 800 = 2800
            -> DSO 4200 / 2800 x 90 = 135.
        2026-04-30: + C6 600 (04-20); paid by then 2100 + C1 400 + 100 + C5 800
            = 3400 -> receivables 6900 - 3400 = 3500; overdue C3 1500 + C2 1400
            = 2900 (C6 due 05-20) -> 2900 / 3500 = 82.857 %;
            sales 01-31..04-30: C5 800 + C6 600 = 1400 -> DSO 3500 / 1400 x 90 = 225.
        2026-06 (figures as of today, 06-15): receivables 3500, overdue 3500 (C6
            due 05-20 now overdue) -> 100 %; sales 03-18..06-15: C6 600
            -> DSO 3500 / 600 x 90 = 525.
        """
        rows = self.Dso.search([("company_id", "=", self.company.id)])
        self.assertEqual(
            rows.mapped("date"),
            [
                date(2025, 12, 1),
                date(2026, 1, 1),
                date(2026, 2, 1),
                date(2026, 3, 1),
                date(2026, 4, 1),
                date(2026, 5, 1),
                date(2026, 6, 1),
            ],
        )
        by_month = {row.date: row for row in rows}
        expected = {
            date(2025, 12, 1): (date(2025, 12, 31), 3500.0, 0.0, 3500.0, 90.0, 0.0),
            date(2026, 3, 1): (date(2026, 3, 31), 4200.0, 4200.0, 2800.0, 135.0, 100.0),
            date(2026, 4, 1): (
                date(2026, 4, 30),
                3500.0,
                2900.0,
                1400.0,
                225.0,
                82.857,
            ),
            date(2026, 6, 1): (TODAY, 3500.0, 3500.0, 600.0, 525.0, 100.0),
        }
        for month, (
            date_end,
            receivable,
            overdue,
            sales,
            dso,
            ratio,
        ) in expected.items():
            row = by_month[month]
            self.assertEqual(row.date_end, date_end)
            self.assertAlmostEqual(row.receivable_amount, receivable, 2, month)
            self.assertAlmostEqual(row.overdue_amount, overdue, 2, month)
            self.assertAlmostEqual(row.sales_amount, sales, 2, month)
            self.assertAlmostEqual(row.dso, dso, 2, month)
            self.assertAlmostEqual(row.overdue_ratio, ratio, 2, month)

        # Receivables and overdue at a month's end are the aging's total and
        # its overdue buckets as of that day.
        aging = self.env["dunning.aging.report"].with_context(aging_date="2026-04-30")
        groups = aging._read_group(
            [("company_id", "=", self.company.id)],
            [],
            ["amount_total:sum", "amount_not_due:sum"],
        )
        total, not_due = groups[0]
        self.assertAlmostEqual(total, 3500.0)
        self.assertAlmostEqual(total - not_due, 2900.0)

        # Grouped by quarter the ratios are ratios of the sums:
        # Q2 2026 (04, 05, 06): receivables 3500 x 3 = 10500; May: overdue 3500
        # (C6 due 05-20 < 05-31), sales 03-03..05-31: C6 600.
        # Overdue 2900 + 3500 + 3500 = 9900 -> 9900 / 10500 = 94.286 %;
        # sales 1400 + 600 + 600 = 2600 -> DSO 10500 / 2600 x 90 = 363.462.
        groups = self.Dso.formatted_read_group(
            [("company_id", "=", self.company.id), ("date", ">=", "2026-04-01")],
            ["date:quarter"],
            ["dso:avg", "overdue_ratio:avg", "receivable_amount:sum"],
        )
        self.assertEqual(len(groups), 1)
        self.assertAlmostEqual(groups[0]["receivable_amount:sum"], 10500.0)
        self.assertAlmostEqual(groups[0]["overdue_ratio:avg"], 94.286, 2)
        self.assertAlmostEqual(groups[0]["dso:avg"], 363.462, 2)
