from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.misc import format_date

from ..dunning_followup import days_overdue

# The operator on the due date that matches one on the days overdue.
_MIRROR = {"=": "=", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


class AccountMove(models.Model):
    _inherit = "account.move"

    dunning_level_id = fields.Many2one(
        "dunning.level",
        string="Dunning Level",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The last dunning level this invoice was reminded at.",
    )
    dunning_last_date = fields.Date(string="Last Reminder", readonly=True, copy=False)
    dunning_count = fields.Integer(string="Reminders Sent", readonly=True, copy=False)
    dunning_days_overdue = fields.Integer(
        string="Days Overdue",
        compute="_compute_dunning_days_overdue",
        search="_search_dunning_days_overdue",
    )
    dunning_letter_line_ids = fields.One2many(
        "dunning.letter.line", "move_id", string="Reminder Lines", readonly=True
    )
    dunning_badge = fields.Char(
        string="Dunning Summary",
        compute="_compute_dunning_badge",
        help="How late the invoice is, its last reminder level and when it was sent.",
    )
    dunning_letter_count = fields.Integer(
        string="Reminders", compute="_compute_dunning_letter_count"
    )
    dunning_fee_letter_id = fields.Many2one(
        "dunning.letter",
        string="Fees of Reminder",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="This invoice charges the fees and interest of this reminder. It is dunned "
        "like any invoice, but no fee or interest is charged on it.",
    )

    @api.depends("invoice_date_due", "payment_state", "state")
    @api.depends_context("date")
    def _compute_dunning_days_overdue(self):
        today = fields.Date.context_today(self)
        for move in self:
            open_invoice = (
                move.is_sale_document(include_receipts=True)
                and move.state == "posted"
                and move.payment_state in ("not_paid", "partial")
            )
            move.dunning_days_overdue = (
                max(0, days_overdue(move.invoice_date_due, today))
                if open_invoice and move.invoice_date_due
                else 0
            )

    @api.depends("dunning_days_overdue", "dunning_level_id", "dunning_last_date")
    @api.depends_context("date", "lang")
    def _compute_dunning_badge(self):
        for move in self:
            if move.dunning_days_overdue <= 0:
                move.dunning_badge = False
                continue
            parts = [self.env._("Overdue %s days", move.dunning_days_overdue)]
            if move.dunning_level_id:
                parts.append(move.dunning_level_id.name)
            if move.dunning_last_date:
                parts.append(
                    self.env._(
                        "last sent %s",
                        format_date(
                            self.env, move.dunning_last_date, date_format="MMM d"
                        ),
                    )
                )
            move.dunning_badge = " · ".join(parts)

    def _compute_dunning_letter_count(self):
        counts = dict(
            self.env["dunning.letter.line"]._read_group(
                [("move_id", "in", self.ids)],
                groupby=["move_id"],
                aggregates=["letter_id:count_distinct"],
            )
        )
        for move in self:
            move.dunning_letter_count = counts.get(move, 0)

    def _search_dunning_days_overdue(self, operator, value):
        if operator not in ("=", "!=", "<", "<=", ">", ">=") or not isinstance(
            value, int
        ):
            return NotImplemented
        today = fields.Date.context_today(self)
        # days overdue > N  <=>  due date < today - N
        return [
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            (
                "invoice_date_due",
                _MIRROR[operator],
                fields.Date.subtract(today, days=value),
            ),
        ]

    def action_dunning_send_reminder(self):
        """Prepare a reminder for the customer of this invoice, covering all
        the customer's overdue invoices."""
        self.ensure_one()
        return self.commercial_partner_id.with_company(
            self.company_id
        ).action_dunning_new_letter()

    def action_view_dunning_letters(self):
        """Smart button: the reminders that named this invoice."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dunning_followup.action_dunning_letter"
        )
        action["domain"] = [("line_ids.move_id", "=", self.id)]
        return action

    def _dunning_mark_reminded(self, level_by_move, date):
        """Record on the invoices that a reminder went out on ``date``.

        ``level_by_move`` maps move ids to the level id the reminder brought
        them to (or None when the reminder only listed them). One query.
        """
        if not level_by_move:
            return
        self.flush_model(["dunning_level_id", "dunning_last_date", "dunning_count"])
        values = SQL(", ").join(
            SQL("(%s, %s::int)", move_id, level_id)
            for move_id, level_id in level_by_move.items()
        )
        self.env.cr.execute(
            SQL(
                """
            UPDATE account_move move
               SET dunning_level_id = COALESCE(v.level_id, move.dunning_level_id),
                   dunning_last_date = %(date)s,
                   dunning_count = COALESCE(move.dunning_count, 0) + 1
              FROM (VALUES %(values)s) AS v(id, level_id)
             WHERE move.id = v.id
            """,
                date=date,
                values=values,
            )
        )
        self.invalidate_model(
            ["dunning_level_id", "dunning_last_date", "dunning_count"]
        )

    def _dunning_cancel_fee_invoices(self):
        """Cancel these fee invoices of cancelled or deleted reminders, the
        posted ones through draft."""
        posted = self.filtered(lambda move: move.state == "posted")
        if posted:
            posted.button_draft()
        if self:
            self.button_cancel()
