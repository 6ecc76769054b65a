from ast import literal_eval
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from .common import TODAY, DunningCommon


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestDunningRun(DunningCommon):
    def _letters(self, partner, company=None):
        return self.Letter.search(
            [
                ("partner_id", "=", partner.id),
                ("company_id", "=", (company or self.company).id),
            ],
            order="id",
        )

    # ------------------------------------------------------------------
    # Levels reached on their day
    # ------------------------------------------------------------------

    def test_each_default_level_reached_at_its_day(self):
        """With straight escalation, an invoice reaches each level exactly
        on the level's day, and the level below the day before."""
        self.company.dunning_escalation = "straight"
        expectations = []
        previous = self.env["dunning.level"]
        for level in self.levels:
            on_day = self.env["res.partner"].create(
                {"name": f"On day {level.delay}", "email": "a@example.com"}
            )
            day_before = self.env["res.partner"].create(
                {"name": f"Before {level.delay}", "email": "b@example.com"}
            )
            self._overdue_invoice(on_day, level.delay)
            self._overdue_invoice(day_before, level.delay - 1)
            expectations += [(on_day, level), (day_before, previous)]
            previous = level
        letters = self._run()
        for partner, level in expectations:
            letter = letters.filtered(
                lambda letter, partner=partner: letter.partner_id == partner
            )
            self.assertEqual(letter.level_id, level, partner.name)
            if not level:
                self.assertEqual(self._state(partner).dunning_status, "waiting")

    def test_stepwise_escalation_one_level_at_a_time(self):
        invoice = self._overdue_invoice(self.partner_a, 130)
        first = self._run()
        self.assertEqual(first.level_id, self.friendly)
        self.assertEqual(first.state, "sent", "the friendly level sends automatically")
        self.assertEqual(invoice.dunning_level_id, self.friendly)
        self.assertEqual(invoice.dunning_last_date, TODAY)
        self.assertEqual(invoice.dunning_count, 1)
        self.assertEqual(self._state(self.partner_a).dunning_level_id, self.friendly)

        # The second level waits for its minimum interval (7 days).
        self.assertFalse(self._run(days_after=6))
        self.assertEqual(
            self._state(self.partner_a).dunning_next_date, TODAY + timedelta(days=7)
        )
        second = self._run(days_after=7)
        self.assertEqual(second.level_id, self.second)
        self.assertEqual(invoice.dunning_level_id, self.second)
        self.assertEqual(invoice.dunning_count, 2)

        # The final notice needs a review: it waits for approval and the
        # customer stays "action needed" until it is sent.
        final = self._run(days_after=17)
        self.assertEqual(final.level_id, self.final)
        self.assertEqual(final.state, "to_approve")
        self.assertEqual(self._state(self.partner_a).dunning_status, "action_needed")
        self.assertEqual(self._state(self.partner_a).dunning_level_due_id, self.final)
        self.assertFalse(self._run(days_after=30), "a pending letter blocks a new one")
        final.action_approve()
        final.action_send()
        self.assertEqual(invoice.dunning_level_id, self.final)

    def test_straight_escalation_jumps_to_reached_level(self):
        self.company.dunning_escalation = "straight"
        self._overdue_invoice(self.partner_a, 50)
        letter = self._run()
        self.assertEqual(letter.level_id, self.final)
        self.assertEqual(letter.state, "to_approve")

    def test_min_amount(self):
        self.friendly.min_amount = 100.0
        self._overdue_invoice(self.partner_a, 10, amount=60.0)
        self._overdue_invoice(self.partner_b, 10, amount=160.0)
        letters = self._run()
        self.assertEqual(letters.partner_id, self.partner_b)
        self.assertEqual(self._state(self.partner_a).dunning_status, "waiting")

    def test_excluded_customer(self):
        self._state(self.partner_a).write(
            {
                "dunning_excluded": True,
                "dunning_exclusion_reason": "Key account",
            }
        )
        self._overdue_invoice(self.partner_a, 30)
        self.assertFalse(self._run())
        self.assertEqual(self._state(self.partner_a).dunning_status, "excluded")

    def test_disputed_invoice_not_dunned(self):
        disputed = self._overdue_invoice(self.partner_a, 30, amount=700.0)
        disputed.no_followup = True
        self.assertFalse(self._run())
        partner = self._state(self.partner_a)
        self.assertEqual(partner.dunning_overdue_amount, 0.0)
        self.assertEqual(partner.dunning_total_due, 700.0)
        # Another overdue invoice is dunned, without the disputed one.
        other = self._overdue_invoice(self.partner_a, 10, amount=200.0)
        letter = self._run()
        self.assertEqual(letter.line_ids.move_id, other)

    def test_promise_to_pay_pauses_escalation(self):
        self._overdue_invoice(self.partner_a, 30)
        promise = TODAY + timedelta(days=5)
        self._state(self.partner_a).dunning_promise_date = promise
        self.assertFalse(self._run())
        partner = self._state(self.partner_a)
        self.assertEqual(partner.dunning_status, "waiting")
        self.assertEqual(partner.dunning_next_date, promise + timedelta(days=1))
        self.assertFalse(self._run(days_after=5), "the promise holds on its own date")
        letter = self._run(days_after=6)
        self.assertEqual(
            letter.level_id, self.friendly, "the lapsed promise resumes dunning"
        )

    def test_partial_payment_lowers_overdue_amount(self):
        invoice = self._overdue_invoice(self.partner_a, 30, amount=1000.0)
        self._register_payment(
            invoice, amount=400.0, payment_date=TODAY - timedelta(days=2)
        )
        partner = self._state(self.partner_a)
        self.assertAlmostEqual(partner.dunning_overdue_amount, 600.0)
        self.assertAlmostEqual(partner.dunning_aging_1_30, 600.0)
        letter = self._run()
        self.assertAlmostEqual(letter.amount_total, 600.0)
        self.assertAlmostEqual(letter.line_ids.amount_original, 1000.0)

    def test_credit_note_reduces_the_claim(self):
        invoice = self._overdue_invoice(self.partner_a, 40, amount=1000.0)
        refund = self._overdue_invoice(
            self.partner_a, 0, amount=300.0, move_type="out_refund"
        )
        (invoice + refund).line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        ).reconcile()
        self.assertAlmostEqual(
            self._state(self.partner_a).dunning_overdue_amount, 700.0
        )
        letter = self._run()
        self.assertAlmostEqual(letter.amount_total, 700.0)
        self.assertEqual(
            letter.line_ids.move_id, invoice, "the credit note is not claimed"
        )

    def test_customer_in_credit_is_not_dunned(self):
        self._overdue_invoice(self.partner_a, 20, amount=300.0)
        payment = self.init_payment(
            500.0, post=True, date=TODAY, partner=self.partner_a
        )
        self.assertTrue(payment)
        self.assertFalse(self._run())
        self.assertEqual(self._state(self.partner_a).dunning_status, "no_action")

    def test_foreign_currency_invoice(self):
        other_currency = self.setup_other_currency("EUR", rates=[("2000-01-01", 2.0)])
        invoice = self._overdue_invoice(
            self.partner_a, 10, amount=1000.0, currency=other_currency
        )
        letter = self._run()
        line = letter.line_ids
        self.assertEqual(line.move_id, invoice)
        self.assertEqual(line.move_currency_id, other_currency)
        self.assertAlmostEqual(line.amount_residual_currency, 1000.0)
        self.assertAlmostEqual(
            line.amount_residual, 500.0, msg="company currency at rate 2"
        )
        self.assertEqual(letter.currency_id, self.company.currency_id)
        self.assertAlmostEqual(
            self._state(self.partner_a).dunning_overdue_amount, 500.0
        )

    def test_two_companies_kept_apart(self):
        company_2 = self.setup_other_company()["company"]
        self.env.user.company_ids |= company_2
        self._overdue_invoice(self.partner_a, 10, amount=100.0)
        invoice_2 = self._overdue_invoice(
            self.partner_a, 50, amount=900.0, company=company_2
        )
        letters = self.Letter._run_dunning(date=TODAY)
        letter_1 = letters.filtered(lambda letter: letter.company_id == self.company)
        letter_2 = letters.filtered(lambda letter: letter.company_id == company_2)
        self.assertAlmostEqual(letter_1.amount_total, 100.0)
        self.assertEqual(letter_2.line_ids.move_id, invoice_2)
        self.assertEqual(letter_2.level_id.company_id, company_2)
        self.assertAlmostEqual(
            self._state(self.partner_a).dunning_overdue_amount, 100.0
        )
        self.assertAlmostEqual(
            self._state(self.partner_a, company_2).dunning_overdue_amount, 900.0
        )
        self.assertEqual(
            self._state(self.partner_a, company_2).dunning_level_id, letter_2.level_id
        )

    def test_run_twice_creates_nothing_new(self):
        self._overdue_invoice(self.partner_a, 10)
        self.company.dunning_escalation = "straight"
        self._overdue_invoice(self.partner_b, 50)
        first = self._run()
        self.assertEqual(len(first), 2)
        self.assertFalse(self._run())
        self.assertEqual(
            self.Letter.search_count([("company_id", "=", self.company.id)]), 2
        )
        sent = first.filtered(lambda letter: letter.state == "sent")
        self.assertEqual(sent.line_ids.move_id.dunning_count, 1, "nothing sent twice")

    def test_scheduled_action_commits_per_batch(self):
        """The cron entry point reports progress after each batch and stops
        when its time is up; the next run picks up the rest."""
        self._overdue_invoice(self.partner_a, 10)
        self._overdue_invoice(self.partner_b, 10)
        calls = []

        def fake_commit_progress(
            _self, processed=0, *, remaining=None, deactivate=False
        ):
            calls.append((processed, remaining))
            return 0.0  # time is up after the first batch

        cron = self.env.ref("dunning_followup.ir_cron_dunning_run")
        self.assertEqual(cron.code.strip(), "model._cron_run_dunning()")
        IrCron = type(self.env["ir.cron"])
        with (
            patch.object(IrCron, "_commit_progress", fake_commit_progress),
            patch(
                "odoo.addons.dunning_followup.models.dunning_letter.RUN_BATCH_SIZE", 1
            ),
        ):
            self.Letter.with_company(self.company)._cron_run_dunning()
        done = self.Letter.search([("company_id", "=", self.company.id)])
        self.assertEqual(len(done), 1, "one batch of one customer, then stop")
        # The run also commits (processed 0) around taking its turn.
        batches = [call for call in calls if call[0]]
        self.assertEqual(batches[0][0], 1, "The first batch reports its one customer.")
        with patch.object(IrCron, "_commit_progress", lambda *a, **k: 100.0):
            self.Letter._cron_run_dunning()
        done = self.Letter.search([("company_id", "=", self.company.id)])
        self.assertEqual(
            done.partner_id,
            self.partner_a + self.partner_b,
            "the next run resumes without duplicates",
        )

    def test_paid_customer_goes_back_to_no_action(self):
        invoice = self._overdue_invoice(self.partner_a, 10)
        self._run()
        self.assertEqual(self._state(self.partner_a).dunning_status, "waiting")
        self._register_payment(invoice, payment_date=TODAY)
        self._run(days_after=1)
        partner = self._state(self.partner_a)
        self.assertEqual(partner.dunning_status, "no_action")
        self.assertEqual(partner.dunning_priority, 0.0)

    def test_collection_level_hands_over(self):
        self.company.dunning_escalation = "straight"
        self.partner_a.dunning_responsible_id = self.env.user
        self._overdue_invoice(self.partner_a, 65)
        letter = self._run()
        self.assertEqual(letter.level_id, self.collection)
        letter.action_approve()
        letter.action_send()
        self.assertEqual(self._state(self.partner_a).dunning_status, "collection")
        activity = self.partner_a.activity_ids
        self.assertEqual(activity.activity_type_id, self.collection.activity_type_id)
        self.assertEqual(activity.user_id, self.env.user)

    def test_worklist_is_ordered_by_priority(self):
        self.company.dunning_priority_method = "balance"
        self._overdue_invoice(self.partner_a, 10, amount=100.0)
        self._overdue_invoice(self.partner_b, 5, amount=5000.0)
        self._run()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dunning_followup.action_dunning_worklist"
        )
        partners = self.env["res.partner"].search(
            literal_eval(action["domain"]), order="dunning_priority desc"
        )
        self.assertEqual(partners[:2], self.partner_b + self.partner_a)

    def test_worklist_todo_search_matches_its_compute(self):
        """The worklist's default filters (what is to approve, to send, or
        waits for the next level) find exactly the customers whose computed
        to-do is that, the other company's reminders apart."""
        partner_c = self.partner_a.copy({"name": "Customer C", "is_company": True})
        customers = self.partner_a | self.partner_b | partner_c
        # Review mode: the run makes the reminders and sends none.
        self.env["dunning.level"]._dunning_levels_for(self.company).auto_send = False
        for partner in customers:
            self._overdue_invoice(partner, 40, amount=300.0)
        letters = self._run()
        self.assertEqual(letters.partner_id, customers)
        by_partner = {letter.partner_id: letter for letter in letters}
        by_partner[self.partner_a].state = "to_approve"
        by_partner[self.partner_b].state = "failed"
        by_partner[partner_c].unlink()
        # A reminder waiting in another company is not this company's to-do.
        company_2 = self.setup_other_company()["company"]
        level_2 = self.env["dunning.level"]._dunning_levels_for(company_2)[:1]
        self.assertTrue(level_2, "The new company got its levels.")
        self.Letter.with_company(company_2).create(
            {
                "partner_id": partner_c.id,
                "company_id": company_2.id,
                "level_id": level_2.id,
            }
        )
        Partner = self.env["res.partner"].with_company(self.company)
        expected = {
            "approve": self.partner_a,
            "send": self.partner_b,
            "next_level": partner_c,
        }
        for todo, partner in expected.items():
            found = Partner.search(
                [("dunning_todo", "=", todo), ("id", "in", customers.ids)]
            )
            self.assertEqual(found, partner, f"Customers to {todo}.")
            self.assertEqual(
                customers.with_company(self.company).filtered(
                    lambda p, todo=todo: p.dunning_todo == todo
                ),
                partner,
            )
        self.assertEqual(
            Partner.search(
                [
                    ("dunning_todo", "in", ["approve", "send"]),
                    ("id", "in", customers.ids),
                ]
            ),
            self.partner_a | self.partner_b,
        )

    def test_aging_buckets(self):
        for days in (-5, 0, 1, 30, 31, 61, 95, 121):
            self._overdue_invoice(self.partner_a, days, amount=100.0)
        partner = self._state(self.partner_a)
        self.assertEqual(partner.dunning_aging_not_due, 200.0)
        self.assertEqual(partner.dunning_aging_1_30, 200.0)
        self.assertEqual(partner.dunning_aging_31_60, 100.0)
        self.assertEqual(partner.dunning_aging_61_90, 100.0)
        self.assertEqual(partner.dunning_aging_91_120, 100.0)
        self.assertEqual(partner.dunning_aging_120_plus, 100.0)
        self.assertEqual(partner.dunning_total_due, 800.0)
        self.assertEqual(partner.dunning_overdue_amount, 600.0)

    def test_live_amounts_are_rounded_to_the_currency(self):
        """The live figures go straight into the cache (res.partner.
        _compute_dunning_amounts), so they must be what assigning them would
        store: amounts rounded to the company currency, never the residue of
        a float sum."""
        self._overdue_invoice(self.partner_a, 10, amount=0.1)
        self._overdue_invoice(self.partner_a, 11, amount=0.2)
        partner = self._state(self.partner_a)
        self.assertEqual(partner.dunning_currency_id, self.company.currency_id)
        self.assertEqual(
            partner.dunning_overdue_amount, 0.3, "The overdue amount is rounded."
        )
        self.assertEqual(partner.dunning_aging_1_30, 0.3, "The bucket is rounded.")
        self.assertEqual(partner.dunning_total_due, 0.3, "The total due is rounded.")

    def test_amounts_computed_in_batch(self):
        """The live figures of many customers cost a fixed number of queries."""
        partners = self.env["res.partner"].create(
            [{"name": f"Customer {i}"} for i in range(12)]
        )
        for partner in partners:
            self._overdue_invoice(partner, 15, amount=10.0)
        partners.invalidate_recordset()
        with self.assertQueryCount(3):
            totals = [
                p.dunning_overdue_amount for p in partners.with_company(self.company)
            ]
        self.assertEqual(totals, [10.0] * 12)

    def test_company_with_inconsistent_levels_is_skipped(self):
        """A company whose levels are inconsistent is skipped with a log naming
        it and nothing changes for its customers; the other companies are
        still dunned."""
        company_2 = self.setup_other_company()["company"]
        self.env.user.company_ids |= company_2
        invoice = self._overdue_invoice(self.partner_a, 10)
        invoice_2 = self._overdue_invoice(self.partner_b, 50, company=company_2)
        # The friendly reminder after the second one: not an escalation.
        self.env.cr.execute(
            "UPDATE dunning_level SET delay = 99 WHERE id = %s", [self.friendly.id]
        )
        self.env["dunning.level"].invalidate_model(["delay"])
        with self.assertLogs(
            "odoo.addons.dunning_followup.models.dunning_letter", "ERROR"
        ) as logs:
            letters = self.Letter._run_dunning(date=TODAY)
        self.assertIn(
            f"Dunning run skipped for {self.company.name}",
            "\n".join(logs.output),
            "The log names the company whose levels are inconsistent.",
        )
        self.assertFalse(
            letters.filtered(lambda letter: letter.company_id == self.company),
            "No letter is made in the company with inconsistent levels.",
        )
        self.assertFalse(
            invoice.dunning_count, "The skipped company's invoice was not reminded."
        )
        self.assertFalse(
            self._state(self.partner_a).dunning_status,
            "The skipped company's customer gets no dunning state.",
        )
        self.assertEqual(
            letters.line_ids.move_id,
            invoice_2,
            "The other company's overdue customer is still dunned.",
        )
