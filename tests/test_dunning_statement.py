from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.dunning_followup.dunning_followup import is_valid_rf

from .common import TODAY, DunningCommon


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestDunningStatementMatching(DunningCommon):
    """A bank transfer quoting a reminder's RF reference (or number) pays the
    reminder's invoices, oldest first, on Odoo Community."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank_journal = cls.company_data["default_journal_bank"]

    def setUp(self):
        super().setUp()
        # Three overdue invoices of partner_a: 100 (oldest), 200, 300 (newest).
        self.oldest = self._overdue_invoice(self.partner_a, 40, amount=100.0)
        self.middle = self._overdue_invoice(self.partner_a, 25, amount=200.0)
        self.newest = self._overdue_invoice(self.partner_a, 10, amount=300.0)
        self.letter = self._run()
        self.assertEqual(
            self.letter.state, "sent", "The friendly reminder is sent by the run."
        )
        self.assertEqual(len(self.letter.line_ids), 3)

    def _transfer(self, amount, communication, partner=None):
        return self.env["account.bank.statement.line"].create(
            {
                "journal_id": self.bank_journal.id,
                "date": TODAY,
                "amount": amount,
                "payment_ref": communication,
                "partner_id": partner.id if partner else False,
            }
        )

    def test_reminder_has_a_valid_rf_reference(self):
        reference = self.letter.payment_reference_rf
        self.assertTrue(
            reference.startswith("RF"), "The reference is an ISO 11649 one."
        )
        self.assertTrue(is_valid_rf(reference), "Its check digits are right.")
        self.assertIn(
            self.letter.name.replace("/", ""),
            reference,
            "The reference is made of the reminder's number.",
        )

    def test_transfer_with_rf_reference_pays_all_invoices(self):
        st_line = self._transfer(
            600.0, f"Invoices {self.letter._dunning_rf_printed()} thanks"
        )
        self.assertTrue(st_line.is_reconciled, "The statement line is reconciled.")
        self.assertEqual(st_line.dunning_letter_id, self.letter)
        self.assertEqual(
            st_line.partner_id, self.partner_a, "The customer is set on the line."
        )
        for invoice in (self.oldest, self.middle, self.newest):
            self.assertIn(
                invoice.payment_state,
                ("paid", "in_payment"),
                f"{invoice.name} is paid by the one transfer.",
            )
        self.assertIn(
            "reconciled with",
            self.letter.message_ids[0].body,
            "The reminder's chatter tells that its invoices were paid.",
        )

    def test_reference_passing_the_check_with_the_next_word_is_matched(self):
        # RF22 DUN2 0260 0218 followed by "thanks" passes the MOD 97 check as
        # a whole (one number in 97 does): the reminder is still found.
        # A sent reminder cannot be written to: number it as the 218th in SQL.
        self.env.cr.execute(
            "UPDATE dunning_letter SET name = %s, payment_reference_rf = %s "
            "WHERE id = %s",
            ("DUN/2026/00218", "RF22DUN202600218", self.letter.id),
        )
        self.letter.invalidate_recordset(["name", "payment_reference_rf"])
        st_line = self._transfer(
            600.0, f"Invoices {self.letter._dunning_rf_printed()} thanks"
        )
        self.assertEqual(st_line.dunning_letter_id, self.letter)
        self.assertTrue(st_line.is_reconciled)

    def test_partial_payment_pays_oldest_first(self):
        st_line = self._transfer(250.0, self.letter.payment_reference_rf)
        self.assertTrue(st_line.is_reconciled)
        self.assertIn(
            self.oldest.payment_state,
            ("paid", "in_payment"),
            "The oldest invoice is paid first.",
        )
        self.assertEqual(self.middle.payment_state, "partial")
        self.assertAlmostEqual(
            self.middle.amount_residual,
            50.0,
            msg="The rest of the payment goes to the next oldest invoice.",
        )
        self.assertEqual(
            self.newest.payment_state, "not_paid", "The newest invoice is untouched."
        )

    def test_overpayment_stays_open_on_the_customer(self):
        st_line = self._transfer(650.0, self.letter.payment_reference_rf)
        self.assertTrue(st_line.is_reconciled)
        self.assertTrue(
            all(
                inv.payment_state in ("paid", "in_payment")
                for inv in self.oldest | self.middle | self.newest
            )
        )
        credit = st_line.move_id.line_ids.filtered(
            lambda aml: aml.account_id.account_type == "asset_receivable"
        )
        self.assertEqual(credit.partner_id, self.partner_a)
        self.assertAlmostEqual(
            credit.amount_residual,
            -50.0,
            msg="The 50 paid too much stay open as the customer's credit.",
        )

    def test_transfer_quoting_the_reminder_number_is_matched(self):
        st_line = self._transfer(600.0, f"payment {self.letter.name}")
        self.assertEqual(st_line.dunning_letter_id, self.letter)
        self.assertTrue(st_line.is_reconciled)

    def test_wrong_check_digits_are_not_matched(self):
        reference = self.letter.payment_reference_rf
        wrong = reference[:2] + f"{(int(reference[2:4]) + 1) % 100:02d}" + reference[4:]
        st_line = self._transfer(600.0, wrong)
        self.assertFalse(
            st_line.dunning_letter_id, "A reference with wrong check digits is ignored."
        )
        self.assertFalse(st_line.is_reconciled)
        self.assertEqual(self.oldest.payment_state, "not_paid")

    def test_transfer_of_another_customer_is_not_matched(self):
        st_line = self._transfer(
            600.0, self.letter.payment_reference_rf, partner=self.partner_b
        )
        self.assertFalse(
            st_line.is_reconciled,
            "Another customer's transfer never pays this customer's invoices.",
        )
        self.assertEqual(self.oldest.payment_state, "not_paid")

    def test_outgoing_transfer_is_not_matched(self):
        st_line = self._transfer(-600.0, self.letter.payment_reference_rf)
        self.assertFalse(st_line.is_reconciled)

    def test_undo_reconciliation_reopens_the_invoices(self):
        st_line = self._transfer(600.0, self.letter.payment_reference_rf)
        st_line.action_undo_reconciliation()
        self.assertFalse(st_line.is_reconciled)
        self.assertEqual(
            self.oldest.payment_state,
            "not_paid",
            "Odoo's standard undo gives the invoices back.",
        )

    def _install_engine(self, cls):
        """Stand in for Odoo Enterprise's bank reconciliation: its entry
        point ``_try_auto_reconcile_statement_lines`` defined on ``cls``,
        recording the lines it is given (it reconciles nothing itself)."""
        seen = []

        def _try_auto_reconcile_statement_lines(lines, company_id=None):
            seen.append(lines.filtered(lambda line: not line.is_reconciled))

        self.startPatcher(
            patch.object(
                cls,
                "_try_auto_reconcile_statement_lines",
                _try_auto_reconcile_statement_lines,
                create=True,
            )
        )
        return seen

    def test_engine_loaded_first_runs_the_matching_once(self):
        community = next(
            cls
            for cls in type(self.env["account.bank.statement.line"]).__mro__
            if cls.__module__
            == "odoo.addons.account.models.account_bank_statement_line"
        )
        seen = self._install_engine(community)
        st_line = self._transfer(600.0, self.letter.payment_reference_rf)
        self.assertFalse(
            st_line.is_reconciled,
            "With an engine calling the addon, nothing is matched at creation.",
        )
        st_line._try_auto_reconcile_statement_lines()
        self.assertTrue(
            st_line.is_reconciled, "The engine's run matches the reminder first."
        )
        self.assertEqual(st_line.dunning_letter_id, self.letter)
        self.assertEqual(
            seen,
            [self.env["account.bank.statement.line"]],
            "The engine's own rules get no line the reminder already paid.",
        )

    def test_engine_loaded_last_finds_the_line_matched(self):
        seen = self._install_engine(type(self.env["account.bank.statement.line"]))
        st_line = self._transfer(600.0, self.letter.payment_reference_rf)
        self.assertTrue(
            st_line.is_reconciled,
            "An engine that hides the addon's hook leaves the matching at creation.",
        )
        st_line._try_auto_reconcile_statement_lines()
        self.assertEqual(seen, [self.env["account.bank.statement.line"]])
