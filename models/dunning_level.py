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
from ..dunning_followup.packs import PACKS

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
    consumer_fee_cap = fields.Monetary(
        related="company_id.dunning_consumer_fee_cap",
        help="A consumer's fee at any level is at most this real cost of a reminder "
        "(0: no cap); set per company in the settings.",
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

    # Country rules (see the country packs)
    customer_kind = fields.Selection(
        [
            ("any", "Any customer"),
            ("b2b", "Businesses (B2B)"),
            ("b2c", "Consumers (B2C)"),
        ],
        string="Applies To",
        required=True,
        default="any",
        help="The run gives a business the levels for businesses and for any "
        "customer, and a consumer those for consumers and for any customer.",
    )
    compensation_policy = fields.Selection(
        [
            ("with_interest", "With the interest"),
            ("never", "Never"),
            ("after_notice", "Once the term of a formal notice has passed"),
        ],
        string="Fixed Compensation",
        required=True,
        default="with_interest",
        help="When this level charges interest, whether it also charges the rule's "
        "fixed compensation for recovery costs. 'Once the term of a formal notice has "
        "passed': only when an earlier reminder of a level with a notice term was "
        "sent and its term is over (Dutch consumers, art. 6:96(6) BW).",
    )
    notice_days = fields.Integer(
        string="Notice Term (days)",
        help="A formal notice giving this many days, counted from the day after its "
        "receipt, before collection costs may be charged (the Dutch 14-day letter). "
        "The reminder states the costs and the last day of the term.",
    )
    delivery_days = fields.Integer(
        string="Days Until Receipt",
        default=2,
        help="The notice counts as received this many days after it is sent.",
    )
    handover = fields.Selection(
        [
            ("agency", "A collection agency"),
            ("lawyer", "A lawyer"),
            ("court", "The court"),
            ("betreibung", "Debt enforcement (Betreibung)"),
        ],
        string="Hand Over To",
        help="Who takes over at this level (Vietnam: never a collection agency).",
    )
    pack_code = fields.Char(
        string="Country Pack", readonly=True, help="The pack this level comes from."
    )
    pack_level_key = fields.Char(string="Pack Level", readonly=True)

    _notice_days_positive = models.Constraint(
        "CHECK(notice_days >= 0 AND delivery_days >= 0)",
        "The notice term and the days until receipt cannot be negative.",
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
        "sequence",
        "delay",
        "min_interval",
        "min_amount",
        "company_id",
        "active",
        "customer_kind",
    )
    def _check_escalation(self):
        """Refuse inconsistent levels with a message that names the level,
        the field at fault and the amounts in their currency."""
        for level in self:
            level._dunning_raise_first(level._dunning_value_problems())
        for company in self.company_id:
            # A business and a consumer each go through their own levels.
            for kind in ("b2b", "b2c"):
                self._dunning_raise_first(
                    self._dunning_order_problems(
                        self._dunning_levels_for(company, kind)
                    )
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
        "customer_kind",
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
            kinds = (
                ("b2b", "b2c") if self.customer_kind == "any" else (self.customer_kind,)
            )
            for kind in kinds:
                levels = self._dunning_levels_for(self.company_id, kind) - self._origin
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
        """Give every company the pack of its country, once (on install, on
        update for the companies that have none yet, and on creation).

        A company without levels gets the pack's levels; one that still has only
        the shipped default levels, unused (the main company on install), gets
        its country's pack instead; the others keep their levels.
        """
        if companies is None:
            # every company gets its pack, and companies are few
            # pylint: disable-next=no-search-all
            companies = self.env["res.company"].search([])
        defaults = self.browse(
            level.id
            for level in (
                self.env.ref(xmlid, raise_if_not_found=False)
                for xmlid in DEFAULT_LEVEL_XMLIDS
            )
            if level
        )
        created = self.browse()
        for company in companies:
            levels = self.with_context(active_test=False).search(
                [("company_id", "=", company.id)]
            )
            if levels and company.dunning_pack:
                continue
            code = company._dunning_default_pack()
            untouched_defaults = (
                levels
                and not levels - defaults
                and not self._dunning_levels_used_by_letters(company)
            )
            if not levels or (untouched_defaults and code != "intl"):
                created |= self._dunning_apply_pack(company, code)
            else:
                company.dunning_pack = "intl" if untouched_defaults else False
        return created

    @api.model
    def _dunning_copy_default_levels(self, company):
        """Copies of the shipped default levels for ``company``."""
        created = self.browse()
        defaults = self.browse()
        for xmlid in DEFAULT_LEVEL_XMLIDS:
            defaults |= self.env.ref(xmlid, raise_if_not_found=False) or self.browse()
        for level in defaults.sorted("sequence"):
            created |= level.copy(
                {
                    "company_id": company.id,
                    "origin_level_id": level.id,
                    "pack_code": "intl",
                    "pack_level_key": level.pack_level_key,
                }
            )
        return created

    @api.model
    def _dunning_levels_used_by_letters(self, company):
        """The levels of ``company`` that reminders refer to."""
        levels = self.with_context(active_test=False).search(
            [("company_id", "=", company.id)]
        )
        if not levels:
            return levels
        used = (
            self.env["dunning.letter"]
            .sudo()
            ._read_group([("level_id", "in", levels.ids)], ["level_id"])
        )
        used_lines = (
            self.env["dunning.letter.line"]
            .sudo()
            ._read_group([("level_id", "in", levels.ids)], ["level_id"])
        )
        return self.browse({level.id for (level,) in used + used_lines})

    @api.model
    def _dunning_apply_pack(self, company, code):
        """Give ``company`` the levels, rules and settings of the pack ``code``.

        Levels used by reminders are archived, never changed or deleted; the
        company's other levels are replaced.
        """
        pack = PACKS[code]
        used = self._dunning_levels_used_by_letters(company)
        current = self.with_context(active_test=False).search(
            [("company_id", "=", company.id)]
        )
        used.filtered("active").write({"active": False})
        (current - used).unlink()
        if pack.code == "intl" and any(
            self.env.ref(xmlid, raise_if_not_found=False)
            for xmlid in DEFAULT_LEVEL_XMLIDS
        ):
            created = self._dunning_copy_default_levels(company)
        else:
            created = self._dunning_create_pack_levels(company, pack)
        company._dunning_apply_pack_settings(pack)
        return created

    @api.model
    def _dunning_create_pack_levels(self, company, pack):
        """The levels of ``pack`` for ``company``, with their texts in English and
        in the pack's language."""
        rules = {
            kind: self.env["dunning.interest.rule"]._dunning_shipped_rule(code)
            for kind, code in (("b2b", pack.rule_b2b), ("b2c", pack.rule_b2c))
        }
        activity_types = {
            "todo": self.env.ref("mail.mail_activity_data_todo"),
            "call": self.env.ref("mail.mail_activity_data_call"),
            "sms": self.env.ref(
                "dunning_followup.mail_activity_type_dunning_sms",
                raise_if_not_found=False,
            )
            or self.env.ref("mail.mail_activity_data_call"),
        }
        template = self.env.ref(
            "dunning_followup.mail_template_dunning_letter", raise_if_not_found=False
        )
        vals_list = []
        for level in pack.levels:
            rule = rules.get(level.customer_kind) or self.env["dunning.interest.rule"]
            vals_list.append(
                {
                    "company_id": company.id,
                    "pack_code": pack.code,
                    "pack_level_key": level.key,
                    "name": level.name["en_US"],
                    "sequence": level.sequence,
                    "delay": level.delay,
                    "min_interval": level.min_interval,
                    "customer_kind": level.customer_kind,
                    "send_email": level.send_email,
                    "send_letter": level.send_letter,
                    "auto_send": level.auto_send,
                    "join_invoices": level.send_letter,
                    "fee_fixed": float(level.fee_fixed),
                    "charge_interest": level.charge_interest,
                    "interest_rule_id": rule.id,
                    "compensation_policy": level.compensation,
                    "notice_days": level.notice_days,
                    "delivery_days": level.delivery_days,
                    "create_activity": bool(level.activity),
                    "activity_type_id": level.activity
                    and activity_types[level.activity].id,
                    "activity_summary": level.activity_summary.get("en_US"),
                    "collection": level.collection,
                    "handover": level.handover,
                    "mail_template_id": template.id if template else False,
                    "letter_subject": level.name["en_US"],
                    "letter_intro": f"<p>{level.intro['en_US']}</p>",
                    "letter_closing": f"<p>{level.closing['en_US']}</p>",
                }
            )
        created = self.with_context(tracking_disable=True).create(vals_list)
        for record, level in zip(created, pack.levels, strict=True):
            record._dunning_set_pack_translations(level, pack.lang)
        return created

    def _dunning_set_pack_translations(self, level, lang):
        """Store the pack's texts in the pack's language beside the English ones.

        Written to the translated columns directly: the language need not be
        active yet; its texts show as soon as it is.
        """
        self.ensure_one()
        if lang == "en_US" or lang not in level.name:
            return
        texts = {
            "name": level.name[lang],
            "letter_subject": level.name[lang],
            "letter_intro": f"<p>{level.intro[lang]}</p>",
            "letter_closing": f"<p>{level.closing[lang]}</p>",
        }
        if lang in level.activity_summary:
            texts["activity_summary"] = level.activity_summary[lang]
        self.flush_recordset(list(texts))
        self.env.cr.execute(
            SQL(
                "UPDATE dunning_level SET %s WHERE id = %s",
                SQL(", ").join(
                    SQL(
                        "%(col)s = COALESCE(%(col)s, '{}'::jsonb) "
                        "|| jsonb_build_object(%(lang)s::text, %(value)s::text)",
                        col=SQL.identifier(fname),
                        lang=lang,
                        value=value,
                    )
                    for fname, value in texts.items()
                ),
                self.id,
            )
        )
        self.invalidate_recordset(list(texts))

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
    def _dunning_levels_for(self, company, kind=None):
        """The active levels of ``company``, in escalation order; with ``kind``
        ('b2b' or 'b2c'), those that apply to that kind of customer."""
        domain = [("company_id", "=", company.id)]
        if kind:
            domain.append(("customer_kind", "in", (kind, "any")))
        return self.with_context(active_test=True).search(domain, order="sequence, id")

    @api.model
    def _dunning_engine_levels(self, company, kind=None):
        """The levels of ``company`` (for ``kind`` of customer, else for a
        business) as the engine sees them, validated; the levels of each kind
        are validated either way.

        :raises DunningConfigError: when the levels overlap or are inconsistent
        """
        by_kind = self._dunning_engine_levels_by_kind(company)
        return by_kind[kind or "b2b"]

    @api.model
    def _dunning_engine_levels_by_kind(self, company):
        """{'b2b': levels, 'b2c': levels}: the validated engine levels a
        business and a consumer go through.

        :raises DunningConfigError: when the levels of a kind are inconsistent
        """
        levels = self._dunning_levels_for(company)
        return {
            kind: validate_levels(
                level._dunning_to_engine()
                for level in levels
                if level.customer_kind in (kind, "any")
            )
            for kind in ("b2b", "b2c")
        }

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
