from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date

CALL_OUTCOMES = [
    ("reached", "Reached"),
    ("no_answer", "No Answer"),
    ("promised", "Promised to Pay"),
    ("disputed", "Disputed"),
    ("paid", "Paid"),
    ("other", "Other"),
]
CONTACT_TYPES = [
    ("call", "Call"),
    ("visit", "Visit"),
]


class DunningLogCall(models.TransientModel):
    """Log a collector's call to a customer: the outcome, a note and, for a
    promise to pay, the promised date (which pauses the escalation)."""

    _name = "dunning.log.call"
    _description = "Log a Dunning Call"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        domain=[("parent_id", "=", False)],
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    overdue_amount = fields.Monetary(
        string="Overdue",
        compute="_compute_overdue_amount",
        currency_field="currency_id",
    )
    contact_type = fields.Selection(
        CONTACT_TYPES,
        string="Contact",
        required=True,
        default="call",
        help="A phone call, or a field visit (which marks the planned visit done).",
    )
    outcome = fields.Selection(CALL_OUTCOMES, required=True, default="reached")
    note = fields.Text()
    promise_date = fields.Date(
        string="Promised Payment Date",
        help="No escalation until this date. A to-do the day after reminds the "
        "responsible to check the payment.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if (
            not values.get("partner_id")
            and self.env.context.get("active_model") == "res.partner"
            and self.env.context.get("active_id")
        ):
            partner = self.env["res.partner"].browse(self.env.context["active_id"])
            values["partner_id"] = partner.commercial_partner_id.id
        return values

    @api.depends("partner_id", "company_id")
    def _compute_overdue_amount(self):
        for wizard in self:
            wizard.overdue_amount = (
                wizard.partner_id.with_company(wizard.company_id).dunning_overdue_amount
                if wizard.partner_id
                else 0.0
            )

    def _dunning_partner_for_update(self):
        """The customer, in the wizard's company, with the rights to log on it.

        Collectors (dunning users) may log calls and promises on customers
        they are not allowed to edit otherwise, as reminders are logged."""
        partner = self.partner_id.commercial_partner_id.with_company(self.company_id)
        if not partner.has_access("write"):
            partner = partner.sudo()
        return partner

    def _dunning_message_body(self):
        outcome = dict(self._fields["outcome"]._description_selection(self.env))[
            self.outcome
        ]
        label = (
            self.env._("Visit:")
            if self.contact_type == "visit"
            else self.env._("Call:")
        )
        body = Markup("<p><b>%s</b> %s</p>") % (label, outcome)
        if self.outcome == "promised":
            body += Markup("<p>%s</p>") % self.env._(
                "Promised to pay by %s.", format_date(self.env, self.promise_date)
            )
        if self.note:
            body += Markup("<p>%s</p>") % self.note
        return body

    def action_log(self):
        self.ensure_one()
        if self.outcome == "promised":
            if not self.promise_date:
                raise UserError(
                    self.env._("Enter the date the customer promised to pay by.")
                )
            if self.promise_date < fields.Date.context_today(self):
                raise UserError(
                    self.env._("The promised payment date cannot be in the past.")
                )
        partner = self._dunning_partner_for_update()
        if self.outcome == "promised":
            partner.dunning_promise_date = self.promise_date
        partner.message_post(
            body=self._dunning_message_body(),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            author_id=self.env.user.partner_id.id,
        )
        if self.contact_type == "visit":
            partner._dunning_visit_activities().action_done()
        if self.outcome == "promised":
            user = partner.dunning_responsible_id or self.env.user
            partner.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=self.promise_date + timedelta(days=1),
                summary=self.env._("Check the promised payment"),
                note=self.env._(
                    "%(customer)s promised to pay by %(date)s.",
                    customer=partner.display_name,
                    date=format_date(self.env, self.promise_date),
                ),
                user_id=user.id,
            )
        self.env["res.partner"].with_company(self.company_id)._dunning_update_states(
            self.company_id, partner.ids, fields.Date.context_today(self)
        )
        return {"type": "ir.actions.act_window_close"}

    def action_log_no_answer(self):
        """One click from the dialog: nobody answered."""
        self.outcome = "no_answer"
        return self.action_log()
