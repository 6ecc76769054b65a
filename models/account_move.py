from odoo import api, fields, models
from odoo.tools import SQL

from ..dunning_followup import days_overdue
from ..dunning_followup.recovery import (
    HARD,
    InvoiceRecovery,
    is_last_retry_next,
    next_attempt_date,
)

PAYMENT_RECOVERY_STATES = [
    ("retrying", "Retrying"),
    ("recovered", "Recovered"),
    ("handed_over", "Handed Over to Dunning"),
]
# The operator on the due date that matches one on the days overdue.
_MIRROR = {"=": "=", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


class AccountMove(models.Model):
    _inherit = "account.move"

    dunning_level_id = fields.Many2one(
        "dunning.level",
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
    dunning_fee_letter_id = fields.Many2one(
        "dunning.letter",
        string="Fees of Reminder",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="This invoice charges the fees and interest of this reminder. It is "
        "dunned like any invoice, but no fee or interest is charged on it.",
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

    # ------------------------------------------------------------------
    # Payment recovery (automatic charges of saved payment methods)
    # ------------------------------------------------------------------
    payment_attempt_ids = fields.One2many(
        "dunning.payment.attempt", "move_id", string="Payment Attempts", readonly=True
    )
    payment_recovery_state = fields.Selection(
        PAYMENT_RECOVERY_STATES,
        string="Payment Recovery",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Retrying: the automatic charge failed and is retried on the policy's "
        "days. Recovered: a later attempt or the customer paid. Handed over: "
        "retries are exhausted and the ordinary dunning levels follow the invoice up.",
    )
    payment_first_failure_date = fields.Date(
        string="First Failed Charge", readonly=True, copy=False
    )
    payment_retries_done = fields.Integer(
        string="Retries Made", readonly=True, copy=False
    )
    payment_hard_declined = fields.Boolean(
        string="Hard Decline",
        readonly=True,
        copy=False,
        help="The provider declined the payment method for good (lost or stolen card, "
        "closed account, invalid token): it is not retried.",
    )
    payment_next_attempt_date = fields.Date(
        string="Next Charge Attempt", readonly=True, copy=False
    )
    payment_precharge_notice_date = fields.Date(
        string="Pre-charge Notice Sent", readonly=True, copy=False
    )
    payment_recovery_hold = fields.Boolean(
        string="Held by Payment Recovery",
        readonly=True,
        copy=False,
        help="Set while the charge is retried: the invoice is kept out of the dunning "
        "levels (with No Follow-Up) until the final action hands it over.",
    )
    payment_recovery_reason = fields.Char(
        string="Final Action Reason", readonly=True, copy=False
    )
    payment_last_attempt_id = fields.Many2one(
        "dunning.payment.attempt",
        string="Last Attempt",
        compute="_compute_payment_last_attempt_id",
    )

    @api.depends("payment_attempt_ids")
    def _compute_payment_last_attempt_id(self):
        for move in self:
            move.payment_last_attempt_id = move.payment_attempt_ids.sorted(
                lambda attempt: (attempt.date, attempt.id)
            )[-1:]

    def _payment_update_url(self):
        """The invoice's portal page with its access token: the customer pays
        there and may save a new payment method, without logging in."""
        self.ensure_one()
        return self.get_base_url() + self.get_portal_url()

    def _payment_send(self, xmlid):
        template = self.env.ref(xmlid)
        for move in self:
            move.with_context(lang=move.partner_id.lang).message_post_with_source(
                template, message_type="comment", subtype_xmlid="mail.mt_comment"
            )

    def _payment_failed(self, attempt, engine_policy, as_of):
        """A charge failed: start or continue the retry schedule, hold the
        invoice out of the dunning levels, and tell the customer."""
        self.ensure_one()
        first_failure = not self.payment_first_failure_date
        values = {"payment_recovery_state": "retrying"}
        if first_failure:
            values["payment_first_failure_date"] = as_of
        elif attempt.trigger == "retry":
            values["payment_retries_done"] = self.payment_retries_done + 1
        values["payment_hard_declined"] = attempt.decline_type == HARD
        if not self.no_followup:
            values.update(no_followup=True, payment_recovery_hold=True)
        self.write(values)
        self.payment_next_attempt_date = (
            next_attempt_date(
                InvoiceRecovery(
                    due=self.invoice_date_due,
                    first_attempt_done=True,
                    first_failure=self.payment_first_failure_date,
                    retries_done=self.payment_retries_done,
                    hard_declined=self.payment_hard_declined,
                ),
                engine_policy,
            )
            or False
        )
        if first_failure:
            self._payment_send("dunning_followup.mail_template_payment_failed")
        elif (
            attempt.trigger == "retry"
            and not self.payment_hard_declined
            and is_last_retry_next(self.payment_retries_done, engine_policy)
        ):
            self._payment_send("dunning_followup.mail_template_payment_last_attempt")

    def _payment_recovered(self):
        for move in self.filtered(lambda m: m.payment_state in ("paid", "in_payment")):
            values = {"payment_next_attempt_date": False}
            if move.payment_first_failure_date:
                values["payment_recovery_state"] = "recovered"
            if move.payment_recovery_hold:
                values.update(no_followup=False, payment_recovery_hold=False)
            move.write(values)

    def _payment_hand_over(self, reason):
        """Back to the ordinary dunning levels (letters, fees, interest)."""
        for move in self:
            values = {
                "payment_recovery_state": "handed_over",
                "payment_recovery_reason": reason,
                "payment_next_attempt_date": False,
            }
            if move.payment_recovery_hold:
                values.update(no_followup=False, payment_recovery_hold=False)
            move.write(values)

    def _payment_final_action(self, policy, as_of):
        """Retries are exhausted: per the policy, stop automatic charging for the
        customer and hand its invoices over to dunning, and/or schedule an
        activity for the responsible; the customer is told."""
        self.ensure_one()
        partner = self.commercial_partner_id.with_company(self.company_id)
        reason = (
            self.env._(
                "Automatic charge failed %(count)s times since %(date)s.",
                count=len(
                    self.payment_attempt_ids.filtered(lambda a: a.state == "failed")
                ),
                date=self.payment_first_failure_date,
            )
            if not self.payment_hard_declined
            else self.env._(
                "The payment method was declined for good: %s",
                self.payment_last_attempt_id.provider_message or "",
            )
        )
        if policy.final_stop_auto_charge:
            partner.write(
                {
                    "payment_auto_charge": False,
                    "payment_auto_charge_stop_date": as_of,
                    "payment_auto_charge_stop_reason": reason,
                }
            )
            held = self.search(
                [
                    ("commercial_partner_id", "=", partner.id),
                    ("company_id", "=", self.company_id.id),
                    ("payment_recovery_state", "=", "retrying"),
                ]
            )
            (self | held)._payment_hand_over(reason)
        else:
            self._payment_hand_over(reason)
        if policy.final_activity:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=as_of,
                summary=self.env._("Automatic charge failed: contact the customer"),
                note=reason,
                user_id=self._payment_responsible().id,
            )
        self._payment_send("dunning_followup.mail_template_payment_final")

    def _payment_schedule_review(self, attempt):
        """An interrupted charge: someone must check it with the provider."""
        self.ensure_one()
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Check an interrupted automatic charge"),
            note=attempt.provider_message,
            user_id=self._payment_responsible().id,
        )

    def _payment_responsible(self):
        """Who follows up a failed charge: the customer's dunning responsible,
        else the invoice's salesperson, else the current user."""
        self.ensure_one()
        partner = self.commercial_partner_id.with_company(self.company_id)
        return partner.dunning_responsible_id or self.invoice_user_id or self.env.user
