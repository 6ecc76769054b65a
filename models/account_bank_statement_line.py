import logging
import re

from odoo import api, fields, models

from ..dunning_followup import find_qr_references, find_rf_references

_logger = logging.getLogger(__name__)

# Words of a communication that may be a reminder number (DUN/2026/00042).
_NUMBER_TOKEN_RE = re.compile(r"[0-9A-Za-z][0-9A-Za-z/_.-]*[0-9A-Za-z]")


class AccountBankStatementLine(models.Model):
    _inherit = "account.bank.statement.line"

    dunning_letter_id = fields.Many2one(
        "dunning.letter",
        string="Reminder Paid",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The reminder whose payment reference this transaction quotes: its "
        "invoices were reconciled with it, oldest first.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        st_lines = super().create(vals_list)
        if not st_lines._dunning_engine_calls_us():
            st_lines._dunning_reconcile_reminders()
        return st_lines

    # ------------------------------------------------------------------
    # Another matching engine (Odoo Enterprise's bank reconciliation)
    # ------------------------------------------------------------------

    def _try_auto_reconcile_statement_lines(self, *args, **kwargs):
        """Entry point of Odoo Enterprise's automatic bank reconciliation
        (``account_accountant``: its scheduled action and the statement
        import call it on the lines to reconcile). Where it exists, the lines
        quoting a reminder are matched here, first and once, and the engine's
        own rules then see them reconciled; on Community nothing calls it."""
        self._dunning_reconcile_reminders()
        engine = super()
        if hasattr(engine, "_try_auto_reconcile_statement_lines"):
            return engine._try_auto_reconcile_statement_lines(*args, **kwargs)
        return None

    def _dunning_engine_calls_us(self):
        """Whether a matching engine defines ``_try_auto_reconcile_statement_lines``
        and this module's override is on its way (it comes before the
        engine's own definition in the model's classes), so that the engine
        runs the reminders' matching: then it does not run at creation as
        well. When the engine's module was loaded after this one, its method
        hides this override and the matching keeps running at creation (the
        engine then finds those lines already reconciled)."""
        definers = [
            cls
            for cls in type(self).__mro__
            if "_try_auto_reconcile_statement_lines" in vars(cls)
        ]
        ours = AccountBankStatementLine
        return len(definers) > 1 and definers[-1] is not ours and ours in definers[:-1]

    # ------------------------------------------------------------------
    # Matching reminders' payment references
    # ------------------------------------------------------------------

    def _dunning_reconcile_reminders(self):
        """Reconcile the incoming transactions among these statement lines that
        quote a reminder's creditor reference (RF), Swiss QR reference or
        number with that reminder's open invoices, oldest first.

        Odoo Community has no engine applying reconciliation rules to
        statement lines: the statement line's suspense entry is turned into a
        receivable entry of the customer and reconciled with the invoices, as
        Odoo's own reconciliation does. A partial payment pays the oldest
        invoices first; what is paid beyond the invoices stays open on the
        customer as a credit. Lines already reconciled, outgoing, or quoting no
        reminder are left alone; a line whose reconciliation fails is logged
        and left to reconcile by hand."""
        candidates = self.filtered(
            lambda line: (
                not line.is_reconciled
                and not line.dunning_letter_id
                and line.company_id.currency_id.compare_amounts(line.amount, 0.0) > 0
            )
        )
        if not candidates:
            return
        letters_by_line = candidates._dunning_find_letters()
        for st_line, letter in letters_by_line.items():
            try:
                with self.env.cr.savepoint():
                    st_line._dunning_reconcile_with_letter(letter)
            except Exception as error:  # noqa: BLE001 - left to reconcile by hand
                _logger.warning(
                    "Statement line %s quotes reminder %s but could not be "
                    "reconciled: %s",
                    st_line.id,
                    letter.name,
                    error,
                )

    def _dunning_communication(self):
        """The text the payer wrote: label, reference and notes of the line."""
        self.ensure_one()
        return " ".join(
            filter(
                None,
                [
                    self.payment_ref,
                    self.move_id.ref,
                    self.narration and str(self.narration),
                ],
            )
        )

    def _dunning_find_letters(self):
        """{statement line: sent reminder of its company it quotes}, with one
        query for all lines. A payment reference (RF, or the Swiss QR
        reference of a QR-bill) wins over a number; a line
        quoting several reminders, or the reminder of another customer than
        the line's, is not matched."""
        texts = {line: line._dunning_communication() for line in self}
        references = {
            line: find_rf_references(text) + find_qr_references(text)
            for line, text in texts.items()
        }
        tokens = {
            line: {token.upper() for token in _NUMBER_TOKEN_RE.findall(text)}
            for line, text in texts.items()
        }
        all_references = {ref for refs in references.values() for ref in refs}
        all_tokens = {token for words in tokens.values() for token in words}
        if not all_references and not all_tokens:
            return {}
        Letter = self.env["dunning.letter"].sudo()
        quoted = [("name", "in", list(all_tokens))]
        if all_references:
            quoted = [
                "|",
                "|",
                ("payment_reference_rf", "in", list(all_references)),
                ("payment_reference_qrr", "in", list(all_references)),
                *quoted,
            ]
        letters = Letter.search(
            [
                ("company_id", "in", self.company_id.ids),
                ("state", "=", "sent"),
                *quoted,
            ]
        )
        by_reference = {
            (letter.company_id, reference): letter
            for letter in letters
            for reference in (
                letter.payment_reference_rf,
                letter.payment_reference_qrr,
            )
            if reference
        }
        by_name = {
            (letter.company_id, letter.name.upper()): letter for letter in letters
        }
        result = {}
        for line in self:
            found = {
                by_reference[line.company_id, ref]
                for ref in references[line]
                if (line.company_id, ref) in by_reference
            }
            if not found:
                found = {
                    by_name[line.company_id, token]
                    for token in tokens[line]
                    if (line.company_id, token) in by_name
                }
            if len(found) != 1:
                continue
            letter = found.pop()
            customer = line.partner_id.commercial_partner_id
            if customer and customer != letter.partner_id.commercial_partner_id:
                _logger.info(
                    "Statement line %s quotes reminder %s of another customer: "
                    "not matched.",
                    line.id,
                    letter.name,
                )
                continue
            result[line] = letter
        return result

    def _dunning_reconcile_with_letter(self, letter):
        """Turn this line's suspense entry into the customer's receivable and
        reconcile it with the reminder's open invoices, oldest due first."""
        self.ensure_one()
        invoice_lines = (
            letter._dunning_claimed_move_lines()
            .filtered(
                lambda aml: (
                    not aml.reconciled
                    and aml.parent_state == "posted"
                    and aml.account_id.account_type == "asset_receivable"
                )
            )
            .sorted(lambda aml: (aml.date_maturity or aml.date, aml.id))
        )
        if not invoice_lines:
            _logger.info(
                "Statement line %s quotes reminder %s, whose invoices are all paid.",
                self.id,
                letter.name,
            )
            return
        account = invoice_lines[0].account_id
        invoice_lines = invoice_lines.filtered(lambda aml: aml.account_id == account)
        customer = letter.partner_id.commercial_partner_id
        if not self.partner_id:
            self.partner_id = customer
        _liquidity, suspense, _other = self.with_context(
            skip_account_move_synchronization=True
        )._seek_for_lines()
        if len(suspense) != 1:
            return
        suspense.with_context(skip_account_move_synchronization=True).write(
            {
                "account_id": account.id,
                "partner_id": customer.id,
            }
        )
        for invoice_line in invoice_lines:
            if suspense.reconciled:
                break
            (suspense + invoice_line).reconcile()
        self.dunning_letter_id = letter
        paid = invoice_lines.filtered(
            lambda aml: aml.matched_debit_ids or aml.matched_credit_ids
        ).move_id
        body = self.env._(
            "Payment of %(amount)s received on %(date)s with this reminder's "
            "reference, "
            "reconciled with %(invoices)s.",
            amount=self.currency_id.format(self.amount),
            date=fields.Date.to_string(self.date),
            invoices=", ".join(paid.mapped("name")) or "-",
        )
        letter.message_post(body=body)
        for move in paid:
            move.message_post(body=body)
