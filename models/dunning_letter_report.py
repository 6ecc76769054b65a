"""Helpers of the printed reminder letter and of the customer statement."""

import base64
import io
import logging

import werkzeug.exceptions

from odoo import fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.image import image_data_uri

from ..dunning_followup import days_overdue

try:
    import qrcode
except ImportError:  # declared in the manifest's external dependencies
    qrcode = None

_logger = logging.getLogger(__name__)
# Warn once per process that Odoo's barcode drawing is broken, not on every print.
_warned_barcode = False

# Fields a fee line may carry its amount in, in order of preference.
FEE_AMOUNT_FIELDS = ("amount", "amount_total", "amount_fee", "amount_residual")


def _qr_data_uri(value):
    """A PNG QR code of ``value`` as a data URI, or False without ``qrcode``."""
    if qrcode is None or not value:
        return False
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=4, border=4)
    code.add_data(value)
    code.make(fit=True)
    stream = io.BytesIO()
    code.make_image().save(stream, format="PNG")
    return image_data_uri(base64.b64encode(stream.getvalue()))


class DunningLetter(models.Model):
    _inherit = "dunning.letter"

    def _dunning_amount_claimed(self):
        """What the letter claims: the overdue invoices, plus the fees and
        interest once the letter has them."""
        self.ensure_one()
        if "amount_grand_total" in self._fields:
            return self.amount_grand_total
        return self.amount_total

    def _dunning_bank_account(self):
        """The company's bank account the customer should pay to: the first
        one in the letter's currency (or without currency), else the first."""
        self.ensure_one()
        banks = self.company_id.partner_id.bank_ids
        return banks.filtered(
            lambda bank: not bank.currency_id or bank.currency_id == self.currency_id
        )[:1] or banks[:1]

    def _dunning_payment_qr(self):
        """A payment QR code (data URI) for the total due, with the letter's
        number as the payment reference, made by the QR methods installed for
        the company's bank account (e.g. the EPC 'sct_qr' of
        account_qr_code_sepa). False when no method applies.

        Odoo draws QR codes with reportlab; where reportlab cannot draw PNG
        images (reportlab 4 without its renderPM backend), Odoo's QR content
        is drawn with the ``qrcode`` library instead."""
        global _warned_barcode  # noqa: PLW0603
        self.ensure_one()
        bank = self._dunning_bank_account()
        amount = self.currency_id.round(self._dunning_amount_claimed())
        if not bank or self.currency_id.compare_amounts(amount, 0.0) <= 0:
            return False
        if not bank.get_available_qr_methods_in_sequence():
            return False
        args = (amount, self.name, False, self.currency_id, self.partner_id)
        try:
            return bank.build_qr_code_base64(*args, silent_errors=True) or False
        except (UserError, ValidationError) as error:
            _logger.info("No payment QR code for reminder %s: %s", self.name, error)
            return False
        except Exception as error:  # noqa: BLE001 - a reminder must print without its QR code
            _logger.log(
                logging.DEBUG if _warned_barcode else logging.WARNING,
                "Odoo could not draw the payment QR code of reminder %s (%s); it is drawn "
                "with the qrcode library instead.", self.name, error,
            )
            _warned_barcode = True
        try:
            vals = bank._build_qr_code_vals(*args, silent_errors=True)
            params = vals and bank._get_qr_code_generation_params(**vals)
        except Exception as error:  # noqa: BLE001
            _logger.warning("No payment QR code for reminder %s: %s", self.name, error)
            return False
        if not params or params.get("barcode_type") != "QR" or not params.get("value"):
            return False
        return _qr_data_uri(params["value"])

    def _dunning_pay_online_move(self):
        """The oldest overdue invoice of the letter that is still open: the
        customer pays online from its portal page."""
        self.ensure_one()
        moves = self.line_ids.sorted(lambda line: (line.date_due or fields.Date.today(), line.id)).move_id
        return moves.filtered(
            lambda move: move.state == "posted"
            and move.payment_state in ("not_paid", "partial")
            and move.is_sale_document(include_receipts=True)
        )[:1]

    def _dunning_pay_online_url(self):
        """Full URL, with access token, of the portal page of the oldest
        overdue invoice; False where the customer portal is not available."""
        self.ensure_one()
        if "portal" not in self.env.registry._init_modules:
            return False
        move = self._dunning_pay_online_move()
        if not move or not hasattr(move, "get_portal_url"):
            return False
        return move.get_base_url() + move.get_portal_url()

    def _dunning_portal_qr(self):
        """A QR code (PNG data URI) of the link to pay online, or False."""
        self.ensure_one()
        return _qr_data_uri(self._dunning_pay_online_url())

    def _dunning_contact(self):
        """Who the customer should contact: the responsible person, else
        (field by field) the company."""
        self.ensure_one()
        user = self.responsible_id
        company = self.company_id
        return {
            "name": user.name or company.name,
            "email": user.email or company.email,
            "phone": user.phone or company.phone,
        }

    def _dunning_fee_lines(self):
        """The extra lines (fees, interest) of the letter, when the fee_line_ids
        field exists: [{'label', 'amount'}]."""
        self.ensure_one()
        if "fee_line_ids" not in self._fields:
            return []
        result = []
        for fee in self["fee_line_ids"]:
            amount_field = next((name for name in FEE_AMOUNT_FIELDS if name in fee._fields), None)
            result.append({
                "label": fee.display_name,
                "amount": fee[amount_field] if amount_field else 0.0,
            })
        return result


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _dunning_statement_date(self):
        """The day the statement is made, in the user's timezone."""
        return fields.Date.context_today(self)

    def _dunning_statement_lines(self, company=None):
        """Every open receivable item of this customer (its commercial
        partner) in ``company`` (default: the current company), due or not,
        in company currency, by due date.

        :return: list of dicts with the keys move_name, invoice_date, date_due,
            days_overdue, amount, amount_residual, currency (the item's own
            currency when it differs from the company's, else False),
            amount_residual_currency and disputed.
        """
        self.ensure_one()
        company = company or self.env.company
        commercial = self.commercial_partner_id
        today = self._dunning_statement_date()
        lines = self.env["account.move.line"].search([
            ("company_id", "=", company.id),
            ("partner_id", "=", commercial.id),
            ("account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
            ("amount_residual", "!=", 0.0),
        ], order="date_maturity, id")
        result = []
        for line in lines:
            date_due = line.date_maturity or line.date
            foreign = line.currency_id if line.currency_id != company.currency_id else False
            result.append({
                "move_name": line.move_id.name,
                "invoice_date": line.move_id.invoice_date,
                "date_due": date_due,
                "days_overdue": max(0, days_overdue(date_due, today)),
                "amount": line.balance,
                "amount_residual": line.amount_residual,
                "currency": foreign,
                "amount_residual_currency": line.amount_residual_currency,
                "disputed": bool(line.no_followup),
            })
        return result
