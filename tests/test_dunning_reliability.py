from unittest.mock import patch

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import UserError
from odoo.sql_db import db_connect
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.dunning_followup.models import dunning_letter

from .common import TODAY, DunningCommon


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestDunningReliability(DunningCommon):
    def test_interrupted_run_resumes_without_duplicates(self):
        """A run that dies after its first batch leaves that batch's letters;
        the next run makes the others and repeats none."""
        partners = self.env["res.partner"].create(
            [{"name": f"Customer {i}", "email": f"c{i}@example.com"} for i in range(4)]
        )
        for partner in partners:
            self._overdue_invoice(partner, 10)
        original = type(self.Letter)._dunning_run_batch
        calls = []

        def dying_batch(self, company, partner_ids, as_of):
            calls.append(partner_ids)
            if len(calls) == 3:
                raise RuntimeError("worker killed")
            return original(self, company, partner_ids, as_of)

        with (
            patch.object(type(self.Letter), "_dunning_run_batch", dying_batch),
            patch.object(dunning_letter, "RUN_BATCH_SIZE", 1),
            mute_logger("odoo.addons.dunning_followup.models.dunning_letter"),
        ):
            self._run()
        first = self.Letter.search([("partner_id", "in", partners.ids)])
        self.assertEqual(
            len(first), 0, "without commits, the failed company run rolls back"
        )

        # With a committed first part (simulated: run the first customers only).
        done = self.Letter._dunning_run_batch(self.company, partners[:2].ids, TODAY)
        self.assertEqual(len(done), 2)
        self._run()
        letters = self.Letter.search([("partner_id", "in", partners.ids)])
        self.assertEqual(letters.partner_id, partners, "no customer skipped")
        self.assertEqual(len(letters), 4, "no customer dunned twice")
        self.assertEqual(letters.line_ids.move_id.mapped("dunning_count"), [1, 1, 1, 1])

    def test_one_bad_customer_does_not_stop_the_others(self):
        self._overdue_invoice(self.partner_a, 10)
        self._overdue_invoice(self.partner_b, 10)
        original = type(self.Letter).create

        def create(self, vals_list):
            vals_list = vals_list if isinstance(vals_list, list) else [vals_list]
            if any(vals.get("partner_id") == bad for vals in vals_list):
                raise ValueError("corrupt customer")
            return original(self, vals_list)

        bad = self.partner_a.id
        with (
            patch.object(type(self.Letter), "create", create),
            mute_logger("odoo.addons.dunning_followup.models.dunning_letter"),
        ):
            letters = self._run()
        self.assertEqual(letters.partner_id, self.partner_b)

    def test_runs_take_turns_per_company(self):
        """While a run holds a company's lock, another connection cannot take
        it: the second run waits for the first one's batch to commit."""
        self.Letter._dunning_lock_run(self.company)
        with db_connect(self.env.cr.dbname).cursor() as other:
            other.execute(
                "SELECT pg_try_advisory_xact_lock(%s, %s)",
                [dunning_letter.DUNNING_LOCK_KEY, self.company.id],
            )
            self.assertFalse(other.fetchone()[0])
            other.execute(
                "SELECT pg_try_advisory_xact_lock(%s, %s)",
                [dunning_letter.DUNNING_LOCK_KEY, self.company.id + 100000],
            )
            self.assertTrue(other.fetchone()[0], "other companies are not blocked")
            other.rollback()

    def test_one_pending_letter_per_customer_enforced_by_the_database(self):
        self.company.dunning_escalation = "straight"
        self._overdue_invoice(self.partner_a, 50)
        letter = self._run()
        self.assertEqual(letter.state, "to_approve")
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.cr.savepoint(),
        ):
            self.Letter.create(
                {
                    "partner_id": self.partner_a.id,
                    "level_id": self.final.id,
                    "company_id": self.company.id,
                    "state": "draft",
                }
            )
            self.env.flush_all()

    def test_sending_twice_sends_once(self):
        self._overdue_invoice(self.partner_a, 10)
        self.friendly.auto_send = False
        self.company.dunning_escalation = "straight"
        letter = self._run()
        letter.action_approve()
        letter.action_send()
        with self.assertRaisesRegex(UserError, "cannot be sent in its state"):
            letter.action_send()
        mails = letter.message_ids.filtered(lambda msg: msg.message_type == "comment")
        self.assertEqual(len(mails), 1)

    def test_level_texts_are_sanitised(self):
        self.friendly.letter_intro = (
            '<p>Hello</p><script>alert("x")</script><img src=x onerror=alert(1)>'
        )
        self.assertNotIn("<script", self.friendly.letter_intro)
        self.assertNotIn("onerror", self.friendly.letter_intro)
        self._overdue_invoice(self.partner_a, 10)
        letter = self._run()
        message = letter.message_ids.filtered(lambda msg: msg.message_type == "comment")
        self.assertIn("Hello", str(message.body))
        self.assertNotIn("<script", str(message.body))

    def test_customer_without_address_gets_a_note(self):
        self.second.send_letter = True
        self.company.dunning_escalation = "straight"
        self.partner_a.write({"street": False, "city": False})
        self._overdue_invoice(self.partner_a, 25)
        letter = self._run()
        self.assertTrue(letter.print_needed)
        self.assertTrue(
            any("no postal address" in str(m.body) for m in letter.message_ids)
        )

    def test_customer_with_many_invoices(self):
        """A customer with many overdue invoices gets one letter listing all."""
        journal = self.company_data["default_journal_sale"]
        moves = self.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": self.partner_a.id,
                    "journal_id": journal.id,
                    "invoice_date": "2026-04-01",
                    "invoice_date_due": "2026-05-01",
                    "invoice_payment_term_id": False,
                    "invoice_line_ids": [
                        (0, 0, {"name": "x", "price_unit": 10.0, "tax_ids": []})
                    ],
                }
                for _ in range(300)
            ]
        )
        moves.action_post()
        letter = self._run()
        self.assertEqual(letter.line_count, 300)
        self.assertAlmostEqual(letter.amount_total, 3000.0)
