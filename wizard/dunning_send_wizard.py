from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import UserError


class DunningSendWizard(models.TransientModel):
    """Review and send one or several reminders: their state, the preview of
    the e-mail, and the channels to use this time.

    Opened for a customer with no reminder waiting, the wizard previews the
    reminder from a record that is not saved: the reminder (its number, its
    fees) is only created when the user clicks Send."""

    _name = "dunning.send.wizard"
    _description = "Send Dunning Reminders"

    # What is sent: reminders that exist, or the reminder of one customer
    letter_ids = fields.Many2many("dunning.letter", string="Reminders")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        readonly=True,
        help="The customer whose reminder is created when you send it.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    level_id = fields.Many2one("dunning.level", compute="_compute_state_info")
    letter_count = fields.Integer(compute="_compute_letter_count")

    # Where the reminders stand, and who may send them
    letter_state = fields.Selection(
        selection=lambda self: self.env["dunning.letter"]._fields["state"].selection,
        string="Status",
        compute="_compute_state_info",
    )
    approval_required = fields.Boolean(compute="_compute_state_info")
    approval_reason = fields.Char(compute="_compute_state_info")
    is_manager = fields.Boolean(compute="_compute_state_info")
    needs_approval = fields.Boolean(
        compute="_compute_state_info",
        help="A manager must approve these reminders before this user can send them.",
    )
    approver_names = fields.Char(compute="_compute_state_info")
    status_message = fields.Char(
        compute="_compute_state_info",
        help="What the dialog tells the user before sending: who must approve, "
        "or that no reminder is due yet.",
    )
    early_message = fields.Char(
        compute="_compute_state_info",
        help="Set when no reminder is due yet: sending now needs a confirmation.",
    )

    # Channels
    send_email = fields.Boolean(string="E-mail")
    send_letter = fields.Boolean(string="Print")
    create_activity = fields.Boolean(string="Activity")
    send_sms = fields.Boolean(string="SMS")
    sms_available = fields.Boolean(compute="_compute_sms_available")
    has_email = fields.Boolean(compute="_compute_state_info")
    email_missing_partner_id = fields.Many2one(
        "res.partner", compute="_compute_state_info", string="Recipient without E-mail"
    )

    # Preview
    preview_subject = fields.Char(compute="_compute_state_info", string="Subject")
    preview_body = fields.Html(
        compute="_compute_state_info", string="Preview", sanitize=False
    )
    preview_recipient = fields.Char(compute="_compute_state_info", string="To")
    warning = fields.Text(compute="_compute_state_info")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        letters = self.env["dunning.letter"].browse(
            self.env.context.get("default_letter_ids")
            or (
                self.env.context.get("active_ids")
                if self.env.context.get("active_model") == "dunning.letter"
                else None
            )
            or []
        )
        if "letter_ids" in fields_list and letters:
            values["letter_ids"] = [fields.Command.set(letters.ids)]
        partner = self.env["res.partner"].browse(values.get("partner_id"))
        if letters:
            levels = letters.level_id
            recipients = self.env["res.partner"].union(
                *(letter._dunning_recipient() for letter in letters)
            )
        elif partner:
            letter = self._dunning_new_letter(
                partner,
                self.env["res.company"].browse(values.get("company_id"))
                or self.env.company,
            )[0]
            levels = letter.level_id
            recipients = letter._dunning_recipient()
        else:
            levels = self.env["dunning.level"]
            recipients = self.env["res.partner"]
        has_email = bool(recipients) and all(recipients.mapped("email"))
        values.setdefault("send_email", has_email and any(levels.mapped("send_email")))
        # Without an e-mail address, the reminder goes by post.
        values.setdefault(
            "send_letter",
            any(levels.mapped("send_letter")) or (bool(levels) and not has_email),
        )
        values.setdefault("create_activity", any(levels.mapped("create_activity")))
        return values

    @api.depends("letter_ids", "partner_id")
    def _compute_letter_count(self):
        for wizard in self:
            wizard.letter_count = len(wizard.letter_ids) or (
                1 if wizard.partner_id else 0
            )

    def _compute_sms_available(self):
        available = "sms" in self.env.registry._init_modules
        for wizard in self:
            wizard.sms_available = available

    @api.depends("letter_ids", "partner_id", "company_id")
    def _compute_state_info(self):
        """Everything the dialog shows about the reminders, from one
        evaluation of the customer (for a reminder not created yet)."""
        is_manager = self.env.user.has_group("dunning_followup.group_dunning_manager")
        for wizard in self:
            letters, early_message = wizard._dunning_letters_or_preview()
            pending = letters.filtered(lambda letter: letter.state == "to_approve")
            states = set(letters.mapped("state"))
            wizard.is_manager = is_manager
            wizard.level_id = letters.level_id[:1]
            wizard.letter_state = states.pop() if len(states) == 1 else False
            wizard.approval_required = bool(pending)
            wizard.needs_approval = bool(pending) and not is_manager
            wizard.approval_reason = (
                pending[:1]._dunning_approval_reason() if pending else False
            )
            wizard.approver_names = (
                wizard._dunning_approver_names() if wizard.needs_approval else False
            )
            wizard.early_message = early_message
            wizard.status_message = wizard._dunning_status_message()
            wizard._dunning_set_recipient_info(letters)
            wizard._dunning_set_preview(letters)

    def _dunning_set_recipient_info(self, letters):
        missing = self.env["res.partner"]
        for letter in letters:
            recipient = letter._dunning_recipient()
            if not recipient.email:
                missing |= recipient
        self.has_email = not missing
        self.email_missing_partner_id = missing[:1]
        self.warning = (
            self.env._(
                "No e-mail address for %s: the reminder is printed and posted instead.",
                ", ".join(missing.mapped("display_name")),
            )
            if missing
            else False
        )

    def _dunning_set_preview(self, letters):
        self.preview_subject = self.preview_body = self.preview_recipient = False
        if letters:
            preview = letters[:1]._dunning_email_preview()
            self.preview_subject = preview["subject"]
            self.preview_body = preview["body"]
            self.preview_recipient = preview["recipient"]

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_send(self):
        """Create the customer's reminder if there is none yet, approve the
        reminders waiting for approval (managers only), then send them."""
        self.ensure_one()
        if self.needs_approval:
            raise UserError(self._dunning_approval_message())
        channels = {
            "email": self.send_email and self.has_email,
            "letter": self.send_letter or not self.has_email,
            "activity": self.create_activity,
            "sms": self.send_sms and self.sms_available,
        }
        if not (channels["email"] or channels["letter"]):
            raise UserError(
                self.env._("Choose E-mail or Print: the customer must get a document.")
            )
        letters = self._dunning_letters_to_send()
        pending = letters.filtered(lambda letter: letter.state == "to_approve")
        if pending:
            pending._dunning_approve()  # raises for users who may not approve
        sendable = letters.filtered(
            lambda letter: letter.state in ("draft", "approved", "failed")
        )
        if not sendable:
            raise UserError(
                self.env._("These reminders have already been sent or cancelled.")
            )
        sendable.with_context(dunning_channels=channels).action_send()
        to_print = sendable.filtered(
            lambda letter: letter.state == "sent" and letter.print_needed
        )
        if to_print:
            return to_print._dunning_download_action()
        return {"type": "ir.actions.act_window_close"}

    def action_submit_for_approval(self):
        """An accountant asks for a reminder that needs approval: it is
        created and waits in the managers' To Approve list."""
        self.ensure_one()
        letters = self._dunning_letters_to_send()
        return letters._dunning_notification(
            self.env._("Waiting for approval"), self._dunning_approval_message(), "info"
        )

    def action_add_email(self):
        """Open the recipient to add the missing e-mail address."""
        self.ensure_one()
        partner = self.email_missing_partner_id
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": partner.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "name": self.env._("Add an e-mail address"),
        }

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _dunning_letters_to_send(self):
        """The reminders to send; for a customer without one, it is created
        now (its number drawn, its fees charged)."""
        self.ensure_one()
        if self.letter_ids or not self.partner_id:
            return self.letter_ids
        vals = self.partner_id._dunning_new_letter_values(self.company_id)[0]
        return self.env["dunning.letter"].with_company(self.company_id).create(vals)

    def _dunning_letters_or_preview(self):
        """The reminders to send, or the unsaved reminder of the customer
        (and why no level is due for it, if none is)."""
        self.ensure_one()
        if self.letter_ids:
            return self.letter_ids._origin, False
        if self.partner_id:
            return self._dunning_new_letter(self.partner_id._origin, self.company_id)
        return self.env["dunning.letter"], False

    @api.model
    def _dunning_new_letter(self, partner, company=None):
        """An unsaved reminder of ``partner`` (a ``new`` record: no number is
        drawn, no fee is charged), and why no level is due if none is."""
        company = company or self.env.company
        vals, early_message = partner._dunning_new_letter_values(company)
        vals["name"] = self.env._("New")
        return self.env["dunning.letter"].with_company(company).new(vals), early_message

    def _dunning_approver_names(self):
        """The dunning managers of the company, by name (who to ask)."""
        # Users of other companies are not readable by an accountant: the
        # names of the managers who may approve are.
        company_id = self.company_id.id
        managers = (
            self.env.ref("dunning_followup.group_dunning_manager")
            .sudo()
            .all_user_ids.filtered(
                lambda user: (
                    company_id in user.company_ids.ids
                    and not user.share
                    and user.id != SUPERUSER_ID
                )
            )
        )
        return ", ".join(managers.sorted("name").mapped("name"))

    def _dunning_status_message(self):
        self.ensure_one()
        if self.needs_approval:
            return self._dunning_approval_message()
        if self.approval_required:
            return self.env._(
                "Needs your approval: %s. Approve & Send approves it and sends it now.",
                self.approval_reason,
            )
        if self.early_message:
            return self.env._(
                "No reminder is due yet: %s. You can still send one now.",
                self.early_message,
            )
        return False

    def _dunning_approval_message(self):
        self.ensure_one()
        reason = self.approval_reason or ""
        if self.approver_names:
            return self.env._(
                "This reminder waits for a manager's approval (%(reason)s). "
                "Ask %(approvers)s to approve it.",
                reason=reason,
                approvers=self.approver_names,
            )
        return self.env._("This reminder waits for a manager's approval (%s).", reason)
