from pathlib import Path

import polib
from freezegun import freeze_time

from odoo.tests import HttpCase, tagged
from odoo.tools.misc import format_date

from . import test_dunning_report as report_tests
from .common import TODAY, DunningCommon

I18N = Path(__file__).resolve().parent.parent / "i18n"


def _translation(code, msgid):
    """What i18n/<code>.po says for ``msgid`` (the source of truth of the test)."""
    for entry in polib.pofile(str(I18N / f"{code}.po")):
        if entry.msgid == msgid:
            return entry.msgstr
    raise AssertionError(f"{msgid!r} is not in {code}.po")


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestDunningLetterLanguages(DunningCommon, HttpCase):
    """A German and a Vietnamese customer get their reminder, e-mail and PDF,
    in their own language: subject, level text, date format, amount in words."""

    _render_pdf = report_tests.TestDunningReport._render_pdf
    _pdf_text = report_tests.TestDunningReport._pdf_text

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in ("de_DE", "vi_VN"):
            cls.env["res.lang"]._activate_lang(code)
        cls.env["ir.module.module"]._load_module_terms(
            ["dunning_followup"], ["de_DE", "vi_VN"], overwrite=True
        )

    def _letter_for(self, lang, amount):
        partner = self.env["res.partner"].create(
            {
                "name": f"Customer {lang}",
                "is_company": True,
                "lang": lang,
                "email": f"{lang.lower()}@example.com",
                "street": "1 Main Street",
                "city": "Town",
            }
        )
        self._overdue_invoice(partner, 10, amount=amount)
        letter = self._run().filtered(lambda letter: letter.partner_id == partner)
        self.assertEqual(letter.state, "sent")
        return letter

    def _check(self, lang, code, amount):
        letter = self._letter_for(lang, amount)
        subject = _translation(code, "Friendly payment reminder")
        intro = _translation(
            code,
            "Our records show that the invoices below are now past their due date. "
            "This may well be an oversight: we would be grateful if you could arrange "
            "payment at your earliest convenience.",
        )
        self.assertNotEqual(subject, "Friendly payment reminder")
        env = self.env(context=dict(self.env.context, lang=lang))
        due_date = format_date(env, letter.line_ids.date_due)
        words = letter.currency_id.with_context(lang=lang).amount_to_text(amount)
        self.assertNotIn("Thousand", words, "num2words speaks the customer's language")

        message = letter.message_ids.filtered(lambda msg: msg.message_type == "comment")
        body = str(message.body)
        self.assertIn(subject, message.subject)
        self.assertIn(intro, body)
        self.assertIn(due_date, body)
        self.assertIn(words, body)

        text = self._pdf_text(
            self._render_pdf("dunning_followup.action_report_dunning_letter", letter)
        )
        flat = " ".join
        self.assertIn(flat(subject.split()), text)
        self.assertIn(flat(intro.split())[:60], text)
        self.assertIn(due_date, text)
        self.assertIn(flat(words.split()), text)

    def test_german_customer(self):
        self._check("de_DE", "de", 1234.0)

    def test_vietnamese_customer(self):
        self._check("vi_VN", "vi", 2500.0)
