import io

from odoo import models
from odoo.tools.pdf import OdooPdfFileReader, OdooPdfFileWriter

LETTER_REPORT = "dunning_followup.report_dunning_letter"
QR_BILL_REPORT = "dunning_followup.action_report_dunning_qr_bill"


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        """Reminder letters of Swiss companies end with a page holding the
        Swiss QR-bill payment part (dunning.letter._dunning_qr_bill), as
        l10n_ch appends it to invoices."""
        res = super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids)
        if not res_ids or self._get_report(report_ref).report_name != LETTER_REPORT:
            return res
        letters = self.env["dunning.letter"].browse(res_ids)
        qr_letters = letters.filtered(
            lambda letter: letter.id in res and letter._dunning_qr_bill()
        )
        if not qr_letters:
            return res
        qr_streams = self._render_qweb_pdf_prepare_streams(
            QR_BILL_REPORT, data, res_ids=qr_letters.ids
        )
        for letter_id, qr_stream in qr_streams.items():
            if letter_id not in res or not res[letter_id]["stream"]:
                continue
            letter_pdf = OdooPdfFileReader(res[letter_id]["stream"], strict=False)
            qr_pdf = OdooPdfFileReader(qr_stream["stream"], strict=False)
            output = OdooPdfFileWriter()
            for page in range(letter_pdf.getNumPages()):
                output.addPage(letter_pdf.getPage(page))
            output.addPage(qr_pdf.getPage(0))
            stream = io.BytesIO()
            output.write(stream)
            stream.seek(0)
            res[letter_id]["stream"].close()
            res[letter_id]["stream"] = stream
            qr_stream["stream"].close()
        return res
