"""Dunning fees, statutory late-payment interest and the fixed compensation for
recovery costs on reminders, and the fee invoice that charges them.

When a reminder is created, its fee lines are computed as of its date: the
level's fee on the overdue amount, the interest of every overdue invoice for the
days not charged yet, and the fixed compensation once per invoice. What was
already charged is read from the fee lines of the reminders that are not
cancelled: no separate counter can drift from what the customer was told.
Depending on the company setting, the lines are then invoiced on a customer
invoice of their own (draft or posted), which is dunned like any other invoice
but never charged a fee or interest itself.
"""

import logging
from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import plaintext2html

from ..dunning_followup import (
    DunningConfigError,
    FeeRule,
    compensation_due,
    customer_kind,
    fee_applies,
    level_fee,
    statutory_interest,
    to_decimal,
    validate_fee_rule,
)

_logger = logging.getLogger(__name__)

FEE_TYPES = [
    ("fee", "Dunning Fee"),
    ("interest", "Interest"),
    ("compensation", "Fixed Compensation"),
]
FEE_POSTINGS = [
    ("none", "Show on the reminder only"),
    ("draft", "Draft customer invoice"),
    ("posted", "Posted customer invoice"),
]
CUSTOMER_KIND_OVERRIDES = [
    ("auto", "Automatic (company: B2B, person: B2C)"),
    ("b2b", "Business (B2B)"),
    ("b2c", "Consumer (B2C)"),
]
# Only invoices earn interest and compensation: not credit notes, nor payments
# or entries left open on the receivable account.
INTEREST_MOVE_TYPES = ("out_invoice", "out_receipt")


class _MissingRate(Exception):
    """No exchange rate of ``currency`` is in force on ``date``."""

    def __init__(self, currency, date):
        super().__init__(currency, date)
        self.currency = currency
        self.date = date


def _rounding(currency):
    """The currency's rounding step as the engine's Decimal."""
    return to_decimal(currency.rounding, "currency rounding")


def _split(total, parts, currency):
    """``parts`` rounded to ``currency``, the last one absorbing the rounding
    difference so that they add up to ``total``."""
    rounded = [currency.round(float(part)) for part in parts]
    if rounded:
        rounded[-1] = currency.round(total - sum(rounded[:-1]))
    return rounded


class DunningLetterFee(models.Model):
    """A fee, interest or compensation line of a reminder."""

    _name = "dunning.letter.fee"
    _description = "Dunning Letter Fee"
    _order = "letter_id, sequence, id"

    letter_id = fields.Many2one("dunning.letter", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="letter_id.company_id", store=True, index=True)
    letter_currency_id = fields.Many2one(related="letter_id.currency_id", string="Company Currency")
    sequence = fields.Integer(default=10)
    fee_type = fields.Selection(FEE_TYPES, string="Type", required=True)
    move_id = fields.Many2one(
        "account.move", string="Invoice", index="btree_not_null", ondelete="restrict",
        help="The overdue invoice the interest or compensation is about; empty for the "
        "level's fee.",
    )
    name = fields.Char(string="Description", required=True)
    date_from = fields.Date(string="From")
    date_to = fields.Date(string="To")
    rate = fields.Float(string="Annual Rate (%)", digits=(16, 4))
    amount = fields.Monetary(currency_field="letter_currency_id",
                             help="In company currency.")
    currency_id = fields.Many2one("res.currency", string="Currency",
                                  help="The currency of the invoice (or of the fee invoice).")
    amount_currency = fields.Monetary(string="Amount in Currency", currency_field="currency_id")


