import io
from unittest.mock import patch

from freezegun import freeze_time
from werkzeug.exceptions import NotFound

from odoo.http import Request
from odoo.tests import HttpCase, tagged
from odoo.tools.pdf import PdfFileReader

from . import test_dunning_report
from .common import TODAY, DunningCommon


class _NoCommitProgress:
    """ir.cron._commit_progress without the commit (a test never commits),
    recording what the scheduled actions report."""

    def __init__(self):
        self.calls = []

    def __call__(self, processed=0, *, remaining=None, deactivate=False):
        self.calls.append((processed, remaining))
        return float("inf")


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestDunningSendQueue(DunningCommon):
    """The daily run queues the automatic reminders; their own scheduled
    action sends them in batches, never twice, one failure not blocking the
    others."""

    def _committing_run(self, progress):
        """The scheduled action's run of the test company, without commits."""
        Letter = self.Letter.with_context(dunning_commit_progress=True)
        with patch.object(type(self.env["ir.cron"]), "_commit_progress", progress):
            return Letter._dunning_run_company(self.company, TODAY)

    def _send_cron(self, progress):
        with patch.object(type(self.env["ir.cron"]), "_commit_progress", progress):
            self.Letter._cron_send_queued()

    def _emails(self, letter):
        return letter.message_ids.filtered(
            lambda message: message.message_type == "comment"
        )

    def test_run_queues_and_send_action_sends_in_batches(self):
        invoices = [
            self._overdue_invoice(partner, 10)
            for partner in (self.partner_a, self.partner_b)
        ]
        progress = _NoCommitProgress()
        letters = self._committing_run(progress)
        self.assertEqual(len(letters), 2)
        self.assertEqual(
            set(letters.mapped("state")),
            {"draft"},
            "the scheduled run does not send: it queues",
        )
        self.assertTrue(
            all(letters.mapped("queued_at")), "the automatic reminders are queued"
        )
        self.assertFalse(
            letters.message_ids.filtered(lambda m: m.message_type == "comment")
        )

        send_progress = _NoCommitProgress()
        with patch(
            "odoo.addons.dunning_followup.models.dunning_letter.SEND_BATCH_SIZE", 1
        ):
            self._send_cron(send_progress)
        self.assertEqual(set(letters.mapped("state")), {"sent"})
        self.assertFalse(
            any(letters.mapped("queued_at")), "nothing is left in the queue"
        )
        self.assertEqual(
            send_progress.calls,
            [(1, 1), (1, 0)],
            "one commit per batch, with what remains",
        )
        for letter, invoice in zip(letters, invoices, strict=True):
            self.assertEqual(len(self._emails(letter)), 1)
            self.assertEqual(letter.mail_message_id, self._emails(letter))
            self.assertEqual(invoice.dunning_count, 1)
            self.assertIn(
                letter.name,
                str(invoice.message_ids[:1].body),
                "the invoice's chatter logs the reminder",
            )
            self.assertIn(
                letter.name,
                str(letter.partner_id.message_ids[:1].body),
                "the customer's chatter logs the reminder",
            )

        # The queue is empty: the action (or a second one) sends nothing again.
        self._send_cron(_NoCommitProgress())
        self.assertEqual([len(self._emails(letter)) for letter in letters], [1, 1])
        # Nor does the next day's run.
        self.Letter._run_dunning(date=TODAY, company=self.company)
        self.assertEqual([len(self._emails(letter)) for letter in letters], [1, 1])

    def test_a_failing_reminder_does_not_block_the_others(self):
        self._overdue_invoice(self.partner_a, 10)
        self._overdue_invoice(self.partner_b, 10)
        letters = self._committing_run(_NoCommitProgress())
        broken = letters.filtered(lambda letter: letter.partner_id == self.partner_a)
        Template = type(self.env["mail.template"])
        generate = Template._generate_template

        def fail_for_partner_a(template, res_ids, *args, **kwargs):
            # The batch's e-mails are rendered together, then one by one.
            if template.model == "dunning.letter" and broken.id in res_ids:
                raise ValueError("template broken for this customer")
            return generate(template, res_ids, *args, **kwargs)

        with patch.object(Template, "_generate_template", fail_for_partner_a):
            self._send_cron(_NoCommitProgress())
        self.assertEqual(broken.state, "failed")
        self.assertIn("template broken", broken.failure_reason)
        self.assertFalse(self._emails(broken), "the failed reminder sent no e-mail")
        self.assertEqual((letters - broken).state, "sent")
        self.assertEqual(
            len(self._emails(letters - broken)),
            1,
            "the other reminder's e-mail went out, once",
        )
        self.assertFalse(
            any(letters.mapped("queued_at")),
            "a failed reminder leaves the queue: Send retries it",
        )

    def test_a_reminder_sent_meanwhile_is_not_sent_again(self):
        self._overdue_invoice(self.partner_a, 10)
        letter = self._committing_run(_NoCommitProgress())
        letter.action_send()
        self.assertEqual(len(self._emails(letter)), 1)
        self._send_cron(_NoCommitProgress())
        self.assertEqual(
            len(self._emails(letter)), 1, "the queue never sends a reminder twice"
        )
        self.assertFalse(letter.queued_at)

    def test_send_batch_query_count(self):
        """A sent batch costs queries per batch, not per letter: the e-mails
        (messages, attachments, mail.mail, notifications), the chatter notes,
        the invoices' levels and the customers' states are written in bulk."""
        partners = self.env["res.partner"].create(
            [
                {
                    "name": f"Queue customer {index}",
                    "email": f"queue{index}@example.com",
                    "is_company": True,
                }
                for index in range(10)
            ]
        )
        for partner in partners:
            self._overdue_invoice(partner, 10)
        letters = self._committing_run(_NoCommitProgress())
        self.assertEqual(len(letters), 10)
        self.env.invalidate_all()
        # The PDFs as the batch rendering gives them (tests render no PDF).
        Letter = type(self.Letter)
        pdfs = {letter.id: b"%PDF-1.4 letter" for letter in letters}
        queries_before = self.cr.sql_log_count
        with patch.object(Letter, "_dunning_render_letter_pdfs", lambda _self: pdfs):
            letters._dunning_send_queued()
        per_letter = (self.cr.sql_log_count - queries_before) / len(letters)
        self.assertEqual(set(letters.mapped("state")), {"sent"})
        self.assertEqual(
            letters.mail_message_id.attachment_ids.mapped("raw"),
            [b"%PDF-1.4 letter"] * 10,
            "Each e-mail carries its letter's PDF.",
        )
        self.assertLessEqual(
            per_letter, 15, f"{per_letter:.1f} queries per sent reminder"
        )


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestDunningBatchPdf(DunningCommon, HttpCase):
    """Several letters rendered in one wkhtmltopdf call, split per letter:
    each part holds exactly that letter's pages."""

    _pdf_text = test_dunning_report.TestDunningReport._pdf_text

    def _render(self, letters):
        serve_static = Request._serve_static

        def serve_static_without_fonts(request):
            # Text stays extractable with Debian wkhtmltopdf (test_dunning_report).
            if request.httprequest.path.endswith(test_dunning_report.WEB_FONT_SUFFIXES):
                raise NotFound()
            return serve_static(request)

        with patch.object(Request, "_serve_static", serve_static_without_fonts):
            return letters.with_context(
                force_report_rendering=True
            )._dunning_render_letter_pdfs()

    def test_batch_pdf_split_per_letter(self):
        if self.env["ir.actions.report"].get_wkhtmltopdf_state() == "install":
            self.skipTest("wkhtmltopdf is not installed")
        customers = self.env["res.partner"].create(
            [
                {
                    "name": f"Batch Customer {name}",
                    "email": f"{name}@example.com",
                    "is_company": True,
                }
                for name in ("Alpha", "Bravo", "Charlie")
            ]
        )
        for customer in customers:
            self._overdue_invoice(customer, 10, amount=100.0)
        # Bravo owes many invoices: its letter takes more than one page.
        for days in range(11, 60):
            self._overdue_invoice(customers[1], days, amount=10.0 + days)
        letters = self._run().sorted(lambda letter: letter.partner_id.name)
        self.assertEqual(letters.partner_id, customers)

        pdfs = self._render(letters)
        self.assertEqual(set(pdfs), set(letters.ids), "one PDF per letter")
        single = {letter.id: self._render(letter)[letter.id] for letter in letters}
        for letter in letters:
            pages = len(PdfFileReader(io.BytesIO(pdfs[letter.id])).pages)
            alone = len(PdfFileReader(io.BytesIO(single[letter.id])).pages)
            self.assertEqual(
                pages, alone, f"{letter.name} has as many pages as when printed alone"
            )
            text = self._pdf_text(pdfs[letter.id])
            self.assertIn(letter.name, text)
            self.assertIn(letter.partner_id.name, text)
            for other in letters - letter:
                self.assertNotIn(other.name, text, "no page of another letter")
                self.assertNotIn(other.partner_id.name, text)
        bravo = letters.filtered(lambda letter: letter.partner_id == customers[1])
        self.assertGreater(
            len(PdfFileReader(io.BytesIO(pdfs[bravo.id])).pages),
            1,
            "the long letter spans several pages",
        )
