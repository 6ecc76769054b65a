"""The sender on reminders: its legal identity printed in the letter body (the
PDF renderer of Debian drops the layout's header and footer), the DIN 5008
layout's slots, and e-mails that are never signed by the system user."""

import re

from freezegun import freeze_time

from odoo import SUPERUSER_ID
from odoo.tests import HttpCase, tagged

from . import test_dunning_report as report_tests
from .common import TODAY, DunningCommon


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestDunningLetterSender(DunningCommon, HttpCase):
    _render_pdf = report_tests.TestDunningReport._render_pdf
    _pdf_text = report_tests.TestDunningReport._pdf_text

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "name": "Muster Maschinenbau GmbH",
                "street": "Hauptstraße 1",
                "zip": "80331",
                "city": "München",
                "country_id": cls.env.ref("base.de").id,
                "email": "info@muster.example.com",
                "dunning_register_court": "Amtsgericht München",
                "company_registry": "HRB 123456",
                "dunning_managing_directors": "Erika Muster",
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Kunde AG",
                "is_company": True,
                "email": "kunde@example.com",
                "street": "Bahnhofstraße 5",
                "zip": "10115",
                "city": "Berlin",
                "ref": "C0042",
            }
        )

    def _letter(self, **run):
        self._overdue_invoice(self.customer, 10)
        letters = run.get("letter_model", self.Letter)._run_dunning(
            date=TODAY, company=self.company
        )
        return letters.filtered(lambda letter: letter.partner_id == self.customer)

    def test_sender_identity_on_a_pdf_without_header_and_footer(self):
        letter = self._letter()
        text = self._pdf_text(
            self._render_pdf("dunning_followup.action_report_dunning_letter", letter)
        )
        self.assertIn(
            "Muster Maschinenbau GmbH · Hauptstraße 1 · 80331 München",
            text,
            "The return address is printed above the recipient.",
        )
        self.assertIn("Registered office: München", text)
        self.assertIn(
            "Amtsgericht München HRB 123456",
            text,
            "The register court and number are printed (§ 37a HGB).",
        )
        self.assertIn(
            "Managing directors: Erika Muster",
            text,
            "The managing directors are printed (§ 35a GmbHG).",
        )

    def test_mentions_follow_the_companys_country(self):
        company = self.company
        company.write(
            {
                "country_id": self.env.ref("base.fr").id,
                "name": "Dupont",
                "dunning_legal_form": "SAS",
                "dunning_share_capital": "EUR 10 000",
                "company_registry": "552 100 554",
                "dunning_register_court": "RCS Paris",
            }
        )
        mentions = company._dunning_sender_mentions()
        self.assertEqual(mentions[0], "Dupont (SAS)")
        self.assertIn("Share capital: EUR 10 000", mentions)
        self.assertIn("SIREN 552 100 554 RCS Paris", mentions)
        company.write(
            {
                "country_id": self.env.ref("base.uk").id,
                "name": "Smith Ltd",
                "dunning_legal_form": False,
                "company_registry": "01234567",
                "dunning_register_court": False,
                "street": "1 High Street",
                "zip": "SW1A 1AA",
                "city": "London",
            }
        )
        mentions = company._dunning_sender_mentions()
        self.assertIn(
            "Registered in England and Wales, company number 01234567", mentions
        )
        self.assertTrue(
            any(m.startswith("Registered office: 1 High Street") for m in mentions)
        )
        company.write({"country_id": self.env.ref("base.vn").id, "vat": "0101234567"})
        self.assertIn("Tax code: 0101234567", company._dunning_sender_mentions())

    def test_din5008_layout_shows_subject_date_number_code_and_contact(self):
        layout = self.env.ref(
            "l10n_din5008.external_layout_din5008", raise_if_not_found=False
        )
        if not layout:
            self.skipTest("l10n_din5008 is not installed")
        self.company.external_report_layout_id = layout
        letter = self._letter()
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "dunning_followup.action_report_dunning_letter", letter.ids
            )[0]
            .decode()
        )
        title = re.search(r"<h2>(.*?)</h2>", html, re.S).group(1)
        subject = letter.level_id.letter_subject
        self.assertIn(subject, title, "The DIN 5008 title is the reminder's subject")
        self.assertNotIn(letter.name, title, "not its number.")
        block = re.search(r'class="information_block".*?</table>', html, re.S).group(0)
        self.assertIn(letter.name, block)
        self.assertIn("06/01/2026", block)
        self.assertIn("C0042", block)
        self.assertIn(letter._dunning_contact()["name"], block)

    def test_reminders_sent_by_the_scheduled_action_are_not_signed_by_odoobot(self):
        self.company.dunning_reply_to = "receivables@muster.example.com"
        bot = self.Letter.with_user(SUPERUSER_ID).sudo()  # as the scheduled action runs
        letter = self._letter(letter_model=bot)
        self.assertFalse(letter.responsible_id, "A bot is no one's responsible.")
        message = letter.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertEqual(len(message), 1)
        body = str(message.body)
        self.assertNotIn("OdooBot", body)
        self.assertIn(
            "Accounts Receivable",
            body,
            "Signed with the receivables signature of the company.",
        )
        self.assertEqual(message.author_id, self.company.partner_id)
        self.assertNotIn("OdooBot", message.email_from or "")
        self.assertEqual(message.reply_to, "receivables@muster.example.com")
        self.company.dunning_signature = "Buchhaltung"
        self.assertEqual(letter._dunning_signature(), "Buchhaltung")
