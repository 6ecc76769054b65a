from datetime import timedelta

from odoo.tests import HttpCase, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .test_tours import DunningTourMixin


@tagged("post_install", "-at_install")
class TestDunningDailyTours(DunningTourMixin, AccountTestInvoicingCommon, HttpCase):
    """Browser tours of the accountant's everyday screens.

    The ledger, in the test company, relative to today:

    * "Dunning Tour Approval Co": an invoice 50 days overdue that got the
      second reminder 20 days ago; the run prepares its final notice, which
      waits for a manager's approval.
    * "Dunning Tour Early Co": an invoice 5 days overdue (the friendly
      reminder starts at 7 days), refreshed: no reminder is due.
    * "Dunning Tour Post A Co" and "... Post B Co": no e-mail address, an
      invoice 12 days overdue each; the run's friendly reminders are printed
      and wait in the To Print queue.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        cls.dunning_manager.name = "Dunning Tour Manager"
        Partner = cls.env["res.partner"]
        cls.customer_approval = Partner.create(
            {
                "name": "Dunning Tour Approval Co",
                "is_company": True,
                "email": "approval@example.com",
                "phone": "+32 2 555 01 00",
            }
        )
        Partner.create(
            {
                "name": "Ann Payables",
                "parent_id": cls.customer_approval.id,
                "type": "invoice",
                "email": "ann@example.com",
                "phone": "+32 2 555 01 23",
            }
        )
        cls.customer_early = Partner.create(
            {
                "name": "Dunning Tour Early Co",
                "is_company": True,
                "email": "early@example.com",
            }
        )
        cls.customers_post = Partner.create(
            [
                {"name": f"Dunning Tour Post {suffix} Co", "is_company": True}
                for suffix in ("A", "B")
            ]
        )
        cls.invoice_approval = invoice = cls._overdue_invoice(cls.customer_approval, 50)
        invoice.write(
            {
                "dunning_level_id": cls.second.id,
                "dunning_last_date": cls.today - timedelta(days=20),
                "dunning_count": 2,
            }
        )
        for customer in cls.customers_post:
            cls._overdue_invoice(customer, 12)
        cls.letters = cls.env["dunning.letter"]._run_dunning(
            date=cls.today, company=company
        )
        cls.letter_final = cls.letters.filtered(
            lambda letter: letter.partner_id == cls.customer_approval
        )
        cls.letters_post = cls.letters - cls.letter_final

        # Posted after the run: evaluated, not reminded.
        cls._overdue_invoice(cls.customer_early, 5)
        cls.customer_early.action_dunning_refresh()

    def _customer_url(self, customer):
        return f"/odoo/res.partner/{customer.id}"

    def test_manager_approves_and_sends_from_the_customer(self):
        self.assertRecordValues(
            self.letter_final,
            [
                {
                    "level_id": self.final.id,
                    "state": "to_approve",
                    "approved_by_id": False,
                }
            ],
        )
        self.start_tour(
            self._customer_url(self.customer_approval),
            "dunning_followup_approve_send_tour",
            login=self.dunning_manager.login,
        )
        self.letter_final.invalidate_recordset()
        self.assertRecordValues(
            self.letter_final,
            [{"state": "sent", "approved_by_id": self.dunning_manager.id}],
        )

    def test_accountant_is_blocked_on_a_reminder_waiting_for_approval(self):
        self.start_tour(
            self._customer_url(self.customer_approval),
            "dunning_followup_blocked_tour",
            login=self.dunning_accountant.login,
        )
        self.letter_final.invalidate_recordset()
        self.assertRecordValues(
            self.letter_final, [{"state": "to_approve", "approved_by_id": False}]
        )

    def test_discard_leaves_no_reminder(self):
        Letter = self.env["dunning.letter"]
        self.assertFalse(Letter.search([("partner_id", "=", self.customer_early.id)]))
        self.start_tour(
            self._customer_url(self.customer_early),
            "dunning_followup_discard_tour",
            login=self.dunning_accountant.login,
        )
        self.assertFalse(
            Letter.search([("partner_id", "=", self.customer_early.id)]),
            "Opening and discarding the dialog created no reminder",
        )

    def test_print_queue(self):
        self.assertEqual(self.letters_post.partner_id, self.customers_post)
        self.assertRecordValues(
            self.letters_post,
            [
                {"state": "sent", "print_needed": True},
                {"state": "sent", "print_needed": True},
            ],
        )
        self.assertTrue(
            all(self.letters_post.mapped("letter_attachment_id")),
            "The letters' PDFs exist before they are marked sent",
        )
        self.start_tour(
            "/odoo/action-dunning_followup.action_dunning_letter_print_queue",
            "dunning_followup_print_queue_tour",
            login=self.dunning_accountant.login,
        )
        self.letters_post.invalidate_recordset()
        self.assertRecordValues(
            self.letters_post, [{"print_needed": False}, {"print_needed": False}]
        )
        self.assertTrue(all(self.letters_post.mapped("posted_date")))

    def test_worklist_row_actions(self):
        self.start_tour(
            "/odoo/action-dunning_followup.action_dunning_worklist",
            "dunning_followup_worklist_actions_tour",
            login=self.dunning_manager.login,
        )
        self.letter_final.invalidate_recordset()
        self.assertRecordValues(
            self.letter_final,
            [{"state": "approved", "approved_by_id": self.dunning_manager.id}],
        )
        self.assertFalse(
            self.env["dunning.letter"].search(
                [
                    ("partner_id", "=", self.customer_approval.id),
                    ("id", "!=", self.letter_final.id),
                ]
            ),
            "Opening Send and Log Call from the row created nothing",
        )

    def test_invoice_badge(self):
        self.assertIn(
            "Overdue 50 days · Second reminder · last sent",
            self.invoice_approval.dunning_badge,
        )
        self.start_tour(
            f"/odoo/account.move/{self.invoice_approval.id}",
            "dunning_followup_invoice_badge_tour",
            login=self.dunning_accountant.login,
        )

    def test_worklist_fits_at_1400_px(self):
        """The worklist's columns fit a 1400 px screen, titles in full."""
        self.browser_size = "1400x900"
        self.start_tour(
            "/odoo/action-dunning_followup.action_dunning_worklist",
            "dunning_followup_worklist_layout_tour",
            login=self.dunning_manager.login,
        )
