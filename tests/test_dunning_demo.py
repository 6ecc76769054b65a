from freezegun import freeze_time

from odoo.tests import TransactionCase, tagged
from odoo.tools import convert_file


@tagged("post_install", "-at_install")
@freeze_time("2026-06-15")
class TestDunningDemoData(TransactionCase):
    """The demo customers' dunning history is made of real reminders: every
    "last reminder" date and level on a customer and its invoices is that of
    a sent reminder in its history."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.ref("base.main_company")
        cls.env = cls.env(
            context=dict(cls.env.context, allowed_company_ids=company.ids)
        )
        if not company.chart_template:
            # The demo posts its invoices in the main company.
            cls.env["account.chart.template"].try_loading("generic_coa", company)
        if not cls.env.ref(
            "dunning_followup.demo_partner_40", raise_if_not_found=False
        ):
            convert_file(
                cls.env,
                "dunning_followup",
                "demo/dunning_demo.xml",
                {},
                mode="init",
                noupdate=True,
            )
        cls.company = company
        cls.partners = cls.env["res.partner"].browse(
            cls.env.ref(f"dunning_followup.demo_partner_{days}").id
            for days in (5, 15, 40, 70, 130)
        )
        cls.env["res.partner"]._dunning_update_states(
            company, cls.partners.ids, cls.env.cr.now().date()
        )

    def test_last_reminder_dates_are_those_of_sent_reminders(self):
        reminded = self.partners.filtered("dunning_last_date")
        self.assertEqual(
            len(reminded), 3, "The three oldest demo customers were reminded"
        )
        for partner in reminded:
            sent = partner.dunning_letter_ids.filtered(
                lambda letter: letter.state == "sent"
            )
            self.assertTrue(sent, f"{partner.name} has its reminders in its history")
            last = sent.sorted("date")[-1]
            self.assertEqual(
                partner.dunning_last_date,
                last.date,
                f"{partner.name}'s last reminder date is its last sent reminder's",
            )
            self.assertEqual(
                partner.dunning_level_id,
                last.level_id,
                f"{partner.name}'s level is that of its last sent reminder",
            )
            for move in sent.line_ids.move_id:
                letters = sent.filtered(
                    lambda letter, move=move: move in letter.line_ids.move_id
                )
                self.assertEqual(
                    move.dunning_count,
                    len(letters),
                    f"{move.name} counts the reminders that listed it",
                )
                self.assertEqual(move.dunning_last_date, max(letters.mapped("date")))

    def test_customers_never_reminded_have_no_history(self):
        for partner in self.partners.filtered(lambda p: not p.dunning_last_date):
            self.assertFalse(
                partner.dunning_letter_ids,
                f"{partner.name} was never reminded and has no reminder",
            )

    def test_demo_reminders_claim_their_invoices(self):
        letters = self.partners.dunning_letter_ids.filtered(
            lambda letter: letter.state == "sent"
        )
        self.assertEqual(len(letters), 6, "The demo history has six sent reminders")
        for letter in letters:
            self.assertEqual(
                letter._dunning_portal_moves(),
                letter.line_ids.move_id,
                f"{letter.name} claims its invoice's receivable item, so its "
                "self-service page lists the invoice and what is still due",
            )