class DunningLevel(models.Model):
    _inherit = "dunning.level"

    fee_fixed = fields.Monetary(string="Fixed Fee", currency_field="currency_id")
    fee_percent = fields.Float(
        string="Fee (% of Overdue)", digits=(16, 4),
        help="Percentage of the overdue amount of the reminder (fee invoices excluded).",
    )
    fee_minimum = fields.Monetary(string="Minimum Fee", currency_field="currency_id")
    fee_maximum = fields.Monetary(
        string="Maximum Fee", currency_field="currency_id", help="0: no maximum."
    )
    charge_interest = fields.Boolean(
        string="Charge Interest",
        help="Charge late-payment interest up to the reminder's date, and the fixed "
        "compensation for recovery costs once per invoice where the rule has one.",
    )
    interest_rule_id = fields.Many2one(
        "dunning.interest.rule", string="Interest Rule",
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
        help="The customer's own rule comes first; the company's default rule applies "
        "when neither the customer nor the level has one.",
    )

    @api.constrains("fee_fixed", "fee_percent", "fee_minimum", "fee_maximum")
    def _check_fee(self):
        for level in self:
            try:
                validate_fee_rule(level._fee_rule())
            except DunningConfigError as error:
                raise ValidationError(self.env._(
                    "Dunning level %(level)s: %(error)s", level=level.display_name,
                    error=str(error))) from error

    def _fee_rule(self):
        """The level's fee as the engine's FeeRule (company currency)."""
        self.ensure_one()
        return FeeRule(
            fixed=to_decimal(self.fee_fixed or 0.0),
            percent=to_decimal(self.fee_percent or 0.0),
            minimum=to_decimal(self.fee_minimum) if self.fee_minimum else None,
            maximum=to_decimal(self.fee_maximum) if self.fee_maximum else None,
        )

    def _dunning_has_fee(self):
        self.ensure_one()
        return bool(self.fee_fixed or self.fee_percent or self.fee_minimum)

    def _dunning_charges_fees(self):
        """Whether reminders of this level carry fees or interest at all."""
        self.ensure_one()
        return self._dunning_has_fee() or self.charge_interest

    def _dunning_missing_fee_products(self, company):
        """The fee types this level charges on an invoice for which ``company``
        has no product: {'fee', 'interest'} or a part of it."""
        self.ensure_one()
        if company.dunning_fee_posting == "none":
            return set()
        missing = set()
        if self._dunning_has_fee() and not company.dunning_fee_product_id:
            missing.add("fee")
        if self.charge_interest and not company.dunning_interest_product_id:
            missing.add("interest")
        return missing

    def _dunning_missing_product_message(self, company, missing):
        products = []
        if "fee" in missing:
            products.append(self.env._("dunning fee product"))
        if "interest" in missing:
            products.append(self.env._("interest product"))
        return self.env._(
            "The dunning level %(level)s charges fees or interest on a customer invoice, but "
            "%(company)s has no %(products)s: choose it in the Accounting settings (Dunning), "
            "or show the fees on the reminders only.",
            level=self.display_name, company=company.display_name,
            products=self.env._(" and ").join(products),
        )


class ResCompany(models.Model):
    _inherit = "res.company"

    def _default_dunning_fee_product(self):
        return self.env.ref("dunning_followup.product_dunning_fee", raise_if_not_found=False)

    def _default_dunning_interest_product(self):
        return self.env.ref("dunning_followup.product_dunning_interest", raise_if_not_found=False)

    dunning_fee_posting = fields.Selection(
        FEE_POSTINGS, string="Charge Dunning Fees", required=True, default="none",
        help="Show on the reminder only: fees and interest are stated, not charged.\n"
        "Draft or posted customer invoice: they are invoiced to the customer on an invoice "
        "of their own, linked to the reminder.",
    )
    dunning_fee_product_id = fields.Many2one(
        "product.product", string="Dunning Fee Product", default=_default_dunning_fee_product,
        help="Product (and so income account) of the dunning fees on fee invoices.",
    )
    dunning_interest_product_id = fields.Many2one(
        "product.product", string="Interest Product", default=_default_dunning_interest_product,
        help="Product (and so income account) of late-payment interest and fixed "
        "compensation on fee invoices.",
    )
    dunning_interest_rule_id = fields.Many2one(
        "dunning.interest.rule", string="Default Interest Rule",
        help="The interest rule of dunning levels that charge interest without a rule of "
        "their own, for customers without one.",
    )

    @api.model
    def _dunning_set_default_fee_products(self):
        """Give the companies that existed before the module the shipped products."""
        fee = self._default_dunning_fee_product()
        interest = self._default_dunning_interest_product()
        for company in self.sudo().search([]):
            if fee and not company.dunning_fee_product_id:
                company.dunning_fee_product_id = fee
            if interest and not company.dunning_interest_product_id:
                company.dunning_interest_product_id = interest


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dunning_fee_posting = fields.Selection(related="company_id.dunning_fee_posting",
                                           readonly=False)
    dunning_fee_product_id = fields.Many2one(related="company_id.dunning_fee_product_id",
                                             readonly=False)
    dunning_interest_product_id = fields.Many2one(
        related="company_id.dunning_interest_product_id", readonly=False)
    dunning_interest_rule_id = fields.Many2one(
        related="company_id.dunning_interest_rule_id", readonly=False,
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
    )


