import re
import subprocess
import tempfile
import unittest
from decimal import Decimal
from pathlib import Path
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.tests import HttpCase, tagged

from . import test_dunning_report
from .common import TODAY, DunningCommon

IBAN = "DE89370400440532013000"
BIC = "COBADEFFXXX"
# EPC069-12: "EUR" and the amount, 0.01 to 999999999.99, a dot, at most two
# decimals, no thousands separator and no leading zero.
EPC_AMOUNT = re.compile(r"^EUR(0|[1-9][0-9]{0,8})(\.[0-9]{1,2})?$")
# ISO 11649 creditor references (valid check digits).
RF_SHORT = "RF18539007547034"
RF_LONG = "RF04539007547034ABCDEFGHI"  # the longest: 25 characters


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestDunningPaymentQr(DunningCommon, HttpCase):
    """The EPC payment QR code of the printed letter: drawn from Odoo's own
    payload with whole pixels per module and a quiet zone, it decodes from the
    PDF's image as it is (no padding, no scaling) to exactly that payload."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        sepa = cls.env["ir.module.module"].search(
            [("name", "=", "account_qr_code_sepa"), ("state", "=", "installed")]
        )
        if not sepa:
            raise unittest.SkipTest(
                "account_qr_code_sepa is not installed: no EPC QR code"
            )
        missing = test_dunning_report._missing_tools("pdfimages", "zbarimg")
        if missing:
            raise unittest.SkipTest(
                f"{', '.join(missing)} not installed: cannot read QR codes"
            )
        eur = cls._enable_currency("EUR")
        cls.eur_company = cls.setup_other_company(
            name="Dunning QR GmbH", currency_id=eur.id
        )["company"]
        cls.eur_company.country_id = cls.env.ref("base.de")
        cls.bic_bank = cls.env["res.bank"].create({"name": "Commerzbank", "bic": BIC})
        cls.account = cls.env["res.partner.bank"].create(
            {
                "acc_number": IBAN,
                "partner_id": cls.eur_company.partner_id.id,
            }
        )
        cls.customers = cls.env["res.partner"].create(
            [
                {
                    "name": f"QR Customer {index}",
                    "is_company": True,
                    "lang": "en_US",
                    "email": f"qr{index}@example.com",
                }
                for index in range(4)
            ]
        )
        cls.invoice = cls._overdue_invoice(
            cls.partner_a, 20, amount=100.0, company=cls.eur_company
        )

    def _letters(self, amounts):
        """One letter per amount, each to its own customer, claiming that amount."""
        level = self.env["dunning.level"]._dunning_levels_for(self.eur_company)[0]
        return (
            self.Letter.with_company(self.eur_company)
            .with_context(
                dunning_skip_fees=True,
            )
            .create(
                [
                    {
                        "partner_id": customer.id,
                        "company_id": self.eur_company.id,
                        "level_id": level.id,
                        "line_ids": [
                            Command.create(
                                {
                                    "move_id": self.invoice.id,
                                    "move_name": self.invoice.name,
                                    "date_due": self.invoice.invoice_date_due,
                                    "days_overdue": 20,
                                    "amount_original": amount,
                                    "amount_residual": amount,
                                }
                            )
                        ],
                    }
                    for customer, amount in zip(self.customers, amounts, strict=True)
                ]
            )
        )

    def _render_pdf(self, letter):
        """The letter as a real PDF (Odoo renders HTML in tests unless forced)."""
        if self.env["ir.actions.report"].get_wkhtmltopdf_state() == "install":
            self.skipTest("wkhtmltopdf is not installed: no PDF to check")
        pdf, report_type = (
            self.env["ir.actions.report"]
            .with_context(
                force_report_rendering=True,
            )
            ._render_qweb_pdf(
                "dunning_followup.action_report_dunning_letter", letter.ids
            )
        )
        self.assertEqual(report_type, "pdf")
        return pdf

    def _pdf_images_decoded(self, pdf):
        """[(payload, width, height, x_ppi)] of the PDF's images that zbar
        reads as they are extracted: no padding, no scaling."""
        results = []
        with tempfile.TemporaryDirectory(prefix="dunning_qr_") as tmp:
            path = Path(tmp)
            (path / "letter.pdf").write_bytes(pdf)
            listing = (
                subprocess.run(
                    ["pdfimages", "-list", str(path / "letter.pdf")],
                    capture_output=True,
                    check=True,
                    timeout=60,
                )
                .stdout.decode()
                .splitlines()[2:]
            )
            subprocess.run(
                ["pdfimages", "-png", str(path / "letter.pdf"), str(path / "img")],
                check=True,
                capture_output=True,
                timeout=60,
            )
            images = sorted(path.glob("img-*.png"))
            for row, image_path in zip(listing, images, strict=True):
                columns = row.split()
                width, height, x_ppi = (
                    int(columns[3]),
                    int(columns[4]),
                    int(columns[12]),
                )
                # -Sbinary: the symbol's bytes as they are (UTF-8 per EPC's
                # character set 1), without a charset guess or an added newline.
                result = subprocess.run(
                    ["zbarimg", "--raw", "-q", "-Sbinary", str(image_path)],
                    capture_output=True,
                    timeout=60,
                )
                if result.returncode == 0:
                    results.append(
                        (result.stdout.decode("utf-8"), width, height, x_ppi)
                    )
        return results

    def _expected_payload(self, letter, free, structured):
        amount = letter.currency_id.round(letter._dunning_amount_claimed())
        vals = self.account._build_qr_code_vals(
            amount, free, structured, letter.currency_id, letter.partner_id, "sct_qr"
        )
        self.assertTrue(vals, "Odoo accepts the data for an EPC QR code")
        return self.account._get_qr_code_generation_params(**vals)["value"]

    def _check_variant(self, holder_name, bic):
        self.account.write(
            {
                "acc_holder_name": holder_name,
                "bank_id": self.bic_bank.id if bic else False,
            }
        )
        amounts = [0.01, 999999999.99, 1234.56, 50.0]
        letters = self._letters(amounts)
        references = {
            letters[0].id: (letters[0].name, False),
            letters[1].id: (False, RF_SHORT),
            letters[2].id: ("Reminder " + "X" * 131, False),
            letters[3].id: (False, RF_LONG),
        }

        def payment_references(letter):
            return references[letter.id]

        with patch.object(
            type(self.Letter), "_dunning_payment_references", payment_references
        ):
            expected = {
                letter.id: self._expected_payload(letter, *references[letter.id])
                for letter in letters
            }
            decoded = [
                image
                for letter in letters
                for image in self._pdf_images_decoded(self._render_pdf(letter))
            ]
        payloads = [payload for payload, *_size in decoded]
        for letter, amount in zip(letters, amounts, strict=True):
            payload = expected[letter.id]
            self.assertIn(
                payload,
                payloads,
                f"the QR code of {letter.name} (holder {holder_name!r}, BIC {bic}, "
                f"amount {amount}) decodes as extracted to Odoo's payload",
            )
            fields = payload.split("\n")
            self.assertEqual(fields[4], BIC if bic else "")
            self.assertEqual(fields[5], holder_name)
            self.assertRegex(
                fields[7],
                EPC_AMOUNT,
                "the amount follows EPC069-12: EUR, a dot, two decimals at most",
            )
            self.assertEqual(
                Decimal(fields[7][3:]),
                Decimal(str(amount)),
                "the QR code asks for the amount the letter claims",
            )
        epc_images = [image for image in decoded if image[0].startswith("BCD\n")]
        self.assertEqual(
            len(epc_images), len(letters), "each letter prints one EPC QR code"
        )
        for _payload, width, height, x_ppi in epc_images:
            self.assertEqual(width, height, "the QR code image is square")
            printed_cm = width / x_ppi * 2.54
            self.assertTrue(
                2.7 <= printed_cm <= 3.3,
                f"the QR code is printed about 3 cm wide, not {printed_cm:.2f} cm",
            )
        return payloads

    def test_epc_qr_short_holder_without_bic(self):
        self._check_variant("X", bic=False)

    def test_epc_qr_long_holder_with_bic(self):
        self._check_variant("Y" * 70, bic=True)

    def test_epc_qr_short_holder_with_bic(self):
        self._check_variant("Z", bic=True)

    def test_epc_qr_long_holder_without_bic(self):
        self._check_variant("Müller " + "W" * 63, bic=False)
