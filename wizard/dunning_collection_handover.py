from odoo import api, fields, models
from odoo.exceptions import UserError


class DunningCollectionHandover(models.TransientModel):
    """Hand a customer's overdue invoices over to a collection agency or a
    lawyer by hand (from the customer or the worklist)."""

    _name = "dunning.collection.handover"
    _description = "Hand Over to Collection"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    agency_id = fields.Many2one(
        "res.partner",
        string="Agency or Lawyer",
        required=True,
        domain=[("dunning_collection_agency", "=", True)],
        default=lambda self: self.env.company.dunning_collection_agency_id,
    )
    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        domain="[('commercial_partner_id', '=', partner_id),"
        " ('company_id', '=', company_id),"
        " ('move_type', 'in', ('out_invoice', 'out_receipt')),"
        " ('state', '=', 'posted'), ('payment_state', 'in', ('not_paid', 'partial'))]",
    )
    send_notice = fields.Boolean(
        string="Notify the Customer",
        help="E-mail the customer that the debt goes to the agency or lawyer.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        partner = self.env["res.partner"].browse(values.get("partner_id"))
        if partner and "move_ids" in fields_list and not values.get("move_ids"):
            today = fields.Date.context_today(self)
            busy = self.env["dunning.collection.case"]._dunning_moves_in_cases(
                company=self.env.company
            )
            moves = partner.with_company(
                self.env.company
            ).dunning_open_move_ids.filtered(
                lambda move: (
                    move.invoice_date_due
                    and move.invoice_date_due < today
                    and move.move_type != "out_refund"
                    and move not in busy
                )
            )
            values["move_ids"] = [fields.Command.set(moves.ids)]
        return values

    def action_hand_over(self):
        self.ensure_one()
        if not self.move_ids:
            raise UserError(self.env._("Choose the invoices to hand over."))
        Case = self.env["dunning.collection.case"].with_company(self.company_id)
        case = Case._dunning_hand_over(
            self.partner_id, self.move_ids, agency=self.agency_id
        )
        if not case:
            raise UserError(
                self.env._(
                    "These invoices are paid or already in an open collection case."
                )
            )
        if self.send_notice:
            case._dunning_send_notice()
        return case._get_records_action()
