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
