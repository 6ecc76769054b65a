from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dunning_escalation = fields.Selection(
        related="company_id.dunning_escalation", readonly=False
    )
    dunning_priority_method = fields.Selection(
        related="company_id.dunning_priority_method", readonly=False
    )
