from odoo import api, fields, models

from ..dunning_followup.packs import PACKS


class DunningPackApply(models.TransientModel):
    """The choice of a country pack to apply to a company: its levels, wording and
    interest rules. Levels already used by reminders are kept (archived), never
    changed or deleted."""

    _name = "dunning.pack.apply"
    _description = "Apply a Dunning Country Pack"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    pack = fields.Selection(
        selection="_selection_pack",
        string="Country Pack",
        required=True,
        default=lambda self: self.env.company._dunning_default_pack(),
    )
    pack_summary = fields.Text(string="What It Does", compute="_compute_pack_summary")
    used_level_count = fields.Integer(
        string="Levels Used by Reminders", compute="_compute_pack_summary"
    )

    @api.model
    def _selection_pack(self):
        return [(code, pack.name) for code, pack in PACKS.items()]

    @api.depends("pack", "company_id")
    def _compute_pack_summary(self):
        for wizard in self:
            pack = PACKS.get(wizard.pack)
            wizard.pack_summary = (
                pack and "\n".join([pack.summary, "", *pack.sources]) or False
            )
            wizard.used_level_count = len(
                self.env["dunning.level"]._levels_used_by_letters(wizard.company_id)
            )

    def action_apply(self):
        self.ensure_one()
        self.env["dunning.level"]._dunning_apply_pack(self.company_id, self.pack)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dunning_followup.action_dunning_level"
        )
        action["domain"] = [("company_id", "=", self.company_id.id)]
        return action
