from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..dunning_followup import (
    DunningConfigError,
    FeeRule,
    Level,
    to_decimal,
    validate_fee_rule,
    validate_levels,
)

DEFAULT_LEVEL_XMLIDS = (
    "dunning_followup.dunning_level_friendly",
    "dunning_followup.dunning_level_second",
    "dunning_followup.dunning_level_final",
    "dunning_followup.dunning_level_collection",
)


TRANSLATED_LEVEL_FIELDS = (
    "name",
    "letter_subject",
    "letter_intro",
    "letter_closing",
    "activity_summary",
)


class DunningLevel(models.Model):
    """A step of the dunning escalation: how late an invoice must be before the
    customer gets this reminder, and how the reminder is delivered."""

    _name = "dunning.level"
    _description = "Dunning Level"
    _order = "company_id, sequence, id"

    # Identity
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(required=True, default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")

    origin_level_id = fields.Many2one(
        "dunning.level",
        string="Copied From",
        readonly=True,
        ondelete="set null",
        help="The shipped default level this one was copied from; its translations "
        "follow the shipped ones while its texts are unchanged.",
    )

    # When
    delay = fields.Integer(
        string="Days after Due Date",
        required=True,
        help="Days after the due date from which an invoice reaches this level. "
        "A negative delay sends a courtesy reminder before the due date.",
    )
    min_interval = fields.Integer(
        string="Minimum Interval",
        default=7,
        help="Days that must pass since the previous reminder before this level is "
        "sent.",
    )
    min_amount = fields.Monetary(
        string="Minimum Amount",
        currency_field="currency_id",
        help="Invoices whose amount still due is below this amount do not reach this "
        "level.",
    )

    # How
    send_email = fields.Boolean(string="Send E-mail", default=True)
    send_letter = fields.Boolean(string="Print Letter")
    create_activity = fields.Boolean(string="Schedule Activity")
    activity_type_id = fields.Many2one(
        "mail.activity.type",
    )
    activity_user_id = fields.Many2one(
        "res.users",
        string="Activity Responsible",
        help="Who gets the activity; the customer's dunning responsible when empty.",
    )
    activity_summary = fields.Char(translate=True)
    auto_send = fields.Boolean(
        string="Send Automatically",
        help="Ticked: the daily run sends reminders of this level without review. "
        "Unticked: a manager approves each reminder before it is sent.",
    )
    join_invoices = fields.Boolean(
        string="Attach Invoices", help="Attach the overdue invoices' PDF to the e-mail."
    )
    collection = fields.Boolean(
        string="Hand Over to Collection",
        help="When a reminder of this level is sent, its invoices are handed over to "
        "the collection agency in a collection case.",
    )
    collection_agency_id = fields.Many2one(
        "res.partner",
        domain=[("dunning_collection_agency", "=", True)],
        help="Who the invoices are handed over to; the company's agency when empty.",
    )
    collection_notice = fields.Boolean(
        string="Send Hand-over Notice",
        help="E-mail the customer that the debt goes to the agency or lawyer.",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="E-mail Template",
        domain=[("model", "=", "dunning.letter")],
    )

    # Wording
    letter_subject = fields.Char(string="Subject", translate=True)
    letter_intro = fields.Html(string="Introduction", translate=True, sanitize=True)
    letter_closing = fields.Html(string="Closing", translate=True, sanitize=True)

    # Fees and interest
    fee_fixed = fields.Monetary(string="Fixed Fee", currency_field="currency_id")
    fee_percent = fields.Float(
        string="Fee (% of Overdue)",
        digits=(16, 4),
        help="Percentage of the overdue amount of the reminder (fee invoices "
        "excluded).",
    )
    fee_minimum = fields.Monetary(string="Minimum Fee", currency_field="currency_id")
    fee_maximum = fields.Monetary(
        string="Maximum Fee", currency_field="currency_id", help="0: no maximum."
    )
    charge_interest = fields.Boolean(
        help="Charge late-payment interest up to the reminder's date, and the fixed "
        "compensation for recovery costs once per invoice where the rule has one.",
    )
    interest_rule_id = fields.Many2one(
        "dunning.interest.rule",
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
        help="The customer's own rule comes first; the company's default rule applies "
        "when neither the customer nor the level has one.",
    )

    _min_interval_positive = models.Constraint(
        "CHECK(min_interval >= 0)",
        "The minimum interval of a dunning level cannot be negative.",
    )
    _min_amount_positive = models.Constraint(
        "CHECK(min_amount >= 0)",
        "The minimum amount of a dunning level cannot be negative.",
    )

    @api.constrains(
        "sequence", "delay", "min_interval", "min_amount", "company_id", "active"
    )
    def _check_escalation(self):
        """Refuse inconsistent levels with a message that names the level,
        the field at fault and the amounts in their currency."""
        for level in self:
            level._dunning_raise_first(level._dunning_value_problems())
        for company in self.company_id:
            self._dunning_raise_first(
                self._dunning_order_problems(self._dunning_levels_for(company))
            )
            try:
                self._dunning_engine_levels(company)
            except DunningConfigError as error:
                raise ValidationError(
                    self.env._(
                        "The dunning levels of %(company)s are inconsistent: %(error)s",
                        company=company.display_name,
                        error=str(error),
                    )
                ) from error

    @api.onchange(
        "sequence",
        "delay",
        "min_interval",
        "min_amount",
        "fee_fixed",
        "fee_percent",
        "fee_minimum",
        "fee_maximum",
    )
    def _onchange_dunning_check_values(self):
        """Warn while the level is edited, on the field at fault, with the
        message saving it would raise."""
        self.ensure_one()
        problems = self._dunning_value_problems()
        if self.company_id:
            levels = self._dunning_levels_for(self.company_id) - self._origin
            if self.active:
                levels = [*levels, self]
            problems += [
                (fname, message)
                for fname, message, level in self._dunning_order_problems(
                    sorted(levels, key=lambda lvl: (lvl.sequence, lvl._origin.id))
                )
                if level == self
            ]
        if not problems:
            return None
        fname, message = problems[0][:2]
        return {
            "warning": {
                "title": self._dunning_field_label(fname),
                "message": message,
            }
        }

    @api.model
    def _dunning_raise_first(self, problems):
        """Raise the first of ``problems`` ((field name, message, ...) tuples)."""
        if problems:
            raise ValidationError(problems[0][1])

    def _dunning_field_label(self, fname):
        return self._fields[fname].get_description(self.env)["string"]

    def _dunning_value_problems(self):
        """The values of this level (saved or being edited) that cannot be, as
        (field name, message) pairs; each message names the level, the field
        and the amount in the company's currency."""
        self.ensure_one()
        currency = self.currency_id or self.env.company.currency_id
        problems = []
        if self.min_interval < 0:
            problems.append(
                (
                    "min_interval",
                    self.env._(
                        "%(level)s: “Minimum Interval” must be zero or more days, "
                        "not %(days)s.",
                        level=self.name,
                        days=self.min_interval,
                    ),
                )
            )
        for fname in ("min_amount", "fee_fixed", "fee_minimum", "fee_maximum"):
            if currency.compare_amounts(self[fname], 0.0) < 0:
                problems.append(
                    (
                        fname,
                        self.env._(
                            "%(level)s: “%(field)s” cannot be negative (%(amount)s).",
                            level=self.name,
                            field=self._dunning_field_label(fname),
                            amount=currency.format(self[fname]),
                        ),
                    )
                )
        if self.fee_percent < 0:
            problems.append(
                (
                    "fee_percent",
                    self.env._(
                        "%(level)s: “Fee (%% of Overdue)” cannot be negative "
                        "(%(percent)s %%).",
                        level=self.name,
                        percent=self.fee_percent,
                    ),
                )
            )
        if (
            self.fee_maximum
            and currency.compare_amounts(self.fee_minimum, self.fee_maximum) > 0
        ):
            problems.append(
                (
                    "fee_minimum",
                    self.env._(
                        "%(level)s: “Minimum Fee” (%(minimum)s) is above “Maximum "
                        "Fee” (%(maximum)s).",
                        level=self.name,
                        minimum=currency.format(self.fee_minimum),
                        maximum=currency.format(self.fee_maximum),
                    ),
                )
            )
        return problems

    @api.model
    def _dunning_order_problems(self, levels):
        """For ``levels`` in escalation order, the ones placed wrongly as
        (field name, message, level) triples: each level starts later than
        the one before it."""
        problems = []
        previous = None
        for level in levels:
            if previous and level.sequence == previous.sequence:
                problems.append(
                    (
                        "sequence",
                        self.env._(
                            "%(level)s and %(previous)s have the same place in the "
                            "escalation: drag one of them above the other.",
                            level=level.name,
                            previous=previous.name,
                        ),
                        level,
                    )
                )
            elif previous and level.delay <= previous.delay:
                problems.append(
                    (
                        "delay",
                        self.env._(
                            "%(level)s comes after %(previous)s, so its “Days after "
                            "Due Date” must be more than %(previous_delay)s days (it "
                            "is %(delay)s).",
                            level=level.name,
                            previous=previous.name,
                            previous_delay=previous.delay,
                            delay=level.delay,
                        ),
                        level,
                    )
                )
            previous = level
        return problems

    @api.constrains("create_activity", "activity_type_id")
    def _check_activity(self):
        for level in self:
            if level.create_activity and not level.activity_type_id:
                raise ValidationError(
                    self.env._(
                        "The dunning level %s schedules an activity: choose its type.",
                        level.display_name,
                    )
                )

    @api.constrains("fee_fixed", "fee_percent", "fee_minimum", "fee_maximum")
    def _check_fee(self):
        for level in self:
            level._dunning_raise_first(level._dunning_value_problems())
            try:
                validate_fee_rule(level._dunning_fee_rule())
            except DunningConfigError as error:
                raise ValidationError(
                    self.env._(
                        "Dunning level %(level)s: %(error)s",
                        level=level.display_name,
                        error=str(error),
                    )
                ) from error

    @api.model
    def _dunning_create_default_levels(self, companies=None):
        """Give every company without dunning levels a copy of the shipped
        default levels, with their translations."""
        if companies is None:
            # every company gets the default levels, and companies are few
            # pylint: disable-next=no-search-all
            companies = self.env["res.company"].search([])
        defaults = self.browse()
        for xmlid in DEFAULT_LEVEL_XMLIDS:
            defaults |= self.env.ref(xmlid, raise_if_not_found=False) or self.browse()
        if not defaults:
            return self.browse()
        have_levels = set(
            self.with_context(active_test=False)
            .search([("company_id", "in", companies.ids)])
            .company_id.ids
        )
        created = self.browse()
        for company in companies:
            if company.id in have_levels:
                continue
            for level in defaults.sorted("sequence"):
                created |= level.copy(
                    {"company_id": company.id, "origin_level_id": level.id}
                )
        return created

    @api.model
    def _dunning_sync_default_translations(self, langs):
        """Languages loaded after a company got its copies of the default
        levels reach those copies too, for every text the admin has not
        changed (its English still equals the shipped one).

        Translated columns hold one value per language: the copy takes the
        shipped level's value of each loaded language, in one query per field.
        """
        self.flush_model(list(TRANSLATED_LEVEL_FIELDS) + ["origin_level_id"])
        for fname in TRANSLATED_LEVEL_FIELDS:
            column = SQL.identifier(fname)
            self.env.cr.execute(
                SQL(
                    """
                UPDATE dunning_level copy
                   SET %(col)s = COALESCE(copy.%(col)s, '{}'::jsonb) || (
                           SELECT jsonb_object_agg(lang.key, lang.value)
                             FROM jsonb_each(origin.%(col)s) lang
                            WHERE lang.key = ANY(%(langs)s))
                  FROM dunning_level origin
                 WHERE copy.origin_level_id = origin.id
                   AND copy.%(col)s ->> 'en_US'
                       IS NOT DISTINCT FROM origin.%(col)s ->> 'en_US'
                   AND origin.%(col)s ?| %(langs)s
                """,
                    col=column,
                    langs=list(langs),
                )
            )
        self.invalidate_model(list(TRANSLATED_LEVEL_FIELDS))

    @api.model
    def _dunning_levels_for(self, company):
        """The active levels of ``company``, in escalation order."""
        return self.with_context(active_test=True).search(
            [("company_id", "=", company.id)], order="sequence, id"
        )

    @api.model
    def _dunning_engine_levels(self, company):
        """The company's active levels as the engine sees them, validated.

        :raises DunningConfigError: when the levels overlap or are inconsistent
        """
        return validate_levels(
            level._dunning_to_engine() for level in self._dunning_levels_for(company)
        )

    def _dunning_to_engine(self):
        """This level as the engine's Level."""
        self.ensure_one()
        return Level(
            id=self.id,
            sequence=self.sequence,
            delay=self.delay,
            min_interval=self.min_interval,
            min_amount=self.min_amount,
            collection=self.collection,
        )

    def _dunning_fee_rule(self):
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
            "The dunning level %(level)s charges fees or interest on a customer "
            "invoice, but %(company)s has no %(products)s: choose it in the Accounting "
            "settings (Dunning), or show the fees on the reminders only.",
            level=self.display_name,
            company=company.display_name,
            products=self.env._(" and ").join(products),
        )
