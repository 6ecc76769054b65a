from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dunning_escalation = fields.Selection(
        related="company_id.dunning_escalation", readonly=False
    )
    dunning_priority_method = fields.Selection(
        related="company_id.dunning_priority_method", readonly=False
    )
    dunning_fee_posting = fields.Selection(
        related="company_id.dunning_fee_posting", readonly=False
    )
    dunning_fee_product_id = fields.Many2one(
        related="company_id.dunning_fee_product_id", readonly=False
    )
    dunning_interest_product_id = fields.Many2one(
        related="company_id.dunning_interest_product_id", readonly=False
    )
    dunning_interest_rule_id = fields.Many2one(
        related="company_id.dunning_interest_rule_id",
        readonly=False,
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
    )
    dunning_pack = fields.Selection(related="company_id.dunning_pack")
    dunning_interest_rule_b2b_id = fields.Many2one(
        related="company_id.dunning_interest_rule_b2b_id",
        readonly=False,
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
    )
    dunning_interest_rule_b2c_id = fields.Many2one(
        related="company_id.dunning_interest_rule_b2c_id",
        readonly=False,
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
    )
    dunning_consumer_fee_cap = fields.Monetary(
        related="company_id.dunning_consumer_fee_cap",
        readonly=False,
        currency_field="currency_id",
    )
    dunning_contact_start = fields.Float(
        related="company_id.dunning_contact_start", readonly=False
    )
    dunning_contact_end = fields.Float(
        related="company_id.dunning_contact_end", readonly=False
    )
    dunning_signature = fields.Char(
        related="company_id.dunning_signature", readonly=False
    )
    dunning_reply_to = fields.Char(
        related="company_id.dunning_reply_to", readonly=False
    )
    dunning_legal_form = fields.Char(
        related="company_id.dunning_legal_form", readonly=False
    )
    dunning_register_court = fields.Char(
        related="company_id.dunning_register_court", readonly=False
    )
    dunning_company_registry = fields.Char(
        related="company_id.company_registry", readonly=False
    )
    dunning_managing_directors = fields.Char(
        related="company_id.dunning_managing_directors", readonly=False
    )
    dunning_share_capital = fields.Char(
        related="company_id.dunning_share_capital", readonly=False
    )
    dunning_portal_promise_max_days = fields.Integer(
        related="company_id.dunning_portal_promise_max_days", readonly=False
    )
    dunning_portal_paid_days = fields.Integer(
        related="company_id.dunning_portal_paid_days", readonly=False
    )
    dunning_collection_agency_id = fields.Many2one(
        related="company_id.dunning_collection_agency_id", readonly=False
    )
    dunning_writeoff_account_id = fields.Many2one(
        related="company_id.dunning_writeoff_account_id", readonly=False
    )
    dunning_writeoff_journal_id = fields.Many2one(
        related="company_id.dunning_writeoff_journal_id", readonly=False
    )
    dunning_queue_job = fields.Boolean(
        related="company_id.dunning_queue_job", readonly=False
    )
    dunning_queue_job_available = fields.Boolean(
        compute="_compute_dunning_queue_job_available"
    )

    @api.depends("company_id")
    def _compute_dunning_queue_job_available(self):
        available = self.env["dunning.letter"]._dunning_queue_job_available()
        for settings in self:
            settings.dunning_queue_job_available = available

    def set_values(self):
        result = super().set_values()
        # The 'root.dunning' channel and its job functions, where queue_job
        # was installed after this addon.
        if self.dunning_queue_job:
            self.env["dunning.letter"]._dunning_queue_job_setup()
        return result
