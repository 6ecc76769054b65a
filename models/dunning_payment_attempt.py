import logging
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models

from ..dunning_followup import DunningConfigError
from ..dunning_followup.recovery import (
    CHARGE,
    FINAL,
    HARD,
    RETRY,
    InvoiceRecovery,
    classify_decline,
    decide,
    within_caps,
)

_logger = logging.getLogger(__name__)

ATTEMPT_STATES = [
    ("charging", "Charging"),
    ("pending", "Pending"),
    ("done", "Paid"),
    ("failed", "Failed"),
]
ATTEMPT_TRIGGERS = [
    ("due", "Due Date"),
    ("retry", "Retry"),
    ("new_method", "New Payment Method"),
    ("manual", "Charge Now"),
    ("customer", "Paid by the Customer"),
]
OPEN_TX_STATES = ("pending", "authorized")


class DunningPaymentAttempt(models.Model):
    """One attempt to collect an invoice with the customer's saved payment
    method (or the customer's own payment of an invoice whose charge failed).

    The attempt is recorded, in state *Charging*, before the provider is called:
    if the run dies while the provider is charging, the attempt stays *Charging*
    and the invoice is not charged again until someone checked it with the
    provider.
    """

    _name = "dunning.payment.attempt"
    _description = "Payment Recovery Attempt"
    _order = "date desc, id desc"

    move_id = fields.Many2one(
        "account.move", string="Invoice", required=True, index=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(
        related="move_id.commercial_partner_id",
        string="Customer",
        store=True,
        index=True,
    )
    company_id = fields.Many2one(related="move_id.company_id", store=True, index=True)
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    attempt_number = fields.Integer(
        string="Attempt",
        help="1 for the charge on the due date, 2 for the first retry, ...",
    )
    trigger = fields.Selection(ATTEMPT_TRIGGERS, required=True, default="due")
    state = fields.Selection(
        ATTEMPT_STATES, required=True, default="charging", index=True
    )
    token_id = fields.Many2one(
        "payment.token", string="Payment Method", ondelete="set null"
    )
    amount = fields.Monetary(currency_field="currency_id")
    currency_id = fields.Many2one("res.currency", required=True)
    amount_company = fields.Monetary(
        string="Amount in Company Currency", currency_field="company_currency_id"
    )
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    decline_type = fields.Selection(
        [("soft", "Soft (retried)"), ("hard", "Hard (not retried)")], string="Decline"
    )
    provider_message = fields.Text()
    transaction_id = fields.Many2one("payment.transaction", ondelete="set null")
    payment_id = fields.Many2one("account.payment", ondelete="set null")

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_mark_failed(self):
        """After checking with the provider that an interrupted charge did not
        go through: release the invoice for the next attempt."""
        for attempt in self.filtered(lambda attempt: attempt.state == "charging"):
            attempt.write(
                {
                    "state": "failed",
                    "decline_type": "soft",
                    "provider_message": self.env._(
                        "Interrupted charge checked: not charged."
                    ),
                }
            )
            policy = self.env["dunning.payment.policy"]._policy_for(attempt.company_id)
            attempt.move_id._payment_failed(
                attempt, policy._engine_policy(), attempt.date
            )

    # ------------------------------------------------------------------
    # The daily run
    # ------------------------------------------------------------------

    @api.model
    def _cron_run_payment_recovery(self):
        """Entry point of the scheduled action: commits after every step."""
        self.with_context(dunning_commit_progress=True)._run_payment_recovery()

    @api.model
    def _run_payment_recovery(self, date=None, company=None):
        """Send the pre-charge and card-expiry notices, charge the invoices due,
        retry the failed ones on their days and take the final action, for
        every company (or ``company``). Running it again on the same day makes
        no new attempt and sends nothing twice.

        :return: the dunning.payment.attempt records made
        """
        as_of = fields.Date.to_date(date) if date else fields.Date.context_today(self)
        companies = company or (
            # Every company the scheduled action runs for: a handful of
            # records, never a large table.
            # pylint: disable-next=no-search-all
            self.env["res.company"].search([])
            if self.env.su
            else self.env.user.company_ids
        )
        attempts = self.browse()
        for company in companies:
            policy = self.env["dunning.payment.policy"]._policy_for(company)
            try:
                engine_policy = policy._engine_policy()
            except DunningConfigError as error:
                _logger.error(
                    "Payment recovery skipped for %s: %s", company.name, error
                )
                continue
            try:
                attempts |= self.with_company(company)._run_payment_recovery_company(
                    company, policy, engine_policy, as_of
                )
            except Exception:
                if not self.env.context.get("dunning_commit_progress"):
                    raise
                # What was committed stays (attempts are recorded before each
                # charge); the other companies go on, the next run resumes.
                _logger.exception(
                    "Payment recovery failed for company %s", company.name
                )
                self.env.cr.rollback()
                attempts = attempts.exists()
        return attempts

    def _run_payment_recovery_company(self, company, policy, engine_policy, as_of):
        self._release_invoices_not_in_recovery(company, as_of)
        self._send_precharge_notices(company, engine_policy, as_of)
        self.env["payment.token"]._send_expiry_notices(company, as_of)
        return self._recover_company(company, policy, engine_policy, as_of)

    def _checkpoint(self):
        """Make what is done so far durable: a commit in the scheduled action,
        nothing otherwise (tests and buttons run in one transaction)."""
        if self.env.context.get("dunning_commit_progress"):
            self.env["ir.cron"]._commit_progress(1)

    @api.model
    def _recovery_partners(self, company):
        return (
            self.env["res.partner"]
            .with_company(company)
            .search(
                [
                    ("payment_auto_charge", "=", True),
                    ("payment_recovery_excluded", "=", False),
                ]
            )
        )

    @api.model
    def _open_invoices(self, company, partners, extra_domain=()):
        return self.env["account.move"].search(
            [
                ("company_id", "=", company.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("commercial_partner_id", "in", partners.ids),
                # A disputed invoice (no_followup set by a user) is not charged.
                "|",
                ("payment_recovery_hold", "=", True),
                (
                    "line_ids",
                    "not any",
                    [
                        ("account_type", "=", "asset_receivable"),
                        ("no_followup", "=", True),
                    ],
                ),
                *extra_domain,
            ],
            order="invoice_date_due, id",
        )

    def _recover_company(self, company, policy, engine_policy, as_of):
        partners = self._recovery_partners(company)
        invoices = self._open_invoices(company, partners)
        if not invoices:
            return self.browse()
        facts = self._invoice_facts(invoices)
        token_days = self._token_attempt_days(as_of)
        attempts = self.browse()
        for invoice in invoices:
            # The final action for another invoice may have stopped the customer.
            if (
                invoice.payment_recovery_state == "handed_over"
                or not invoice.commercial_partner_id.with_company(
                    company
                ).payment_auto_charge
            ):
                continue
            decision = decide(facts[invoice.id], as_of, engine_policy)
            if decision.action == FINAL:
                invoice._payment_final_action(policy, as_of)
                self._checkpoint()
            elif decision.action in (CHARGE, RETRY):
                token = invoice.commercial_partner_id.with_company(
                    company
                )._payment_recovery_token()
                if token and not within_caps(
                    token_days[token.id], as_of, engine_policy
                ):
                    _logger.info(
                        "Payment recovery: %s not charged today, "
                        "payment method %s reached its cap",
                        invoice.name,
                        token.id,
                    )
                    continue
                attempt = self._charge(
                    invoice,
                    token,
                    as_of,
                    "due" if decision.action == CHARGE else "retry",
                    engine_policy,
                )
                attempts |= attempt
                if token:
                    token_days[token.id].append(as_of)
        return attempts

    def _invoice_facts(self, invoices):
        """What the engine needs about each invoice, read in batch."""
        history = defaultdict(lambda: self.browse())
        for attempt in self.search([("move_id", "in", invoices.ids)]):
            history[attempt.move_id.id] |= attempt
        open_tx = set(
            self.env["payment.transaction"]
            .sudo()
            .search(
                [
                    ("invoice_ids", "in", invoices.ids),
                    ("state", "in", OPEN_TX_STATES),
                ]
            )
            .invoice_ids.ids
        )
        facts = {}
        for invoice in invoices:
            attempts = history[invoice.id]
            facts[invoice.id] = InvoiceRecovery(
                due=invoice.invoice_date_due or invoice.invoice_date,
                first_attempt_done=any(
                    attempt.attempt_number >= 1 for attempt in attempts
                ),
                first_failure=invoice.payment_first_failure_date or None,
                retries_done=invoice.payment_retries_done,
                hard_declined=invoice.payment_hard_declined,
                open_transaction=(
                    invoice.id in open_tx
                    or any(
                        attempt.state in ("charging", "pending") for attempt in attempts
                    )
                ),
                final_done=invoice.payment_recovery_state == "handed_over",
            )
        return facts

    def _token_attempt_days(self, as_of):
        """The days each payment method was charged in the last 30 days."""
        days = defaultdict(list)
        for attempt in self.search_read(
            [
                ("date", ">", as_of - timedelta(days=30)),
                ("token_id", "!=", False),
                ("trigger", "!=", "customer"),
            ],
            ["token_id", "date"],
        ):
            days[attempt["token_id"][0]].append(attempt["date"])
        return days

    # ------------------------------------------------------------------
    # One charge
    # ------------------------------------------------------------------

    def _charge(self, invoice, token, as_of, trigger, engine_policy):
        """Charge ``invoice`` with ``token`` through Odoo's payment registration
        (an account.payment with the token: a successful transaction posts the
        payment and reconciles it with the invoice) and record the outcome."""
        number = (
            self.search_count(
                [("move_id", "=", invoice.id), ("attempt_number", ">=", 1)]
            )
            + 1
        )
        attempt = self.create(
            {
                "move_id": invoice.id,
                "date": as_of,
                "attempt_number": number,
                "trigger": trigger,
                "token_id": token.id,
                "amount": invoice.amount_residual,
                "currency_id": invoice.currency_id.id,
                "amount_company": abs(invoice.amount_residual_signed),
                "state": "charging",
            }
        )
        if not token:
            attempt._record_result(
                None,
                None,
                engine_policy,
                as_of,
                self.env._("No valid saved payment method."),
            )
            self._checkpoint()
            return attempt
        # The attempt is durable before the provider is called.
        self._checkpoint()
        try:
            with self.env.cr.savepoint():
                payment = self._register_token_payment(invoice, token, as_of)
        except Exception as error:  # noqa: BLE001 - the outcome at the provider is unknown
            _logger.exception(
                "Payment recovery: charge of %s interrupted", invoice.name
            )
            attempt.provider_message = self.env._(
                "The charge was interrupted (%s): check with the provider whether it "
                "went through, then mark the attempt as failed to release the invoice.",
                error,
            )
            invoice._payment_schedule_review(attempt)
            self._checkpoint()
            return attempt
        attempt._record_result(
            payment.payment_transaction_id, payment, engine_policy, as_of
        )
        self._checkpoint()
        return attempt

    def _register_token_payment(self, invoice, token, as_of):
        provider = token.sudo().provider_id
        journal = provider.journal_id
        method_line = journal.inbound_payment_method_line_ids.filtered(
            lambda line: line.payment_provider_id == provider
        )[:1]
        if not method_line:
            raise DunningConfigError(
                self.env._(
                    "The payment provider %s has no journal payment method to "
                    "register payments.",
                    provider.name,
                )
            )
        # The flag tells the post-processing hook that this transaction is ours.
        wizard = (
            self.env["account.payment.register"]
            .with_company(invoice.company_id)
            .with_context(
                active_model="account.move",
                active_ids=invoice.ids,
                dunning_payment_charging=True,
            )
            .create(
                {
                    "payment_date": as_of,
                    "journal_id": journal.id,
                    "payment_method_line_id": method_line.id,
                    "payment_token_id": token.id,
                }
            )
        )
        return wizard._create_payments()

    def _record_result(self, transaction, payment, engine_policy, as_of, message=None):
        """Write the provider's answer on the attempt and move the invoice's
        recovery on: paid, pending, or failed (soft or hard)."""
        self.ensure_one()
        invoice = self.move_id
        if transaction:
            tx_state = transaction.state
            message = transaction.state_message or message
            decline = classify_decline(
                tx_state, message or "", transaction.token_id.active
            )
        else:
            tx_state, decline = "error", HARD
        if tx_state == "done":
            state = "done"
        elif tx_state in OPEN_TX_STATES:
            state = "pending"
        else:
            state = "failed"
        self.write(
            {
                "state": state,
                "transaction_id": transaction.id if transaction else False,
                "payment_id": payment.id
                if payment and payment.state != "canceled"
                else False,
                "decline_type": decline,
                "provider_message": message or False,
            }
        )
        if state == "done":
            invoice._payment_recovered()
        elif state == "failed":
            invoice._payment_failed(self, engine_policy, as_of)

    # ------------------------------------------------------------------
    # Customers' own payments and new payment methods
    # ------------------------------------------------------------------

    @api.model
    def _after_transactions(self, transactions):
        """Called after payment transactions were post-processed: record the
        customer's own payment of an invoice being recovered, and charge the
        customer's failed invoices at once with a payment method just saved."""
        self._settle_pending_attempts(transactions)
        done = transactions.filtered(lambda tx: tx.state == "done")
        ours = self.search([("transaction_id", "in", done.ids)]).transaction_id
        for tx in done - ours:
            for invoice in tx.invoice_ids.filtered(
                lambda move: move.payment_recovery_state == "retrying"
            ):
                self.create(
                    {
                        "move_id": invoice.id,
                        "date": fields.Date.context_today(self),
                        "attempt_number": 0,
                        "trigger": "customer",
                        "state": "done",
                        "token_id": tx.token_id.id,
                        "amount": tx.amount,
                        "currency_id": tx.currency_id.id,
                        "amount_company": abs(invoice.amount_total_signed),
                        "transaction_id": tx.id,
                        "payment_id": tx.payment_id.id,
                    }
                )
                if invoice.payment_state in ("paid", "in_payment"):
                    invoice._payment_recovered()
        for tx in transactions.filtered(
            lambda tx: (
                tx.state in ("done", "authorized")
                and tx.token_id
                and tx.operation not in ("offline", "online_token")
            )
        ):
            tx.token_id._payment_new_method_saved()

    @api.model
    def _settle_pending_attempts(self, transactions):
        """A charge the provider left pending got its answer: record it."""
        pending = self.search(
            [("transaction_id", "in", transactions.ids), ("state", "=", "pending")]
        )
        today = fields.Date.context_today(self)
        for attempt in pending:
            tx = attempt.transaction_id
            if tx.state in OPEN_TX_STATES:
                continue
            policy = self.env["dunning.payment.policy"]._policy_for(attempt.company_id)
            attempt._record_result(tx, tx.payment_id, policy._engine_policy(), today)

    @api.model
    def _retry_with_new_method(self, partner, token):
        """Charge the customer's failed invoices now with ``token``."""
        company = token.company_id or self.env.company
        partner = partner.with_company(company)
        if not partner.payment_auto_charge or partner.payment_recovery_excluded:
            return self.browse()
        invoices = self._open_invoices(
            company, partner, [("payment_recovery_state", "=", "retrying")]
        )
        if not invoices:
            return self.browse()
        engine_policy = (
            self.env["dunning.payment.policy"]._policy_for(company)._engine_policy()
        )
        facts = self._invoice_facts(invoices)
        today = fields.Date.context_today(self)
        token_days = self._token_attempt_days(today)
        attempts = self.browse()
        for invoice in invoices.filtered(
            lambda move: not facts[move.id].open_transaction
        ):
            if not within_caps(token_days[token.id], today, engine_policy):
                break
            attempts |= self.with_company(company)._charge(
                invoice, token, today, "new_method", engine_policy
            )
            token_days[token.id].append(today)
        return attempts

    # ------------------------------------------------------------------
    # Pre-charge notices and invoices leaving the recovery
    # ------------------------------------------------------------------

    def _send_precharge_notices(self, company, engine_policy, as_of):
        """Tell each opted-in customer, N days ahead, which invoices will be
        charged on which day with which payment method: once per invoice."""
        if not engine_policy.precharge_notice_days:
            return
        partners = self._recovery_partners(company)
        horizon = as_of + timedelta(days=engine_policy.precharge_notice_days)
        invoices = self._open_invoices(
            company,
            partners,
            [
                ("invoice_date_due", ">", as_of),
                ("invoice_date_due", "<=", horizon),
                ("payment_precharge_notice_date", "=", False),
                ("payment_attempt_ids", "=", False),
            ],
        )
        template = self.env.ref("dunning_followup.mail_template_payment_precharge")
        for partner, partner_invoices in invoices.grouped(
            "commercial_partner_id"
        ).items():
            token = partner.with_company(company)._payment_recovery_token()
            if not token:
                continue
            for due, due_invoices in partner_invoices.grouped(
                "invoice_date_due"
            ).items():
                partner.with_company(company).with_context(
                    lang=partner.lang,
                    payment_precharge_invoice_ids=due_invoices.ids,
                    payment_precharge_date=due,
                    payment_precharge_token_id=token.id,
                ).message_post_with_source(
                    template, message_type="comment", subtype_xmlid="mail.mt_comment"
                )
            partner_invoices.payment_precharge_notice_date = as_of
            self._checkpoint()

    def _release_invoices_not_in_recovery(self, company, as_of):
        """Invoices held out of the dunning levels while their charge was
        retried go back to dunning when their customer no longer has automatic
        charging (turned off, or excluded)."""
        partners = self._recovery_partners(company)
        held = self.env["account.move"].search(
            [
                ("company_id", "=", company.id),
                ("payment_recovery_hold", "=", True),
                ("commercial_partner_id", "not in", partners.ids),
            ]
        )
        if held:
            held._payment_hand_over(
                self.env._("Automatic charging is off for this customer.")
            )
