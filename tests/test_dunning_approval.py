from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from .common import TODAY, DunningCommon


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestDunningApproval(DunningCommon):
    """The reminder's life as the accountant sees it in the Send Reminder
    dialog: explicit approval, nothing created before Send, and 'Sent' only
    once the document exists."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(
            cls.env,
            login="approval_accountant",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.manager = new_test_user(
            cls.env,
            login="approval_manager",
            name="Approval Manager",
            groups="account.group_account_invoice,dunning_followup.group_dunning_manager",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )

    def _final_notice(self, partner=None):
        """A final notice (not sent automatically) waiting for approval."""
        self.company.dunning_escalation = "straight"
        self._overdue_invoice(partner or self.partner_a, 50)
        letter = self._run()
        self.assertEqual(letter.level_id, self.final)
        self.assertEqual(letter.state, "to_approve")
        return letter

    def _dialog(self, action, user=None):
        """The Send Reminder dialog that ``action`` opens, as ``user``."""
        env = self.env(user=user) if user else self.env
        self.assertEqual(action["res_model"], "dunning.send.wizard")
        return Form(env["dunning.send.wizard"].with_context(**action["context"]))

    # ------------------------------------------------------------------
    # The approved state
    # ------------------------------------------------------------------

    def test_approve_moves_reminder_to_approved_not_draft(self):
        letter = self._final_notice()
        result = letter.with_user(self.manager).action_approve()
        self.assertEqual(
            letter.state,
            "approved",
            "An approved reminder reads Approved, not Draft (a rejection)",
        )
        self.assertEqual(letter.approved_by_id, self.manager)
        self.assertEqual(
            result["tag"],
            "display_notification",
            "The manager is told the reminder is ready to send",
        )
        self.assertEqual(result["params"]["title"], "Approved — ready to send")

    def test_reminder_has_its_portal_token_from_creation(self):
        letter = self._final_notice()
        token = letter.access_token
        self.assertTrue(
            token,
            "The reminder has its self-service token from its creation, so "
            "showing its preview (which renders the link) writes nothing.",
        )
        letter.invalidate_recordset()
        self.assertTrue(letter.with_user(self.manager).preview_body)
        self.assertEqual(letter.access_token, token)

    def test_approved_reminder_is_sent_and_stays_pending_until_then(self):
        letter = self._final_notice()
        letter.with_user(self.manager).action_approve()
        self.assertFalse(
            self._run(days_after=1),
            "An approved reminder waiting to be sent blocks a second one",
        )
        letter.with_user(self.accountant).action_send()
        self.assertEqual(letter.state, "sent", "Anyone may send an approved reminder")

    def test_approve_and_send_in_one_click(self):
        letter = self._final_notice()
        letter.with_user(self.manager).action_approve_and_send()
        self.assertEqual(letter.state, "sent")
        self.assertEqual(letter.approved_by_id, self.manager)

    def test_accountant_cannot_approve(self):
        letter = self._final_notice()
        with self.assertRaisesRegex(UserError, "Only a dunning manager"):
            letter.with_user(self.accountant).action_approve()
        self.assertEqual(letter.state, "to_approve")

    def test_dialog_names_approvers_and_offers_no_send_to_accountant(self):
        letter = self._final_notice()
        dialog = self._dialog(
            letter.with_user(self.accountant).action_open_send_wizard(), self.accountant
        )
        self.assertEqual(
            dialog.letter_state, "to_approve", "The dialog shows the state"
        )
        self.assertTrue(dialog.needs_approval)
        self.assertIn(
            "Approval Manager",
            dialog.approver_names,
            "The accountant is told who must approve",
        )
        self.assertIn("not sent automatically", dialog.approval_reason)
        with self.assertRaisesRegex(UserError, "Approval Manager"):
            dialog.save().action_send()
        self.assertEqual(letter.state, "to_approve", "Nothing was approved or sent")
        self.assertFalse(letter.approved_by_id)

    def test_manager_approves_and_sends_from_the_dialog(self):
        letter = self._final_notice()
        dialog = self._dialog(letter.action_open_send_wizard(), self.manager)
        self.assertEqual(dialog.letter_state, "to_approve")
        self.assertTrue(dialog.approval_required, "The button reads Approve & Send")
        self.assertFalse(dialog.needs_approval)
        dialog.save().action_send()
        self.assertEqual(letter.state, "sent")
        self.assertEqual(letter.approved_by_id, self.manager)

    # ------------------------------------------------------------------
    # Nothing created before Send
    # ------------------------------------------------------------------

    def test_opening_the_dialog_creates_no_reminder(self):
        self._overdue_invoice(self.partner_a, 12, amount=430.0)
        sequence = self.env["ir.sequence"].search(
            [("code", "=", "dunning.letter")], limit=1
        )
        next_number = sequence.number_next_actual
        action = self.partner_a.with_user(self.accountant).action_dunning_new_letter()
        dialog = self._dialog(action, self.accountant)
        self.assertIn("430", dialog.preview_body, "The preview shows the amount due")
        self.assertIn("Friendly payment reminder", dialog.preview_subject)
        self.assertEqual(dialog.level_id, self.friendly)
        dialog.save()
        self.assertFalse(
            self.Letter.search([("partner_id", "=", self.partner_a.id)]),
            "Opening (and discarding) the dialog leaves no reminder behind",
        )
        sequence.invalidate_recordset()
        self.assertEqual(
            sequence.number_next_actual, next_number, "No number is used up"
        )

    def test_send_creates_the_reminder(self):
        invoice = self._overdue_invoice(self.partner_a, 12)
        action = self.partner_a.with_user(self.accountant).action_dunning_new_letter()
        self._dialog(action, self.accountant).save().action_send()
        letter = self.Letter.search([("partner_id", "=", self.partner_a.id)])
        self.assertEqual(len(letter), 1, "Send creates exactly one reminder")
        self.assertEqual(letter.state, "sent")
        self.assertEqual(letter.line_ids.move_id, invoice)

    def test_no_level_due_yet_is_said_and_confirmed(self):
        self._overdue_invoice(self.partner_a, 5)
        action = self.partner_a.action_dunning_new_letter()
        dialog = self._dialog(action)
        self.assertEqual(
            dialog.early_message, "5 days overdue; Friendly reminder starts at 7 days"
        )
        self.assertFalse(self.Letter.search([("partner_id", "=", self.partner_a.id)]))
        dialog.save().action_send()
        letter = self.Letter.search([("partner_id", "=", self.partner_a.id)])
        self.assertEqual(letter.level_id, self.friendly)
        self.assertEqual(letter.state, "sent")

    # ------------------------------------------------------------------
    # Sent only once the document exists
    # ------------------------------------------------------------------

    def test_without_email_address_the_reminder_is_printed(self):
        self.partner_a.email = False
        self._overdue_invoice(self.partner_a, 12)
        dialog = self._dialog(self.partner_a.action_dunning_new_letter())
        self.assertFalse(dialog.has_email)
        self.assertFalse(dialog.send_email, "E-mail is unticked without an address")
        self.assertTrue(dialog.send_letter, "The reminder goes by post instead")
        self.assertEqual(dialog.email_missing_partner_id, self.partner_a)
        result = dialog.save().action_send()
        letter = self.Letter.search([("partner_id", "=", self.partner_a.id)])
        self.assertEqual(letter.state, "sent")
        self.assertTrue(letter.print_needed, "The reminder waits in the To Print queue")
        self.assertTrue(letter.letter_attachment_id, "The letter's PDF exists")
        self.assertEqual(
            result["type"], "ir.actions.act_url", "The stored PDF is downloaded"
        )
        self.assertFalse(
            letter.message_ids.filtered(lambda m: m.message_type == "comment"),
            "No e-mail went out",
        )

    def test_not_sent_when_the_pdf_cannot_be_produced(self):
        self.partner_a.email = False
        invoice = self._overdue_invoice(self.partner_a, 12)
        dialog = self._dialog(self.partner_a.action_dunning_new_letter()).save()
        report = type(self.env["ir.actions.report"])
        with patch.object(
            report, "_render_qweb_pdf", side_effect=UserError("wkhtmltopdf broke")
        ):
            dialog.action_send()
        letter = self.Letter.search([("partner_id", "=", self.partner_a.id)])
        self.assertEqual(letter.state, "failed", "No PDF, no 'Sent'")
        self.assertIn("wkhtmltopdf broke", letter.failure_reason)
        self.assertFalse(letter.letter_attachment_id)
        self.assertFalse(
            invoice.dunning_level_id, "The invoice is not marked as reminded"
        )

    def test_print_queue_marks_letters_posted(self):
        self.partner_a.email = self.partner_b.email = False
        self._overdue_invoice(self.partner_a, 12)
        self._overdue_invoice(self.partner_b, 12)
        letters = self._run()
        self.assertEqual(set(letters.mapped("state")), {"sent"})
        self.assertTrue(
            all(letters.mapped("print_needed")), "Both wait in the To Print queue"
        )
        self.assertTrue(all(letters.mapped("letter_attachment_id")))
        result = letters.with_user(self.accountant).action_print_queue()
        self.assertEqual(result["type"], "ir.actions.act_url")
        self.assertFalse(any(letters.mapped("print_needed")), "Printed and posted")
        self.assertTrue(all(letters.mapped("posted_date")))

    def test_printing_an_unsent_reminder_offers_to_mark_it_sent(self):
        letter = self._final_notice()
        letter.with_user(self.manager).action_approve()
        letter.action_print_letter()
        self.assertEqual(letter.state, "approved", "Printing alone does not send it")
        self.assertTrue(letter.letter_attachment_id)
        self.assertTrue(letter.printed_unsent, "The form offers to mark it sent")
        letter.action_mark_sent()
        self.assertEqual(letter.state, "sent")
        self.assertFalse(letter.print_needed, "It was posted by hand")
