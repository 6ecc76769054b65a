from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..dunning_followup.recovery import expiry_month_end, expiry_notice_due, is_expired


class PaymentToken(models.Model):
    _inherit = "payment.token"

    # Card expiry, filled from the provider's data where it gives it
    expiry_month = fields.Integer(help="1 to 12; empty if unknown.")
    expiry_year = fields.Integer(help="Four digits; empty if unknown.")
    expiry_date = fields.Date(
        string="Valid Until",
        compute="_compute_expiry_date",
        store=True,
        help="The last day of the expiry month.",
    )
    # Card-expiry notices sent (30 and 5 days before the expiry month ends)
    expiry_notice_30_date = fields.Date(
        string="30-Day Expiry Notice", readonly=True, copy=False
    )
    expiry_notice_5_date = fields.Date(
        string="5-Day Expiry Notice", readonly=True, copy=False
    )

    @api.constrains("expiry_month", "expiry_year")
    def _check_expiry(self):
        for token in self:
            if bool(token.expiry_month) != bool(token.expiry_year):
                raise ValidationError(
                    self.env._(
                        "Give both the expiry month and year of %s, or neither.",
                        token.display_name,
                    )
                )
            if token.expiry_month and not (
                1 <= token.expiry_month <= 12 and 2000 <= token.expiry_year <= 2999
            ):
                raise ValidationError(
                    self.env._(
                        "The expiry of %s must be a month from 1 to 12 and a "
                        "four-digit year.",
                        token.display_name,
                    )
                )

    @api.depends("expiry_month", "expiry_year")
    def _compute_expiry_date(self):
        for token in self:
            token.expiry_date = (
                expiry_month_end(token.expiry_year, token.expiry_month)
                if token.expiry_month
                and token.expiry_year
                and 1 <= token.expiry_month <= 12
                else False
            )

    def _payment_is_expired(self, today):
        self.ensure_one()
        return bool(self.expiry_month and self.expiry_year) and is_expired(
            self.expiry_year, self.expiry_month, today
        )

    def _payment_new_method_saved(self):
        """The customer saved this payment method (through the portal): charge it
        from now on and retry its failed invoices at once."""
        for token in self.sudo():
            partner = token.partner_id.commercial_partner_id.with_company(
                token.company_id or self.env.company
            )
            if not partner.payment_auto_charge or partner.payment_recovery_excluded:
                continue
            partner.payment_auto_charge_token_id = token
            self.env["dunning.payment.attempt"].sudo()._retry_with_new_method(
                partner, token
            )

    @api.model
    def _send_expiry_notices(self, company, as_of):
        """E-mail customers with automatic charging whose card expires: 30 and 5
        days before the end of the expiry month, unless a newer valid payment
        method is saved. Each notice goes out once."""
        partners = self.env["dunning.payment.attempt"]._recovery_partners(company)
        if not partners:
            return
        tokens = self.sudo().search(
            [
                ("partner_id", "child_of", partners.ids),
                ("expiry_date", ">=", as_of),
                ("company_id", "in", (company.id, False)),
            ]
        )
        template = self.env.ref("dunning_followup.mail_template_payment_card_expiry")
        for token in tokens:
            sent = {
                days
                for days, day in (
                    (30, token.expiry_notice_30_date),
                    (5, token.expiry_notice_5_date),
                )
                if day
            }
            notice = expiry_notice_due(
                token.expiry_year, token.expiry_month, as_of, sent
            )
            if not notice or token._payment_has_newer_method(as_of):
                continue
            partner = token.partner_id
            template.with_context(lang=partner.lang).send_mail(token.id)
            partner.commercial_partner_id.message_post(
                body=self.env._(
                    "Card expiry notice sent for %(method)s (valid until %(date)s).",
                    method=token.display_name,
                    date=token.expiry_date,
                )
            )
            token.write({f"expiry_notice_{notice}_date": as_of})
            self.env["dunning.payment.attempt"]._checkpoint()

    def _payment_has_newer_method(self, as_of):
        """Is there a valid payment method saved after this one?"""
        self.ensure_one()
        newer = self.sudo().search(
            [
                ("partner_id", "child_of", self.partner_id.commercial_partner_id.id),
                ("id", ">", self.id),
                ("provider_id.state", "in", ("enabled", "test")),
            ]
        )
        return any(
            not token._payment_is_expired(as_of)
            and (not token.expiry_date or token.expiry_date > self.expiry_date)
            for token in newer
        )

    def _payment_mask(self):
        """ "•••• 4242" for the e-mails; empty without a payment method."""
        if len(self) != 1:
            return ""
        if not self.payment_details:
            return self.payment_method_id.name or ""
        return "•••• " + self.payment_details[-4:]
