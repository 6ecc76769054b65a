from datetime import date, timedelta

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from .common import DunningCommon

# The aging is checked as of two dates: today and the end of the previous month.
AGING_TODAY = date(2026, 6, 15)
MONTH_END = date(2026, 5, 31)
BUCKETS = ("not_due", "1_30", "31_60", "61_90", "91_120", "120_plus", "total")


class AgingLedgerMixin:
    """Helpers to post a ledger with explicit dates."""

    @classmethod
    def _invoice(cls, partner, amount, invoice_date, date_due, **kwargs):
        return cls._customer_invoice(partner, amount, invoice_date, date_due, **kwargs)

    @classmethod
    def _pay(cls, invoice, amount, payment_date, currency=None):
        return cls._register_payment(
            invoice,
            amount=amount,
            payment_date=payment_date,
            currency_id=(currency or invoice.currency_id).id,
        )

    @staticmethod
    def _receivable(moves):
        return moves.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        )


@tagged("post_install", "-at_install")
@freeze_time(AGING_TODAY)
class TestDunningAging(AgingLedgerMixin, DunningCommon):
    """The receivables aging as of today (2026-06-15) and as of the end of the
    previous month (2026-05-31).

    Customer A (company currency USD; EUR at 2.0 per USD until May, 2.5 from June):

    ====  =========================  ==========  ==========  ===========================
    item  what                       date        due         settled
    ====  =========================  ==========  ==========  ===========================
    INV1  invoice 1000               2026-01-10  2026-02-09  300 on 03-01, 200 on 06-05
    INV2  invoice 2000               2026-04-01  2026-05-01  credit note 500 (05-20)
    CN    credit note 500            2026-05-20  2026-05-20  reconciled with INV2
    INV3  invoice 800 (to a contact) 2026-06-02  2026-07-02  -
    PAY   payment 250, unreconciled  2026-05-25  2026-05-25  -
    EUR   invoice 1000 EUR = 500 USD 2026-03-15  2026-04-14  400 EUR (160 USD) on 06-10
    INV4  invoice 600                2026-02-01  2026-03-03  paid 04-10
    INV5  invoice 450                2026-05-05  2026-05-20  paid 06-08
    DRFT  draft invoice 9999         2026-05-01  2026-05-10  -
    ====  =========================  ==========  ==========  ===========================

    Customer B: INV6 900 (05-10, due 06-09) and INV7 100 (05-16, due 06-15).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Report = cls.env["dunning.aging.report"]
        cls.eur = cls.setup_other_currency(
            "EUR", rates=[("2000-01-01", 2.0), ("2026-06-01", 2.5)]
        )
        cls.customer_a = cls.env["res.partner"].create(
            {"name": "Aging Customer A", "is_company": True, "email": "a@example.com"}
        )
        cls.contact_a = cls.env["res.partner"].create(
            {"name": "John", "parent_id": cls.customer_a.id, "type": "invoice"}
        )
        cls.customer_b = cls.env["res.partner"].create(
            {"name": "Aging Customer B", "is_company": True, "email": "b@example.com"}
        )
        a, b = cls.customer_a, cls.customer_b

        cls.inv1 = cls._invoice(a, 1000.0, date(2026, 1, 10), date(2026, 2, 9))
        cls._pay(cls.inv1, 300.0, date(2026, 3, 1))
        cls._pay(cls.inv1, 200.0, date(2026, 6, 5))

        cls.inv2 = cls._invoice(a, 2000.0, date(2026, 4, 1), date(2026, 5, 1))
        cls.credit_note = cls._invoice(
            a, 500.0, date(2026, 5, 20), date(2026, 5, 20), move_type="out_refund"
        )
        cls._receivable(cls.inv2 + cls.credit_note).reconcile()

        cls.inv3 = cls._invoice(
            cls.contact_a, 800.0, date(2026, 6, 2), date(2026, 7, 2)
        )

        cls.payment = cls.init_payment(
            250.0, post=True, date=date(2026, 5, 25), partner=a
        )

        cls.inv_eur = cls._invoice(
            a, 1000.0, date(2026, 3, 15), date(2026, 4, 14), currency=cls.eur
        )
        cls._pay(cls.inv_eur, 400.0, date(2026, 6, 10))

        cls.inv4 = cls._invoice(a, 600.0, date(2026, 2, 1), date(2026, 3, 3))
        cls._pay(cls.inv4, 600.0, date(2026, 4, 10))
        cls.inv5 = cls._invoice(a, 450.0, date(2026, 5, 5), date(2026, 5, 20))
        cls._pay(cls.inv5, 450.0, date(2026, 6, 8))
        cls.draft = cls._invoice(
            a, 9999.0, date(2026, 5, 1), date(2026, 5, 10), post=False
        )

        cls.inv6 = cls._invoice(b, 900.0, date(2026, 5, 10), date(2026, 6, 9))
        cls.inv7 = cls._invoice(b, 100.0, date(2026, 5, 16), date(2026, 6, 15))

    def _aging(self, aging_date=None, domain=None):
        Report = (
            self.Report.with_context(aging_date=aging_date)
            if aging_date
            else self.Report
        )
        domain = domain or [
            ("partner_id", "in", (self.customer_a + self.customer_b).ids)
        ]
        return {row["partner"]: row for row in Report._dunning_aging_by_partner(domain)}

    def _assert_buckets(self, row, expected, msg):
        for label, amount in zip(BUCKETS, expected, strict=True):
            self.assertAlmostEqual(row[label], amount, 2, f"{msg}: bucket {label}")

    # ------------------------------------------------------------------

    def test_ledger_as_built(self):
        """The ledger is what the class docstring says (checked with Odoo's own
        residuals), so the aging below is checked against the right facts."""
        self.assertAlmostEqual(self.inv1.amount_residual, 500.0)
        self.assertAlmostEqual(self.inv2.amount_residual, 1500.0)
        self.assertEqual(self.credit_note.payment_state, "paid")
        self.assertEqual(self.inv_eur.currency_id, self.eur)
        self.assertAlmostEqual(self.inv_eur.amount_residual, 600.0, msg="600 EUR left")
        receivable_eur = self._receivable(self.inv_eur)
        self.assertAlmostEqual(receivable_eur.balance, 500.0, msg="1000 EUR at 2.0")
        self.assertAlmostEqual(
            receivable_eur.amount_residual,
            300.0,
            msg="500 USD - 160 USD paid - 40 USD exchange difference",
        )
        self.assertFalse(self._receivable(self.payment.move_id).reconciled)
        self.assertEqual(self.inv4.payment_state, "paid")
        self.assertEqual(self.inv5.payment_state, "paid")

    def test_aging_as_of_today(self):
        """As of 2026-06-15 (days overdue = 06-15 - due date):

        customer A
          not due   INV3 800 (due 07-02)                                    =  800
          1-30      PAY -250 (due 05-25, 21 days)                           = -250
          31-60     INV2 2000 - CN 500 = 1500 (due 05-01, 45 days)          = 1500
          61-90     EUR 500 - 160 paid - 40 exchange diff = 300 (due 04-14,
                    62 days)                                                =  300
          91-120    -                                                       =    0
          over 120  INV1 1000 - 300 - 200 = 500 (due 02-09, 126 days)        =  500
          total     800 - 250 + 1500 + 300 + 500                            = 2850
          (INV4 and INV5 are paid, the credit note is used, the draft is ignored)
        customer B
          not due   INV7 100 (due 06-15, its due date: 0 days)              =  100
          1-30      INV6 900 (due 06-09, 6 days)                            =  900
          total                                                             = 1000
        """
        aging = self._aging(AGING_TODAY)
        self._assert_buckets(
            aging[self.customer_a],
            (800.0, -250.0, 1500.0, 300.0, 0.0, 500.0, 2850.0),
            "A today",
        )
        self._assert_buckets(
            aging[self.customer_b],
            (100.0, 900.0, 0.0, 0.0, 0.0, 0.0, 1000.0),
            "B today",
        )
        # Without an aging date in the context, the aging is as of today.
        self.assertEqual(self._aging(), aging)

    def test_aging_as_of_end_of_previous_month(self):
        """As of 2026-05-31: INV3 (06-02) does not exist yet, and the payments
        of 06-05 (INV1), 06-08 (INV5) and 06-10 (EUR) were not made yet.

        customer A
          not due   -                                                       =    0
          1-30      INV2 1500 (due 05-01, 30 days) - PAY 250 (05-25, 6 days)
                    + INV5 450 (due 05-20, 11 days)                         = 1700
          31-60     EUR 500 USD (due 04-14, 47 days)                        =  500
          61-90     -                                                       =    0
          91-120    INV1 1000 - 300 = 700 (due 02-09, 111 days)             =  700
          over 120  -                                                       =    0
          total     1700 + 500 + 700                                        = 2900
        customer B
          not due   INV6 900 (due 06-09) + INV7 100 (due 06-15)            = 1000
          total                                                             = 1000
        """
        aging = self._aging(MONTH_END)
        self._assert_buckets(
            aging[self.customer_a],
            (0.0, 1700.0, 500.0, 0.0, 700.0, 0.0, 2900.0),
            "A month end",
        )
        self._assert_buckets(
            aging[self.customer_b],
            (1000.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1000.0),
            "B month end",
        )

    def test_open_items_as_of_end_of_previous_month(self):
        """The drill-down rows: one per open receivable item, with its open
        amount in company currency and in its own currency."""
        rows = self.Report.with_context(aging_date=MONTH_END).search(
            [("partner_id", "=", self.customer_a.id)]
        )
        usd = self.company.currency_id.id
        self.assertRecordValues(
            rows.sorted(lambda row: row.move_id.id),
            [
                {
                    "move_id": self.inv1.id,
                    "amount_total": 700.0,
                    "aging_bucket": "91_120",
                    "days_overdue": 111,
                    "amount_original": 1000.0,
                    "amount_currency_open": 700.0,
                    "line_currency_id": usd,
                },
                {
                    "move_id": self.inv2.id,
                    "amount_total": 1500.0,
                    "aging_bucket": "1_30",
                    "days_overdue": 30,
                    "amount_original": 2000.0,
                    "amount_currency_open": 1500.0,
                    "line_currency_id": usd,
                },
                {
                    "move_id": self.payment.move_id.id,
                    "amount_total": -250.0,
                    "aging_bucket": "1_30",
                    "days_overdue": 6,
                    "amount_original": -250.0,
                    "amount_currency_open": -250.0,
                    "line_currency_id": usd,
                },
                {
                    "move_id": self.inv_eur.id,
                    "amount_total": 500.0,
                    "aging_bucket": "31_60",
                    "days_overdue": 47,
                    "amount_original": 500.0,
                    "amount_currency_open": 1000.0,
                    "line_currency_id": self.eur.id,
                },
                {
                    "move_id": self.inv5.id,
                    "amount_total": 450.0,
                    "aging_bucket": "1_30",
                    "days_overdue": 11,
                    "amount_original": 450.0,
                    "amount_currency_open": 450.0,
                    "line_currency_id": usd,
                },
            ],
        )
        for row in rows:
            self.assertEqual(row.currency_id, self.company.currency_id)
            self.assertEqual(
                row[f"amount_{row.aging_bucket}"],
                row.amount_total,
                "the open amount is in its bucket's column",
            )
            self.assertEqual(
                sum(row[f"amount_{label}"] for label in BUCKETS[:-1]),
                row.amount_total,
                "and only there",
            )
        self.assertTrue(all(row.aging_date == MONTH_END for row in rows))
        self.assertEqual(
            rows.move_line_id,
            self._receivable(
                self.inv1 + self.inv2 + self.payment.move_id + self.inv_eur + self.inv5
            ),
        )
        today_rows = self.Report.search([("partner_id", "=", self.customer_a.id)])
        self.assertEqual(
            today_rows.move_id,
            self.inv1 + self.inv2 + self.inv3 + self.payment.move_id + self.inv_eur,
        )
        eur_row = today_rows.filtered(lambda row: row.move_id == self.inv_eur)
        self.assertAlmostEqual(eur_row.amount_currency_open, 600.0)
        self.assertEqual(
            today_rows.filtered(lambda row: row.move_id == self.inv3).partner_id,
            self.customer_a,
            "an invoice to a contact ages under its company",
        )

    def test_one_customers_rows_are_its_share_of_the_report(self):
        """Filtered on a customer, as its Dunning tab opens the aging, the report
        gives that customer's rows of the whole report (its contact's invoice
        included), as of today and as of the end of the previous month."""
        for aging_date in (AGING_TODAY, MONTH_END):
            Report = self.Report.with_context(aging_date=aging_date)
            everyone = Report.search([])
            for customer in self.customer_a + self.customer_b:
                rows = Report.search([("partner_id", "=", customer.id)])
                self.assertTrue(rows, f"{customer.name} owes as of {aging_date}")
                self.assertEqual(
                    rows,
                    everyone.filtered(lambda row, c=customer: row.partner_id == c),
                    f"{customer.name} as of {aging_date}",
                )

    def test_items_without_customer_are_in_the_report(self):
        """A receivable item without a partner (a journal entry) is open
        receivable too: it is in the report, under no customer."""
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "date": AGING_TODAY - timedelta(days=40),
                "journal_id": self.company_data["default_journal_misc"].id,
                "line_ids": [
                    Command.create(
                        {
                            "name": "Receivable without a customer",
                            "account_id": self.company_data[
                                "default_account_receivable"
                            ].id,
                            "debit": 77.0,
                            "date_maturity": AGING_TODAY - timedelta(days=40),
                        }
                    ),
                    Command.create(
                        {
                            "name": "Income",
                            "account_id": self.company_data[
                                "default_account_revenue"
                            ].id,
                            "credit": 77.0,
                        }
                    ),
                ],
            }
        )
        entry.action_post()
        row = self.Report.search([("move_id", "=", entry.id)])
        self.assertEqual(len(row), 1)
        self.assertFalse(row.partner_id)
        self.assertAlmostEqual(row.amount_total, 77.0, 2)
        self.assertAlmostEqual(row.amount_31_60, 77.0, 2)
        self.assertIn(row, self.Report.search([("partner_id", "=", False)]))
        self.assertNotIn(
            row, self.Report.search([("partner_id", "=", self.customer_a.id)])
        )

    def test_same_as_the_customers_live_aging(self):
        """As of today the report agrees with the customer's Dunning tab."""
        aging = self._aging()
        for customer in self.customer_a + self.customer_b:
            partner = customer.with_company(self.company)
            for label in BUCKETS[:-1]:
                self.assertAlmostEqual(
                    aging[customer][label], partner[f"dunning_aging_{label}"], 2, label
                )
            self.assertAlmostEqual(
                aging[customer]["total"], partner.dunning_total_due, 2
            )

    def test_grouped_by_bucket_and_pivot(self):
        """The web client's grouped reads (list groups, pivot) give the same sums."""
        Report = self.Report.with_context(aging_date=MONTH_END)
        groups = Report.formatted_read_group(
            [("partner_id", "=", self.customer_a.id)],
            ["aging_bucket"],
            ["amount_total:sum"],
        )
        by_bucket = {
            group["aging_bucket"]: group["amount_total:sum"] for group in groups
        }
        self.assertEqual(by_bucket, {"1_30": 1700.0, "31_60": 500.0, "91_120": 700.0})
        groups = Report.formatted_read_group(
            [("partner_id", "in", (self.customer_a + self.customer_b).ids)],
            ["partner_id"],
            ["amount_not_due:sum", "amount_1_30:sum", "amount_total:sum"],
        )
        self.assertEqual(
            [
                (
                    g["partner_id"][0],
                    g["amount_not_due:sum"],
                    g["amount_1_30:sum"],
                    g["amount_total:sum"],
                )
                for g in groups
            ],
            [
                (self.customer_a.id, 0.0, 1700.0, 2900.0),
                (self.customer_b.id, 1000.0, 0.0, 1000.0),
            ],
        )

    def test_filters(self):
        """Filters by salesperson, dunning responsible, dunning level and country
        (the customer's, per company for the dunning fields)."""
        salesman = self.env["res.users"].create(
            {"name": "Seller", "login": "aging_seller"}
        )
        collector = self.env["res.users"].create(
            {"name": "Collector", "login": "aging_collector"}
        )
        self.customer_a.write(
            {"user_id": salesman.id, "country_id": self.env.ref("base.be").id}
        )
        partner_a = self.customer_a.with_company(self.company)
        partner_a.dunning_responsible_id = collector
        partner_a.dunning_level_id = self.second
        Report = self.Report.with_context(aging_date=MONTH_END)
        customers = self.customer_a + self.customer_b
        for domain in (
            [("user_id", "=", salesman.id)],
            [("dunning_responsible_id", "=", collector.id)],
            [("dunning_level_id", "=", self.second.id)],
            [("country_id", "=", self.env.ref("base.be").id)],
        ):
            rows = Report.search(domain + [("partner_id", "in", customers.ids)])
            self.assertEqual(rows.partner_id, self.customer_a, domain)
            self.assertEqual(len(rows), 5, domain)
        rows = Report.search([("partner_id", "=", self.customer_b.id)])
        self.assertFalse(rows.dunning_responsible_id)
        self.assertFalse(rows.dunning_level_id)

    def test_other_company(self):
        """Each company ages its own items, in its own currency; the report
        shows the companies selected in the company switcher."""
        company_2 = self.setup_other_company()["company"]
        self.env.user.company_ids |= company_2
        inv_2 = self._invoice(
            self.customer_a,
            300.0,
            date(2026, 5, 1),
            date(2026, 5, 11),
            company=company_2,
        )
        level_2 = self.env["dunning.level"]._dunning_levels_for(company_2)[:1]
        self.customer_a.with_company(company_2).dunning_level_id = level_2
        only_1 = self.Report.with_context(allowed_company_ids=self.company.ids)
        self.assertNotIn(inv_2, only_1.search([]).move_id)
        both = self.Report.with_context(
            allowed_company_ids=(self.company + company_2).ids
        )
        row_2 = both.search([("move_id", "=", inv_2.id)])
        self.assertRecordValues(
            row_2,
            [
                {
                    "company_id": company_2.id,
                    "currency_id": company_2.currency_id.id,
                    "amount_31_60": 300.0,
                    "days_overdue": 35,
                    "dunning_level_id": level_2.id,
                }
            ],
        )
        self.assertFalse(
            both.search([("move_id", "=", self.inv1.id)]).dunning_level_id,
            "the level of company 2 is not the level in company 1",
        )

    def test_wizard_opens_the_report_as_of_the_chosen_date(self):
        with Form(self.env["dunning.aging.wizard"]) as wizard:
            self.assertEqual(wizard.aging_date, AGING_TODAY)
            wizard.period = "last_month"
            self.assertEqual(wizard.aging_date, MONTH_END)
        action = wizard.record.action_open()
        self.assertEqual(action["res_model"], "dunning.aging.report")
        self.assertEqual(action["context"]["aging_date"], "2026-05-31")
        self.assertIn("pivot", action["view_mode"])
        rows = self.Report.with_context(**action["context"]).search(
            [("partner_id", "=", self.customer_b.id)]
        )
        self.assertEqual(set(rows.mapped("aging_bucket")), {"not_due"})
        # The report's "Change Date" button reopens the wizard on its date.
        action = self.Report.with_context(
            aging_date="2026-05-31"
        ).action_open_aging_wizard()
        self.assertEqual(action["res_model"], "dunning.aging.wizard")
        self.assertEqual(action["context"]["default_aging_date"], "2026-05-31")

    def test_export(self):
        """Odoo's standard export reads the rows as of the context's date."""
        rows = self.Report.with_context(aging_date=MONTH_END).search(
            [("partner_id", "=", self.customer_b.id)], order="date_maturity"
        )
        data = rows.export_data(
            [
                "partner_id",
                "move_name",
                "date_maturity",
                "amount_not_due",
                "amount_total",
            ]
        )["datas"]
        self.assertEqual(
            [(row[0], row[1], row[3], row[4]) for row in data],
            [
                ("Aging Customer B", self.inv6.name, 900.0, 900.0),
                ("Aging Customer B", self.inv7.name, 100.0, 100.0),
            ],
        )

    def test_pdf(self):
        """The printed aging: one row per customer with its buckets and total."""
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "dunning_followup.action_report_dunning_aging",
                None,
                data={"aging_date": "2026-05-31"},
            )[0]
            .decode()
        )
        self.assertIn("Aging Customer A", html)
        self.assertIn("Aging Customer B", html)
        self.assertIn("05/31/2026", html)
        self.assertIn("2,900.00", html)
        self.assertIn("1,700.00", html)
        # Printed from selected rows of the list: only those rows.
        rows = self.Report.with_context(aging_date=MONTH_END).search(
            [("partner_id", "=", self.customer_b.id)]
        )
        html = (
            self.env["ir.actions.report"]
            .with_context(aging_date="2026-05-31")
            ._render_qweb_html(
                "dunning_followup.action_report_dunning_aging", rows.ids
            )[0]
            .decode()
        )
        self.assertNotIn("Aging Customer A", html)
        self.assertIn("Aging Customer B", html)
        self.assertIn("1,000.00", html)

    def test_aging_bar_on_the_customer(self):
        partner = self.customer_a.with_company(self.company)
        bar = str(partner.dunning_aging_bar)
        self.assertIn("o_dunning_aging_120_plus", bar)
        self.assertIn("500.00", bar)
        action = partner.action_view_dunning_aging()
        self.assertEqual(action["res_model"], "dunning.aging.report")
        self.assertEqual(action["domain"], [("partner_id", "=", self.customer_a.id)])
        self.assertEqual(len(self.Report.search(action["domain"])), 5)

    def test_invoice_posted_after_the_date_and_reset_to_draft(self):
        """Entries dated after the aging date, and entries no longer posted, are
        ignored."""
        late = self._invoice(
            self.customer_b,
            70.0,
            MONTH_END + timedelta(days=1),
            MONTH_END + timedelta(days=31),
        )
        self.assertFalse(
            self.Report.with_context(aging_date=MONTH_END).search(
                [("move_id", "=", late.id)]
            )
        )
        self.assertTrue(self.Report.search([("move_id", "=", late.id)]))
        late.button_draft()
        self.assertFalse(self.Report.search([("move_id", "=", late.id)]))


