from odoo import api, models

from ..dunning_followup import format_qr_reference, format_rf


class DunningQrBillDocument:
    """A reminder as l10n_ch's QR-bill template reads an invoice: the bank
    account, the amount, the reference and the debtor of its QR-bill
    (dunning.letter._dunning_qr_bill), under the names of account.move."""

    _name = "dunning.letter"

    def __init__(self, letter, qr_bill):
        self._letter = letter
        self._qr_bill = qr_bill
        self.id = letter.id
        self.name = letter.name
        self.ref = False
        self.partner_id = letter.partner_id
        self.company_id = letter.company_id
        self.currency_id = letter.currency_id
        self.partner_bank_id = qr_bill["bank"]
        self.amount_residual = qr_bill["amount"]
        self.payment_reference = qr_bill["reference"]

    def with_context(self, *args, **kwargs):
        return DunningQrBillDocument(
            self._letter.with_context(*args, **kwargs), self._qr_bill
        )

    def space_qrr_reference(self, reference):
        return format_qr_reference(reference)

    def space_scor_reference(self, reference):
        return format_rf(reference)


class ReportDunningQrBill(models.AbstractModel):
    _name = "report.dunning_followup.report_dunning_qr_bill"
    _description = "Reminder QR-bill"

    @api.model
    def _get_report_values(self, docids, data=None):
        letters = self.env["dunning.letter"].browse(docids)
        qr_bills = []
        qr_code_urls = {}
        for letter in letters:
            qr_bill = letter._dunning_qr_bill()
            if qr_bill:
                qr_bills.append(DunningQrBillDocument(letter, qr_bill))
                qr_code_urls[letter.id] = qr_bill["qr_code"]
        return {
            "doc_ids": docids,
            "doc_model": "dunning.letter",
            "docs": letters,
            "qr_bills": qr_bills,
            "qr_code_urls": qr_code_urls,
        }
