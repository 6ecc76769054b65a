from datetime import date, timedelta

from odoo import Command

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

TODAY = date(2026, 6, 1)


class DunningCommon(AccountTestInvoicingCommon):
    """A company with the default dunning levels and helpers to build a
    ledger of overdue invoices around TODAY."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        # Where queue_job is installed, the scheduled actions would queue jobs:
        # the tests run them inline (TestDunningQueueJob turns it on).
        cls.env["res.company"].search([]).dunning_queue_job = False
        cls.Letter = cls.env["dunning.letter"]
        cls.levels = cls.env["dunning.level"]._dunning_levels_for(cls.company)
        cls.friendly, cls.second, cls.final, cls.collection = cls.levels
        cls.partner_a.write({"email": "partner_a@example.com", "is_company": True})
        cls.partner_b.write({"email": "partner_b@example.com", "is_company": True})

    @classmethod
    def _customer_invoice(
        cls,
        partner,
        amount,
        invoice_date,
        date_due,
        currency=None,
        move_type="out_invoice",
        post=True,
        company=None,
    ):
        """A customer invoice (or credit note) with explicit dates, no tax."""
        company = company or cls.company
        journal = cls.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
        )
        move = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "journal_id": journal.id,
                    "invoice_date": invoice_date,
                    "date": invoice_date,
                    "invoice_date_due": date_due,
                    "invoice_payment_term_id": False,
                    "currency_id": (currency or company.currency_id).id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Service",
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        if post:
            move.action_post()
        return move

    @classmethod
    def _overdue_invoice(
        cls,
        partner,
        days,
        amount=1000.0,
        currency=None,
        company=None,
        move_type="out_invoice",
        post=True,
    ):
        """A customer invoice due ``days`` days before TODAY."""
        due = TODAY - timedelta(days=days)
        return cls._customer_invoice(
            partner,
            amount,
            due - timedelta(days=30),
            due,
            currency=currency,
            move_type=move_type,
            post=post,
            company=company,
        )

    def _run(self, days_after=0, company=None):
        return self.Letter._run_dunning(
            date=TODAY + timedelta(days=days_after), company=company or self.company
        )

    def _state(self, partner, company=None):
        return partner.with_company(company or self.company)
