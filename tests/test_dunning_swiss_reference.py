from unittest.mock import patch

from odoo import Command
from odoo.tests import tagged

from ..dunning_followup import format_qr_reference, is_valid_qr_reference
from .test_dunning_qr_bill import DunningSwissCase

LETTER_REPORT_NAME = "dunning_followup.report_dunning_letter"
MAIL_TEMPLATES = (
    "dunning_followup.mail_template_dunning_letter",
    "dunning_followup.mail_template_dunning_friendly",
    "dunning_followup.mail_template_dunning_second",
    "dunning_followup.mail_template_dunning_final",
    "dunning_followup.mail_template_dunning_collection",
)
EMAIL_ONLY = {"email": True, "letter": False, "activity": False, "sms": False}
EMAIL_AND_LETTER = {"email": True, "letter": True, "activity": False, "sms": False}


@tagged("post_install", "-at_install")
class TestDunningSwissReference(DunningSwissCase):
    """A Swiss customer of a company paid on a QR-IBAN is asked everywhere
    for the QR reference its QR-bill carries, never for the RF reference
    (which a QR-IBAN refuses): in the e-mail, on the self-service page, in
    the online payment; a bank transfer quoting it pays the reminder; letters
    rendered together each keep their own QR-bill. The HTTP server runs on
    the real clock: no frozen time here."""

    def _sent_letter(self, amount=1234.5, customer=None):
        letter = self._letter("qr_iban", amount=amount, customer=customer)
        letter.with_context(dunning_channels=EMAIL_ONLY).action_send()
        self.assertEqual(letter.state, "sent")
        return letter

    def _assert_quotes_the_qr_reference(self, letter, text, where):
        reference = letter.payment_reference_qrr
        self.assertTrue(is_valid_qr_reference(reference))
        self.assertEqual(letter._dunning_payment_reference(), reference)
        self.assertIn(
            format_qr_reference(reference),
            text,
            f"{where} quotes the QR reference, by fives as on the QR-bill.",
        )
        for rf in (letter.payment_reference_rf, letter._dunning_rf_printed()):
            self.assertNotIn(
                rf, text, f"{where} never asks for the RF reference a QR-IBAN refuses."
            )

    # ------------------------------------------------------------------
    # What the customer reads
    # ------------------------------------------------------------------

    def test_email_quotes_the_qr_reference(self):
        letter = self._sent_letter()
        self._assert_quotes_the_qr_reference(
            letter, letter.mail_message_id.body, "The reminder e-mail"
        )
        for xmlid in MAIL_TEMPLATES:
            body = self.env.ref(xmlid)._render_field("body_html", letter.ids)[letter.id]
            self._assert_quotes_the_qr_reference(letter, body, xmlid)

    def test_portal_page_quotes_the_qr_reference(self):
        letter = self._sent_letter()
        self.authenticate(None, None)
        response = self.url_open(
            f"/my/reminders/{letter.id}?access_token={letter.access_token}"
        )
        self.assertEqual(response.status_code, 200)
        self._assert_quotes_the_qr_reference(
            letter, response.text, "The self-service page"
        )

    def test_online_payment_carries_the_qr_reference(self):
        company = self.companies["qr_iban"]
        payment_method = self.env.ref("payment.payment_method_unknown")
        provider = self.env["payment.provider"].create(
            {
                "name": "Swiss Test Provider",
                "code": "none",
                "state": "test",
                "is_published": True,
                "company_id": company.id,
                "payment_method_ids": [Command.set(payment_method.ids)],
                "available_currency_ids": [Command.set(self.chf.ids)],
            }
        )
        # Activated once a provider supports it, as Odoo's payment tests do.
        payment_method.active = True
        self._create_dummy_payment_method_for_provider(
            provider=provider,
            journal=self.company_datas["qr_iban"]["default_journal_bank"],
        )
        letter = self._sent_letter()
        invoice = letter.line_ids.move_id
        self.authenticate(None, None)
        values = self.make_jsonrpc_request(
            f"/my/reminders/{letter.id}/transaction/{invoice.id}",
            {
                "access_token": letter.access_token,
                "provider_id": provider.id,
                "payment_method_id": payment_method.id,
                "token_id": None,
                "amount": 1.0,
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": letter.access_url,
                "is_validation": False,
            },
        )
        tx = self.env["payment.transaction"].search(
            [("reference", "=", values["reference"])]
        )
        self.assertEqual(tx.invoice_ids, invoice)
        self.assertEqual(tx.amount, 1234.5)
        self.assertTrue(
            tx.reference.startswith(letter.payment_reference_qrr),
            f"The transaction carries the QR reference, not {tx.reference!r}.",
        )

    # ------------------------------------------------------------------
    # The bank statement
    # ------------------------------------------------------------------

    def test_transfer_quoting_the_qr_reference_pays_the_reminder(self):
        letter = self._sent_letter(amount=480.0)
        invoice = letter.line_ids.move_id
        reference = letter.payment_reference_qrr
        journal = self.company_datas["qr_iban"]["default_journal_bank"]
        StatementLine = self.env["account.bank.statement.line"].with_company(
            journal.company_id
        )

        def transfer(communication):
            return StatementLine.create(
                {
                    "journal_id": journal.id,
                    "amount": 480.0,
                    "payment_ref": communication,
                }
            )

        # One digit wrong: the check digit refuses it, nothing is matched.
        typo = reference[:-2] + str((int(reference[-2]) + 1) % 10) + reference[-1]
        wrong = transfer(f"Zahlung {format_qr_reference(typo)}")
        self.assertFalse(wrong.is_reconciled)
        self.assertFalse(wrong.dunning_letter_id)
        self.assertEqual(invoice.payment_state, "not_paid")

        st_line = transfer(f"Zahlung QRR {format_qr_reference(reference)} Danke")
        self.assertTrue(st_line.is_reconciled, "The statement line is reconciled.")
        self.assertEqual(st_line.dunning_letter_id, letter)
        self.assertEqual(st_line.partner_id, self.customer)
        self.assertIn(
            invoice.payment_state,
            ("paid", "in_payment"),
            "The transfer quoting the QR reference pays the reminder's invoice.",
        )

    # ------------------------------------------------------------------
    # Rendering
    # ------------------------------------------------------------------

    def test_letters_rendered_together_keep_their_own_qr_bill(self):
        self._skip_without_pdf_tools()
        other = self.customer.copy({"name": "Kunde Basel AG"})
        letters = self._letter("qr_iban", amount=111.0) | self._letter(
            "qr_iban", amount=222.0, customer=other
        )
        pdfs = letters.with_context(
            force_report_rendering=True
        )._dunning_render_letter_pdfs()
        self.assertEqual(set(pdfs), set(letters.ids), "One PDF per letter.")
        for letter, amount in zip(letters, ("111.00", "222.00"), strict=True):
            pages, payloads = self._read_pdf(pdfs[letter.id])
            fields = self._swiss_payload(pages, payloads)
            self.assertEqual(
                fields[28],
                letter.payment_reference_qrr,
                "Each letter's QR-bill carries that letter's own QR reference.",
            )
            self.assertEqual(fields[18], amount)
            self.assertEqual(fields[21], letter.partner_id.name)

    def _count_letter_renderings(self):
        """Patch the report rendering: the list of letter ids rendered."""
        Report = type(self.env["ir.actions.report"])
        render = Report._render_qweb_pdf
        rendered = []

        def counting(report, report_ref, res_ids=None, data=None):
            if report._get_report(report_ref).report_name == LETTER_REPORT_NAME:
                rendered.extend(res_ids or [])
            return render(report, report_ref, res_ids=res_ids, data=data)

        return rendered, patch.object(Report, "_render_qweb_pdf", counting)

    def _assert_rendered_once(self, letter, channels):
        rendered, patched = self._count_letter_renderings()
        with patched:
            letter.with_context(dunning_channels=channels).action_send()
        self.assertEqual(letter.state, "sent")
        self.assertTrue(letter.print_needed, "The letter is to post as well.")
        self.assertEqual(
            rendered, letter.ids, "The letter e-mailed and posted is rendered once."
        )
        self.assertIn(
            letter.letter_attachment_id.raw,
            letter.mail_message_id.attachment_ids.mapped("raw"),
            "The e-mail carries the very letter that is posted.",
        )

    def test_letter_emailed_and_printed_is_rendered_once(self):
        self._assert_rendered_once(self._letter("qr_iban"), EMAIL_AND_LETTER)

    def test_letter_sent_one_by_one_is_rendered_once(self):
        letter = self._letter("qr_iban")
        letter.level_id.activity_type_id = self.env.ref("mail.mail_activity_data_todo")
        # An activity takes the letter off the bulk e-mailing: sent on its own.
        self.assertFalse(
            letter.with_context(
                dunning_channels={**EMAIL_AND_LETTER, "activity": True}
            )._dunning_bulk_emailable()
        )
        self._assert_rendered_once(letter, {**EMAIL_AND_LETTER, "activity": True})
