from odoo import api, fields, models

from ..dunning_followup.packs import PACKS, pack_for_country

FEE_POSTINGS = [
    ("none", "Show on the reminder only"),
    ("draft", "Draft customer invoice"),
    ("posted", "Posted customer invoice"),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    def _default_dunning_fee_product(self):
        return self.env.ref(
            "dunning_followup.product_dunning_fee", raise_if_not_found=False
        )

    def _default_dunning_interest_product(self):
        return self.env.ref(
            "dunning_followup.product_dunning_interest", raise_if_not_found=False
        )

    dunning_escalation = fields.Selection(
        selection=[
            ("stepwise", "One level at a time"),
            ("straight", "Straight to the level the age reaches"),
        ],
        default="stepwise",
        required=True,
        help="One level at a time: a customer never skips a level, even when an "
        "invoice is already old enough for a later one.\nStraight: the reminder goes "
        "to the level that the invoice's age reaches.",
    )
    dunning_priority_method = fields.Selection(
        selection=[
            ("balance", "Largest overdue balance"),
            ("age", "Oldest debt"),
            ("weighted", "Balance weighted by age"),
        ],
        string="Dunning Priority",
        default="weighted",
        required=True,
        help="How the Dunning worklist orders the customers that need action.",
    )

    # Fees and interest
    dunning_fee_posting = fields.Selection(
        FEE_POSTINGS,
        string="Charge Dunning Fees",
        required=True,
        default="none",
        help="Show on the reminder only: fees and interest are stated, not "
        "charged.\nDraft or posted customer invoice: they are invoiced to the customer "
        "on an invoice of their own, linked to the reminder.",
    )
    dunning_fee_product_id = fields.Many2one(
        "product.product",
        default=lambda self: self._default_dunning_fee_product(),
        help="Product (and so income account) of the dunning fees on fee invoices.",
    )
    dunning_interest_product_id = fields.Many2one(
        "product.product",
        string="Interest Product",
        default=lambda self: self._default_dunning_interest_product(),
        help="Product (and so income account) of late-payment interest and fixed "
        "compensation on fee invoices.",
    )
    dunning_interest_rule_id = fields.Many2one(
        "dunning.interest.rule",
        string="Default Interest Rule",
        help="The interest rule of dunning levels that charge interest without a rule "
        "of their own, for customers without one.",
    )

    # Self-service page of the reminders
    dunning_portal_promise_max_days = fields.Integer(
        string="Longest Promise to Pay (days)",
        default=30,
        help="On a reminder's self-service page, a customer may promise to pay at "
        "most this many days ahead.",
    )
    dunning_portal_paid_days = fields.Integer(
        string="Pause After 'Already Paid' (days)",
        default=5,
        help="When a customer says on the self-service page that it has paid, no "
        "reminder escalates for this many days, the time for the payment to arrive.",
    )

    _dunning_portal_days_positive = models.Constraint(
        "CHECK(dunning_portal_promise_max_days > 0 AND dunning_portal_paid_days >= 0)",
        "The longest promise to pay must be at least a day, the pause after a payment "
        "cannot be negative.",
    )

    # Collection cases
    dunning_collection_agency_id = fields.Many2one(
        "res.partner",
        string="Collection Agency",
        domain=[("dunning_collection_agency", "=", True)],
        help="The agency or lawyer overdue invoices are handed over to by default.",
    )
    dunning_writeoff_account_id = fields.Many2one(
        "account.account",
        string="Bad Debt Account",
        help="Where writing off a collection case posts what is still due.",
    )
    dunning_writeoff_journal_id = fields.Many2one(
        "account.journal",
        string="Write-off Journal",
        domain=[("type", "=", "general")],
    )

    # Country pack and the national rules it sets
    dunning_pack = fields.Selection(
        selection=lambda self: [(code, pack.name) for code, pack in PACKS.items()],
        string="Dunning Country Pack",
        readonly=True,
        help="The country pack the company's dunning levels come from.",
    )
    dunning_interest_rule_b2b_id = fields.Many2one(
        "dunning.interest.rule",
        string="Interest Rule for Businesses",
        help="The interest rule for businesses, when neither the customer nor the "
        "level has one.",
    )
    dunning_interest_rule_b2c_id = fields.Many2one(
        "dunning.interest.rule",
        string="Interest Rule for Consumers",
        help="The interest rule for consumers, when neither the customer nor the "
        "level has one.",
    )
    dunning_consumer_fee_cap = fields.Monetary(
        string="Consumer Fee Cap",
        currency_field="currency_id",
        help="A consumer's dunning fee is at most this amount, the real cost of a "
        "reminder (German law allows consumers to be charged only the real damage). "
        "0: no cap.",
    )
    dunning_contact_start = fields.Float(
        string="Calls From",
        help="Call and SMS activities are due no earlier than this hour in the "
        "customer's time zone (California: 8:00). Both 0: any time.",
    )
    dunning_contact_end = fields.Float(
        string="Calls Until",
        help="... and no later than this hour (California: 21:00, excluded).",
    )

    # Several Odoo servers: OCA's queue_job, where it is installed
    dunning_queue_job = fields.Boolean(
        string="Run Through the Job Queue",
        default=True,
        help="Where OCA's Job Queue (queue_job) is installed, the daily run and the "
        "sending of reminders are split into jobs on the 'root.dunning' channel, "
        "which the job runners of every Odoo server share. Unticked, or without "
        "the Job Queue, the scheduled actions do the work themselves.",
    )

    # Who reminders come from when a customer has no responsible
    dunning_signature = fields.Char(
        string="Receivables Signature",
        translate=True,
        help="The name reminders are signed with, above the company's name, when "
        "the customer has no responsible ('Accounts Receivable' when empty). "
        "Reminders are never signed by the system user.",
    )
    dunning_reply_to = fields.Char(
        string="Receivables Reply-To",
        help="The address customers' replies to reminders go to, e.g. "
        "receivables@yourcompany.com. Empty: the sender's address.",
    )

    # The sender's legal identity on the letters (by country)
    dunning_legal_form = fields.Char(
        string="Legal Form",
        help="Printed on reminders where business letters must state it (Germany "
        "§ 37a HGB, France): e.g. GmbH, SAS, Ltd.",
    )
    dunning_register_court = fields.Char(
        string="Register",
        help="The register the company is entered in: the register court in Germany "
        "(Amtsgericht München), the RCS city in France (RCS Paris), the country of "
        "registration in the UK (England and Wales). The number is the Company ID.",
    )
    dunning_managing_directors = fields.Char(
        string="Managing Directors",
        help="Germany (§ 35a GmbHG, § 80 AktG): the managing directors' names.",
    )
    dunning_share_capital = fields.Char(
        string="Share Capital",
        help="France (art. R123-238 C. com.): e.g. 'EUR 10,000'.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self.env["dunning.level"].sudo()._dunning_create_default_levels(companies)
        return companies

    @api.model
    def _dunning_set_default_fee_products(self):
        """Give the companies that existed before the module the shipped products."""
        fee = self._default_dunning_fee_product()
        interest = self._default_dunning_interest_product()
        missing = self.sudo().search(
            [
                "|",
                ("dunning_fee_product_id", "=", False),
                ("dunning_interest_product_id", "=", False),
            ]
        )
        for company in missing:
            if fee and not company.dunning_fee_product_id:
                company.dunning_fee_product_id = fee
            if interest and not company.dunning_interest_product_id:
                company.dunning_interest_product_id = interest

    def _dunning_default_pack(self):
        """The code of the country pack for this company (its state's for the
        United States)."""
        self.ensure_one()
        return pack_for_country(self.country_id.code, self.state_id.code).code

    def _dunning_apply_pack_settings(self, pack):
        """The company settings a pack sets: its code, the interest rules per
        customer kind, the consumer fee cap and the contact hours."""
        rules = self.env["dunning.interest.rule"]
        hours = pack.contact_hours or (0, 0)
        for company in self:
            company.write(
                {
                    "dunning_pack": pack.code,
                    "dunning_interest_rule_b2b_id": rules._dunning_shipped_rule(
                        pack.rule_b2b
                    ).id,
                    "dunning_interest_rule_b2c_id": rules._dunning_shipped_rule(
                        pack.rule_b2c
                    ).id,
                    "dunning_consumer_fee_cap": float(pack.consumer_fee_cap or 0),
                    "dunning_contact_start": float(hours[0]),
                    "dunning_contact_end": float(hours[1]),
                }
            )

    def _dunning_contact_hours(self):
        """(first hour, end hour) of calls and texts, or None: any time."""
        self.ensure_one()
        if self.dunning_contact_end > self.dunning_contact_start:
            return (self.dunning_contact_start, self.dunning_contact_end)
        return None

    def _dunning_interest_rules_in_use(self):
        """The interest rules the company's levels may charge: none when no level
        charges interest."""
        self.ensure_one()
        levels = self.env["dunning.level"]._dunning_levels_for(self)
        charging = levels.filtered("charge_interest")
        if not charging:
            return self.env["dunning.interest.rule"]
        return (
            charging.interest_rule_id
            | self.dunning_interest_rule_id
            | self.dunning_interest_rule_b2b_id
            | self.dunning_interest_rule_b2c_id
        )

    def _dunning_uses_din5008(self):
        """Whether the company prints with the DIN 5008 layout (which has its own
        return-address line)."""
        self.ensure_one()
        return "din5008" in (self.external_report_layout_id.key or "")

    def _dunning_address_line(self):
        """The company's address on one line: street, zip and city, country."""
        self.ensure_one()
        city = " ".join(part for part in (self.zip, self.city) if part)
        return ", ".join(
            part
            for part in (self.street, self.street2, city, self.country_id.name)
            if part
        )

    def _dunning_return_address(self):
        """The return-address line above the recipient: name, street, zip and
        city, separated by middle dots."""
        self.ensure_one()
        city = " ".join(part for part in (self.zip, self.city) if part)
        return " · ".join(
            part for part in (self.name, self.street, self.street2, city) if part
        )

    def _dunning_sender_mentions(self):
        """The mentions the company's business letters must carry, from its data,
        per country: Germany and Austria § 37a HGB, § 35a GmbHG, § 14 UGB (legal
        form, registered office, register court and number, managing directors);
        France art. R123-237 and R123-238 C. com. (SIREN and RCS, legal form,
        share capital); the United Kingdom Companies Act 2006 s. 82 with the
        Trading Disclosures Regulations 2015 (registered number, place of
        registration, registered office); Vietnam the tax code. Elsewhere the
        address and the VAT or company number when known."""
        self.ensure_one()
        country = self.country_id.code
        name = self.name or ""
        if self.dunning_legal_form and self.dunning_legal_form not in name:
            name = f"{name} ({self.dunning_legal_form})"
        address = self._dunning_address_line()
        if country == "GB":
            address = self.env._("Registered office: %s", address) if address else ""
        mentions = [name, address]
        registry = self.company_registry
        if country in ("DE", "AT", "CH"):
            if self.city:
                mentions.append(self.env._("Registered office: %s", self.city))
            if self.dunning_register_court or registry:
                mentions.append(
                    self.env._(
                        "Register: %(court)s %(number)s",
                        court=self.dunning_register_court or "",
                        number=registry or "",
                    ).strip()
                )
            if self.dunning_managing_directors:
                mentions.append(
                    self.env._(
                        "Managing directors: %s", self.dunning_managing_directors
                    )
                )
        elif country == "FR":
            if self.dunning_share_capital:
                mentions.append(
                    self.env._("Share capital: %s", self.dunning_share_capital)
                )
            if registry:
                mentions.append(
                    self.env._(
                        "SIREN %(siren)s %(rcs)s",
                        siren=registry,
                        rcs=self.dunning_register_court or "",
                    ).strip()
                )
        elif country == "GB":
            if registry:
                mentions.append(
                    self.env._(
                        "Registered in %(place)s, company number %(number)s",
                        place=self.dunning_register_court
                        or self.env._("England and Wales"),
                        number=registry,
                    )
                )
        elif country == "VN":
            if self.vat:
                mentions.append(self.env._("Tax code: %s", self.vat))
        elif registry:
            mentions.append(self.env._("Company ID: %s", registry))
        if self.vat and country != "VN":
            mentions.append(self.env._("VAT: %s", self.vat))
        return [mention for mention in mentions if mention]
