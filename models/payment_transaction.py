from odoo import models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _post_process(self):
        """Record customers' own payments of invoices being recovered, and charge
        failed invoices at once with a payment method the customer just saved."""
        res = super()._post_process()
        if not self.env.context.get("dunning_payment_charging"):
            self.env["dunning.payment.attempt"].sudo()._after_transactions(self)
        return res

    def _extract_token_values(self, payment_data):
        """Keep the card's expiry month and year when the provider sends them."""
        values = super()._extract_token_values(payment_data)
        if values:
            month, year = _expiry_from_payment_data(payment_data)
            if month and year:
                values.update(expiry_month=month, expiry_year=year)
        return values


def _expiry_from_payment_data(payment_data):
    """(month, year) from the shapes providers use, else (None, None): Stripe's
    ``payment_method.card.exp_month/exp_year``, Adyen's
    ``additionalData.expiryDate`` ("3/2030"), or flat ``exp_month``/``exp_year``."""
    if not isinstance(payment_data, dict):
        return None, None
    card = (
        (payment_data.get("payment_method") or {}).get("card")
        if isinstance(payment_data.get("payment_method"), dict)
        else None
    )
    source = card or payment_data
    month, year = source.get("exp_month"), source.get("exp_year")
    additional = payment_data.get("additionalData")
    if (
        not (month and year)
        and isinstance(additional, dict)
        and additional.get("expiryDate")
    ):
        month, _sep, year = str(additional["expiryDate"]).partition("/")
    try:
        month, year = int(month), int(year)
    except (TypeError, ValueError):
        return None, None
    if year < 100:
        year += 2000
    return (month, year) if 1 <= month <= 12 else (None, None)
