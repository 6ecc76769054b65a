from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class DunningTourMixin:
    """Shared setup of the tour classes: the test company's dunning levels,
    an accounting manager and an invoicing user, and a helper that posts an
    invoice overdue by a number of days (relative to today)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        cls.today = fields.Date.today()
        cls.friendly, cls.second, cls.final, cls.collection = cls.env[
            "dunning.level"
        ]._dunning_levels_for(company)

        cls.dunning_manager = new_test_user(
            cls.env,
            login="dunning_tour_manager",
            groups="account.group_account_manager",
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
            tz="UTC",
        )
        cls.dunning_accountant = new_test_user(
            cls.env,
            login="dunning_tour_accountant",
            groups="account.group_account_invoice",
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
            tz="UTC",
        )

    @classmethod
    def _overdue_invoice(cls, partner, days):
        due = cls.today - timedelta(days=days)
        return cls._create_invoice(
            partner_id=partner,
            invoice_date=due - timedelta(days=30),
            invoice_date_due=due,
            invoice_payment_term_id=False,
            post=True,
        )


@tagged("post_install", "-at_install")
class TestDunningTours(DunningTourMixin, AccountTestInvoicingCommon, HttpCase):
    """Browser tours of the dunning screens.

    The ledger, in the test company, relative to today:

    * "Dunning Tour Waiting Co": an invoice 30 days overdue, never reminded.
      The run sends it the friendly reminder (sent automatically), so the
      customer waits for the second reminder's minimum interval.
    * "Dunning Tour Urgent Co": an invoice 50 days overdue that got the
      second reminder 20 days ago. The run prepares the final notice, which
      waits for a manager's approval: the customer needs action.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company

        cls.customer_waiting = cls.env["res.partner"].create(
            {
                "name": "Dunning Tour Waiting Co",
                "is_company": True,
                "email": "waiting@example.com",
            }
        )
        cls.customer_urgent = cls.env["res.partner"].create(
            {
                "name": "Dunning Tour Urgent Co",
                "is_company": True,
                "email": "urgent@example.com",
            }
        )
        cls.invoice_waiting = cls._overdue_invoice(cls.customer_waiting, 30)
        cls.invoice_urgent = cls._overdue_invoice(cls.customer_urgent, 50)
        cls.invoice_urgent.write(
            {
                "dunning_level_id": cls.second.id,
                "dunning_last_date": cls.today - timedelta(days=20),
                "dunning_count": 2,
            }
        )

        cls.letters = cls.env["dunning.letter"]._run_dunning(
            date=cls.today, company=company
        )

    def test_dunning_level_tour(self):
        self.assertEqual(self.final.name, "Final notice")
        self.assertEqual(self.final.min_interval, 10)

        self.start_tour(
            "/odoo/action-dunning_followup.action_dunning_level",
            "dunning_followup_level_tour",
            login=self.dunning_manager.login,
        )

        self.final.invalidate_recordset()
        self.assertEqual(self.final.name, "Final notice before collection")
        self.assertEqual(self.final.min_interval, 12)
        self.assertEqual(
            self.second.name, "Second reminder", "Only the opened level changes"
        )

    def test_dunning_worklist_tour(self):
        # What the tour relies on: the run left one customer waiting and
        # one needing action, with a final notice waiting for approval.
        waiting = self.customer_waiting.with_company(self.env.company)
        urgent = self.customer_urgent.with_company(self.env.company)
        self.assertEqual(waiting.dunning_status, "waiting")
        self.assertEqual(urgent.dunning_status, "action_needed")
        self.assertEqual(urgent.dunning_level_due_id, self.final)
        self.assertRecordValues(
            self.letters.sorted(lambda letter: letter.partner_id.name),
            [
                {
                    "partner_id": self.customer_urgent.id,
                    "level_id": self.final.id,
                    "state": "to_approve",
                },
                {
                    "partner_id": self.customer_waiting.id,
                    "level_id": self.friendly.id,
                    "state": "sent",
                },
            ],
        )

        self.start_tour(
            "/odoo/action-dunning_followup.action_dunning_worklist",
            "dunning_followup_worklist_tour",
            login=self.dunning_accountant.login,
        )


