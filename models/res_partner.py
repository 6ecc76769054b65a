import logging
from collections import defaultdict

from markupsafe import Markup
from psycopg2.extras import Json

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import SQL, float_round
from odoo.tools.misc import format_date

from ..dunning_followup import (
    DEFAULT_AGING_EDGES,
    AgingItem,
    Item,
    aging,
    bucket_labels,
    customer_kind,
    days_overdue,
    priority_score,
    resolve_customer,
)
from .dunning_letter import PENDING_LETTER_STATES
from .dunning_portal_answer import ANSWER_TYPES

_logger = logging.getLogger(__name__)

DUNNING_STATUSES = [
    ("no_action", "No Action"),
    ("waiting", "Waiting"),
    ("action_needed", "Action Needed"),
    ("excluded", "Excluded"),
    ("collection", "In Collection"),
]
AGING_LABELS = bucket_labels(DEFAULT_AGING_EDGES)
DUNNING_TODOS = [
    ("approve", "Needs Approval"),
    ("send", "Ready to Send"),
    ("next_level", "Due for the Next Level"),
]
AGING_FIELDS = {label: f"dunning_aging_{label}" for label in AGING_LABELS}
CUSTOMER_KIND_OVERRIDES = [
    ("auto", "Automatic (company: B2B, person: B2C)"),
    ("b2b", "Business (B2B)"),
    ("b2c", "Consumer (B2C)"),
]


def _json_value(value):
    """A Python value as a JSONB literal for a company-dependent column."""
    if hasattr(value, "isoformat"):
        value = value.isoformat()
    return Json(value)


