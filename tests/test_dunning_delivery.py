from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.base.models.ir_mail_server import IrMail_Server

from .common import TODAY, DunningCommon

BOUNCE = """\
From: MAILER-DAEMON <mailer-daemon@mx.example.com>
To: accounting@company.example.com
Subject: Undelivered Mail Returned to Sender
Message-Id: <bounce-1@mx.example.com>
Date: Mon, 01 Jun 2026 10:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BOUNDARY"

--BOUNDARY
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.example.com.
The mail to {email} could not be delivered: 550 5.1.1 User unknown.

--BOUNDARY
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.com

Final-Recipient: rfc822; {email}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 User unknown

--BOUNDARY
Content-Type: message/rfc822

From: accounting@company.example.com
To: {email}
Subject: Payment reminder
Message-Id: {message_id}

Please pay.

--BOUNDARY--
"""


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestDunningDelivery(DunningCommon):
    """A reminder whose e-mail does not reach the customer becomes 'failed'
    with the reason, shows in the worklist, and Send retries it."""

    def _sent_letter(self):
        invoice = self._overdue_invoice(self.partner_a, 10, amount=250.0)
        letter = self._run()
        self.assertEqual(letter.state, "sent", "the friendly level sends automatically")
        self.assertTrue(letter.mail_message_id, "the reminder is linked to its e-mail")
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search([("mail_message_id", "=", letter.mail_message_id.id)])
        )
        self.assertTrue(mails, "the reminder e-mail waits in the mail queue")
        return letter, invoice, mails

    def test_refused_smtp_fails_the_reminder_and_send_retries_it(self):
        letter, invoice, mails = self._sent_letter()
        self.assertEqual(invoice.dunning_count, 1)

        def refuse(*args, **kwargs):
            raise ConnectionRefusedError(111, "Connection refused")

        with patch.object(IrMail_Server, "_connect__", refuse):
            mails.send()

        self.assertEqual(mails.state, "exception", "Odoo marks the e-mail as not sent")
        self.assertEqual(
            letter.state, "failed", "a reminder that never left is not 'sent'"
        )
        self.assertIn("Connection refused", letter.failure_reason)
        self.assertEqual(letter.mail_notification_ids.notification_status, "exception")
        partner = self.partner_a.with_company(self.company)
        self.assertIn(
            "Connection refused",
            partner.dunning_failure_reason,
            "the worklist shows why the reminder failed",
        )
        self.assertIn(
            self.partner_a,
            self.env["res.partner"].search([("dunning_failure_reason", "!=", False)]),
            "the worklist's 'Reminder Failed' filter finds the customer",
        )
        self.assertIn(letter, self.Letter.search([("state", "=", "failed")]))

        # Send retries it: a new e-mail, and the invoice counts the reminder once.
        first_message = letter.mail_message_id
        letter.action_send()
        self.assertEqual(letter.state, "sent")
        self.assertFalse(letter.failure_reason)
        self.assertNotEqual(
            letter.mail_message_id, first_message, "a new e-mail went out"
        )
        self.assertEqual(invoice.dunning_count, 1, "a retry is the same reminder")
        retry_mails = (
            self.env["mail.mail"]
            .sudo()
            .search([("mail_message_id", "=", letter.mail_message_id.id)])
        )
        retry_mails.send()
        self.assertEqual(
            letter.state, "sent", "a delivered e-mail keeps the reminder 'sent'"
        )
        self.assertFalse(partner.dunning_failure_reason)

    def test_delivered_email_keeps_the_reminder_sent(self):
        letter, _invoice, mails = self._sent_letter()
        mails.send()
        self.assertEqual(letter.state, "sent")
        self.assertNotEqual(
            letter.mail_notification_ids.notification_status, "exception"
        )
        self.assertFalse(
            self.partner_a.with_company(self.company).dunning_failure_reason
        )

    def test_bounce_fails_the_reminder(self):
        letter, _invoice, mails = self._sent_letter()
        mails.send()
        self.assertEqual(letter.state, "sent")

        raw = BOUNCE.format(
            email=self.partner_a.email, message_id=letter.mail_message_id.message_id
        )
        self.env["mail.thread"].message_process(False, raw.encode())

        self.assertEqual(
            letter.state, "failed", "a bounced reminder did not reach the customer"
        )
        self.assertIn("bounced", letter.failure_reason)
        self.assertIn(self.partner_a.email, letter.failure_reason)
        self.assertEqual(letter.mail_notification_ids.notification_status, "bounce")
        self.assertTrue(
            self.partner_a.with_company(self.company).dunning_failure_reason
        )
        letter.action_send()
        self.assertEqual(letter.state, "sent", "Send retries a bounced reminder")

    def test_failure_of_another_message_leaves_the_reminder_sent(self):
        letter, _invoice, mails = self._sent_letter()
        mails.send()
        note = letter.message_post(
            body="Internal follow-up",
            partner_ids=self.partner_b.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        other = self.env["mail.mail"].sudo().search([("mail_message_id", "=", note.id)])

        def refuse(*args, **kwargs):
            raise ConnectionRefusedError(111, "Connection refused")

        with patch.object(IrMail_Server, "_connect__", refuse):
            other.send()
        self.assertEqual(
            letter.state,
            "sent",
            "only the reminder e-mail itself decides the reminder's delivery",
        )
