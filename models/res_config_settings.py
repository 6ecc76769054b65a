from odoo import fields, models


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
