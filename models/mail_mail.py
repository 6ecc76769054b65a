from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(
        self, success_pids, success_emails, failure_reason=False, failure_type=None
    ):
        """A reminder e-mail that reached none of its recipients (SMTP
        refused, server down, invalid address) fails its dunning letter, with
        Odoo's reason."""
        letters = self.env["dunning.letter"]
        if failure_type and not success_pids and not success_emails:
            messages = self.filtered(
                lambda mail: mail.model == "dunning.letter"
            ).mail_message_id
            if messages:
                letters = letters.sudo().search(
                    [("mail_message_id", "in", messages.ids)]
                )
        if letters:
            type_labels = dict(
                self._fields["failure_type"]._description_selection(self.env)
            )
            reasons = {
                mail.mail_message_id.id: (
                    failure_reason
                    or mail.failure_reason
                    or type_labels.get(failure_type)
                    or failure_type
                )
                for mail in self
            }
        result = super()._postprocess_sent_message(
            success_pids,
            success_emails,
            failure_reason=failure_reason,
            failure_type=failure_type,
        )
        for letter in letters:
            letter._dunning_delivery_failed(reasons[letter.mail_message_id.id])
        return result