@tagged("post_install", "-at_install")
@freeze_time(AGING_TODAY)
class TestDunningLogCall(AgingLedgerMixin, DunningCommon):
    """The worklist's Log Call dialog."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # An invoicing user: a collector who may not edit customers otherwise.
        cls.collector = new_test_user(
            cls.env,
            login="log_call_collector",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        due = AGING_TODAY - timedelta(days=30)
        cls.invoice = cls._invoice(cls.partner_a, 1000.0, due - timedelta(days=30), due)

    def _log(self, user=None, **values):
        partner = self.partner_a.with_user(user or self.env.user).with_company(
            self.company
        )
        action = partner.action_dunning_log_call()
        self.assertEqual(action["res_model"], "dunning.log.call")
        self.assertEqual(action["target"], "new")
        wizard = (
            self.env["dunning.log.call"]
            .with_user(user or self.env.user)
            .with_context(**action["context"])
            .create(values)
        )
        self.assertEqual(wizard.partner_id, self.partner_a)
        return wizard.action_log()

    def test_promise_to_pay(self):
        """A promise sets the promised date (pausing escalation), logs a note
        and schedules a to-do for the responsible the day after the promise."""
        self.partner_a.with_company(self.company).action_dunning_refresh()
        self.assertEqual(self._state(self.partner_a).dunning_status, "action_needed")
        promise = AGING_TODAY + timedelta(days=10)
        self._state(self.partner_a).dunning_responsible_id = self.collector
        self._log(
            user=self.collector,
            outcome="promised",
            promise_date=promise,
            note="Will pay after the board meeting",
        )
        partner = self._state(self.partner_a)
        partner.invalidate_recordset()
        self.assertEqual(partner.dunning_promise_date, promise)
        self.assertEqual(
            partner.dunning_status, "waiting", "the promise pauses the escalation"
        )
        self.assertEqual(partner.dunning_next_date, promise + timedelta(days=1))
        note = self.partner_a.message_ids[0]
        self.assertIn("Promised to Pay", note.body)
        self.assertIn("board meeting", note.body)
        self.assertEqual(note.author_id, self.collector.partner_id)
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
        activity = self.partner_a.activity_ids
        self.assertRecordValues(
            activity,
            [
                {
                    "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                    "date_deadline": promise + timedelta(days=1),
                    "user_id": self.collector.id,
                }
            ],
        )
        self.assertFalse(self._run(), "no reminder while the promise holds")

    def test_promise_without_responsible_goes_to_the_current_user(self):
        promise = AGING_TODAY + timedelta(days=3)
        self._log(outcome="promised", promise_date=promise)
        self.assertEqual(self.partner_a.activity_ids.user_id, self.env.user)

    def test_no_answer_in_one_click(self):
        self.partner_a.with_company(self.company).action_dunning_refresh()
        action = self.partner_a.with_company(self.company).action_dunning_log_call()
        wizard = (
            self.env["dunning.log.call"]
            .with_user(self.collector)
            .with_context(**action["context"])
            .create({})
        )
        wizard.action_log_no_answer()
        self.assertIn("No Answer", self.partner_a.message_ids[0].body)
        self.assertFalse(self._state(self.partner_a).dunning_promise_date)
        self.assertFalse(self.partner_a.activity_ids)
        self.assertEqual(self._state(self.partner_a).dunning_status, "action_needed")

    def test_promise_needs_a_future_date(self):
        with self.assertRaises(UserError):
            self._log(outcome="promised", promise_date=AGING_TODAY - timedelta(days=1))
        with self.assertRaises(UserError):
            self._log(outcome="promised")


@tagged("post_install", "-at_install")
@freeze_time(AGING_TODAY)
class TestDunningAgingMatchesWorklist(AgingLedgerMixin, DunningCommon):
    """The aging says what the worklist says, and leaves out who owes nothing.

    * "Acme": an invoice of 500 due 15 days ago and a payment of 100 received
      20 days ago, not matched to it; and an invoice not due for 61 days.
    * "Settled": an invoice of 300 and a payment of 300, not matched.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Report = cls.env["dunning.aging.report"]
        cls.acme, cls.settled = cls.env["res.partner"].create(
            [
                {"name": "Acme", "is_company": True},
                {"name": "Settled", "is_company": True},
            ]
        )
        cls._invoice(
            cls.acme,
            500.0,
            AGING_TODAY - timedelta(days=45),
            AGING_TODAY - timedelta(days=15),
        )
        cls.not_due = cls._invoice(
            cls.acme, 200.0, AGING_TODAY, AGING_TODAY + timedelta(days=61)
        )
        cls._unmatched_payment(cls.acme, 100.0, AGING_TODAY - timedelta(days=20))
        cls._invoice(
            cls.settled,
            300.0,
            AGING_TODAY - timedelta(days=40),
            AGING_TODAY - timedelta(days=10),
        )
        cls._unmatched_payment(cls.settled, 300.0, AGING_TODAY - timedelta(days=5))

    @classmethod
    def _unmatched_payment(cls, partner, amount, date):
        return cls.init_payment(amount, post=True, date=date, partner=partner)

    def test_group_days_overdue_equal_the_worklist(self):
        self.acme.action_dunning_refresh()
        worklist_days = self._state(self.acme).dunning_max_days_overdue
        self.assertEqual(worklist_days, 15)
        groups = self.Report._read_group(
            [("partner_id", "=", self.acme.id)],
            groupby=["partner_id"],
            aggregates=["days_overdue:max"],
        )
        self.assertEqual(
            groups[0][1],
            worklist_days,
            "The customer's days overdue are those of its oldest open invoice, "
            "not of the unmatched payment",
        )

    def test_not_due_items_say_when_they_are_due(self):
        row = self.Report.search([("move_id", "=", self.not_due.id)])
        self.assertEqual(row.days_overdue, 0, "Not -61")
        self.assertEqual(row.due_label, "due in 61 days")

    def test_customers_netting_to_zero_are_absent(self):
        partners = self.Report.search([]).partner_id
        self.assertIn(self.acme, partners)
        self.assertNotIn(
            self.settled,
            partners,
            "A customer whose open items net to zero owes nothing",
        )

    def test_menu_title_carries_the_date(self):
        action = self.Report.action_open_today()
        self.assertEqual(action["name"], "Receivables Aging as of 06/15/2026")

    def test_one_menu_entry_with_the_date_as_a_filter(self):
        menus = self.env["ir.ui.menu"].search([("name", "ilike", "Receivables Aging")])
        self.assertEqual(
            len(menus), 1, "The aging has one menu entry; its date is a filter"
        )
        search = self.env.ref("dunning_followup.dunning_aging_report_view_search")
        arch = etree.fromstring(search.arch)
        self.assertTrue(
            arch.xpath("//filter[@name='as_of_last_month_end']"),
            "The report filters on the end of last month as its aging date",
        )

    def test_customer_link_opens_its_dunning_tab(self):
        row = self.Report.search([("partner_id", "=", self.acme.id)], limit=1)
        action = row.action_open_customer()
        self.assertEqual(
            (action["res_model"], action["res_id"]), ("res.partner", self.acme.id)
        )
        view = self.env["ir.ui.view"].browse(action["views"][0][0])
        arch = etree.fromstring(view.get_combined_arch())
        self.assertTrue(
            arch.xpath("//page[@name='dunning'][@autofocus='autofocus']"),
            "The customer's form opens on its Dunning tab",
        )
        self.assertEqual(
            self.acme.action_dunning_open_dunning_tab(),
            action,
            "The group row of the customer opens the same Dunning tab",
        )
        report_list = self.env.ref("dunning_followup.dunning_aging_report_view_list")
        self.assertTrue(
            etree.fromstring(report_list.arch).xpath(
                "//groupby[@name='partner_id']/button"
                "[@name='action_dunning_open_dunning_tab']"
            ),
            "Each customer's group row of the aging links to its Dunning tab",
        )
