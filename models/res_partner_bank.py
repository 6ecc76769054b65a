import logging

from werkzeug.exceptions import HTTPException

from odoo import models
from odoo.exceptions import UserError, ValidationError

from ..dunning_followup.qr import qr_code_data_uri

_logger = logging.getLogger(__name__)


class ResPartnerBank(models.Model):
    _inherit = "res.partner.bank"

    def _dunning_payment_qr_code(
        self,
        amount,
        free_communication,
        structured_communication,
        currency,
        debtor_partner,
    ):
        """The payment QR code of this account for a reminder, as a PNG data
        URI, or False when no QR method applies.

        The payload is Odoo's own (``_get_qr_code_generation_params`` of the
        first QR method that accepts the data, e.g. the EPC code of
        ``account_qr_code_sepa``), but it is drawn with the ``qrcode`` library:
        Odoo's 128-pixel reportlab drawing has uneven modules and no quiet zone,
        which banking apps and zbar often cannot read. Methods whose output is
        not a bare QR payload (the Swiss QR-bill and its cross) keep Odoo's
        rendering."""
        self.ensure_one()
        try:
            vals = self._build_qr_code_vals(
                amount,
                free_communication,
                structured_communication,
                currency,
                debtor_partner,
                silent_errors=True,
            )
            if not vals:
                return False
            params = self._get_qr_code_generation_params(**vals)
            if not params:
                return False
            if (
                params.get("barcode_type") == "QR"
                and not params.get("mask")
                and params.get("value")
            ):
                return qr_code_data_uri(params["value"])
            return self._get_qr_code_base64(**vals) or False
        except (UserError, ValidationError, ValueError, HTTPException) as error:
            _logger.info("No payment QR code on %s: %s", self.display_name, error)
            return False