class ResPartner(models.Model):
    _inherit = "res.partner"

    dunning_customer_kind = fields.Selection(
        CUSTOMER_KIND_OVERRIDES, string="Customer Kind", company_dependent=True,
        help="Whether statutory interest treats this customer as a business or a consumer. "
        "Automatic: a company is a business, a person a consumer.",
    )
    dunning_interest_rule_id = fields.Many2one(
        "dunning.interest.rule", string="Interest Rule", company_dependent=True,
        help="The late-payment interest rule of this customer, instead of the dunning "
        "level's or the company's.",
    )

    def _dunning_customer_kind(self):
        """'b2b' or 'b2c' for the current company."""
        self.ensure_one()
        override = self.dunning_customer_kind
        return customer_kind(self.is_company, override if override in ("b2b", "b2c") else None)


class AccountMove(models.Model):
    _inherit = "account.move"

    dunning_fee_letter_id = fields.Many2one(
        "dunning.letter", string="Fees of Reminder", readonly=True, copy=False,
        index="btree_not_null", ondelete="set null",
        help="This invoice charges the fees and interest of this reminder. It is dunned "
        "like any invoice, but no fee or interest is charged on it.",
    )


class DunningLetter(models.Model):
    _inherit = "dunning.letter"

    fee_line_ids = fields.One2many("dunning.letter.fee", "letter_id", string="Fees and Interest",
                                   copy=False)
    fee_move_id = fields.Many2one(
        "account.move", string="Fee Invoice", readonly=True, copy=False, check_company=True,
        index="btree_not_null", ondelete="set null",
    )
    fee_notes = fields.Text(
        string="Fee Notes", readonly=True, copy=False,
        help="Why fees, interest or compensation were not charged.",
    )
    amount_fees = fields.Monetary(
        string="Fees", compute="_compute_fee_amounts", store=True, currency_field="currency_id"
    )
    amount_interest = fields.Monetary(
        string="Interest", compute="_compute_fee_amounts", store=True,
        currency_field="currency_id",
    )
    amount_compensation = fields.Monetary(
        string="Fixed Compensation", compute="_compute_fee_amounts", store=True,
        currency_field="currency_id",
    )
    amount_grand_total = fields.Monetary(
        string="Total Claimed", compute="_compute_fee_amounts", store=True,
        currency_field="currency_id",
        help="The amount due plus the fees, interest and compensation of this reminder.",
    )

    @api.depends("amount_total", "fee_line_ids.amount", "fee_line_ids.fee_type")
    def _compute_fee_amounts(self):
        for letter in self:
            sums = defaultdict(float)
            for line in letter.fee_line_ids:
                sums[line.fee_type] += line.amount
            letter.amount_fees = sums["fee"]
            letter.amount_interest = sums["interest"]
            letter.amount_compensation = sums["compensation"]
            letter.amount_grand_total = (
                letter.amount_total + sums["fee"] + sums["interest"] + sums["compensation"]
            )

    # ------------------------------------------------------------------
    # Hooks in the letter's life
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        skip = self.env.context.get("dunning_skip_fees")
        if not skip and not self._dunning_fee_run():
            # Outside the run a misconfiguration is an error for the user to
            # fix, raised before anything is written.
            for vals in vals_list:
                level = self.env["dunning.level"].browse(vals.get("level_id"))
                if not level or not level._dunning_charges_fees():
                    continue
                company = (self.env["res.company"].browse(vals.get("company_id"))
                           or self.env.company)
                missing = level._dunning_missing_fee_products(company)
                if missing:
                    raise UserError(level._dunning_missing_product_message(company, missing))
        letters = super().create(vals_list)
        if not skip:
            for letter in letters:
                letter._dunning_apply_fees()
        return letters

    def _run_dunning_batch(self, company, partner_ids, as_of):
        # In the run, a customer whose fees cannot be charged is logged and
        # reminded without them: the other customers are still dunned.
        return super(DunningLetter, self.with_context(dunning_fee_run=True))._run_dunning_batch(
            company, partner_ids, as_of)

    def action_cancel(self):
        unsent = self.filtered(lambda letter: letter.state != "sent")
        unsent._dunning_check_fee_moves_cancellable()
        result = super().action_cancel()
        unsent._dunning_cancel_fee_moves()
        return result

    def action_reset_draft(self):
        cancelled = self.filtered(lambda letter: letter.state == "cancelled")
        result = super().action_reset_draft()
        # Its fee invoice was cancelled, and meanwhile another reminder may
        # have charged the same days: charge again what is still due now.
        for letter in cancelled:
            letter.fee_line_ids.unlink()
            letter.write({"fee_move_id": False, "fee_notes": False})
            letter._dunning_apply_fees()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_cancel_fee_moves(self):
        unsent = self.filtered(lambda letter: letter.state != "sent")
        unsent._dunning_check_fee_moves_cancellable()
        unsent._dunning_cancel_fee_moves()

    # ------------------------------------------------------------------
    # Fee invoices
    # ------------------------------------------------------------------

    def _dunning_fee_moves(self):
        return self.env["account.move"].search([
            ("dunning_fee_letter_id", "in", self.ids), ("state", "!=", "cancel"),
        ]) | self.fee_move_id.filtered(lambda move: move.state != "cancel")

    def _dunning_check_fee_moves_cancellable(self):
        for letter in self:
            for move in letter._dunning_fee_moves():
                receivable = move.line_ids.filtered(
                    lambda line: line.account_type in ("asset_receivable", "liability_payable"))
                if (move.state == "posted" and move.payment_state not in ("not_paid", "blocked")) \
                        or receivable.matched_debit_ids or receivable.matched_credit_ids:
                    raise UserError(self.env._(
                        "The fee invoice %(invoice)s of reminder %(letter)s is already paid or "
                        "reconciled: remove its payment first, or issue a credit note instead "
                        "of cancelling the reminder.",
                        invoice=move.display_name, letter=letter.name))

    def _dunning_cancel_fee_moves(self):
        moves = self._dunning_fee_moves()
        posted = moves.filtered(lambda move: move.state == "posted")
        if posted:
            posted.button_draft()
        if moves:
            moves.button_cancel()

    # ------------------------------------------------------------------
    # Computing the fees
    # ------------------------------------------------------------------

    def _dunning_fee_run(self):
        return bool(self.env.context.get("dunning_fee_run"))

    def _dunning_apply_fees(self):
        """Compute the fee lines of this new reminder and invoice them per the
        company setting. In the run, an error is logged and noted on the
        reminder, which is sent without fees; otherwise it is raised."""
        self.ensure_one()
        if not self.level_id._dunning_charges_fees():
            return
        if self.state in ("sent", "cancelled") or self.fee_line_ids or self._dunning_fee_moves():
            return  # charged once, whatever calls this again
        try:
            with self.env.cr.savepoint():
                notes = self._dunning_create_fee_lines()
                notes += self._dunning_create_fee_move()
        except _MissingRate as missing:
            # Not expected (the currencies were checked), but never a wrong amount.
            error = UserError(self.env._(
                "No fees or interest were charged: the currency %(currency)s has no exchange "
                "rate on %(date)s.", currency=missing.currency.name, date=missing.date))
            if not self._dunning_fee_run():
                raise error from missing
            _logger.warning("Reminder %s (%s): %s", self.name, self.partner_id.display_name,
                            error)
            notes = [str(error)]
        except Exception as error:
            if not self._dunning_fee_run():
                raise
            # In the run the reminder still goes, without its fees, and says why.
            expected = isinstance(error, (UserError, ValidationError, DunningConfigError))
            _logger.warning("Reminder %s (%s): no fees or interest charged: %s",
                            self.name, self.partner_id.display_name, error,
                            exc_info=not expected)
            notes = [self.env._("No fees or interest were charged: %s", str(error))]
        if notes:
            self.fee_notes = "\n".join(notes)
            self.message_post(body=plaintext2html("\n".join(notes)))

    def _dunning_rate_available(self, currency):
        """Whether ``currency`` has an exchange rate in force on the letter's
        date for the letter's company. Odoo would otherwise convert at its
        earliest rate, or at 1 when it has none at all: a silently wrong amount."""
        company = self.company_id
        if currency == company.currency_id:
            return True
        return bool(self.env["res.currency.rate"].sudo().search_count([
            ("currency_id", "=", currency.id),
            ("name", "<=", self.date),
            ("company_id", "in", (False, company.root_id.id)),
        ], limit=1))

    def _dunning_convert(self, amount, from_currency, to_currency):
        """``amount`` converted at the letter's date, rounded.

        :raises _MissingRate: when a currency has no rate in force on that date
        """
        if from_currency == to_currency:
            return to_currency.round(amount)
        for currency in (from_currency, to_currency):
            if not self._dunning_rate_available(currency):
                raise _MissingRate(currency, self.date)
        return from_currency._convert(amount, to_currency, self.company_id, self.date)

    def _dunning_fee_currency(self):
        """The currency of the fee invoice: the one the reminded invoices share,
        else (or without a rate for it) the company's."""
        company_currency = self.company_id.currency_id
        currencies = self.env["res.currency"].union(*(
            line.move_currency_id or company_currency for line in self.line_ids))
        if len(currencies) == 1 and self._dunning_rate_available(currencies):
            return currencies
        return company_currency

    def _dunning_already_charged(self, moves):
        """What earlier reminders (not cancelled) charged on ``moves``:
        ({move id: last day of interest charged}, {move ids with compensation})."""
        charged_until = {}
        compensated = set()
        fees = self.env["dunning.letter.fee"].sudo().search_fetch([
            ("move_id", "in", moves.ids),
            ("fee_type", "in", ("interest", "compensation")),
            ("letter_id", "!=", self.id),
            ("letter_id.state", "!=", "cancelled"),
        ], ["move_id", "fee_type", "date_to"])
        for fee in fees:
            if fee.fee_type == "compensation":
                compensated.add(fee.move_id.id)
            elif fee.date_to:
                previous = charged_until.get(fee.move_id.id)
                charged_until[fee.move_id.id] = max(previous or fee.date_to, fee.date_to)
        return charged_until, compensated

    def _dunning_create_fee_lines(self):
        """Create the fee lines of this reminder; return notes on what was not charged."""
        self.ensure_one()
        company = self.company_id
        level = self.level_id
        notes = []
        missing = level._dunning_missing_fee_products(company)
        if missing:
            message = level._dunning_missing_product_message(company, missing)
            if not self._dunning_fee_run():
                raise UserError(message)
            _logger.warning("Reminder %s: %s", self.name, message)
            notes.append(message)
        # No fees on fees: fee invoices are reminded, never charged again.
        lines = self.line_ids.filtered(
            lambda line: fee_applies(bool(line.move_id.dunning_fee_letter_id)))
        vals_list = []
        if level._dunning_has_fee() and "fee" not in missing:
            vals_list += self._dunning_level_fee_values(lines)
        if level.charge_interest and "interest" not in missing:
            interest_vals, interest_notes = self._dunning_interest_values(lines)
            vals_list += interest_vals
            notes += interest_notes
        for sequence, vals in enumerate(vals_list, start=1):
            vals.update(letter_id=self.id, sequence=sequence)
        self.env["dunning.letter.fee"].create(vals_list)
        return notes

    def _dunning_level_fee_values(self, lines):
        """The level's fee on the overdue amount of ``lines``, in the fee
        invoice's currency and in company currency."""
        company_currency = self.company_id.currency_id
        fee_currency = self._dunning_fee_currency()
        foreign = fee_currency != company_currency
        overdue = sum(
            line.amount_residual_currency if foreign else line.amount_residual for line in lines)
        rate = self.env["res.currency"]._get_conversion_rate(
            company_currency, fee_currency, self.company_id, self.date)
        amount_currency = float(level_fee(
            overdue, self.level_id._fee_rule(), rate=rate, rounding=_rounding(fee_currency)))
        if fee_currency.is_zero(amount_currency):
            return []
        return [{
            "fee_type": "fee",
            "name": self.env._("Dunning fee (%s)", self.level_id.name),
            "date_to": self.date,
            "rate": self.level_id.fee_percent,
            "currency_id": fee_currency.id,
            "amount_currency": amount_currency,
            "amount": self._dunning_convert(amount_currency, fee_currency, company_currency),
        }]

    def _dunning_interest_rule(self):
        """The interest rule of this reminder: the customer's, else the level's,
        else the company's."""
        partner = self.partner_id.with_company(self.company_id)
        return (partner.dunning_interest_rule_id or self.level_id.interest_rule_id
                or self.company_id.dunning_interest_rule_id)

    def _dunning_interest_values(self, lines):
        """Interest and compensation lines for the invoices of ``lines``, and
        notes on what could not be charged."""
        company = self.company_id
        company_currency = company.currency_id
        partner = self.partner_id.with_company(company)
        rule = self._dunning_interest_rule()
        if not rule:
            return [], [self.env._(
                "The level %s charges interest, but no interest rule applies: set one on the "
                "level, the customer or the company.", self.level_id.name)]
        kind = partner._dunning_customer_kind()
        if not rule._applies_to(kind):
            return [], [self.env._(
                "No interest charged: the rule %(rule)s applies to %(rule_kind)s only, and "
                "%(partner)s is a %(kind)s customer.", rule=rule.display_name,
                rule_kind=dict(rule._fields["customer_kind"]._description_selection(self.env))[
                    rule.customer_kind],
                partner=partner.display_name, kind=kind.upper())]
        engine_rule = rule._to_engine()
        series = rule._series_points()
        invoice_lines = lines.filtered(lambda line: line.move_id.move_type in INTEREST_MOVE_TYPES)
        charged_until, compensated = self._dunning_already_charged(invoice_lines.move_id)
        vals_list, notes = [], []
        debts = {}  # move -> [residual in company currency, residual in its currency]
        for line in invoice_lines:
            move = line.move_id
            currency = line.move_currency_id or company_currency
            principal = (line.amount_residual_currency if currency != company_currency
                         else line.amount_residual)
            if currency.compare_amounts(principal, 0.0) <= 0:
                continue
            debt = debts.setdefault(move, [0.0, 0.0])
            debt[0] += line.amount_residual
            debt[1] += principal
            try:
                result = statutory_interest(
                    principal, line.date_due, self.date, engine_rule, series,
                    charged_until=charged_until.get(move.id), rounding=_rounding(currency))
            except DunningConfigError as error:
                notes.append(self._dunning_skip_note(
                    self.env._("No interest charged on %(invoice)s: %(error)s",
                               invoice=line.move_name or move.display_name, error=str(error))))
                continue
            if currency.is_zero(float(result.amount)):
                continue
            try:
                vals_list += self._dunning_interest_period_values(rule, line, currency, result)
            except _MissingRate as missing:
                notes.append(self._dunning_missing_rate_note(
                    missing, self.env._("interest"), line.move_name or move.display_name))
        if engine_rule.compensation_bands:
            for move, (residual, residual_currency) in debts.items():
                try:
                    vals_list += self._dunning_compensation_values(
                        rule, engine_rule, move, residual, residual_currency,
                        already_charged=move.id in compensated)
                except _MissingRate as missing:
                    notes.append(self._dunning_missing_rate_note(
                        missing, self.env._("fixed compensation"), move.name))
        return vals_list, notes

    def _dunning_skip_note(self, message):
        _logger.warning("Reminder %s (%s): %s", self.name, self.partner_id.display_name, message)
        return message

    def _dunning_missing_rate_note(self, missing, what, invoice):
        return self._dunning_skip_note(self.env._(
            "No %(what)s charged on %(invoice)s: the currency %(currency)s has no exchange rate "
            "on %(date)s.", what=what, invoice=invoice, currency=missing.currency.name,
            date=missing.date))

    def _dunning_interest_period_values(self, rule, line, currency, result):
        """One fee line per period of one rate; the periods' amounts add up to
        the engine's total, which is rounded once."""
        company_currency = self.company_id.currency_id
        total_currency = float(result.amount)
        total = self._dunning_convert(total_currency, currency, company_currency)
        amounts_currency = _split(total_currency, [p.amount for p in result.periods], currency)
        amounts = _split(total, [
            self._dunning_convert(amount, currency, company_currency)
            for amount in amounts_currency
        ], company_currency)
        invoice = line.move_name or line.move_id.display_name
        margin = rule.margin if rule.rate_type == "reference" else 0.0
        vals_list = []
        for period, amount_currency, amount in zip(result.periods, amounts_currency, amounts):
            rate = float(period.annual_rate)
            params = {
                "date_from": period.date_from, "date_to": period.date_to, "invoice": invoice,
                "rate": f"{rate:.2f}", "margin": f"{margin:.2f}",
                "series": rule._series_short_name(),
                "reference": f"{rate - margin:.2f}",
            }
            if rule.rate_type == "reference" and rate > 0:
                name = self.env._(
                    "Interest %(margin)s %% + %(series)s %(reference)s %% from %(date_from)s "
                    "to %(date_to)s on %(invoice)s", **params)
            else:
                name = self.env._(
                    "Interest %(rate)s %% from %(date_from)s to %(date_to)s on %(invoice)s",
                    **params)
            vals_list.append({
                "fee_type": "interest",
                "move_id": line.move_id.id,
                "name": name,
                "date_from": period.date_from,
                "date_to": period.date_to,
                "rate": rate,
                "currency_id": currency.id,
                "amount_currency": amount_currency,
                "amount": amount,
            })
        return vals_list

    def _dunning_compensation_values(self, rule, engine_rule, move, residual,
                                     residual_currency, already_charged):
        """The fixed compensation of ``move``, once per invoice, converted from
        the rule's currency into company and invoice currency."""
        if already_charged:
            return []
        company_currency = self.company_id.currency_id
        move_currency = move.currency_id or company_currency
        rule_currency = rule.compensation_currency_id or company_currency
        if rule_currency == move_currency:
            debt = residual_currency
        else:
            debt = self._dunning_convert(residual, company_currency, rule_currency)
        compensation = float(compensation_due(already_charged, debt, engine_rule))
        if rule_currency.is_zero(compensation):
            return []
        return [{
            "fee_type": "compensation",
            "move_id": move.id,
            "name": self.env._(
                "Fixed compensation for recovery costs (%(amount)s) on %(invoice)s",
                amount=rule_currency.format(compensation), invoice=move.name),
            "date_to": self.date,
            "currency_id": move_currency.id,
            "amount_currency": self._dunning_convert(compensation, rule_currency, move_currency),
            "amount": self._dunning_convert(compensation, rule_currency, company_currency),
        }]

    def _dunning_create_fee_move(self):
        """Invoice the fee lines per the company setting: one invoice line per
        fee, and per invoice for its interest and for its compensation."""
        self.ensure_one()
        company = self.company_id
        if company.dunning_fee_posting == "none" or not self.fee_line_ids:
            return []
        currency = self._dunning_fee_currency()
        groups = {}
        for fee in self.fee_line_ids:
            key = (fee.fee_type, fee.id) if fee.fee_type == "fee" else (fee.fee_type, fee.move_id.id)
            groups.setdefault(key, self.env["dunning.letter.fee"])
            groups[key] |= fee
        invoice_lines = []
        for (fee_type, _key), fees in groups.items():
            product = (company.dunning_fee_product_id if fee_type == "fee"
                       else company.dunning_interest_product_id)
            if not product:
                raise UserError(self.level_id._dunning_missing_product_message(
                    company, {"fee"} if fee_type == "fee" else {"interest"}))
            price = sum(
                fee.amount_currency if fee.currency_id == currency
                else self._dunning_convert(fee.amount, company.currency_id, currency)
                for fee in fees)
            if currency.is_zero(price):
                continue
            invoice_lines.append(Command.create({
                "product_id": product.id,
                "name": "\n".join(fees.mapped("name")),
                "quantity": 1.0,
                "price_unit": price,
                # Statutory late-payment interest and the fixed compensation are
                # damages, not the price of a supply: they are outside the scope
                # of VAT in the EU (CJEU C-222/81 BAZ, C-277/05 Société thermale).
                # Dunning fees are kept tax-free too; a company that must charge
                # VAT on its fees adds the tax on the draft fee invoice.
                "tax_ids": [Command.clear()],
            }))
        if not invoice_lines:
            return []
        move = self.env["account.move"].with_company(company).create({
            "move_type": "out_invoice",
            "partner_id": self.partner_id.id,
            "currency_id": currency.id,
            "invoice_date": self.date,
            "invoice_origin": self.name,
            "dunning_fee_letter_id": self.id,
            "invoice_line_ids": invoice_lines,
        })
        if company.dunning_fee_posting == "posted":
            move.action_post()
        self.fee_move_id = move
        return []
