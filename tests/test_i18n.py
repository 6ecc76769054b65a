import io
from pathlib import Path

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import trans_export

I18N = Path(__file__).resolve().parent.parent / "i18n"
LANGUAGES = ("de", "fr", "es", "nl", "it", "vi")


def _entries(po):
    """The translatable units of a .po/.pot file: (context, msgid), leaving out
    terms found only in the git-ignored scratch folder ``.run/`` (benchmarks
    unpack other addons there)."""
    return {
        (entry.msgctxt, entry.msgid)
        for entry in po
        if not entry.obsolete
        and not (
            entry.occurrences
            and all("/.run/" in path for path, _line in entry.occurrences)
        )
    }


@tagged("post_install", "-at_install")
class TestDunningTranslations(TransactionCase):
    """The template is current and every translation complete: a term added
    to the code without updating i18n/ fails here."""

    def test_pot_is_current(self):
        buffer = io.BytesIO()
        trans_export(None, ["dunning_followup"], buffer, "po", self.env)
        exported = _entries(polib.pofile(buffer.getvalue().decode()))
        committed = _entries(polib.pofile(str(I18N / "dunning_followup.pot")))
        missing = sorted(msgid for _ctx, msgid in exported - committed)
        stale = sorted(msgid for _ctx, msgid in committed - exported)
        self.assertFalse(
            missing, f"terms missing from the .pot (re-export it): {missing[:10]}"
        )
        self.assertFalse(
            stale, f"terms in the .pot no longer in the code: {stale[:10]}"
        )

    def test_po_files_complete(self):
        template = _entries(polib.pofile(str(I18N / "dunning_followup.pot")))
        for code in LANGUAGES:
            with self.subTest(language=code):
                po = polib.pofile(str(I18N / f"{code}.po"))
                self.assertEqual(
                    _entries(po), template, f"{code}.po does not match the .pot"
                )
                self.assertFalse(
                    [e.msgid for e in po.untranslated_entries()][:10],
                    f"untranslated entries in {code}.po",
                )
                self.assertFalse(
                    [e.msgid for e in po.fuzzy_entries()][:10],
                    f"fuzzy entries in {code}.po",
                )
