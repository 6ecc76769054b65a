from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged
from odoo.tools import SQL

from .common import DunningCommon
from .test_dunning_aging import AgingLedgerMixin

TODAY = date(2026, 6, 15)
BUCKETS = (
    "amount_not_due",
    "amount_1_30",
    "amount_31_60",
    "amount_61_90",
    "amount_91_120",
    "amount_120_plus",
    "amount_total",
)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestDunningAgingSnapshot(AgingLedgerMixin, DunningCommon):
    """The aging per customer stored by the scheduled action, and what makes a
    customer's aging live again.

    Customer A: 1000 due 2026-04-01 (75 days late), and 400 due 2026-07-01 on
    its contact John (a miscellaneous entry). Customer B: 700 due 2026-06-05
    (10 days), half paid before today. Customer C: 300 due 2026-02-01
    (134 days), and a credit note of 300 that nets it to zero. Customer D: 250
    due 2026-05-16 (30 days).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.Report = cls.env["dunning.aging.report"]
        cls.Customer = cls.env["dunning.aging.customer.report"]
        cls.Snapshot = cls.env["dunning.aging.snapshot"]
        cls.customer_a, cls.customer_b, cls.customer_c, cls.customer_d = (
            Partner.create({"name": f"Stored Aging {name}", "is_company": True})
            for name in "ABCD"
        )
        cls.john = Partner.create(
            {"name": "John", "parent_id": cls.customer_a.id, "type": "invoice"}
        )
        cls.inv_a = cls._invoice(
            cls.customer_a, 1000.0, date(2026, 3, 2), date(2026, 4, 1)
        )
        # A receivable item on the contact itself (invoices put their items
        # on the commercial partner): a miscellaneous entry.
        cls.entry_john = cls.env["account.move"].create(
            {
                "move_type": "entry",
                "date": date(2026, 6, 1),
                "journal_id": cls.company_data["default_journal_misc"].id,
                "line_ids": [
                    Command.create(
                        {
                            "account_id": cls.company_data[
                                "default_account_receivable"
                            ].id,
                            "partner_id": cls.john.id,
                            "debit": 400.0,
                            "date_maturity": date(2026, 7, 1),
                        }
                    ),
                    Command.create(
                        {
                            "account_id": cls.company_data[
                                "default_account_revenue"
                            ].id,
                            "credit": 400.0,
                        }
                    ),
                ],
            }
        )
        cls.entry_john.action_post()
        cls.inv_b = cls._invoice(
            cls.customer_b, 700.0, date(2026, 5, 6), date(2026, 6, 5)
        )
        cls._pay(cls.inv_b, 350.0, date(2026, 6, 10))
        cls.inv_c = cls._invoice(
            cls.customer_c, 300.0, date(2026, 1, 2), date(2026, 2, 1)
        )
        cls.refund_c = cls._invoice(
            cls.customer_c,
            300.0,
            date(2026, 6, 1),
            date(2026, 6, 1),
            move_type="out_refund",
        )
        cls.inv_d = cls._invoice(
            cls.customer_d, 250.0, date(2026, 4, 16), date(2026, 5, 16)
        )
        cls.customers = cls.customer_a | cls.customer_b | cls.customer_c
        cls.customers |= cls.customer_d

    # ------------------------------------------------------------------

    def _refresh(self):
        """Store the aging as of today as if this transaction's journal items
        had been committed before the refresh: only what the test writes
        afterwards, in a savepoint (a transaction id of its own), is new."""
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT MAX(xmin::text::bigint) FROM account_move_line"
            " WHERE partner_id = ANY(%s)",
            [(self.customers | self.john).ids],
        )
        newest = self.env.cr.fetchone()[0]
        return self.Snapshot._dunning_refresh(
            self.env.company, snapshot_xid=(newest + 1) % 2**32
        )

    def _tamper(self, partner, amount=10000.0):
        """Add ``amount`` to the stored aging of ``partner`` (not due), so
        that a test sees whether the report read it or computed it live."""
        self.env.cr.execute(
            SQL(
                """UPDATE dunning_aging_snapshot_line
                      SET amount_not_due = amount_not_due + %(amount)s,
                          amount_total = amount_total + %(amount)s
                    WHERE partner_id = %(partner)s""",
                amount=amount,
                partner=partner.id,
            )
        )
        self.env["dunning.aging.snapshot.line"].invalidate_model()

    def _per_customer(self, items=False, **context):
        """{customer: (days overdue, open items, amounts per bucket)} of the
        aging report grouped by customer; ``items``: added up from the items."""
        Report = self.Report.with_context(dunning_aging_items=items, **context)
        groups = Report._read_group(
            [("partner_id", "in", self.customers.ids)],
            groupby=["partner_id"],
            aggregates=["days_overdue:max", "__count", *(f"{b}:sum" for b in BUCKETS)],
        )
        return {
            partner: (days, count, *(round(amount, 2) for amount in amounts))
            for partner, days, count, *amounts in groups
        }

    @staticmethod
    def _spy(model, method):
        """Patch ``model``'s ``method`` with a mock that calls it."""
        cls = type(model)
        return patch.object(
            cls, method, autospec=True, side_effect=getattr(cls, method)
        )

    def _live(self, **context):
        return self._per_customer(items=True, **context)

    # ------------------------------------------------------------------

    def test_per_customer_is_the_items_added_up(self):
        """Without a stored aging, and with one, the report per customer is
        the open items added up per customer, customers netting to zero left
        out, the contact's invoice counted for its company."""
        expected = {
            self.customer_a: (75, 2, 400.0, 0, 0, 1000.0, 0, 0, 1400.0),
            self.customer_b: (10, 1, 0, 350.0, 0, 0, 0, 0, 350.0),
            self.customer_d: (30, 1, 0, 250.0, 0, 0, 0, 0, 250.0),
        }
        self.assertEqual(self._live(), expected)
        self.assertEqual(self._per_customer(), expected)
        snapshot = self._refresh()
        self.assertEqual(snapshot.aging_date, TODAY)
        # A (and its contact John), B, C (netting to zero per customer, but
        # stored per partner), D.
        self.assertEqual(snapshot.line_count, 5)
        self.assertEqual(self._per_customer(), expected)
        self.assertEqual(self._live(), expected)

    def test_stored_aging_is_read_for_unchanged_customers(self):
        self._refresh()
        self._tamper(self.customer_d)
        per_customer = self._per_customer()
        self.assertEqual(per_customer[self.customer_d][-1], 10250.0)
        self.assertEqual(self._live()[self.customer_d][-1], 250.0)
        # Another aging date, or the items asked for, are live.
        self.assertEqual(
            self._per_customer(aging_date="2026-06-14")[self.customer_d][-1], 250.0
        )

    def test_payment_after_the_refresh_is_aged_live(self):
        self._refresh()
        self._tamper(self.customer_b)
        self._tamper(self.customer_d)
        with self.env.cr.savepoint():
            self._pay(self.inv_b, 100.0, TODAY)
        per_customer = self._per_customer()
        self.assertEqual(per_customer[self.customer_b][-1], 250.0)
        self.assertEqual(
            per_customer,
            self._live() | {self.customer_d: per_customer[self.customer_d]},
        )
        self.assertEqual(per_customer[self.customer_d][-1], 10250.0)

    def test_new_invoice_and_new_customer_after_the_refresh(self):
        self._refresh()
        self._tamper(self.customer_a)
        with self.env.cr.savepoint():
            self._invoice(self.customer_a, 90.0, date(2026, 6, 10), date(2026, 6, 12))
        self.assertEqual(self._per_customer(), self._live())
        self.assertEqual(self._per_customer()[self.customer_a][-1], 1490.0)

    def test_contact_invoice_changes_its_company(self):
        """A change to the contact's item makes the contact live; the other
        partner of the customer (the company itself) stays stored."""
        self._refresh()
        self._tamper(self.customer_a, 5.0)
        john_line = self.entry_john.line_ids.filtered("debit")
        with self.env.cr.savepoint():
            john_line.date_maturity = date(2026, 6, 10)
        self.assertEqual(
            self._per_customer()[self.customer_a],
            (75, 2, 5.0, 400.0, 0, 1000.0, 0, 0, 1405.0),
        )
        self.assertEqual(
            self._live()[self.customer_a], (75, 2, 0, 400.0, 0, 1000.0, 0, 0, 1400.0)
        )

    def test_contact_moved_to_another_company_counts_there_at_once(self):
        self._refresh()
        with self.env.cr.savepoint():
            self.john.parent_id = self.customer_d
        per_customer = self._per_customer()
        self.assertEqual(per_customer, self._live())
        self.assertEqual(per_customer[self.customer_a][-1], 1000.0)
        self.assertEqual(per_customer[self.customer_d][-1], 650.0)

    def test_item_moved_to_another_partner_makes_both_live(self):
        self._refresh()
        self._tamper(self.customer_d)
        receivable = self._receivable(self.inv_d)
        with self.env.cr.savepoint():
            receivable.partner_id = self.customer_b
        stored = self.env["dunning.aging.snapshot.line"].search(
            [("partner_id", "=", self.customer_d.id)]
        )
        self.assertTrue(stored.stale)
        per_customer = self._per_customer()
        self.assertEqual(per_customer, self._live())
        self.assertNotIn(self.customer_d, per_customer)
        self.assertEqual(per_customer[self.customer_b][-1], 600.0)

    def test_invoice_reset_to_draft_and_deleted(self):
        self._refresh()
        self._tamper(self.customer_d)
        with self.env.cr.savepoint():
            self.inv_d.button_draft()
            self.inv_d.unlink()
        per_customer = self._per_customer()
        self.assertEqual(per_customer, self._live())
        self.assertNotIn(self.customer_d, per_customer)

    def test_changed_account_makes_the_company_live(self):
        self._refresh()
        self._tamper(self.customer_d)
        with self.env.cr.savepoint():
            self._receivable(self.inv_d).account_id.name += " (renamed)"
        self.assertEqual(self._per_customer()[self.customer_d][-1], 250.0)

    def test_refresh_of_the_scheduled_action_ages_its_own_transaction_live(self):
        """The refresh keeps the oldest transaction its snapshot did not see:
        its own, and so what this test wrote, counts as changed (every
        customer live)."""
        cron = self.env.ref("dunning_followup.ir_cron_dunning_aging_refresh")
        self.assertEqual(cron.model_id.model, self.Snapshot._name)
        self.env.company.partner_id.tz = "Europe/Brussels"
        snapshot = self.Snapshot._cron_refresh()
        self.assertIn(self.env.company, snapshot.company_id)
        self.assertEqual(
            self.Snapshot.search([("company_id", "=", self.env.company.id)]),
            snapshot.filtered(lambda s: s.company_id == self.env.company),
        )
        self._tamper(self.customer_d)
        self.assertEqual(self._per_customer()[self.customer_d][-1], 250.0)

    def test_scheduled_action_refreshes_each_company_once_on_its_day(self):
        """Hourly, the scheduled action refreshes a company once its today (in
        its time zone) has no stored aging, and leaves it alone until its next
        day; a second refresh replaces the rows of the first."""
        company = self.env.company
        company.partner_id.tz = "Europe/Brussels"  # 02:00 on 2026-06-15
        self.assertEqual(self.Snapshot._dunning_company_today(company), TODAY)
        self._refresh()
        Line = self.env["dunning.aging.snapshot.line"]
        ours = [
            ("company_id", "=", company.id),
            ("partner_id", "in", (self.customers | self.john).ids),
        ]
        self.assertEqual(Line.search_count(ours), 5)
        refreshed = self.Snapshot._cron_refresh()
        self.assertNotIn(company, refreshed.company_id)
        # Still 2026-06-14 in New York: the company's day is another one.
        company.partner_id.tz = "America/New_York"
        refreshed = self.Snapshot._cron_refresh()
        snapshot = refreshed.filtered(lambda s: s.company_id == company)
        self.assertEqual(snapshot.aging_date, date(2026, 6, 14))
        self.assertEqual(
            self.Snapshot.search([("company_id", "=", company.id)]), snapshot
        )
        self.assertEqual(Line.search_count(ours), 5)
        self.assertNotIn(company, self.Snapshot._cron_refresh().company_id)

    def test_web_client_grouped_list_reads_the_aging_per_customer(self):
        """The list grouped by customer, as the web client asks for it (its
        aggregates, 80 groups and their number), is answered by the aging per
        customer, with the same figures as the items added up."""
        self._refresh()
        fields = ["days_overdue:max", "aging_date:max", *(f"{b}:sum" for b in BUCKETS)]
        domain = [("partner_id", "in", self.customers.ids)]
        with (
            self._spy(self.Customer, "_read_group") as customer_read_group,
            self._spy(self.Snapshot, "_dunning_changed_partners") as changed_partners,
        ):
            grouped = self.Report.web_read_group(
                domain, ["partner_id"], fields, limit=2
            )
        self.assertTrue(customer_read_group.called)
        # The page and the count of groups: the changed customers found once.
        self.assertEqual(changed_partners.call_count, 1)
        items = self.Report.with_context(dunning_aging_items=True).web_read_group(
            domain, ["partner_id"], fields, limit=2
        )
        self.assertEqual(grouped["length"], 3)
        self.assertEqual(grouped, items)
        # Filtered on the items (overdue only): added up from the items.
        with patch.object(
            type(self.Customer), "_read_group", side_effect=AssertionError
        ):
            overdue = self.Report.web_read_group(
                [*domain, ("days_overdue", ">", 20)], ["partner_id"], fields
            )
        self.assertEqual(
            [group["partner_id"][0] for group in overdue["groups"]],
            (self.customer_a | self.customer_d).ids,
        )

    def test_totals_of_the_pivot(self):
        """The total row (no grouping), as the pivot and graph views ask for
        it, is served by the aging per customer too, with the same figures."""
        self._refresh()
        self._tamper(self.customer_d)
        domain = [("partner_id", "in", self.customers.ids)]
        aggregates = ["__count", "days_overdue:max", *(f"{b}:sum" for b in BUCKETS)]
        [total] = self.Report._read_group(domain, [], aggregates)
        [live] = self.Report.with_context(dunning_aging_items=True)._read_group(
            domain, [], aggregates
        )
        # The stored row of D (tampered with) was read: 10,000 more not due.
        self.assertEqual(total[:2], live[:2])
        self.assertEqual(total[2], live[2] + 10000.0)
        self.assertEqual(total[3:-1], live[3:-1])
        self.assertEqual(total[-1], live[-1] + 10000.0)
        self.assertEqual(live[:2], (4, 75))
        self.assertEqual(live[-1], 2000.0)

    def test_pdf_per_customer(self):
        self._refresh()
        rows = self.Report._dunning_aging_by_partner(
            [("partner_id", "in", self.customers.ids)]
        )
        self.assertEqual(
            [(row["partner"], row["total"]) for row in rows],
            [
                (self.customer_a, 1400.0),
                (self.customer_b, 350.0),
                (self.customer_d, 250.0),
            ],
        )
