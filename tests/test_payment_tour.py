from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


@tagged("post_install", "-at_install")
class TestPaymentRecoveryTour(AccountTestInvoicingCommon, HttpCase):
    """The customer follows the link of the failure e-mail, pays the invoice
    with a new card on its portal page without logging in and saves the card;
    the customer's other failed invoice is charged at once with it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        cls.env["ir.config_parameter"].sudo().set_param(
            "account_payment.enable_portal_payment", True
        )
        cls.provider = (
            cls.env.ref("payment.payment_provider_demo")
            .sudo()
            .copy({"company_id": company.id, "name": "Demo (tour)"})
        )
        cls.provider.write({"state": "test", "is_published": True})
        cls.provider.payment_method_ids = cls.env.ref(
            "payment_demo.payment_method_demo"
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Tour Card Customer", "email": "card@example.com", "lang": "en_US"}
        )
        cls.old_token = (
            cls.env["payment.token"]
            .sudo()
            .create(
                {
                    "provider_id": cls.provider.id,
                    "payment_method_id": cls.provider.payment_method_ids[:1].id,
                    "partner_id": cls.customer.id,
                    "payment_details": "4242",
                    "provider_ref": "demo-4242",
                    "demo_simulated_state": "error",
                }
            )
        )
        cls.customer.with_company(company).write(
            {
                "payment_auto_charge": True,
                "payment_auto_charge_token_id": cls.old_token.id,
            }
        )

    def _invoice_due_today(self, amount):
        today = fields.Date.today()
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_date": today - timedelta(days=30),
                "invoice_date_due": today,
                "invoice_payment_term_id": False,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Subscription",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        return invoice

    def test_pay_with_new_card_from_failure_email(self):
        today = fields.Date.today()
        emailed = self._invoice_due_today(120.0)
        other = self._invoice_due_today(80.0)
        self.env["dunning.payment.attempt"]._run_payment_recovery(
            date=today, company=self.env.company
        )
        self.assertEqual(emailed.payment_recovery_state, "retrying")
        failure_mail = self.env["mail.message"].search(
            [
                ("model", "=", "account.move"),
                ("res_id", "=", emailed.id),
                ("subject", "ilike", "failed"),
            ]
        )
        self.assertEqual(len(failure_mail), 1)
        link = emailed._payment_update_url()
        self.assertIn(link.replace("&", "&amp;"), failure_mail.body)
        url = link[len(emailed.get_base_url()) :]

        self.start_tour(url, "dunning_followup_payment_update_tour")

        self.assertTrue(
            emailed.currency_id.is_zero(emailed.amount_residual),
            "The invoice paid on its portal page is paid.",
        )
        new_token = (
            self.env["payment.token"]
            .sudo()
            .search(
                [("partner_id", "=", self.customer.id), ("id", "!=", self.old_token.id)]
            )
        )
        self.assertEqual(len(new_token), 1, "The new card is saved.")
        self.assertEqual(
            self.customer.with_company(self.env.company).payment_auto_charge_token_id,
            new_token,
        )
        retry = other.payment_attempt_ids.sorted("id")[-1:]
        self.assertEqual(
            (retry.trigger, retry.token_id, retry.state),
            ("new_method", new_token, "done"),
            "The other failed invoice is charged at once with the new card.",
        )
        self.assertTrue(other.currency_id.is_zero(other.amount_residual))
