from freezegun import freeze_time

from odoo.tests import Form, new_test_user, tagged

from .common import TODAY, DunningCommon


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestDunningSend(DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(
            cls.env,
            login="send_accountant",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.manager = new_test_user(
            cls.env,
            login="send_manager",
            groups="account.group_account_invoice,dunning_followup.group_dunning_manager",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )

    def _wizard(self, letters, user=None):
        env = self.env(user=user) if user else self.env
        return Form(
            env["dunning.send.wizard"].with_context(default_letter_ids=letters.ids)
        )

    def test_send_reminder_from_customer_with_preview(self):
        self._overdue_invoice(self.partner_a, 12, amount=430.0)
        action = self.partner_a.with_user(self.accountant).action_dunning_new_letter()
        letter = self.Letter.browse(action["context"]["default_letter_ids"])
        self.assertEqual(letter.level_id, self.friendly)
        wizard = self._wizard(letter, self.accountant)
        self.assertTrue(wizard.send_email, "the level's channels are proposed")
        self.assertIn("Friendly payment reminder", wizard.preview_subject)
        self.assertIn("430", wizard.preview_body)
        self.assertIn("partner_a@example.com", wizard.preview_recipient)
        wizard.save().action_send()
        self.assertEqual(letter.state, "sent")
        self.assertEqual(
            len(letter.message_ids.filtered(lambda msg: msg.message_type == "comment")),
            1,
        )

    def test_channels_chosen_in_wizard(self):
        self.company.external_report_layout_id = self.env.ref(
            "web.external_layout_standard"
        )
        self._overdue_invoice(self.partner_a, 12)
        action = self.partner_a.action_dunning_new_letter()
        letter = self.Letter.browse(action["context"]["default_letter_ids"])
        wizard = self._wizard(letter)
        wizard.send_email = False
        wizard.send_letter = True
        wizard.create_activity = False
        result = wizard.save().action_send()
        self.assertEqual(letter.state, "sent")
        self.assertTrue(letter.print_needed)
        self.assertFalse(
            letter.message_ids.filtered(lambda msg: msg.message_type == "comment")
        )
        self.assertEqual(
            result.get("report_name"), "dunning_followup.report_dunning_letter"
        )

    def test_accountant_cannot_send_unapproved_batch(self):
        self.company.dunning_escalation = "straight"
        self._overdue_invoice(self.partner_a, 50)
        self._overdue_invoice(self.partner_b, 50)
        letters = self._run()
        self.assertEqual(set(letters.mapped("state")), {"to_approve"})
        wizard = self._wizard(letters, self.accountant)
        self.assertTrue(wizard.needs_approval)
        # A manager approves and sends the whole batch at once.
        wizard = self._wizard(letters, self.manager)
        self.assertFalse(wizard.needs_approval)
        wizard.save().action_send()
        self.assertEqual(set(letters.mapped("state")), {"sent"})
        self.assertEqual(letters.approved_by_id, self.manager)

    def test_batch_prepare_from_worklist(self):
        self._overdue_invoice(self.partner_a, 3)
        self._overdue_invoice(self.partner_b, 4)
        nothing_due = self.env["res.partner"].create({"name": "Paid up"})
        partners = self.partner_a + self.partner_b + nothing_due
        action = partners.with_user(self.accountant).action_dunning_prepare_letters()
        letters = self.Letter.search(action["domain"])
        self.assertEqual(letters.partner_id, self.partner_a + self.partner_b)
        self.assertEqual(set(letters.mapped("state")), {"draft"})
        # Asking again takes the same letters.
        again = self.Letter.search(partners.action_dunning_prepare_letters()["domain"])
        self.assertEqual(again, letters)

    def test_joined_invoices_attached(self):
        self.second.join_invoices = True
        self.company.dunning_escalation = "straight"
        invoice = self._overdue_invoice(self.partner_a, 25)
        letter = self._run()
        self.assertEqual(letter.level_id, self.second)
        message = letter.message_ids.filtered(lambda msg: msg.message_type == "comment")
        self.assertTrue(message.attachment_ids)
        self.assertTrue(
            any(
                invoice.name.replace("/", "_") in name
                for name in message.attachment_ids.mapped("name")
            )
        )
