import io
import shutil
import subprocess
import tempfile
from pathlib import Path
from unittest.mock import patch

from freezegun import freeze_time
from werkzeug.exceptions import NotFound

from odoo import Command
from odoo.http import Request
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools.pdf import PdfFileReader

from odoo.addons.base.models.ir_actions_report import _wkhtml
from odoo.addons.dunning_followup.dunning_followup import is_valid_rf

from .common import TODAY, DunningCommon

try:
    from PIL import Image, ImageOps
except ImportError:  # Pillow is an Odoo requirement
    Image = ImageOps = None

IBAN = "BE71096123456769"
BIC = "GKCCBEBB"
WEB_FONT_SUFFIXES = (".woff", ".woff2", ".ttf", ".otf", ".eot")


def _missing_tools(*names):
    return [name for name in names if not shutil.which(name)]


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestDunningReport(DunningCommon, HttpCase):
    """The printed reminder letter and the customer statement, rendered to
    real PDFs by wkhtmltopdf (an HttpCase, so that wkhtmltopdf gets the report
    styles from the test server)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "email": "accounting@company.example.com",
                "phone": "+1 555-010-0100",
            }
        )
        cls.partner_a.write(
            {
                "street": "12 Harbour Road",
                "zip": "90210",
                "city": "Springfield",
                "country_id": cls.env.ref("base.us").id,
                "lang": "en_US",
            }
        )
        cls.responsible = new_test_user(
            cls.env,
            login="dunning_rita",
            name="Rita Receivables",
            email="rita@company.example.com",
            phone="+1 555-010-0199",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.partner_a.with_company(cls.company).dunning_responsible_id = cls.responsible

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _render_pdf(self, report_xmlid, records):
        """The report as a real PDF. Odoo renders HTML instead of PDF in tests
        unless forced.

        wkhtmltopdf built on an unpatched Qt (Debian's) draws web fonts as
        outlines, which leaves the PDF without any text to extract: the test
        server refuses the font files, so that wkhtmltopdf writes the text in
        the system's font (the layout's styles still apply)."""
        if records.env["ir.actions.report"].get_wkhtmltopdf_state() == "install":
            self.skipTest("wkhtmltopdf is not installed: no PDF to check")
        serve_static = Request._serve_static

        def serve_static_without_fonts(request):
            if request.httprequest.path.endswith(WEB_FONT_SUFFIXES):
                raise NotFound()
            return serve_static(request)

        with patch.object(Request, "_serve_static", serve_static_without_fonts):
            pdf, report_type = (
                records.env["ir.actions.report"]
                .with_context(
                    force_report_rendering=True,
                )
                ._render_qweb_pdf(report_xmlid, records.ids)
            )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"), "wkhtmltopdf made no PDF")
        return pdf

    def _pdf_text(self, pdf):
        """The PDF's text, whitespace collapsed (pdftotext, else PyPDF2)."""
        if shutil.which("pdftotext"):
            with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
                file.write(pdf)
                file.flush()
                text = subprocess.run(
                    ["pdftotext", "-enc", "UTF-8", file.name, "-"],
                    capture_output=True,
                    check=True,
                    timeout=60,
                ).stdout.decode()
        else:
            reader = PdfFileReader(io.BytesIO(pdf))
            text = "\n".join(page.extractText() for page in reader.pages)
        for space in ("\xa0", "\u202f", "\u2009"):
            text = text.replace(space, " ")
        return " ".join(text.split())

    def _pdf_qr_codes(self, pdf):
        """The payloads of the QR codes of the PDF's images (pdfimages and
        zbarimg), each image padded with a white quiet zone first."""
        missing = _missing_tools("pdfimages", "zbarimg")
        if missing:
            self.skipTest(
                f"{', '.join(missing)} not installed "
                "(apt-get install poppler-utils zbar-tools): cannot read the QR codes"
            )
        if Image is None:
            self.skipTest("Pillow is not installed: cannot read the QR codes")
        payloads = []
        with tempfile.TemporaryDirectory(prefix="dunning_report_") as tmp:
            path = Path(tmp)
            (path / "letter.pdf").write_bytes(pdf)
            subprocess.run(
                ["pdfimages", "-png", str(path / "letter.pdf"), str(path / "img")],
                check=True,
                capture_output=True,
                timeout=60,
            )
            for image_path in sorted(path.glob("img-*.png")):
                with Image.open(image_path) as image:
                    image = image.convert("L")
                    if min(image.size) < 40:
                        continue
                    scale = max(1, 400 // min(image.size))
                    image = image.resize(
                        (image.width * scale, image.height * scale), Image.NEAREST
                    )
                    ImageOps.expand(image, border=40, fill=255).save(path / "scan.png")
                result = subprocess.run(
                    ["zbarimg", "--raw", "-q", str(path / "scan.png")],
                    capture_output=True,
                    timeout=60,
                )
                if result.returncode == 0:
                    payloads.append(result.stdout.decode().rstrip("\n"))
        return payloads

    def _letter(self, partner, company=None):
        letters = self._run(company=company).filtered(
            lambda letter: letter.partner_id == partner
        )
        self.assertEqual(len(letters), 1)
        return letters

    # ------------------------------------------------------------------
    # The reminder letter
    # ------------------------------------------------------------------

    def test_report_actions_in_print_menus(self):
        letter_report = self.env.ref("dunning_followup.action_report_dunning_letter")
        statement_report = self.env.ref(
            "dunning_followup.action_report_dunning_statement"
        )
        self.assertEqual(letter_report.binding_model_id.model, "dunning.letter")
        self.assertEqual(letter_report.binding_type, "report")
        self.assertEqual(statement_report.binding_model_id.model, "res.partner")
        self.assertEqual(statement_report.binding_type, "report")

    def test_letter_pdf_english(self):
        late = self._overdue_invoice(self.partner_a, 20, amount=1000.0)
        later = self._overdue_invoice(self.partner_a, 10, amount=234.56)
        not_due = self._overdue_invoice(self.partner_a, -5, amount=99.0)
        letter = self._letter(self.partner_a)
        self.assertEqual(letter.line_ids.move_id, late + later)
        self.assertEqual(letter.responsible_id, self.responsible)

        text = self._pdf_text(
            self._render_pdf("dunning_followup.action_report_dunning_letter", letter)
        )

        # Who, when, which letter
        self.assertIn(self.partner_a.name, text)
        self.assertIn("12 Harbour Road", text)
        self.assertIn("Springfield", text)
        self.assertIn(letter.name, text)
        self.assertIn("06/01/2026", text, "the letter's date, in the customer's format")
        # The level's wording
        self.assertIn("Friendly payment reminder", text)
        self.assertIn(
            "Our records show that the invoices below are now past their due date", text
        )
        self.assertIn(
            "For any question about these invoices, simply reply to this message", text
        )
        self.assertNotIn(
            "If you have already paid",
            text,
            "the letter does not repeat what the e-mail says about a payment on its "
            "way",
        )
        # The overdue invoices only, and the total
        self.assertIn(late.name, text)
        self.assertIn(later.name, text)
        self.assertNotIn(
            not_due.name, text, "an invoice not yet due is no part of a reminder"
        )
        self.assertIn("1,000.00", text)
        self.assertIn("234.56", text)
        self.assertIn("1,234.56", text)
        self.assertIn(
            "One Thousand, Two Hundred And Thirty-Four Dollars and Fifty-Six Cents",
            text,
        )
        # Whom to contact: the responsible
        self.assertIn("Rita Receivables", text)
        self.assertIn("rita@company.example.com", text)
        self.assertIn("+1 555-010-0199", text)

    def _pdf_fonts(self, pdf):
        """[(name, type, embedded)] of the PDF's fonts (pdffonts)."""
        if _missing_tools("pdffonts"):
            self.skipTest("pdffonts not installed (apt-get install poppler-utils)")
        with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
            file.write(pdf)
            file.flush()
            lines = subprocess.run(
                ["pdffonts", file.name],
                capture_output=True,
                check=True,
                timeout=60,
            ).stdout.decode()
        fonts = []
        for line in lines.splitlines()[2:]:
            columns = line.split()
            # name, type (one or two words), encoding, emb, sub, uni, object, id
            fonts.append((columns[0], " ".join(columns[1:-6]), columns[-5] == "yes"))
        return fonts

    def test_letter_pdf_in_server_fonts(self):
        """With an unpatched wkhtmltopdf (Debian's), the letter is printed in
        fonts installed on the server, with the web fonts served as a real
        server does: real, embedded TrueType text that the customer can copy
        (the reference, the IBAN), not outlines; with a patched Qt, the
        report's own fonts are kept."""
        self._overdue_invoice(self.partner_a, 20, amount=1000.0)
        letter = self._letter(self.partner_a)
        wkhtml = "odoo.addons.dunning_followup.models.dunning_letter._wkhtml"
        with patch(wkhtml) as info:
            info.return_value.is_patched_qt = True
            self.assertEqual(letter._dunning_pdf_font_css(), "")
            info.return_value.is_patched_qt = False
            css = letter._dunning_pdf_font_css()
        self.assertIn("local('Lato Regular')", css, "the company's layout font")
        self.assertIn(f".o_company_{self.company.id}_layout", css)
        self.assertIn("'DejaVu Sans'", css, "a fallback for a server without it")
        if self.env["ir.actions.report"].get_wkhtmltopdf_state() == "install":
            self.skipTest("wkhtmltopdf is not installed: no PDF to check")
        if _wkhtml().is_patched_qt:
            self.skipTest("wkhtmltopdf has a patched Qt: the web fonts are kept")
        pdf, _report_type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(
                "dunning_followup.action_report_dunning_letter", letter.ids
            )
        )
        fonts = self._pdf_fonts(pdf)
        self.assertTrue(fonts, "the letter's text is text, not outlines")
        self.assertTrue(all(embedded for _name, _type, embedded in fonts), fonts)
        self.assertFalse(
            [name for name, font_type, _embedded in fonts if "Type 3" in font_type],
            "no glyph drawn as a picture",
        )
        self.assertIn(letter.name, self._pdf_text(pdf))

    def test_letter_pdf_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.partner_a.lang = "fr_FR"
        invoice = self._overdue_invoice(self.partner_a, 15, amount=1500.0)
        letter = self._letter(self.partner_a)

        text = self._pdf_text(
            self._render_pdf("dunning_followup.action_report_dunning_letter", letter)
        )

        self.assertIn(invoice.name, text)
        self.assertIn(letter.name, text)
        self.assertIn("01/06/2026", text, "the letter's date, in the French format")
        self.assertIn("1 500,00", text, "amounts in the French format")
        self.assertIn("Mille Cinq Cents", text, "the total in French words")
        self.assertNotIn("One Thousand", text)

    def test_letter_pay_by_sepa_qr_and_online(self):
        """With account_qr_code_sepa, a company in EUR with a Belgian IBAN
        prints an EPC QR code for the total with the reminder's RF reference
        as structured reference; the second QR code opens the reminder's
        self-service page."""
        sepa = self.env["ir.module.module"].search(
            [("name", "=", "account_qr_code_sepa"), ("state", "=", "installed")]
        )
        if not sepa:
            self.skipTest(
                "account_qr_code_sepa is not installed: no EPC QR code to check "
                "(install it with -i dunning_followup,account_qr_code_sepa)"
            )
        eur = self._enable_currency("EUR")
        company = self.setup_other_company(
            name="Dunning EUR Company", currency_id=eur.id
        )["company"]
        company.write(
            {"country_id": self.env.ref("base.be").id, "email": "info@eur.example.com"}
        )
        self.assertEqual(company.currency_id, eur)
        bank = self.env["res.bank"].create({"name": "Test Bank", "bic": BIC})
        account = self.env["res.partner.bank"].create(
            {
                "acc_number": IBAN,
                "partner_id": company.partner_id.id,
                "bank_id": bank.id,
            }
        )
        self.assertEqual(account.acc_type, "iban")
        self._overdue_invoice(self.partner_a, 30, amount=1000.0, company=company)
        self._overdue_invoice(self.partner_a, 12, amount=234.5, company=company)
        letter = self._letter(self.partner_a, company=company).with_company(company)
        self.assertEqual(letter._dunning_bank_account(), account)

        pdf = self._render_pdf("dunning_followup.action_report_dunning_letter", letter)
        text = self._pdf_text(pdf)
        self.assertIn("BE71 0961 2345 6769", text)
        payloads = self._pdf_qr_codes(pdf)

        epc = [payload for payload in payloads if payload.startswith("BCD")]
        self.assertEqual(len(epc), 1, f"one EPC QR code expected in {payloads!r}")
        fields = epc[0].split("\n")
        self.assertEqual(fields[0], "BCD")
        self.assertEqual(fields[3], "SCT")
        self.assertEqual(fields[4], BIC)
        self.assertEqual(fields[5], company.name)
        self.assertEqual(fields[6], IBAN)
        self.assertEqual(fields[7], "EUR1234.5")
        self.assertEqual(
            fields[9],
            letter.payment_reference_rf,
            "the reminder's RF reference is the structured payment reference",
        )
        self.assertTrue(is_valid_rf(fields[9]))
        self.assertNotIn(letter.name, epc[0], "no free text beside the reference")

        portal = [payload for payload in payloads if "/my/reminders/" in payload]
        self.assertEqual(
            len(portal), 1, f"one self-service QR code expected in {payloads!r}"
        )
        self.assertTrue(letter.access_token)
        self.assertEqual(
            portal[0],
            f"{letter.get_base_url()}/my/reminders/{letter.id}"
            f"?access_token={letter.access_token}",
        )

    def test_letter_fee_lines(self):
        """Fees and interest are listed after the invoices, and the total
        claimed (in figures, in words and in the QR code) includes them."""
        if "fee_line_ids" not in self.Letter._fields:
            self.skipTest("reminders have no fee lines")
        invoice = self._overdue_invoice(self.partner_a, 10, amount=400.0)
        letter = self.Letter.with_context(dunning_skip_fees=True).create(
            {
                "partner_id": self.partner_a.id,
                "level_id": self.second.id,
                "line_ids": [
                    Command.create(
                        {
                            "move_id": invoice.id,
                            "move_name": invoice.name,
                            "date_due": invoice.invoice_date_due,
                            "days_overdue": 10,
                            "amount_original": 400.0,
                            "amount_residual": 400.0,
                        }
                    )
                ],
                "fee_line_ids": [
                    Command.create(
                        {"fee_type": "fee", "name": "Reminder fee", "amount": 15.0}
                    )
                ],
            }
        )
        self.assertEqual(letter._dunning_amount_claimed(), 415.0)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "dunning_followup.action_report_dunning_letter", letter.ids
            )[0]
            .decode()
        )
        self.assertIn("Reminder fee", html)
        self.assertIn("400.00", html)
        self.assertIn("415.00", html)
        self.assertIn("Four Hundred And Fifteen Dollars", html)

    def test_payment_qr_without_method_does_not_crash(self):
        self._overdue_invoice(self.partner_a, 10)
        letter = self._letter(self.partner_a)
        self.assertFalse(letter._dunning_bank_account())
        self.assertFalse(
            letter._dunning_payment_qr(), "no bank account, no payment QR code"
        )
        # A bank account in a currency no QR method supports: no QR code, no error.
        self.env["res.partner.bank"].create(
            {
                "acc_number": "123456789",
                "partner_id": self.company.partner_id.id,
            }
        )
        self.assertTrue(letter._dunning_bank_account())
        self.assertFalse(letter._dunning_payment_qr())
        self.assertTrue(
            letter._dunning_portal_qr().startswith("data:image/png;base64,")
        )

    def test_contact_falls_back_to_company(self):
        letter = self.Letter.create(
            {
                "partner_id": self.partner_b.id,
                "level_id": self.friendly.id,
                "responsible_id": False,
            }
        )
        self.assertEqual(
            letter._dunning_contact()["name"],
            "Accounts Receivable",
            "Without a responsible the letter is signed by the receivables signature",
        )
        letter.responsible_id = self.responsible
        self.assertEqual(
            letter._dunning_contact(),
            {
                "name": "Rita Receivables",
                "email": "rita@company.example.com",
                "phone": "+1 555-010-0199",
            },
        )
        letter.responsible_id = False
        self.assertEqual(
            letter._dunning_contact(),
            {
                "name": "Accounts Receivable",
                "email": "accounting@company.example.com",
                "phone": "+1 555-010-0100",
            },
        )

    # ------------------------------------------------------------------
    # The customer statement
    # ------------------------------------------------------------------

    def test_statement_pdf(self):
        overdue = self._overdue_invoice(self.partner_b, 40, amount=700.0)
        not_due = self._overdue_invoice(self.partner_b, -10, amount=300.0)
        other_customer = self._overdue_invoice(self.partner_a, 40, amount=555.0)
        partner = self.partner_b.with_company(self.company)
        self.assertEqual(partner.dunning_aging_31_60, 700.0)
        self.assertEqual(partner.dunning_aging_not_due, 300.0)
        self.assertEqual(partner.dunning_total_due, 1000.0)
        items = partner._dunning_statement_lines()
        self.assertEqual(
            [item["move_name"] for item in items], [overdue.name, not_due.name]
        )
        self.assertEqual([item["days_overdue"] for item in items], [40, 0])

        text = self._pdf_text(
            self._render_pdf(
                "dunning_followup.action_report_dunning_statement", self.partner_b
            )
        )

        self.assertIn("Statement of Account", text)
        self.assertIn(self.partner_b.name, text)
        self.assertIn(overdue.name, text)
        self.assertIn(not_due.name, text)
        self.assertNotIn(other_customer.name, text)
        self.assertIn("700.00", text)
        self.assertIn("300.00", text)
        self.assertIn("1,000.00", text, "the aging total")
