import io

from odoo import models
from odoo.tools.pdf import OdooPdfFileReader, OdooPdfFileWriter

from odoo.addons.base.models.ir_actions_report import _wkhtml

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
        streams = {
            letter_id: values["stream"]
            for letter_id, values in res.items()
            if letter_id and values.get("stream")
        }
        for letter_id, stream in self._dunning_append_qr_bills(streams, data).items():
            if stream is not res[letter_id]["stream"]:
                res[letter_id]["stream"].close()
                res[letter_id]["stream"] = stream
        return res

    def _dunning_append_qr_bills(self, streams, data=None):
        """``streams`` ({letter id: PDF stream of the letter}) with the
        QR-bill page added at the end of the letters that have one, the
        QR-bills of all these letters rendered together: {letter id: PDF
        stream}, the streams of letters without a QR-bill unchanged."""
        letters = self.env["dunning.letter"].browse(list(streams))
        qr_letters = letters.filtered(lambda letter: letter._dunning_qr_bill())
        result = dict(streams)
        if not qr_letters:
            return result
        # An unpatched wkhtmltopdf (Debian's) converts one document per call:
        # there, each QR-bill on its own.
        qr_streams = {}
        if _wkhtml().is_patched_qt:
            qr_streams = self._render_qweb_pdf_prepare_streams(
                QR_BILL_REPORT, dict(data or {}), res_ids=qr_letters.ids
            )
        for letter_id in qr_letters.ids:
            if not (qr_streams.get(letter_id) or {}).get("stream"):
                # Unpatched wkhtmltopdf, or the QR-bills' PDF could not be
                # split per letter (a QR-bill of more than one page): this one
                # on its own.
                qr_streams.update(
                    self._render_qweb_pdf_prepare_streams(
                        QR_BILL_REPORT, dict(data or {}), res_ids=[letter_id]
                    )
                )
        for letter_id, qr_stream in qr_streams.items():
            if not qr_stream.get("stream"):
                continue
            if letter_id in streams:
                letter_pdf = OdooPdfFileReader(streams[letter_id], strict=False)
                qr_pdf = OdooPdfFileReader(qr_stream["stream"], strict=False)
                output = OdooPdfFileWriter()
                for page in range(letter_pdf.getNumPages()):
                    output.addPage(letter_pdf.getPage(page))
                output.addPage(qr_pdf.getPage(0))
                stream = io.BytesIO()
                output.write(stream)
                stream.seek(0)
                result[letter_id] = stream
            qr_stream["stream"].close()
        return result
