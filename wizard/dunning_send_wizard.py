from odoo import api, fields, models
from odoo.exceptions import UserError


class DunningSendWizard(models.TransientModel):
    """Review and send one or several reminders: the preview of the e-mail,
    and the channels to use this time."""

    _name = "dunning.send.wizard"
    _description = "Send Dunning Reminders"

    letter_ids = fields.Many2many("dunning.letter", string="Reminders", required=True)
    letter_count = fields.Integer(compute="_compute_letter_count")
    send_email = fields.Boolean(string="E-mail")
    send_letter = fields.Boolean(string="Print")
    create_activity = fields.Boolean(string="Activity")
    send_sms = fields.Boolean(string="SMS")
    sms_available = fields.Boolean(compute="_compute_sms_available")
    preview_subject = fields.Char(compute="_compute_preview", string="Subject")
    preview_body = fields.Html(
        compute="_compute_preview", string="Preview", sanitize=False
    )
    preview_recipient = fields.Char(compute="_compute_preview", string="To")
    needs_approval = fields.Boolean(compute="_compute_needs_approval")
    warning = fields.Text(compute="_compute_preview")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        letters = self.env["dunning.letter"].browse(
            self.env.context.get("default_letter_ids")
            or self.env.context.get("active_ids")
            or []
        )
        if "letter_ids" in fields_list and letters:
            values["letter_ids"] = [fields.Command.set(letters.ids)]
        levels = letters.level_id
        values.setdefault("send_email", any(levels.mapped("send_email")))
        values.setdefault("send_letter", any(levels.mapped("send_letter")))
        values.setdefault("create_activity", any(levels.mapped("create_activity")))
        return values

    @api.depends("letter_ids")
    def _compute_letter_count(self):
        for wizard in self:
            wizard.letter_count = len(wizard.letter_ids)

    def _compute_sms_available(self):
        available = "sms" in self.env.registry._init_modules
        for wizard in self:
            wizard.sms_available = available

    @api.depends("letter_ids")
    def _compute_needs_approval(self):
        is_manager = self.env.user.has_group("dunning_followup.group_dunning_manager")
        for wizard in self:
            wizard.needs_approval = not is_manager and any(
                letter.state == "to_approve" for letter in wizard.letter_ids._origin
            )

    @api.depends("letter_ids", "send_email")
    def _compute_preview(self):
        for wizard in self:
            letters = wizard.letter_ids._origin
            letter = letters[:1]
            wizard.preview_subject = wizard.preview_body = wizard.preview_recipient = (
                False
            )
            wizard.warning = False
            if not letter:
                continue
            template = letter._dunning_mail_template()
            recipient = letter._dunning_recipient()
            lang = recipient.lang or self.env.lang
            rendered = template.with_context(lang=lang)._generate_template(
                letter.ids, ("subject", "body_html")
            )[letter.id]
            wizard.preview_subject = rendered.get("subject")
            wizard.preview_body = rendered.get("body_html")
            wizard.preview_recipient = (
                recipient.email_formatted or recipient.display_name
            )
            no_email = letters.filtered(
                lambda letter: not letter._dunning_recipient().email
            )
            if wizard.send_email and no_email:
                wizard.warning = self.env._(
                    "No e-mail address for %s: their reminder will be printed instead.",
                    ", ".join(no_email.partner_id.mapped("display_name")),
                )

    def action_send(self):
        self.ensure_one()
        letters = self.letter_ids
        pending = letters.filtered(lambda letter: letter.state == "to_approve")
        if pending:
            pending.action_approve()  # raises for users who may not approve
        sendable = letters.filtered(lambda letter: letter.state in ("draft", "failed"))
        if not sendable:
            raise UserError(
                self.env._("These reminders have already been sent or cancelled.")
            )
        channels = {
            "email": self.send_email,
            "letter": self.send_letter,
            "activity": self.create_activity,
            "sms": self.send_sms and self.sms_available,
        }
        sendable.with_context(dunning_channels=channels).action_send()
        to_print = sendable.filtered(
            lambda letter: (
                letter.state == "sent" and (self.send_letter or letter.print_needed)
            )
        )
        if to_print:
            return self.env.ref(
                "dunning_followup.action_report_dunning_letter"
            ).report_action(to_print)
        return {"type": "ir.actions.act_window_close"}