@tagged("post_install", "-at_install")
class TestDunningSendTours(DunningTourMixin, AccountTestInvoicingCommon, HttpCase):
    """Browser tours that send and approve reminders.

    The ledger, in the test company, relative to today:

    * "Dunning Tour Final A Co" and "Dunning Tour Final B Co": each an
      invoice 50 days overdue that got the second reminder 20 days ago. The
      run prepares their final notices, which wait for a manager's approval.
    * "Dunning Tour Friendly Co": an invoice 12 days overdue, posted after
      the run and only refreshed: the customer needs action, the friendly
      reminder is due and no letter exists yet.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company

        cls.customer_final_a, cls.customer_final_b = cls.env["res.partner"].create(
            [
                {
                    "name": f"Dunning Tour Final {suffix} Co",
                    "is_company": True,
                    "email": f"final.{suffix.lower()}@example.com",
                }
                for suffix in ("A", "B")
            ]
        )
        cls.invoices_final = cls.env["account.move"]
        for customer in cls.customer_final_a + cls.customer_final_b:
            cls.invoices_final |= cls._overdue_invoice(customer, 50)
        cls.invoices_final.write(
            {
                "dunning_level_id": cls.second.id,
                "dunning_last_date": cls.today - timedelta(days=20),
                "dunning_count": 2,
            }
        )
        cls.letters_final = cls.env["dunning.letter"]._run_dunning(
            date=cls.today, company=company
        )

        # Posted after the run: the customer is evaluated, not reminded.
        cls.customer_friendly = cls.env["res.partner"].create(
            {
                "name": "Dunning Tour Friendly Co",
                "is_company": True,
                "email": "friendly@example.com",
            }
        )
        cls.invoice_friendly = cls._overdue_invoice(cls.customer_friendly, 12)
        cls.customer_friendly.action_dunning_refresh()

    def test_dunning_send_tour(self):
        Letter = self.env["dunning.letter"]
        friendly = self.customer_friendly.with_company(self.env.company)
        self.assertEqual(friendly.dunning_status, "action_needed")
        self.assertEqual(friendly.dunning_level_due_id, self.friendly)
        self.assertEqual(self.friendly.name, "Friendly reminder")
        self.assertFalse(
            self.friendly.send_letter, "The friendly reminder is not printed"
        )
        self.assertFalse(
            Letter.search([("partner_id", "=", self.customer_friendly.id)])
        )

        self.start_tour(
            "/odoo/action-dunning_followup.action_dunning_worklist",
            "dunning_followup_send_tour",
            login=self.dunning_accountant.login,
        )

        letter = Letter.search([("partner_id", "=", self.customer_friendly.id)])
        self.assertRecordValues(
            letter,
            [
                {
                    "state": "sent",
                    "level_id": self.friendly.id,
                    "print_needed": False,
                }
            ],
        )
        self.assertEqual(letter.line_ids.move_id, self.invoice_friendly)
        emails = letter.message_ids.filtered(lambda msg: msg.message_type == "comment")
        self.assertEqual(len(emails), 1, "One e-mail went out")
        self.assertEqual(emails.partner_ids, self.customer_friendly)
        self.assertIn("Friendly payment reminder", emails.subject)
        self.assertIn(self.invoice_friendly.name, emails.body)
        self.assertEqual(emails.author_id, self.dunning_accountant.partner_id)

    def test_dunning_approve_tour(self):
        self.assertRecordValues(
            self.letters_final.sorted(lambda letter: letter.partner_id.name),
            [
                {
                    "partner_id": self.customer_final_a.id,
                    "level_id": self.final.id,
                    "state": "to_approve",
                    "approved_by_id": False,
                },
                {
                    "partner_id": self.customer_final_b.id,
                    "level_id": self.final.id,
                    "state": "to_approve",
                    "approved_by_id": False,
                },
            ],
        )

        self.start_tour(
            "/odoo/action-dunning_followup.action_dunning_letter",
            "dunning_followup_approve_tour",
            login=self.dunning_manager.login,
        )

        self.letters_final.invalidate_recordset()
        self.assertRecordValues(
            self.letters_final,
            [
                {"state": "draft", "approved_by_id": self.dunning_manager.id},
                {"state": "draft", "approved_by_id": self.dunning_manager.id},
            ],
        )
