from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import TODAY, DunningCommon


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestDunningLetter(DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(
            cls.env,
            login="dunning_accountant",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.manager = new_test_user(
            cls.env,
            login="dunning_manager",
            groups="account.group_account_invoice,dunning_followup.group_dunning_manager",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )

    def _review_letter(self, partner=None, days=50):
        """A letter at the final notice, which needs approval."""
        self.company.dunning_escalation = "straight"
        self._overdue_invoice(partner or self.partner_a, days)
        return self._run()

    def test_name_from_sequence(self):
        letter = self._review_letter()
        self.assertRegex(letter.name, r"^DUN/2026/\d{5}$")

    def test_accountant_cannot_approve_or_configure(self):
        letter = self._review_letter()
        self.assertTrue(
            self.accountant.has_group("dunning_followup.group_dunning_user")
        )
        self.assertFalse(
            self.accountant.has_group("dunning_followup.group_dunning_manager")
        )
        with self.assertRaises(UserError):
            letter.with_user(self.accountant).action_approve()
        with self.assertRaises(UserError):
            letter.with_user(self.accountant).action_send()
        with self.assertRaises(AccessError):
            self.final.with_user(self.accountant).delay = 50
        letter.with_user(self.manager).action_approve()
        self.assertEqual(letter.state, "approved")
        self.assertEqual(letter.approved_by_id, self.manager)
        letter.with_user(self.accountant).action_send()
        self.assertEqual(letter.state, "sent")

    def test_sent_letter_is_immutable(self):
        self._overdue_invoice(self.partner_a, 10)
        letter = self._run()
        self.assertEqual(letter.state, "sent")
        with self.assertRaises(UserError):
            letter.date = TODAY + timedelta(days=1)
        with self.assertRaises(UserError):
            letter.write({"line_ids": [(5, 0, 0)]})
        with self.assertRaises(UserError):
            letter.unlink()
        with self.assertRaises(UserError):
            letter.action_cancel()

    def test_email_queued_to_invoicing_contact_and_logged(self):
        contact = self.env["res.partner"].create(
            {
                "name": "Accounts Payable",
                "type": "invoice",
                "parent_id": self.partner_a.id,
                "email": "ap@partner-a.example.com",
            }
        )
        invoice = self._overdue_invoice(self.partner_a, 10, amount=250.0)
        letter = self._run()
        self.assertEqual(letter.state, "sent")
        message = letter.message_ids.filtered(lambda msg: msg.message_type == "comment")
        self.assertEqual(message.partner_ids, contact)
        self.assertIn("Friendly payment reminder", message.subject)
        mail = self.env["mail.mail"].search([("mail_message_id", "=", message.id)])
        self.assertEqual(mail.recipient_ids, contact)
        self.assertIn(invoice.name, str(message.body))
        # The letter itself goes with the e-mail (the friendly level joins no
        # invoice); Odoo renders reports as HTML in tests unless forced.
        self.assertEqual(len(message.attachment_ids), 1)
        self.assertRegex(
            message.attachment_ids.name,
            rf"^Reminder - {letter.name.replace('/', '-')}\.(pdf|html)$",
        )
        self.assertEqual(mail.attachment_ids, message.attachment_ids)
        self.assertIn(letter.name, str(self.partner_a.message_ids[:1].body))
        self.assertIn(letter.name, str(invoice.message_ids[:1].body))

    def test_partner_without_email_gets_a_note(self):
        self.partner_a.email = False
        self._overdue_invoice(self.partner_a, 10)
        letter = self._run()
        self.assertEqual(letter.state, "sent")
        self.assertFalse(
            letter.message_ids.filtered(lambda msg: msg.message_type == "comment")
        )
        self.assertTrue(
            any("no e-mail address" in str(m.body) for m in letter.message_ids)
        )

    def test_failed_delivery_is_retryable(self):
        self._overdue_invoice(self.partner_a, 10)
        Template = type(self.env["mail.template"])
        generate = Template._generate_template

        def broken(template, res_ids, *args, **kwargs):
            # Both the batch's e-mails and the one-by-one fallback render it.
            if template.model == "dunning.letter":
                raise ValueError("the e-mail could not be rendered")
            return generate(template, res_ids, *args, **kwargs)

        with patch.object(Template, "_generate_template", broken):
            letter = self._run()
        self.assertEqual(letter.state, "failed")
        self.assertIn("could not be rendered", letter.failure_reason)
        invoice = letter.line_ids.move_id
        self.assertEqual(invoice.dunning_count, 0, "a failed letter reminds nobody")
        self.assertFalse(self._run(), "the failed letter is retried, not duplicated")
        letter.action_send()
        self.assertEqual(letter.state, "sent")
        self.assertEqual(invoice.dunning_count, 1)

    def test_send_reminder_from_invoice(self):
        invoice = self._overdue_invoice(self.partner_a, 3, amount=120.0)
        older = self._overdue_invoice(self.partner_a, 9, amount=80.0)
        self.assertEqual(invoice.dunning_days_overdue, 3)
        action = invoice.with_user(self.accountant).action_dunning_send_reminder()
        self.assertEqual(action["res_model"], "dunning.send.wizard")
        self.assertEqual(action["context"]["default_partner_id"], self.partner_a.id)
        self.assertFalse(
            self.Letter.search([("partner_id", "=", self.partner_a.id)]),
            "The dialog previews the reminder without creating it",
        )
        wizard = Form(
            self.env["dunning.send.wizard"]
            .with_user(self.accountant)
            .with_context(**action["context"])
        ).save()
        wizard.action_send()
        letter = self.Letter.search([("partner_id", "=", self.partner_a.id)])
        self.assertEqual(letter.line_ids.move_id, invoice + older)
        self.assertEqual(letter.level_id, self.friendly)
        self.assertEqual(letter.state, "sent")

    def test_cancel_then_run_again(self):
        letter = self._review_letter()
        letter.action_cancel()
        self.assertEqual(letter.state, "cancelled")
        self.assertFalse(
            self._run(), "a letter cancelled today is not made again today"
        )
        new = self._run(days_after=1)
        self.assertEqual(new.level_id, self.final)

    def test_user_of_other_company_does_not_see_letters(self):
        letter = self._review_letter()
        company_2 = self.setup_other_company()["company"]
        outsider = new_test_user(
            self.env,
            login="outsider",
            groups="account.group_account_invoice",
            company_id=company_2.id,
            company_ids=[company_2.id],
        )
        self.assertFalse(
            self.Letter.with_user(outsider).search([("id", "=", letter.id)])
        )
        self.assertEqual(
            self.Letter.with_user(self.accountant).search([("id", "=", letter.id)]),
            letter,
        )

    def test_batch_of_letters_keeps_the_company_check(self):
        """Letters created together get the ORM's company check once per
        company and field (dunning.letter._check_company): a level of another
        company is still refused with the ORM's own error."""
        company_2 = self.setup_other_company()["company"]
        level_2 = self.env["dunning.level"]._dunning_levels_for(company_2)[:1]
        self.assertTrue(level_2, "The other company has levels of its own.")
        vals = {"company_id": self.company.id, "date": TODAY}
        with (
            self.assertRaisesRegex(UserError, "company inconsistencies"),
            self.cr.savepoint(),
        ):
            self.Letter.create(
                [
                    dict(vals, partner_id=self.partner_a.id, level_id=self.friendly.id),
                    dict(vals, partner_id=self.partner_b.id, level_id=level_2.id),
                ]
            )
        letters = self.Letter.create(
            [
                dict(vals, partner_id=self.partner_a.id, level_id=self.friendly.id),
                dict(vals, partner_id=self.partner_b.id, level_id=self.second.id),
            ]
        )
        self.assertEqual(len(letters), 2, "Consistent letters are created together.")
