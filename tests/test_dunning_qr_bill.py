import io
import subprocess
import tempfile
import unittest
from pathlib import Path

from freezegun import freeze_time
from PIL import Image, ImageOps

from odoo import Command
from odoo.tests import HttpCase, tagged
from odoo.tools.pdf import OdooPdfFileReader

from ..dunning_followup import is_valid_qr_reference, is_valid_rf
from . import test_dunning_report
from .common import TODAY, DunningCommon

# SIX's example accounts (Swiss Implementation Guidelines for the QR-bill).
QR_IBAN = "CH4431999123000889012"
IBAN = "CH9300762011623852957"
LETTER_REPORT = "dunning_followup.action_report_dunning_letter"
QR_BILL_REPORT = "dunning_followup.action_report_dunning_qr_bill"


class DunningSwissCase(DunningCommon, HttpCase):
    """Two Swiss companies, one paid on a QR-IBAN, one on a plain IBAN, and
    a customer in Bern; helpers to make a reminder and read its PDF."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        l10n_ch = cls.env["ir.module.module"].search(
            [("name", "=", "l10n_ch"), ("state", "=", "installed")]
        )
        if not l10n_ch:
            raise unittest.SkipTest("l10n_ch is not installed: no Swiss QR-bill")
        cls.chf = cls._enable_currency("CHF")
        switzerland = cls.env.ref("base.ch")
        cls.companies = {}
        cls.company_datas = {}
        cls.accounts = {}
        for kind, iban in (("qr_iban", QR_IBAN), ("iban", IBAN)):
            company_data = cls.setup_other_company(
                name=f"Mahnwesen {kind} AG", currency_id=cls.chf.id
            )
            company = company_data["company"]
            company.write(
                {
                    "country_id": switzerland.id,
                    "street": "Bahnhofstrasse 1",
                    "zip": "8001",
                    "city": "Zürich",
                }
            )
            cls.companies[kind] = company
            cls.company_datas[kind] = company_data
            cls.accounts[kind] = cls.env["res.partner.bank"].create(
                {"acc_number": iban, "partner_id": company.partner_id.id}
            )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Kunde Bern GmbH",
                "is_company": True,
                "lang": "en_US",
                "email": "kunde@example.com",
                "street": "Marktgasse 28",
                "zip": "3011",
                "city": "Bern",
                "country_id": switzerland.id,
            }
        )

    def _letter(self, kind, amount=1234.5, customer=None):
        company = self.companies[kind]
        customer = customer or self.customer
        invoice = self._overdue_invoice(
            customer, 20, amount=amount, company=company, currency=self.chf
        )
        level = self.env["dunning.level"]._dunning_levels_for(company)[0]
        return (
            self.Letter.with_company(company)
            .with_context(dunning_skip_fees=True)
            .create(
                {
                    "partner_id": customer.id,
                    "company_id": company.id,
                    "level_id": level.id,
                    "line_ids": [
                        Command.create(
                            {
                                "move_id": invoice.id,
                                "move_line_id": invoice.line_ids.filtered(
                                    lambda aml: (
                                        aml.account_id.account_type
                                        == "asset_receivable"
                                    )
                                ).id,
                                "move_name": invoice.name,
                                "date_due": invoice.invoice_date_due,
                                "days_overdue": 20,
                                "amount_original": amount,
                                "amount_residual": amount,
                            }
                        )
                    ],
                }
            )
        )

    def _skip_without_pdf_tools(self):
        if self.env["ir.actions.report"].get_wkhtmltopdf_state() == "install":
            self.skipTest("wkhtmltopdf is not installed: no PDF to check")
        missing = test_dunning_report._missing_tools("pdfimages", "zbarimg")
        if missing:
            self.skipTest(f"{', '.join(missing)} not installed: cannot read the PDF")

    def _render(self, letter):
        """The letter as a real PDF: (its number of pages; the payloads of the
        QR codes zbar reads in its images, each with the page it is on)."""
        self._skip_without_pdf_tools()
        pdf, report_type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(LETTER_REPORT, letter.ids)
        )
        self.assertEqual(report_type, "pdf")
        return self._read_pdf(pdf)

    def _read_pdf(self, pdf):
        """(number of pages of ``pdf``; the payloads of the QR codes zbar
        reads in its images, each with the page it is on)."""
        pages = OdooPdfFileReader(io.BytesIO(pdf), strict=False).getNumPages()
        payloads = []
        with tempfile.TemporaryDirectory(prefix="dunning_qr_bill_") as tmp:
            path = Path(tmp)
            (path / "letter.pdf").write_bytes(pdf)
            # -p: the page number in each image's name (img-<page>-<n>.png).
            subprocess.run(
                [
                    "pdfimages",
                    "-png",
                    "-p",
                    str(path / "letter.pdf"),
                    str(path / "img"),
                ],
                check=True,
                capture_output=True,
                timeout=60,
            )
            for image_path in sorted(path.glob("img-*.png")):
                # On paper the code has the white page around it (the QR-bill
                # leaves 5 mm free around it); the extracted image has none.
                padded = path / f"padded-{image_path.name}"
                image = Image.open(image_path).convert("L")
                ImageOps.expand(image, border=image.width // 8, fill=255).save(padded)
                result = subprocess.run(
                    ["zbarimg", "--raw", "-q", "-Sbinary", str(padded)],
                    capture_output=True,
                    timeout=60,
                )
                if result.returncode == 0:
                    page = int(image_path.name.split("-")[1])
                    payloads.append((result.stdout.decode("utf-8"), page))
        return pages, payloads

    def _html(self, report, letter):
        """The text of ``report`` for ``letter`` as HTML (wkhtmltopdf draws
        the letter's text as paths, which pdftotext cannot read)."""
        html = self.env["ir.actions.report"]._render_qweb_html(report, letter.ids)[0]
        return html.decode().replace("&nbsp;", " ").replace("\xa0", " ")

    def _swiss_payload(self, pages, payloads):
        swiss = [payload for payload, _page in payloads if payload.startswith("SPC\n")]
        self.assertEqual(
            len(swiss), 1, f"The letter prints exactly one Swiss QR code: {payloads}"
        )
        self.assertFalse(
            [payload for payload, _page in payloads if payload.startswith("BCD\n")],
            "A Swiss reminder prints no bare EPC QR code beside its QR-bill.",
        )
        self.assertEqual(
            [page for payload, page in payloads if payload == swiss[0]],
            [pages],
            "The QR-bill is on a page of its own at the end of the letter.",
        )
        return swiss[0].rstrip("\n").split("\n")


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestDunningQrBill(DunningSwissCase):
    """A Swiss company's reminder ends with the QR-bill payment part that
    l10n_ch prints for invoices: a QR reference with a QR-IBAN, the RF
    creditor reference with a plain IBAN, read back from the PDF by zbar."""

    def test_qr_iban_reminder_pays_with_a_qr_reference(self):
        letter = self._letter("qr_iban")
        reference = letter.payment_reference_qrr
        self.assertTrue(
            is_valid_qr_reference(reference),
            f"A Swiss reminder gets a valid 27-digit QR reference, not {reference!r}.",
        )
        self.assertEqual(
            letter._dunning_payment_reference(),
            reference,
            "With a QR-IBAN the payment reference is the QR reference.",
        )
        pages, payloads = self._render(letter)
        fields = self._swiss_payload(pages, payloads)
        self.assertEqual(fields[1], "0200", "The payload is a QR-bill version 2.0.")
        self.assertEqual(fields[3], QR_IBAN, "The QR-bill pays to the QR-IBAN.")
        self.assertEqual(fields[18], "1234.50", "The QR-bill asks for the amount due.")
        self.assertEqual(fields[19], "CHF")
        self.assertEqual(fields[21], "Kunde Bern GmbH", "The debtor is the customer.")
        self.assertEqual(fields[27], "QRR", "A QR-IBAN takes a QR reference.")
        self.assertEqual(fields[28], reference)
        self.assertGreaterEqual(pages, 2, "The QR-bill adds a page to the letter.")
        last_page = self._html(QR_BILL_REPORT, letter)
        letter_text = self._html(LETTER_REPORT, letter)
        for title in ("Receipt", "Payment part", "Acceptance point"):
            self.assertIn(
                title, last_page, f"The last page is the QR-bill, with '{title}'."
            )
        spaced = " ".join(
            [reference[:2]] + [reference[i : i + 5] for i in range(2, 27, 5)]
        )
        self.assertIn(spaced, last_page, "The reference is printed by fives.")
        self.assertIn(
            spaced,
            letter_text,
            "The letter quotes the QR reference to pay with.",
        )
        self.assertIn(
            "QR-bill payment part",
            letter_text,
            "The letter tells the customer where the QR-bill is.",
        )

    def test_plain_iban_reminder_pays_with_its_rf_reference(self):
        letter = self._letter("iban", amount=80.0)
        self.assertTrue(is_valid_rf(letter.payment_reference_rf))
        self.assertEqual(
            letter._dunning_payment_reference(),
            letter.payment_reference_rf,
            "With a plain IBAN the payment reference is the RF creditor reference.",
        )
        pages, payloads = self._render(letter)
        fields = self._swiss_payload(pages, payloads)
        self.assertEqual(fields[3], IBAN, "The QR-bill pays to the IBAN.")
        self.assertEqual(fields[18], "80.00", "The QR-bill asks for the amount due.")
        self.assertEqual(fields[27], "SCOR", "A plain IBAN takes the RF reference.")
        self.assertEqual(fields[28], letter.payment_reference_rf)
        self.assertGreaterEqual(pages, 2, "The QR-bill adds a page to the letter.")
        last_page = self._html(QR_BILL_REPORT, letter)
        self.assertIn("Payment part", last_page, "The last page is the QR-bill.")
        self.assertIn(letter._dunning_rf_printed(), last_page)

    def test_customer_abroad_gets_no_qr_bill(self):
        abroad = self.customer.copy(
            {"name": "Kunde Wien GmbH", "country_id": self.env.ref("base.at").id}
        )
        letter = self._letter("iban", customer=abroad)
        self.assertFalse(
            letter._dunning_qr_bill(),
            "The QR-bill is for debtors in Switzerland or Liechtenstein only.",
        )

    def test_non_swiss_company_gets_no_qr_reference(self):
        letter = self._letter("iban")
        self.assertTrue(letter.payment_reference_qrr)
        self.companies["iban"].country_id = self.env.ref("base.de")
        self.assertFalse(
            letter.payment_reference_qrr,
            "Only reminders of Swiss and Liechtenstein companies get a QR reference.",
        )
