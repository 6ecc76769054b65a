from datetime import timedelta

from markupsafe import Markup

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date

ANSWER_TYPES = [
    ("promise", "Promise to Pay"),
    ("paid", "Already Paid"),
    ("dispute", "Dispute"),
    ("callback", "Call Back"),
]


class DunningPortalAnswer(models.Model):
    """What a customer answered to a reminder on its self-service page: a
    promise to pay, a payment already made, a disputed invoice or a request to
    be called back. Each answer pauses the escalation as the same action in
    the back office does, until it is resolved or its date has passed."""

    _name = "dunning.portal.answer"
    _description = "Customer Answer to a Reminder"
    _order = "create_date desc, id desc"
    _check_company_auto = True

    letter_id = fields.Many2one(
        "dunning.letter",
        string="Reminder",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(related="letter_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(
        related="letter_id.partner_id", string="Customer", store=True, index=True
    )
    currency_id = fields.Many2one(related="letter_id.currency_id")
    answer_type = fields.Selection(
        ANSWER_TYPES, string="Answer", required=True, readonly=True
    )
    state = fields.Selection(
        [("open", "Open"), ("resolved", "Resolved")],
        default="open",
        required=True,
        readonly=True,
        index=True,
    )
    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        readonly=True,
        check_company=True,
        help="The invoices the answer is about.",
    )
    promise_date = fields.Date(string="Promised Payment Date", readonly=True)
    paid_date = fields.Date(string="Paid On", readonly=True)
    amount = fields.Monetary(readonly=True, currency_field="currency_id")
    reason = fields.Text(readonly=True)
    phone = fields.Char(readonly=True)
    attachment_ids = fields.Many2many("ir.attachment", string="Proof", readonly=True)
    pause_until = fields.Date(
        readonly=True, help="No escalation of this customer until this date."
    )
    resolved_by_id = fields.Many2one("res.users", readonly=True)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_resolve(self):
        """The responsible dealt with the answer: a disputed invoice is
        dunned again (its No Follow-Up flag is cleared) and the customer's
        state is recomputed."""
        for answer in self.filtered(lambda a: a.state == "open"):
            if answer.answer_type == "dispute":
                lines = answer.move_ids.line_ids.filtered(
                    lambda line: line.account_id.account_type == "asset_receivable"
                )
                lines.write({"no_followup": False})
            answer.write({"state": "resolved", "resolved_by_id": self.env.user.id})
            answer._post_on_documents(
                Markup("<p>%s</p>")
                % self.env._(
                    "%(answer)s resolved by %(user)s.",
                    answer=answer._type_label(),
                    user=self.env.user.name,
                ),
                author=self.env.user.partner_id,
            )
        for company, answers in self.grouped("company_id").items():
            self.env["res.partner"].with_company(company)._dunning_update_states(
                company, answers.partner_id.ids, fields.Date.context_today(self)
            )
        return True

    # ------------------------------------------------------------------
    # Recording an answer (called by the portal in sudo)
    # ------------------------------------------------------------------

    @api.model
    def _record(self, letter, answer_type, **values):
        """Create the answer of ``letter``'s customer, post it in the chatter
        of the customer and of the invoices concerned, pause the escalation
        and schedule an activity for the responsible."""
        answer = self.create(
            {"letter_id": letter.id, "answer_type": answer_type, **values}
        )
        today = fields.Date.context_today(self)
        partner = letter.partner_id.commercial_partner_id.with_company(
            letter.company_id
        )
        if answer_type == "promise":
            answer.pause_until = answer.promise_date
        elif answer_type == "paid":
            answer.pause_until = today + timedelta(
                days=letter.company_id.dunning_portal_paid_days
            )
        elif answer_type == "dispute":
            answer.move_ids.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            ).write({"no_followup": True})
        if answer.pause_until and (
            not partner.dunning_promise_date
            or partner.dunning_promise_date < answer.pause_until
        ):
            # The promise to pay of the back office: the engine holds every
            # reminder of this customer up to and including that day.
            partner.dunning_promise_date = answer.pause_until
        answer._post_on_documents(answer._message_body(), author=letter.partner_id)
        answer._schedule_activity()
        self.env["res.partner"].with_company(letter.company_id)._dunning_update_states(
            letter.company_id, partner.ids, today
        )
        return answer

    def _type_label(self):
        self.ensure_one()
        return dict(self._fields["answer_type"]._description_selection(self.env))[
            self.answer_type
        ]

    def _message_body(self):
        self.ensure_one()
        env = self.env
        body = Markup("<p><b>%s</b> %s</p>") % (
            env._("Answer to reminder %s:", self.letter_id.name),
            self._type_label(),
        )
        if self.answer_type == "promise":
            body += Markup("<p>%s</p>") % env._(
                "Promised to pay by %s.", format_date(env, self.promise_date)
            )
        elif self.answer_type == "paid":
            body += Markup("<p>%s</p>") % env._(
                "Says %(amount)s was paid on %(date)s.",
                amount=self.currency_id.format(self.amount),
                date=format_date(env, self.paid_date),
            )
        elif self.answer_type == "dispute":
            body += Markup("<p>%s</p>") % env._(
                "Disputes %s: no reminder for it until the dispute is resolved.",
                ", ".join(self.move_ids.mapped("name")),
            )
        elif self.answer_type == "callback":
            body += Markup("<p>%s</p>") % env._(
                "Asks to be called back at %s.", self.phone
            )
        if self.reason:
            body += Markup("<p>%s</p>") % self.reason
        if self.pause_until:
            body += Markup("<p>%s</p>") % env._(
                "No escalation until %s.", format_date(env, self.pause_until)
            )
        return body

    def _post_on_documents(self, body, author):
        """Post ``body`` on the customer, on the reminder and on the invoices
        concerned (all of the reminder's when the answer names none)."""
        self.ensure_one()
        moves = self.move_ids or self.letter_id.line_ids.move_id
        attachments = self.attachment_ids
        for record in (
            self.letter_id.partner_id.commercial_partner_id,
            self.letter_id,
            *moves,
        ):
            # As the system user: Odoo drops the attachments a public user posts
            # unless they come from its own composer; the author is the customer.
            record.with_user(SUPERUSER_ID).sudo().message_post(
                body=body,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
                author_id=author.id,
                attachment_ids=attachments.ids,
            )

    def _schedule_activity(self):
        self.ensure_one()
        letter = self.letter_id
        partner = letter.partner_id.commercial_partner_id.with_company(
            letter.company_id
        )
        user = (
            partner.dunning_responsible_id
            or letter.responsible_id
            or self.env.ref("base.user_admin", raise_if_not_found=False)
        )
        if not user:
            raise UserError(self.env._("Reminder %s has no responsible.", letter.name))
        today = fields.Date.context_today(self)
        deadline = {
            "promise": self.promise_date and self.promise_date + timedelta(days=1),
            "paid": today + timedelta(days=1),
        }.get(self.answer_type) or today
        summary = {
            "promise": self.env._("Check the promised payment"),
            "paid": self.env._("Check the payment the customer made"),
            "dispute": self.env._("Resolve the dispute"),
            "callback": self.env._("Call the customer back"),
        }[self.answer_type]
        partner.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=deadline,
            summary=summary,
            note=self._message_body(),
            user_id=user.id,
        )
