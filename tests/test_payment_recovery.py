from datetime import date, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import TODAY, DunningCommon


class PaymentRecoveryCommon(DunningCommon):
    """A company with payment_demo's provider (in test mode, with its journal),
    a customer with automatic charging and helpers to run the recovery on a day.

    Unlike payment's own test case, these tests do not patch away the
    post-processing of transactions: it is what posts and reconciles payments."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider = (
            cls.env.ref("payment.payment_provider_demo")
            .sudo()
            .copy(
                {
                    "company_id": cls.company.id,
                    "name": "Demo (dunning tests)",
                }
            )
        )
        cls.provider.state = "test"
        cls.provider.payment_method_ids = cls.env.ref(
            "payment_demo.payment_method_demo"
        )
        cls.Attempt = cls.env["dunning.payment.attempt"]
        cls.policy = cls.env["dunning.payment.policy"]._policy_for(cls.company)
        cls.customer = cls.partner_a
        cls.customer.lang = "en_US"

    @classmethod
    def _token(cls, partner, state="error", details="4242", **values):
        return (
            cls.env["payment.token"]
            .sudo()
            .create(
                {
                    "provider_id": cls.provider.id,
                    "payment_method_id": cls.provider.payment_method_ids[:1].id,
                    "partner_id": partner.id,
                    "payment_details": details,
                    "provider_ref": f"demo-{details}",
                    "demo_simulated_state": state,
                    **values,
                }
            )
        )

    @classmethod
    def _opt_in(cls, partner, token=None):
        partner.with_company(cls.company).write(
            {
                "payment_auto_charge": True,
                "payment_auto_charge_token_id": token.id if token else False,
            }
        )

    def _due_invoice(self, partner=None, amount=100.0, due=TODAY):
        return self._customer_invoice(
            partner or self.customer, amount, due - timedelta(days=30), due
        )

    def _recover(self, day):
        with freeze_time(day):
            return self.Attempt._run_payment_recovery(date=day, company=self.company)

    def _attempts(self, invoice):
        return self.Attempt.search([("move_id", "=", invoice.id)], order="id")

    def _messages(self, record, subject):
        return self.env["mail.message"].search(
            [
                ("model", "=", record._name),
                ("res_id", "=", record.id),
                ("subject", "ilike", subject),
            ]
        )


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestPaymentRecovery(PaymentRecoveryCommon):
    def test_failed_charge_retried_on_schedule_days_then_paid_and_reconciled(self):
        token = self._token(self.customer, state="error")
        self._opt_in(self.customer, token)
        invoice = self._due_invoice(amount=250.0)

        first = self._recover(TODAY)
        self.assertEqual(len(first), 1, "The invoice is charged on its due date.")
        self.assertEqual(first.state, "failed")
        self.assertEqual(first.decline_type, "soft", "A demo error is a soft decline.")
        self.assertEqual(invoice.payment_recovery_state, "retrying")
        self.assertEqual(invoice.payment_first_failure_date, TODAY)
        self.assertEqual(invoice.payment_next_attempt_date, TODAY + timedelta(days=1))
        self.assertTrue(
            invoice.no_followup, "A retried invoice is held out of the dunning levels."
        )

        failure_mail = self._messages(invoice, "failed")
        self.assertEqual(len(failure_mail), 1, "The customer gets one failure e-mail.")
        self.assertIn(self.customer, failure_mail.partner_ids)
        self.assertIn(
            f"/my/invoices/{invoice.id}?access_token=",
            failure_mail.body,
            "The failure e-mail links to the invoice's portal page with its token.",
        )
        self.assertIn("4242", failure_mail.body)

        self.assertFalse(
            self._recover(TODAY), "A second run the same day makes no attempt."
        )
        days_with_attempts = []
        for offset in range(1, 7):
            if self._recover(TODAY + timedelta(days=offset)):
                days_with_attempts.append(offset)
        self.assertEqual(
            days_with_attempts, [1, 3], "Retries happen on days +1 and +3 only."
        )
        self.assertEqual(invoice.payment_retries_done, 2)

        token.demo_simulated_state = "done"
        success = self._recover(TODAY + timedelta(days=7))
        self.assertEqual(success.state, "done")
        self.assertEqual(success.attempt_number, 4)
        payment = success.payment_id
        self.assertEqual(
            payment.payment_token_id,
            token,
            "The charge is an account.payment with the token.",
        )
        self.assertIn(payment.state, ("in_process", "paid"), "The payment is posted.")
        self.assertFalse(
            invoice.amount_residual, "The payment is reconciled with the invoice."
        )
        receivable = invoice.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        )
        self.assertTrue(receivable.reconciled)
        self.assertIn(
            payment.move_id, receivable.matched_credit_ids.credit_move_id.move_id
        )
        self.assertEqual(invoice.payment_recovery_state, "recovered")
        self.assertFalse(invoice.no_followup, "A recovered invoice is released.")
        self.assertFalse(
            self._recover(TODAY + timedelta(days=14)), "A paid invoice is not retried."
        )

    def test_last_attempt_and_final_action_hand_over_to_dunning(self):
        token = self._token(self.customer, state="error")
        self._opt_in(self.customer, token)
        invoice = self._due_invoice()
        other = self._due_invoice(due=TODAY + timedelta(days=20))
        for offset in (0, 1, 3, 7):
            self._recover(TODAY + timedelta(days=offset))
        self.assertEqual(
            len(self._messages(invoice, "last attempt")),
            1,
            "Before the last retry the customer is warned.",
        )
        self._recover(TODAY + timedelta(days=14))
        self.assertEqual(len(self._attempts(invoice)), 5)
        self._recover(TODAY + timedelta(days=15))
        partner = self.customer.with_company(self.company)
        self.assertFalse(
            partner.payment_auto_charge, "The final action stops automatic charging."
        )
        self.assertEqual(
            partner.payment_auto_charge_stop_date, TODAY + timedelta(days=15)
        )
        self.assertTrue(partner.payment_auto_charge_stop_reason)
        self.assertEqual(invoice.payment_recovery_state, "handed_over")
        self.assertFalse(
            invoice.no_followup, "The invoice goes back to the dunning levels."
        )
        self.assertTrue(invoice.payment_recovery_reason)
        self.assertTrue(
            invoice.activity_ids, "An activity is scheduled for the responsible."
        )
        self.assertEqual(len(self._messages(invoice, "remains unpaid")), 1)
        self._recover(TODAY + timedelta(days=20))
        self.assertFalse(
            self._attempts(other), "A stopped customer is not charged any more."
        )
        letters = self._run(days_after=22)
        self.assertIn(
            invoice,
            letters.line_ids.move_id,
            "The handed-over invoice gets an ordinary reminder.",
        )

    def test_hard_decline_is_not_retried(self):
        token = self._token(self.customer, state="error")
        self._opt_in(self.customer, token)
        invoice = self._due_invoice()

        def stolen(tx):
            tx._set_error("Card reported stolen")

        with patch.object(
            self.registry["payment.transaction"], "_send_payment_request", stolen
        ):
            first = self._recover(TODAY)
            self.assertEqual(first.decline_type, "hard")
            self.assertTrue(invoice.payment_hard_declined)
            self.assertFalse(invoice.payment_next_attempt_date, "No retry is planned.")
            for offset in range(1, 15):
                self.assertFalse(
                    self._recover(TODAY + timedelta(days=offset)),
                    f"No retry on day +{offset} after a hard decline.",
                )
            self._recover(TODAY + timedelta(days=15))
        self.assertEqual(len(self._attempts(invoice)), 1)
        self.assertEqual(invoice.payment_recovery_state, "handed_over")

    def test_invoice_with_pending_transaction_is_not_charged_again(self):
        token = self._token(self.customer, state="pending")
        self._opt_in(self.customer, token)
        invoice = self._due_invoice()
        first = self._recover(TODAY)
        self.assertEqual(first.state, "pending")
        self.assertEqual(first.transaction_id.state, "pending")
        token.demo_simulated_state = "done"
        for offset in (0, 1, 3, 7):
            self.assertFalse(
                self._recover(TODAY + timedelta(days=offset)),
                "An invoice with a pending transaction is never charged again.",
            )
        self.assertEqual(len(self._attempts(invoice)), 1)

    def test_pending_charge_settled_by_the_provider_is_recorded(self):
        token = self._token(self.customer, state="pending")
        self._opt_in(self.customer, token)
        invoice = self._due_invoice()
        attempt = self._recover(TODAY)
        attempt.transaction_id._set_error("Insufficient funds")
        attempt.transaction_id._post_process()
        self.assertEqual(
            attempt.state, "failed", "The provider's late answer is recorded."
        )
        self.assertEqual(invoice.payment_recovery_state, "retrying")
        self.assertEqual(invoice.payment_next_attempt_date, TODAY + timedelta(days=1))
        token.demo_simulated_state = "done"
        retry = self._recover(TODAY + timedelta(days=1))
        self.assertEqual(retry.state, "done", "The invoice is retried on schedule.")

    def test_customer_pending_portal_payment_blocks_the_charge(self):
        token = self._token(self.customer, state="done")
        self._opt_in(self.customer, token)
        invoice = self._due_invoice()
        self.env["payment.transaction"].sudo().create(
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.provider.payment_method_ids[:1].id,
                "amount": invoice.amount_residual,
                "currency_id": invoice.currency_id.id,
                "partner_id": self.customer.id,
                "operation": "online_direct",
                "reference": "PORTAL-PENDING",
                "invoice_ids": [(6, 0, invoice.ids)],
            }
        )._set_pending()
        self.assertFalse(self._recover(TODAY))

    def test_two_runs_the_same_day_make_one_attempt(self):
        token = self._token(self.customer, state="done")
        self._opt_in(self.customer, token)
        invoice = self._due_invoice()
        self.assertEqual(len(self._recover(TODAY)), 1)
        self.assertFalse(self._recover(TODAY))
        self.assertEqual(len(self._attempts(invoice)), 1)
        self.assertEqual(
            invoice.payment_state,
            self.env["account.move"]._get_invoice_in_payment_state(),
        )

    def test_interrupted_run_resumes_without_double_charge(self):
        token = self._token(self.customer, state="done")
        self._opt_in(self.customer, token)
        first_invoice = self._due_invoice(amount=100.0)
        second_invoice = self._due_invoice(amount=200.0)
        PaymentTransaction = self.registry["payment.transaction"]
        original = PaymentTransaction._send_payment_request
        calls = []

        def crash_on_second(tx):
            calls.append(tx.invoice_ids)
            original(tx)
            if second_invoice in tx.invoice_ids:
                raise RuntimeError("worker killed")

        with (
            patch.object(PaymentTransaction, "_send_payment_request", crash_on_second),
            self.assertLogs(
                "odoo.addons.dunning_followup.models.dunning_payment_attempt", "ERROR"
            ),
        ):
            self._recover(TODAY)
            self.assertEqual(
                self._attempts(second_invoice).state,
                "charging",
                "The attempt recorded before the charge survives the crash.",
            )
            self.assertTrue(
                second_invoice.activity_ids,
                "Someone must check the interrupted charge.",
            )
            self._recover(TODAY)
            self._recover(TODAY + timedelta(days=1))
        self.assertEqual(len(calls), 2, "Each invoice reached the provider once.")
        self.assertEqual(len(self._attempts(first_invoice)), 1)
        self.assertEqual(len(self._attempts(second_invoice)), 1)
        self.assertFalse(first_invoice.amount_residual)

    def test_attempts_capped_per_payment_method_and_day(self):
        self.policy.max_attempts_per_day = 1
        token = self._token(self.customer, state="done")
        self._opt_in(self.customer, token)
        first_invoice = self._due_invoice(amount=100.0)
        second_invoice = self._due_invoice(amount=200.0)
        self.assertEqual(self._recover(TODAY).move_id, first_invoice)
        self.assertEqual(
            self._recover(TODAY + timedelta(days=1)).move_id,
            second_invoice,
            "The capped invoice is charged the next day.",
        )

    def test_new_token_saved_on_portal_retries_failed_invoices_at_once(self):
        old_token = self._token(self.customer, state="error")
        self._opt_in(self.customer, old_token)
        paid_on_portal = self._due_invoice(amount=100.0)
        also_failed = self._due_invoice(amount=60.0)
        self._recover(TODAY)
        self.assertEqual(also_failed.payment_recovery_state, "retrying")

        # What the invoice's portal page does when the customer pays with a new
        # card and ticks "save my payment details".
        tx = (
            self.env["payment.transaction"]
            .sudo()
            .create(
                {
                    "provider_id": self.provider.id,
                    "payment_method_id": self.provider.payment_method_ids[:1].id,
                    "amount": paid_on_portal.amount_residual,
                    "currency_id": paid_on_portal.currency_id.id,
                    "partner_id": self.customer.id,
                    "operation": "online_direct",
                    "tokenize": True,
                    "reference": "PORTAL-NEW-CARD",
                    "invoice_ids": [(6, 0, paid_on_portal.ids)],
                }
            )
        )
        tx._process(
            "demo",
            {
                "reference": tx.reference,
                "payment_details": "5555",
                "simulated_state": "done",
            },
        )
        tx._post_process()
        new_token = tx.token_id
        self.assertTrue(new_token)
        self.assertEqual(
            self.customer.with_company(self.company).payment_auto_charge_token_id,
            new_token,
            "The new payment method is charged from now on.",
        )
        self.assertFalse(paid_on_portal.amount_residual)
        self.assertEqual(paid_on_portal.payment_recovery_state, "recovered")
        retry = self._attempts(also_failed)[-1]
        self.assertEqual(
            (retry.trigger, retry.token_id, retry.state),
            ("new_method", new_token, "done"),
            "The other failed invoice is charged at once with the new card.",
        )
        self.assertFalse(also_failed.amount_residual)

    def test_card_expiry_notices_30_and_5_days_before(self):
        token = self._token(
            self.customer, state="done", expiry_month=6, expiry_year=2026
        )
        self._opt_in(self.customer, token)
        renewed = self.partner_b
        old = self._token(renewed, details="1111", expiry_month=6, expiry_year=2026)
        self._token(renewed, details="2222", expiry_month=6, expiry_year=2029)
        self._opt_in(renewed)
        not_opted = self.env["res.partner"].create(
            {"name": "No auto charge", "email": "n@example.com"}
        )
        untouched = self._token(
            not_opted, details="3333", expiry_month=6, expiry_year=2026
        )

        def notices(record):
            return self.env["mail.mail"].search(
                [("model", "=", "payment.token"), ("res_id", "=", record.id)]
            )

        sent_on = []
        for day in (
            date(2026, 5, 30),
            date(2026, 5, 31),
            date(2026, 6, 1),
            date(2026, 6, 24),
            date(2026, 6, 25),
            date(2026, 6, 26),
            date(2026, 7, 1),
        ):
            before = len(notices(token))
            self._recover(day)
            if len(notices(token)) > before:
                sent_on.append(day)
        self.assertEqual(
            sent_on,
            [date(2026, 5, 31), date(2026, 6, 25)],
            "Notices go out 30 and 5 days before the end of June.",
        )
        self.assertIn("4242", notices(token)[0].body_html)
        self.assertFalse(notices(old), "No notice when a newer valid card is saved.")
        self.assertFalse(
            notices(untouched), "No notice for a customer without automatic charge."
        )

    def test_precharge_notice_before_the_charge(self):
        token = self._token(self.customer, state="done")
        self._opt_in(self.customer, token)
        invoice = self._due_invoice(amount=321.0, due=TODAY + timedelta(days=5))
        no_auto = self.partner_b
        self._token(no_auto, state="done", details="9999")
        self._due_invoice(partner=no_auto, due=TODAY + timedelta(days=5))

        self._recover(TODAY - timedelta(days=1))
        self.assertFalse(self._messages(self.customer, "upcoming automatic payment"))
        self._recover(TODAY)
        self._recover(TODAY)
        notice = self._messages(self.customer, "upcoming automatic payment")
        self.assertEqual(len(notice), 1, "One notice, 5 days before the charge.")
        self.assertIn(invoice.name, notice.body)
        self.assertIn("321.00", notice.body)
        self.assertIn("4242", notice.body)
        self.assertEqual(invoice.payment_precharge_notice_date, TODAY)
        self.assertFalse(
            self._messages(no_auto, "upcoming automatic payment"),
            "No notice for a customer without automatic charge.",
        )
        self.assertFalse(
            self._attempts(invoice), "Nothing is charged before the due date."
        )

    def test_charge_now_and_request_new_method_buttons(self):
        token = self._token(self.customer, state="done")
        self._opt_in(self.customer, token)
        invoice = self._due_invoice(amount=75.0, due=TODAY + timedelta(days=20))
        action = self.customer.action_payment_charge_now()
        attempt = self.Attempt.search(action["domain"])
        self.assertEqual(
            (attempt.move_id, attempt.trigger, attempt.state),
            (invoice, "manual", "done"),
            "Charge Now charges the open invoice before its due date.",
        )
        with self.assertRaises(UserError, msg="Nothing left to charge."):
            self.customer.action_payment_charge_now()

        failed = self._due_invoice(amount=40.0)
        token.demo_simulated_state = "error"
        self._recover(TODAY)
        self.customer.action_payment_request_method()
        request = self._messages(self.customer, "update your payment method")
        self.assertEqual(len(request), 1)
        self.assertIn(
            f"/my/invoices/{failed.id}?access_token=",
            request.body,
            "The request links to the failed invoice's portal page.",
        )

    def test_excluded_customer_is_never_charged(self):
        token = self._token(self.customer, state="done")
        self._opt_in(self.customer, token)
        self.customer.with_company(self.company).payment_recovery_excluded = True
        invoice = self._due_invoice()
        self.assertFalse(self._recover(TODAY))
        self.assertFalse(self._attempts(invoice))


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestPaymentRecoveryMetrics(PaymentRecoveryCommon):
    def test_metrics_match_hand_computed_figures(self):
        """Three customers charged from 1 June 2026:
        A (100) fails on days 0 and +1, then pays on day +3;
        B (200) fails on days 0, +1, +3, +7 and +14, final action on +15;
        C (50) pays on day 0. B's and C's cards expire in June: both get the
        30-day notice on 1 June, and C saves a new card afterwards."""
        customer_a, customer_b = self.partner_a, self.partner_b
        customer_c = self.env["res.partner"].create(
            {"name": "C", "email": "c@example.com"}
        )
        token_a = self._token(customer_a, state="error", details="1001")
        token_b = self._token(
            customer_b, state="error", details="1002", expiry_month=6, expiry_year=2026
        )
        token_c = self._token(
            customer_c, state="done", details="1003", expiry_month=6, expiry_year=2026
        )
        for partner, token in (
            (customer_a, token_a),
            (customer_b, token_b),
            (customer_c, token_c),
        ):
            self._opt_in(partner, token)
        self._due_invoice(customer_a, 100.0)
        self._due_invoice(customer_b, 200.0)
        self._due_invoice(customer_c, 50.0)

        for offset in (0, 1):
            self._recover(TODAY + timedelta(days=offset))
        token_a.demo_simulated_state = "done"
        self._token(
            customer_c, state="done", details="2003", expiry_month=6, expiry_year=2030
        )
        for offset in (3, 7, 14, 15):
            self._recover(TODAY + timedelta(days=offset))

        metrics = self.env["dunning.payment.recovery.metrics"].create(
            {
                "date_from": TODAY,
                "date_to": TODAY + timedelta(days=30),
            }
        )
        by_attempt = {line.label: line for line in metrics.attempt_line_ids}
        # Attempt 1: A 100 + B 200 failed, C 50 paid: 50 / 350 = 14.29 %.
        self.assertRecordValues(
            by_attempt["1"],
            [
                {
                    "attempted_amount": 350.0,
                    "failed_amount": 300.0,
                    "recovered_amount": 50.0,
                    "recovery_rate": 14.29,
                }
            ],
        )
        # Attempt 2: A and B failed.
        self.assertRecordValues(
            by_attempt["2"],
            [
                {
                    "attempted_amount": 300.0,
                    "failed_amount": 300.0,
                    "recovered_amount": 0.0,
                    "recovery_rate": 0.0,
                }
            ],
        )
        # Attempt 3: A paid 100, B failed 200: 100 / 300 = 33.33 %.
        self.assertRecordValues(
            by_attempt["3"],
            [
                {
                    "attempted_amount": 300.0,
                    "failed_amount": 200.0,
                    "recovered_amount": 100.0,
                    "recovery_rate": 33.33,
                }
            ],
        )
        # Attempts 4 and 5: B only.
        self.assertEqual(by_attempt["5"].failed_amount, 200.0)
        self.assertEqual(len(by_attempt), 5)
        # June: A and B failed first (300), A recovered (100): 33.33 %.
        self.assertRecordValues(
            metrics.month_line_ids,
            [
                {
                    "label": "2026-06",
                    "failed_amount": 300.0,
                    "recovered_amount": 100.0,
                    "recovery_rate": 33.33,
                }
            ],
        )
        self.assertRecordValues(
            metrics,
            [
                {
                    "failed_amount": 300.0,
                    "recovered_amount": 100.0,
                    # A recovered 3 days after its first failure.
                    "median_days_to_recovery": 3.0,
                    # B stopped by the final action; A and C still charged: 1 / 3.
                    "auto_charge_customers": 3,
                    "churned_customers": 1,
                    "involuntary_churn": 33.33,
                    # B and C were told their card expires; C saved a new one: 1 / 2.
                    "expiry_notices": 2,
                    "cards_updated": 1,
                    "expiry_conversion": 50.0,
                }
            ],
        )
        self.assertAlmostEqual(metrics.recovery_rate, 33.33, places=2)