class ResPartner(models.Model):
    _inherit = "res.partner"

    # State of the escalation, per company (written by the dunning run)
    dunning_status = fields.Selection(
        DUNNING_STATUSES,
        company_dependent=True,
        readonly=True,
        help="No Action: nothing overdue. Waiting: overdue, but no reminder is due "
        "yet. Action Needed: a reminder is due. Excluded: never dunned. In Collection: "
        "handed over to collection.",
    )
    dunning_level_id = fields.Many2one(
        "dunning.level",
        company_dependent=True,
        readonly=True,
        help="The highest level this customer has been sent.",
    )
    dunning_level_due_id = fields.Many2one(
        "dunning.level",
        string="Next Level",
        company_dependent=True,
        readonly=True,
        help="The level of the reminder that is due now.",
    )
    dunning_next_date = fields.Date(
        string="Next Dunning Date", company_dependent=True, readonly=True
    )
    dunning_last_date = fields.Date(
        string="Last Reminder", company_dependent=True, readonly=True
    )
    dunning_max_days_overdue = fields.Integer(
        string="Days Overdue",
        company_dependent=True,
        readonly=True,
        help="Days overdue of the oldest overdue invoice.",
    )
    dunning_priority = fields.Float(
        string="Priority", company_dependent=True, readonly=True, digits=(16, 2)
    )

    # Settings of the customer, per company
    dunning_responsible_id = fields.Many2one(
        "res.users",
        company_dependent=True,
        help="Who follows up this customer's overdue invoices.",
    )
    dunning_excluded = fields.Boolean(
        string="Exclude from Dunning", company_dependent=True
    )
    dunning_exclusion_reason = fields.Char(
        string="Exclusion Reason", company_dependent=True
    )
    dunning_promise_date = fields.Date(
        string="Promised Payment Date",
        company_dependent=True,
        help="The customer promised to pay by this date: no escalation until then.",
    )

    # Live figures, in company currency (computed in batch)
    dunning_currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_dunning_amounts",
    )
    dunning_overdue_amount = fields.Monetary(
        string="Overdue Amount",
        compute="_compute_dunning_amounts",
        currency_field="dunning_currency_id",
    )
    dunning_total_due = fields.Monetary(
        string="Total Due",
        compute="_compute_dunning_amounts",
        currency_field="dunning_currency_id",
    )
    dunning_aging_not_due = fields.Monetary(
        string="Not Due",
        compute="_compute_dunning_amounts",
        currency_field="dunning_currency_id",
    )
    dunning_aging_1_30 = fields.Monetary(
        string="1-30",
        compute="_compute_dunning_amounts",
        currency_field="dunning_currency_id",
    )
    dunning_aging_31_60 = fields.Monetary(
        string="31-60",
        compute="_compute_dunning_amounts",
        currency_field="dunning_currency_id",
    )
    dunning_aging_61_90 = fields.Monetary(
        string="61-90",
        compute="_compute_dunning_amounts",
        currency_field="dunning_currency_id",
    )
    dunning_aging_91_120 = fields.Monetary(
        string="91-120",
        compute="_compute_dunning_amounts",
        currency_field="dunning_currency_id",
    )
    dunning_aging_120_plus = fields.Monetary(
        string="Over 120",
        compute="_compute_dunning_amounts",
        currency_field="dunning_currency_id",
    )
    dunning_aging_bar = fields.Html(
        string="Aging Bar", compute="_compute_dunning_aging_bar", sanitize=False
    )
    dunning_open_move_ids = fields.Many2many(
        "account.move", string="Open Invoices", compute="_compute_dunning_open_moves"
    )
    dunning_letter_ids = fields.One2many(
        "dunning.letter", "partner_id", string="Reminders"
    )
    dunning_letter_count = fields.Integer(compute="_compute_dunning_letter_count")
    dunning_failure_reason = fields.Char(
        string="Reminder Failed",
        compute="_compute_dunning_failure",
        search="_search_dunning_failure",
        help="Why the customer's reminder in this company could not be delivered "
        "(mail server error, invalid address, bounce); Send retries it.",
    )
    # The customer's last open answer on a reminder's self-service page
    dunning_answer_type = fields.Selection(
        ANSWER_TYPES,
        string="Customer Answer",
        compute="_compute_dunning_answer",
        search="_search_dunning_answer_type",
        help="What the customer last answered on a reminder's self-service page, "
        "while the responsible has not resolved it.",
    )
    dunning_answer_date = fields.Datetime(
        string="Answered On", compute="_compute_dunning_answer"
    )

    # What the accountant has to do next (the worklist)
    dunning_pending_letter_id = fields.Many2one(
        "dunning.letter",
        string="Pending Reminder",
        compute="_compute_dunning_todo",
        help="The reminder of this customer waiting to be approved or sent.",
    )
    dunning_todo = fields.Selection(
        DUNNING_TODOS,
        string="To Do",
        compute="_compute_dunning_todo",
        search="_search_dunning_todo",
        help="Needs Approval: a reminder waits for a manager. Ready to Send: a "
        "reminder was prepared or approved. Due for the Next Level: a reminder is "
        "due and none is prepared yet.",
    )

    # Fees and interest, per company
    dunning_customer_kind = fields.Selection(
        CUSTOMER_KIND_OVERRIDES,
        string="Customer Kind",
        company_dependent=True,
        help="Whether statutory interest treats this customer as a business or a "
        "consumer. Automatic: a company is a business, a person a consumer.",
    )
    dunning_interest_rule_id = fields.Many2one(
        "dunning.interest.rule",
        string="Interest Rule",
        company_dependent=True,
        help="The late-payment interest rule of this customer, instead of the dunning "
        "level's or the company's.",
    )

    # Collection: agencies and lawyers, and the cases handed over to them
    dunning_collection_agency = fields.Boolean(
        string="Collection Agency or Lawyer",
        help="This partner takes over overdue invoices in collection cases.",
    )
    dunning_collection_commission = fields.Float(
        string="Collection Commission (%)",
        digits=(16, 2),
        help="The agency's commission on what it recovers, in percent.",
    )
    dunning_collection_case_ids = fields.One2many(
        "dunning.collection.case", "partner_id", string="Collection Cases"
    )
    dunning_collection_case_count = fields.Integer(
        compute="_compute_dunning_collection_case_count"
    )

    @api.depends_context("company")
    def _compute_dunning_amounts(self):
        """Overdue amount, total due and aging buckets, with one grouped query
        for the whole recordset. Disputed lines (no_followup) count in the
        total due but not in the overdue amount."""
        company = self.env.company
        today = fields.Date.context_today(self)
        commercial = {partner: partner.commercial_partner_id for partner in self}
        groups = self.env["account.move.line"]._read_group(
            domain=[
                ("company_id", "=", company.id),
                ("partner_id", "in", [p.id for p in set(commercial.values()) if p.id]),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
            ],
            groupby=["partner_id", "date_maturity:day", "no_followup"],
            aggregates=["amount_residual:sum"],
        )
        items = defaultdict(list)
        disputed = defaultdict(float)
        for partner, date_due, no_followup, amount in groups:
            if no_followup:
                disputed[partner.id] += amount
            else:
                items[partner.id].append(AgingItem(date_due=date_due, amount=amount))
        currency = company.currency_id
        rounding = currency.rounding

        def rounded(amount):
            # What assigning a Monetary field does: rounded to its currency.
            return float_round(amount, precision_rounding=rounding) if amount else 0.0

        for partner in self:
            pid = commercial[partner].id
            buckets = aging(items.get(pid, ()), today)
            total_due = buckets["total"] + disputed.get(pid, 0.0)
            overdue = buckets["total"] - buckets["not_due"]
            values = {
                "dunning_currency_id": currency.id,
                "dunning_total_due": rounded(total_due),
                # Unallocated credits lower what the customer owes, never below zero.
                "dunning_overdue_amount": rounded(max(0.0, min(overdue, total_due))),
            }
            for label, fname in AGING_FIELDS.items():
                values[fname] = rounded(buckets[label])
            # Straight into the cache, already rounded: assigning the fields one
            # by one looks up the currency of every amount, which is most of the
            # time of a list of thousands of customers.
            partner._update_cache(values, validate=False)

    @api.depends_context("company")
    def _compute_dunning_open_moves(self):
        moves = self.env["account.move"].search(
            [
                ("company_id", "=", self.env.company.id),
                ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                ("move_type", "in", ("out_invoice", "out_refund", "out_receipt")),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
            ],
            order="invoice_date_due, id",
        )
        by_partner = defaultdict(list)
        for move in moves:
            by_partner[move.commercial_partner_id.id].append(move.id)
        for partner in self:
            partner.dunning_open_move_ids = [
                fields.Command.set(by_partner.get(partner.commercial_partner_id.id, []))
            ]

    @api.depends_context("company")
    def _compute_dunning_answer(self):
        answers = self.env["dunning.portal.answer"].search_fetch(
            [
                ("company_id", "=", self.env.company.id),
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("state", "=", "open"),
            ],
            ["partner_id", "answer_type", "create_date"],
            order="create_date desc, id desc",
        )
        last = {}
        for answer in answers:
            last.setdefault(answer.partner_id.id, answer)
        for partner in self:
            answer = last.get(partner.commercial_partner_id.id)
            partner.dunning_answer_type = answer.answer_type if answer else False
            partner.dunning_answer_date = answer.create_date if answer else False

    def _search_dunning_answer_type(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        types = [v for v in value if v]
        domain = [("company_id", "=", self.env.company.id), ("state", "=", "open")]
        if types:
            domain.append(("answer_type", "in", types))
        partners = (
            self.env["dunning.portal.answer"]._search(domain).select("partner_id")
        )
        # "Any answer" (!= False) reaches here as "not in [False]".
        if False in value and not types:
            operator = "not in" if operator == "in" else "in"
        return [("id", operator, partners)]

    def _compute_dunning_letter_count(self):
        counts = dict(
            self.env["dunning.letter"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)],
                groupby=["partner_id"],
                aggregates=["__count"],
            )
        )
        for partner in self:
            partner.dunning_letter_count = counts.get(partner.commercial_partner_id, 0)

    @api.depends("dunning_letter_ids.state", "dunning_letter_ids.failure_reason")
    @api.depends_context("company")
    def _compute_dunning_failure(self):
        """The failure reason of the customer's failed reminder in the current
        company, with one query for the whole recordset."""
        letters = self.env["dunning.letter"].search_fetch(
            [
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
                ("state", "=", "failed"),
            ],
            ["partner_id", "failure_reason"],
            order="id",
        )
        reasons = {
            letter.partner_id.id: letter.failure_reason or self.env._("Failed")
            for letter in letters
        }
        for partner in self:
            partner.dunning_failure_reason = reasons.get(
                partner.commercial_partner_id.id, False
            )

    def _search_dunning_failure(self, operator, value):
        """Only whether the reminder failed: ``!= False`` / ``= False``."""
        if operator not in ("in", "not in") or set(value) - {False, ""}:
            return NotImplemented
        failed = self.env["dunning.letter"]._search(
            [("company_id", "=", self.env.company.id), ("state", "=", "failed")]
        )
        operator = "not in" if operator == "in" else "in"
        return [("id", operator, failed.subselect("partner_id"))]

    def _compute_dunning_collection_case_count(self):
        counts = dict(
            self.env["dunning.collection.case"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)],
                groupby=["partner_id"],
                aggregates=["__count"],
            )
        )
        for partner in self:
            partner.dunning_collection_case_count = counts.get(
                partner.commercial_partner_id, 0
            )

    @api.depends_context("company")
    def _compute_dunning_todo(self):
        letters = self.env["dunning.letter"].search_fetch(
            [
                ("company_id", "=", self.env.company.id),
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("state", "in", PENDING_LETTER_STATES),
            ],
            ["partner_id", "state"],
        )
        pending = {letter.partner_id.id: letter for letter in letters}
        for partner in self:
            letter = pending.get(partner.commercial_partner_id.id, letters.browse())
            partner.dunning_pending_letter_id = letter
            if letter.state == "to_approve":
                partner.dunning_todo = "approve"
            elif letter:
                partner.dunning_todo = "send"
            elif partner.dunning_status == "action_needed":
                partner.dunning_todo = "next_level"
            else:
                partner.dunning_todo = False

    def _search_dunning_todo(self, operator, value):
        """Customers by what is to do, each kind a plain ``id IN (SELECT
        partner_id FROM dunning_letter ...)``: the planner estimates these
        semi-joins well, where the ``any`` of the one2many gave an estimate so
        high on a large ledger that PostgreSQL spent 0.6 s compiling the
        worklist's query (JIT) to run it in 0.2 s."""
        if operator not in ("=", "in"):
            return NotImplemented
        todos = {value} if operator == "=" else set(value)
        company_id = self.env.company.id
        self.env["dunning.letter"].flush_model(["company_id", "partner_id", "state"])

        def letters_in(states):
            return SQL(
                "SELECT partner_id FROM dunning_letter"
                " WHERE company_id = %s AND state IN %s",
                company_id,
                tuple(states),
            )

        domains = []
        if "approve" in todos:
            domains.append(Domain("id", "any!", letters_in(["to_approve"])))
        if "send" in todos:
            domains.append(
                Domain("id", "any!", letters_in(["draft", "approved", "failed"]))
            )
        if "next_level" in todos:
            domains.append(
                Domain("dunning_status", "=", "action_needed")
                & Domain("id", "not any!", letters_in(PENDING_LETTER_STATES))
            )
        return Domain.OR(domains) if domains else Domain.FALSE

    @api.depends_context("company")
    def _compute_dunning_aging_bar(self):
        """A small stacked bar of the customer's aging buckets (their share of
        the positive open amounts), with each bucket's amount as a badge."""
        colors = ["#28a745", "#9acd32", "#ffc107", "#fd7e14", "#dc3545", "#8b0000"]
        headers = self.env["dunning.aging.report"]._dunning_bucket_labels()
        for partner in self:
            currency = partner.dunning_currency_id or self.env.company.currency_id
            amounts = [
                (label, partner[f"dunning_aging_{label}"]) for label in AGING_LABELS
            ]
            positive = sum(max(amount, 0.0) for _label, amount in amounts)
            segments = Markup()
            badges = Markup()
            for (label, amount), color in zip(amounts, colors, strict=True):
                if positive > 0 and amount > 0:
                    segments += Markup(
                        '<div title="%s" '
                        'style="width:%.2f%%;background-color:%s"></div>'
                    ) % (headers[label], amount / positive * 100, color)
                badges += Markup(
                    '<span class="badge rounded-pill me-1 o_dunning_aging_%s" '
                    'style="background-color:%s;color:#fff">%s: %s</span>'
                ) % (
                    label,
                    color if amount else "#adb5bd",
                    headers[label],
                    currency.format(amount),
                )
            bar = (
                Markup(
                    '<div class="d-flex mb-1 rounded overflow-hidden" '
                    'style="height:10px;background-color:#e9ecef">%s</div>'
                )
                % segments
                if segments
                else Markup()
            )
            partner.dunning_aging_bar = Markup(
                '<div class="o_dunning_aging_bar">%s<div>%s</div></div>'
            ) % (bar, badges)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_dunning_refresh(self):
        """Recompute the dunning state of these customers now."""
        partners = self.commercial_partner_id
        self.env["res.partner"]._dunning_update_states(
            self.env.company, partners.ids, fields.Date.context_today(self)
        )
        return True

    def action_dunning_new_letter(self):
        """Send Reminder for this customer: the reminder already waiting to
        be sent, or a preview of a new one (created only on Send), in the
        Send Reminder dialog. With ``dunning_open_letter`` in the context (the
        worklist's Prepare Reminders), the reminder is created and opened."""
        self.ensure_one()
        partner = self.commercial_partner_id
        company = self.env.company
        letter = partner._dunning_pending_letter(company)
        if letter:
            if self.env.context.get("dunning_open_letter"):
                return letter._get_records_action()
            return letter.action_open_send_wizard()
        vals = partner._dunning_new_letter_values(company)[0]
        self.env["dunning.letter"]._dunning_check_fee_setup([vals])
        if self.env.context.get("dunning_open_letter"):
            return (
                self.env["dunning.letter"]
                .with_company(company)
                .create(vals)
                ._get_records_action()
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send Reminder"),
            "res_model": "dunning.send.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_partner_id": partner.id,
                "default_company_id": company.id,
            },
        }

    def _dunning_pending_letter(self, company):
        """The reminder of this customer waiting to be sent, if any."""
        self.ensure_one()
        return self.env["dunning.letter"].search(
            [
                ("partner_id", "=", self.commercial_partner_id.id),
                ("company_id", "=", company.id),
                ("state", "in", PENDING_LETTER_STATES),
            ],
            limit=1,
        )

    def _dunning_new_letter_values(self, company, date=None):
        """The values of a reminder for this customer now, at the level it is
        due for (or its current level, or the first one), listing all its
        overdue invoices; and, when no level is due, why ("5 days overdue;
        Friendly reminder starts at 7 days"). Nothing is written.

        :return: (values for dunning.letter, message or False)
        :raises UserError: nothing is overdue, or the levels are missing
        """
        self.ensure_one()
        partner = self.commercial_partner_id.with_company(company)
        today = date or fields.Date.context_today(self)
        Level = self.env["dunning.level"]
        kind = partner._dunning_customer_kind()
        levels = Level._dunning_levels_for(company, kind)
        if not levels:
            raise UserError(
                self.env._(
                    "Configure the dunning levels of %s first.", company.display_name
                )
            )
        open_items = partner._dunning_open_items(company, partner.ids)
        decision, _total = partner._dunning_evaluate(
            company,
            partner.ids,
            today,
            Level._dunning_engine_levels(company, kind),
            open_items,
        )[partner.id]
        if not decision.overdue_amount:
            raise UserError(
                self.env._("%s has no overdue invoice to remind.", partner.display_name)
            )
        level = decision.level or max(
            (d.current_level for d in decision.decisions if d.current_level),
            key=lambda lvl: (lvl.sequence, lvl.id),
            default=None,
        )
        level_record = Level.browse(level.id) if level else levels[0]
        vals = self.env["dunning.letter"]._dunning_letter_values(
            company,
            partner.id,
            decision,
            open_items.get(partner.id, []),
            today,
            level=level_record._dunning_to_engine(),
        )
        message = False
        if not decision.level:
            days = decision.max_days_overdue
            if level_record.delay > days:
                message = self.env._(
                    "%(days)s days overdue; %(level)s starts at %(delay)s days",
                    days=days,
                    level=level_record.name,
                    delay=level_record.delay,
                )
            elif decision.next_date:
                message = self.env._(
                    "%(days)s days overdue; the next reminder is due on %(date)s",
                    days=days,
                    date=format_date(self.env, decision.next_date),
                )
            else:
                message = self.env._(
                    "%(days)s days overdue; no further reminder is due", days=days
                )
        return vals, message

    def action_dunning_prepare_letters(self):
        """Batch from the Dunning list: prepare the reminders of the selected
        customers (or take the ones already waiting) and show them for review."""
        letters = self.env["dunning.letter"]
        skipped = []
        for partner in self.commercial_partner_id:
            try:
                action = partner.with_context(
                    dunning_open_letter=True
                ).action_dunning_new_letter()
            except UserError as error:
                skipped.append(f"{partner.display_name}: {error}")
                continue
            letters |= letters.browse(action["res_id"])
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dunning_followup.action_dunning_letter"
        )
        action["domain"] = [("id", "in", letters.ids)]
        action["context"] = {"search_default_group_state": 1}
        if skipped:
            _logger.info("Dunning batch skipped customers: %s", "; ".join(skipped))
        return action

    def action_dunning_approve_pending(self):
        """Worklist row button: approve the customer's reminder waiting for
        approval."""
        letters = self.commercial_partner_id.with_company(self.env.company)
        letters = letters.mapped("dunning_pending_letter_id").filtered(
            lambda letter: letter.state == "to_approve"
        )
        if not letters:
            raise UserError(
                self.env._("No reminder of these customers waits for approval.")
            )
        return letters.action_approve()

    def action_view_dunning_letters(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dunning_followup.action_dunning_letter"
        )
        action["domain"] = [("partner_id", "in", self.commercial_partner_id.ids)]
        action["context"] = {"default_partner_id": self.commercial_partner_id[:1].id}
        return action

    def action_view_dunning_open_items(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("id", "in", self.dunning_open_move_ids.ids)]
        action["context"] = {"create": False}
        return action

    def action_dunning_open_dunning_tab(self):
        """The customer's form opened on its Dunning tab (from the aging)."""
        self.ensure_one()
        partner = self.commercial_partner_id
        return {
            "type": "ir.actions.act_window",
            "name": partner.display_name,
            "res_model": "res.partner",
            "res_id": partner.id,
            "view_mode": "form",
            "views": [
                (
                    self.env.ref("dunning_followup.res_partner_view_form_dunning").id,
                    "form",
                )
            ],
        }

    def action_view_dunning_aging(self):
        """The receivables aging of this customer, as of today."""
        self.ensure_one()
        return self.env["dunning.aging.report"]._dunning_aging_action(
            domain=[("partner_id", "=", self.commercial_partner_id.id)]
        )

    def action_dunning_log_call(self):
        """Worklist button: log a call or a promise to pay for this customer."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log Call"),
            "res_model": "dunning.log.call",
            "view_mode": "form",
            "views": [
                (self.env.ref("dunning_followup.dunning_log_call_view_form").id, "form")
            ],
            "target": "new",
            "context": {
                "default_partner_id": self.commercial_partner_id.id,
                "default_company_id": self.env.company.id,
            },
        }

    def action_dunning_plan_visit(self):
        """Plan a field visit to this customer for its dunning responsible: a
        Visit activity with the customer's address."""
        self.ensure_one()
        partner = self.commercial_partner_id
        user = partner.with_company(self.env.company).dunning_responsible_id
        partner.activity_schedule(
            "dunning_followup.mail_activity_type_dunning_visit",
            note=partner._dunning_visit_note(
                self.env._(
                    "%(amount)s overdue.",
                    amount=self.env.company.currency_id.format(
                        partner.with_company(self.env.company).dunning_overdue_amount
                    ),
                )
            ),
            user_id=(user or self.env.user).id,
        )
        return True

    def action_dunning_log_visit(self):
        """Log the outcome of a field visit, as a call is logged."""
        action = self.action_dunning_log_call()
        action["name"] = self.env._("Log Visit")
        action["context"]["default_contact_type"] = "visit"
        return action

    def _dunning_visit_note(self, note):
        """``note`` with the address to visit, for a Visit activity."""
        address = self._display_address(without_company=True).strip()
        return Markup("<p>%s</p><p>%s<br/>%s</p>") % (
            note,
            self.display_name,
            Markup("<br/>").join(address.splitlines()) if address else "",
        )

    def _dunning_visit_activities(self):
        """The visits planned for this customer, still to do."""
        visit = self.env.ref(
            "dunning_followup.mail_activity_type_dunning_visit",
            raise_if_not_found=False,
        )
        if not visit:
            return self.env["mail.activity"]
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", self.ids),
                ("activity_type_id", "=", visit.id),
            ]
        )

    def action_dunning_hand_over(self):
        """Hand this customer's overdue invoices over to an agency or lawyer."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Hand Over to Collection"),
            "res_model": "dunning.collection.handover",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_partner_id": self.commercial_partner_id.id,
                "default_company_id": self.env.company.id,
            },
        }

    def action_view_dunning_collection_cases(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dunning_followup.dunning_collection_case_action"
        )
        action["domain"] = [("partner_id", "in", self.commercial_partner_id.ids)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------
    # Dunning evaluation (used by the run and by the refresh button)
    # ------------------------------------------------------------------

    @api.model
    def _dunning_partners_with_open_items(self, company):
        """The commercial partners with an open receivable item in
        ``company``: the customers a run looks at (one query returning ids,
        not the items themselves)."""
        self.env["account.move.line"].flush_model(
            ["partner_id", "amount_residual", "reconciled", "parent_state"]
            + ["company_id", "account_id"]
        )
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        rows = self.env.execute_query(
            SQL(
                """
            SELECT DISTINCT partner.commercial_partner_id
              FROM account_move_line line
              JOIN account_account account ON account.id = line.account_id
              JOIN res_partner partner ON partner.id = line.partner_id
             WHERE line.company_id = %s
               AND account.account_type = 'asset_receivable'
               AND line.parent_state = 'posted'
               AND line.reconciled IS NOT TRUE
               AND line.amount_residual != 0
            """,
                company.id,
            )
        )
        return [row[0] for row in rows]

    def _dunning_open_items(self, company, partner_ids=None):
        """Open receivable items of ``company``, per commercial partner.

        One query for the whole company (or the given partners); each row is
        what the engine and the letter lines need.
        """
        partner_filter = SQL()
        if partner_ids is not None:
            # The items of the customers' contacts too, found through the
            # index on the unreconciled items' (account, partner): filtering
            # on the joined partner's commercial entity would read every
            # receivable item of the company for each batch.
            self.env["res.partner"].flush_model(["commercial_partner_id"])
            contact_ids = [
                row[0]
                for row in self.env.execute_query(
                    SQL(
                        "SELECT id FROM res_partner"
                        " WHERE commercial_partner_id = ANY(%s)",
                        list(partner_ids),
                    )
                )
            ]
            partner_filter = SQL("AND line.partner_id = ANY(%s)", contact_ids)
        self.env["account.move.line"].flush_model(
            [
                "partner_id",
                "move_id",
                "date_maturity",
                "amount_residual",
                "amount_residual_currency",
                "currency_id",
                "no_followup",
                "reconciled",
                "parent_state",
                "company_id",
                "account_id",
            ]
        )
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env["account.move"].flush_model(
            [
                "dunning_level_id",
                "dunning_last_date",
                "name",
                "invoice_date",
                "amount_total_signed",
            ]
        )
        rows = self.env.execute_query_dict(
            SQL(
                """
            SELECT partner.commercial_partner_id AS partner_id,
                   line.id AS line_id,
                   line.move_id,
                   COALESCE(line.date_maturity, line.date) AS date_due,
                   line.amount_residual,
                   line.amount_residual_currency,
                   line.currency_id,
                   COALESCE(line.no_followup, FALSE) AS no_followup,
                   move.dunning_level_id,
                   move.dunning_last_date,
                   move.name AS move_name,
                   move.invoice_date,
                   move.amount_total_signed
              FROM account_move_line line
              JOIN account_account account ON account.id = line.account_id
              JOIN account_move move ON move.id = line.move_id
              JOIN res_partner partner ON partner.id = line.partner_id
             WHERE line.company_id = %(company)s
               AND account.account_type = 'asset_receivable'
               AND line.parent_state = 'posted'
               AND line.reconciled IS NOT TRUE
               AND line.amount_residual != 0
               %(partner_filter)s
             ORDER BY partner.commercial_partner_id, line.id
            """,
                company=company.id,
                partner_filter=partner_filter,
            )
        )
        # Invoices an agency works on get no reminder of ours (collection cases).
        in_cases = set(
            self.env["dunning.collection.case"]
            ._dunning_moves_in_cases(
                company=company,
                moves=self.env["account.move"].browse({row["move_id"] for row in rows}),
            )
            .ids
        )
        by_partner = defaultdict(list)
        for row in rows:
            row["in_collection"] = row["move_id"] in in_cases
            by_partner[row["partner_id"]].append(row)
        return by_partner

    @api.model
    def _dunning_evaluate(self, company, partner_ids, as_of, levels, open_items):
        """Ask the engine what each customer is due for. ``levels`` are the
        engine levels, or {kind: levels} to give each customer the levels of its
        kind (business or consumer).

        :return: {partner_id: (CustomerDecision, total_due)}
        """
        stepwise = company.dunning_escalation != "straight"
        partners = self.browse(partner_ids).with_company(company)
        by_kind = levels if isinstance(levels, dict) else None
        result = {}
        for partner in partners:
            if by_kind is not None:
                levels = by_kind[partner._dunning_customer_kind()]
            rows = open_items.get(partner.id, [])
            items = [
                Item(
                    id=row["line_id"],
                    date_due=row["date_due"],
                    amount_residual=row["amount_residual"],
                    last_level_id=row["dunning_level_id"],
                    last_date=row["dunning_last_date"],
                    excluded=row["no_followup"] or row.get("in_collection", False),
                )
                for row in rows
            ]
            decision = resolve_customer(
                items,
                levels,
                as_of,
                excluded=partner.dunning_excluded,
                promise_date=partner.dunning_promise_date or None,
                stepwise=stepwise,
            )
            total_due = sum(row["amount_residual"] for row in rows)
            result[partner.id] = (decision, total_due)
        return result

    @api.model
    def _dunning_state_values(self, company, decision, total_due, rows):
        """The company-dependent state columns for one customer."""
        in_credit = company.currency_id.compare_amounts(total_due, 0.0) <= 0
        status = decision.status
        overdue = max(0.0, min(decision.overdue_amount, total_due))
        if in_credit and status in ("action_needed", "waiting"):
            # The customer's credits cover everything: nothing to claim.
            status = "no_action"
        if status in ("no_action", "waiting") and any(
            row.get("in_collection") for row in rows
        ):
            # Nothing of ours to send: the rest is with the collection agency.
            status = "collection"
        current = max(
            (d.current_level for d in decision.decisions if d.current_level),
            key=lambda level: (level.sequence, level.id),
            default=None,
        )
        last_dates = [
            row["dunning_last_date"] for row in rows if row["dunning_last_date"]
        ]
        return {
            "dunning_status": status,
            "dunning_level_id": current.id if current else None,
            "dunning_level_due_id": decision.level.id
            if decision.level and status == "action_needed"
            else None,
            "dunning_next_date": decision.next_date if status != "no_action" else None,
            "dunning_last_date": max(last_dates) if last_dates else None,
            "dunning_max_days_overdue": decision.max_days_overdue,
            "dunning_priority": priority_score(
                overdue, decision.max_days_overdue, company.dunning_priority_method
            )
            if status in ("action_needed", "waiting", "collection")
            else 0.0,
        }

    @api.model
    def _dunning_write_states(self, company, states):
        """Write the company-dependent state of many customers in one query.

        ``states`` maps partner ids to the dicts of ``_dunning_state_values``.
        Company-dependent columns are JSONB maps keyed by company id; the
        ORM would issue one UPDATE per partner here.
        """
        if not states:
            return
        columns = list(next(iter(states.values())))
        key = str(company.id)
        self.flush_model(columns)
        values = SQL(", ").join(
            SQL(
                "(%s::int, %s)",
                partner_id,
                SQL(", ").join(
                    SQL("%s::jsonb", _json_value(vals[column])) for column in columns
                ),
            )
            for partner_id, vals in states.items()
        )
        assignments = SQL(", ").join(
            SQL(
                "%(col)s = COALESCE(res_partner.%(col)s, '{}'::jsonb) || "
                "jsonb_build_object(%(key)s, v.%(col)s)",
                col=SQL.identifier(column),
                key=key,
            )
            for column in columns
        )
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner SET %(assignments)s FROM (VALUES %(values)s) AS "
                "v(id, %(names)s) WHERE res_partner.id = v.id",
                assignments=assignments,
                values=values,
                names=SQL(", ").join(SQL.identifier(column) for column in columns),
            )
        )
        self.invalidate_model(columns)

    @api.model
    def _dunning_update_states(self, company, partner_ids, as_of):
        """Recompute and store the dunning state of these customers.

        :return: {partner_id: (CustomerDecision, rows, state)} for the caller
            to act on: the engine's decision, the customer's open items (the
            rows of ``_dunning_open_items``) and the state values just stored
        """
        levels = self.env["dunning.level"]._dunning_engine_levels_by_kind(company)
        open_items = self._dunning_open_items(company, partner_ids)
        evaluated = self._dunning_evaluate(
            company, partner_ids, as_of, levels, open_items
        )
        states = {}
        result = {}
        for partner_id, (decision, total_due) in evaluated.items():
            rows = open_items.get(partner_id, [])
            states[partner_id] = self._dunning_state_values(
                company, decision, total_due, rows
            )
            result[partner_id] = (decision, rows, states[partner_id])
        self._dunning_write_states(company, states)
        return result

    # ------------------------------------------------------------------
    # Interest and the customer statement
    # ------------------------------------------------------------------

    def _dunning_customer_kind(self):
        """'b2b' or 'b2c' for the current company."""
        self.ensure_one()
        override = self.dunning_customer_kind
        return customer_kind(
            self.is_company, override if override in ("b2b", "b2c") else None
        )

    def _dunning_statement_date(self):
        """The day the statement is made, in the user's timezone."""
        return fields.Date.context_today(self)

    def _dunning_statement_lines(self, company=None):
        """Every open receivable item of this customer (its commercial
        partner) in ``company`` (default: the current company), due or not,
        in company currency, by due date.

        :return: list of dicts with the keys move_name, invoice_date, date_due,
            days_overdue, amount, amount_residual, currency (the item's own
            currency when it differs from the company's, else False),
            amount_residual_currency and disputed.
        """
        self.ensure_one()
        company = company or self.env.company
        commercial = self.commercial_partner_id
        today = self._dunning_statement_date()
        lines = self.env["account.move.line"].search(
            [
                ("company_id", "=", company.id),
                ("partner_id", "=", commercial.id),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("amount_residual", "!=", 0.0),
            ],
            order="date_maturity, id",
        )
        result = []
        for line in lines:
            date_due = line.date_maturity or line.date
            foreign = (
                line.currency_id if line.currency_id != company.currency_id else False
            )
            result.append(
                {
                    "move_name": line.move_id.name,
                    "invoice_date": line.move_id.invoice_date,
                    "date_due": date_due,
                    "days_overdue": max(0, days_overdue(date_due, today)),
                    "amount": line.balance,
                    "amount_residual": line.amount_residual,
                    "currency": foreign,
                    "amount_residual_currency": line.amount_residual_currency,
                    "disputed": bool(line.no_followup),
                }
            )
        return result

    # ------------------------------------------------------------------
    # Payment recovery: automatic charges of saved payment methods, per company
    # ------------------------------------------------------------------
    payment_auto_charge = fields.Boolean(
        string="Automatic Charge",
        company_dependent=True,
        help="Charge this customer's invoices on their due date with the saved payment "
        "method (after a pre-charge notice), and retry failed charges.",
    )
    payment_auto_charge_token_id = fields.Many2one(
        "payment.token",
        string="Payment Method to Charge",
        company_dependent=True,
        domain="[('partner_id', 'child_of', commercial_partner_id)]",
        help="Empty: the customer's most recent valid saved payment method.",
    )
    payment_recovery_excluded = fields.Boolean(
        string="Exclude from Payment Recovery",
        company_dependent=True,
        help="Never charge this customer automatically, nor retry its failed charges.",
    )
    payment_auto_charge_stop_date = fields.Date(
        string="Automatic Charge Stopped On", company_dependent=True, readonly=True
    )
    payment_auto_charge_stop_reason = fields.Char(
        string="Why Automatic Charge Stopped", company_dependent=True, readonly=True
    )
    payment_recovery_token_ids = fields.One2many(
        "payment.token", "partner_id", string="Saved Payment Methods", readonly=True
    )

    def action_payment_charge_now(self):
        """Charge the customer's open invoices now with its payment method."""
        self.ensure_one()
        Attempt = self.env["dunning.payment.attempt"]
        company = self.env.company
        partner = self.commercial_partner_id.with_company(company)
        token = partner._payment_recovery_token()
        if not token:
            raise UserError(
                self.env._(
                    "%s has no valid saved payment method to charge.",
                    partner.display_name,
                )
            )
        invoices = Attempt._open_invoices(company, partner)
        facts = Attempt._invoice_facts(invoices)
        invoices = invoices.filtered(lambda move: not facts[move.id].open_transaction)
        if not invoices:
            raise UserError(
                self.env._(
                    "%s has no open invoice to charge (or a charge is still pending).",
                    partner.display_name,
                )
            )
        engine_policy = (
            self.env["dunning.payment.policy"]._policy_for(company)._engine_policy()
        )
        today = fields.Date.context_today(self)
        attempts = Attempt.browse()
        for invoice in invoices:
            attempts |= Attempt._charge(invoice, token, today, "manual", engine_policy)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Payment Attempts"),
            "res_model": "dunning.payment.attempt",
            "view_mode": "list,form",
            "domain": [("id", "in", attempts.ids)],
        }

    def action_payment_request_method(self):
        """E-mail the customer a link to save a new payment method."""
        self.ensure_one()
        partner = self.commercial_partner_id
        if not partner._payment_update_url():
            raise UserError(
                self.env._(
                    "%s has no open invoice whose page could take a new payment "
                    "method.",
                    partner.display_name,
                )
            )
        template = self.env.ref("dunning_followup.mail_template_payment_method_request")
        partner.with_context(lang=partner.lang).message_post_with_source(
            template, message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        return True

    def action_view_payment_attempts(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Payment Attempts"),
            "res_model": "dunning.payment.attempt",
            "view_mode": "list,form",
            "domain": [("partner_id", "=", self.commercial_partner_id.id)],
        }

    def _payment_recovery_token(self):
        """The payment method to charge: the chosen one while it is valid, else
        the most recent valid saved one of the customer or its contacts."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        chosen = self.payment_auto_charge_token_id.sudo()
        if chosen.active and not chosen._payment_is_expired(today):
            return chosen
        tokens = (
            self.env["payment.token"]
            .sudo()
            .search(
                [
                    ("partner_id", "child_of", self.commercial_partner_id.id),
                    ("provider_id.state", "in", ("enabled", "test")),
                    ("provider_id.capture_manually", "=", False),
                    ("company_id", "in", (self.env.company.id, False)),
                ],
                order="create_date desc, id desc",
            )
        )
        return tokens.filtered(lambda token: not token._payment_is_expired(today))[:1]

    def _payment_update_url(self):
        """Where the customer saves a new payment method without logging in:
        the portal page of its oldest open invoice (failed charges first)."""
        self.ensure_one()
        invoice = self.env["account.move"].search(
            [
                ("commercial_partner_id", "=", self.commercial_partner_id.id),
                ("company_id", "=", self.env.company.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
            ],
            order="payment_first_failure_date asc nulls last, invoice_date_due, id",
            limit=1,
        )
        return invoice._payment_update_url() if invoice else False

    @api.model
    def _payment_precharge_context(self):
        """The invoices, date and payment method a pre-charge notice names."""
        ctx = self.env.context
        invoices = self.env["account.move"].browse(
            ctx.get("payment_precharge_invoice_ids")
        )
        return {
            "invoices": invoices,
            "total": sum(invoices.mapped("amount_residual")),
            "currency": invoices[:1].currency_id or self.env.company.currency_id,
            "date": ctx.get("payment_precharge_date"),
            "token": self.env["payment.token"]
            .sudo()
            .browse(ctx.get("payment_precharge_token_id")),
        }
