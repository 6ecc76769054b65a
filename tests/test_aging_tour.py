from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


@tagged("post_install", "-at_install")
class TestAgingTour(AccountTestInvoicingCommon, HttpCase):
    """Browser tour of the receivables aging.

    "Aging Tour Co" (test company): an invoice of 1,234.00 dated 10 days
    before the end of last month, and one of 4,321.00 dated today.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        today = fields.Date.today()
        cls.month_end = today.replace(day=1) - timedelta(days=1)
        cls.accountant = new_test_user(
            cls.env,
            login="dunning_aging_tour_user",
            groups="account.group_account_invoice",
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
            tz="UTC",
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Aging Tour Co", "is_company": True}
        )
        old_date = cls.month_end - timedelta(days=10)
        no_tax = cls.env["account.tax"]
        cls.invoice_old = cls._create_invoice(
            partner_id=cls.customer,
            invoice_date=old_date,
            date=old_date,
            invoice_date_due=old_date + timedelta(days=30),
            invoice_payment_term_id=False,
            invoice_line_ids=[
                cls._prepare_invoice_line(
                    price_unit=1234.0, name="Service", tax_ids=no_tax
                )
            ],
            post=True,
        )
        cls.invoice_new = cls._create_invoice(
            partner_id=cls.customer,
            invoice_date=today,
            date=today,
            invoice_date_due=today + timedelta(days=30),
            invoice_payment_term_id=False,
            invoice_line_ids=[
                cls._prepare_invoice_line(
                    price_unit=4321.0, name="Service", tax_ids=no_tax
                )
            ],
            post=True,
        )

    def test_log_call_tour(self):
        """A promise to pay logged from the worklist's row button."""
        company = self.env.company
        customer = self.env["res.partner"].create(
            {
                "name": "Log Call Tour Co",
                "is_company": True,
                "email": "log.call@example.com",
            }
        )
        due = fields.Date.today() - timedelta(days=40)
        self._create_invoice(
            partner_id=customer,
            invoice_date=due - timedelta(days=30),
            invoice_date_due=due,
            invoice_payment_term_id=False,
            invoice_line_ids=[
                self._prepare_invoice_line(
                    price_unit=500.0, name="Service", tax_ids=self.env["account.tax"]
                )
            ],
            post=True,
        )
        customer.with_company(company).action_dunning_refresh()
        self.assertEqual(customer.with_company(company).dunning_status, "action_needed")

        self.start_tour(
            "/odoo/action-dunning_followup.action_dunning_worklist",
            "dunning_followup_log_call_tour",
            login=self.accountant.login,
        )

        customer.invalidate_recordset()
        partner = customer.with_company(company)
        promise = partner.dunning_promise_date
        self.assertTrue(promise)
        self.assertLessEqual(
            abs((promise - fields.Date.today()).days - 7),
            1,
            "a week from today (the browser's day)",
        )
        self.assertEqual(partner.dunning_status, "waiting")
        note = customer.message_ids[0]
        self.assertIn("Will pay by transfer", note.body)
        self.assertEqual(note.author_id, self.accountant.partner_id)
        self.assertRecordValues(
            customer.activity_ids,
            [
                {
                    "date_deadline": promise + timedelta(days=1),
                    "user_id": self.accountant.id,
                }
            ],
        )

    def test_aging_tour(self):
        Report = self.env["dunning.aging.report"]
        self.assertEqual(
            Report.search([("partner_id", "=", self.customer.id)]).move_id,
            self.invoice_old + self.invoice_new,
        )
        self.assertEqual(
            Report.with_context(aging_date=self.month_end)
            .search([("partner_id", "=", self.customer.id)])
            .move_id,
            self.invoice_old,
        )
        self.start_tour(
            "/odoo/action-dunning_followup.action_dunning_aging_report",
            "dunning_followup_aging_tour",
            login=self.accountant.login,
        )

    def test_aging_fits_and_links_to_the_dunning_tab(self):
        """At 1400 px the aging opened from its menu shows every column title
        in full without sideways scrolling, and the customer's group row
        opens the customer on its Dunning tab."""
        self.browser_size = "1400x900"
        self.start_tour(
            "/odoo/action-dunning_followup.action_dunning_aging_report_today",
            "dunning_followup_aging_layout_tour",
            login=self.accountant.login,
        )
