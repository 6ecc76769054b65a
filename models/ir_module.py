from odoo import api, models


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    @api.model
    def _load_module_terms(self, modules, langs, overwrite=False):
        result = super()._load_module_terms(modules, langs, overwrite=overwrite)
        if "dunning_followup" in modules and "dunning.level" in self.env:
            self.env["dunning.level"].sudo()._dunning_sync_default_translations(langs)
        return result
