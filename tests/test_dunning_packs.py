"""Country packs in Odoo: a company gets its country's pack, in its language; the
run applies the national rules (the Dutch 14-day letter before the BIK costs, no
fee on a German consumer's first reminder and no Pauschale, no collection costs
for French consumers, Californian contact hours).

TODAY is 2026-06-01. Amounts are worked out by hand in the comments.
"""

from datetime import date, datetime

from freezegun import freeze_time

from odoo.tests import Form, tagged

from odoo.addons.dunning_followup.dunning_followup.packs import PACKS

from .common import TODAY, DunningCommon

PACK_LANGS = ("de_DE", "fr_FR", "nl_NL", "es_ES", "it_IT", "vi_VN")


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestDunningPacks(DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in PACK_LANGS:
            cls.env["res.lang"]._activate_lang(code)
        fee_product = cls.env.ref("dunning_followup.product_dunning_fee")
        interest_product = cls.env.ref("dunning_followup.product_dunning_interest")
        account = cls.company_data["default_account_revenue"]
        for product in (fee_product, interest_product):
            product.with_company(cls.company).property_account_income_id = account
        cls.company.write(
            {
                "dunning_fee_posting": "draft",
                "dunning_fee_product_id": fee_product.id,
                "dunning_interest_product_id": interest_product.id,
            }
        )

    def _apply(self, code):
        self.env["dunning.level"]._dunning_apply_pack(self.company, code)
        levels = self.env["dunning.level"]._dunning_levels_for(self.company)
        self.assertEqual(set(levels.mapped("pack_code")), {code})
        return {level.pack_level_key: level for level in levels}

    def _consumer(self, name, **values):
        return self.env["res.partner"].create(
            {
                "name": name,
                "is_company": False,
                "email": "consumer@example.com",
                "street": "1 Main Street",
                "city": "Town",
                **values,
            }
        )

    def _letter(self, partner, days_after):
        letters = self._run(days_after=days_after)
        return letters.filtered(lambda letter: letter.partner_id == partner)

    def _fees(self, letter, fee_type):
        return letter.fee_line_ids.filtered(lambda fee: fee.fee_type == fee_type)

    # ------------------------------------------------------------------
    # Installation
    # ------------------------------------------------------------------

    def test_a_new_company_gets_its_countrys_pack_in_its_language(self):
        countries = self.env["res.country"]
        for code, pack in PACKS.items():
            if not pack.country:
                continue
            country = countries.search([("code", "=", pack.country)])
            values = {"name": f"Company {code}", "country_id": country.id}
            if pack.state:
                values["state_id"] = (
                    self.env["res.country.state"]
                    .search(
                        [("country_id", "=", country.id), ("code", "=", pack.state)]
                    )
                    .id
                )
            company = self.env["res.company"].create(values)
            levels = self.env["dunning.level"]._dunning_levels_for(company)
            self.assertEqual(
                levels.mapped("pack_level_key"),
                [level.key for level in pack.levels],
                f"A company in {pack.name} gets the levels of the {pack.name} pack.",
            )
            self.assertEqual(company.dunning_pack, code)
            first = levels[0].with_context(lang=pack.lang)
            self.assertEqual(
                first.name,
                pack.levels[0].name[pack.lang],
                f"The {pack.name} levels are named in {pack.lang}.",
            )
            self.assertEqual(
                levels[0].with_context(lang="en_US").name,
                pack.levels[0].name["en_US"],
                "and in English.",
            )
        # A company of another country gets the neutral pack.
        belgian = self.env["res.company"].create(
            {"name": "Company BE", "country_id": self.env.ref("base.be").id}
        )
        self.assertEqual(belgian.dunning_pack, "intl")
        self.assertEqual(len(self.env["dunning.level"]._dunning_levels_for(belgian)), 4)

    def test_install_gives_companies_without_levels_their_pack(self):
        company = self.env["res.company"].create(
            {"name": "Vietnam Co", "country_id": self.env.ref("base.vn").id}
        )
        self.env["dunning.level"]._dunning_levels_for(company).unlink()
        # What the data file calls on install and update.
        self.env["dunning.level"]._dunning_create_default_levels(company)
        levels = self.env["dunning.level"]._dunning_levels_for(company)
        self.assertEqual(
            levels[-1].with_context(lang="vi_VN").name, "Chuyển hồ sơ cho luật sư"
        )
        self.assertEqual(
            levels[-1].handover,
            "lawyer",
            "The Vietnamese hand-over goes to a lawyer, never an agency.",
        )

    def test_applying_a_pack_keeps_the_levels_used_by_reminders(self):
        customer = self.partner_a
        self._overdue_invoice(customer, 10)
        letter = self._letter(customer, 0)
        used = letter.level_id
        unused = self.second
        self._apply("de")
        self.assertTrue(used.exists(), "A level used by a reminder is never deleted")
        self.assertFalse(used.active, "it is archived")
        self.assertEqual(used.name, "Friendly reminder", "and not changed.")
        self.assertFalse(unused.exists(), "An unused level is replaced.")
        self.assertEqual(letter.level_id, used)

    # ------------------------------------------------------------------
    # The Netherlands: the 14-day letter before the BIK costs
    # ------------------------------------------------------------------

    def _dutch_consumer(self):
        levels = self._apply("nl")
        # The BIK scale in the company's currency, so the amounts read as in EUR.
        self.env.ref(
            "dunning_followup.interest_rule_nl_b2c"
        ).compensation_currency_id = self.company.currency_id
        consumer = self._consumer("Jan de Vries", lang="nl_NL")
        self._overdue_invoice(consumer, 7, amount=1000.0)
        return levels, consumer

    def test_dutch_consumer_gets_the_14_day_letter_with_the_exact_bik_costs(self):
        levels, consumer = self._dutch_consumer()
        # Day 7: the payment reminder, free of costs.
        reminder = self._letter(consumer, 0)
        self.assertEqual(reminder.level_id, levels["nl_reminder"])
        self.assertFalse(reminder.fee_line_ids, "The first reminder charges nothing.")
        # Day 21: the 14-day letter. BIK on 1,000: 15 % = 150.00, charged later only.
        notice = self._letter(consumer, 14)
        self.assertEqual(notice.level_id, levels["nl_notice_b2c"])
        self.assertFalse(
            notice.fee_line_ids, "The 14-day letter itself charges nothing."
        )
        self.assertEqual(notice.notice_compensation, 150.0)
        # Sent 2026-06-15, received two days later: 14 days from 06-18 to 07-01.
        self.assertEqual(notice.notice_term_end, date(2026, 7, 1))
        text = notice.with_context(lang="nl_NL")._dunning_notice_text()
        self.assertIn("150,00", text, "The letter states the exact collection costs.")
        self.assertIn("14", text)
        # Day 40 (2026-07-10), after the term: the collection costs, 150.00.
        costs = self._letter(consumer, 33)
        self.assertEqual(costs.level_id, levels["nl_costs_b2c"])
        compensation = self._fees(costs, "compensation")
        self.assertEqual(
            sum(compensation.mapped("amount")),
            150.0,
            "The costs charged are the BIK amount the letter stated.",
        )

    def test_no_bik_costs_while_the_term_of_the_14_day_letter_runs(self):
        levels, consumer = self._dutch_consumer()
        self._letter(consumer, 0)
        # The 14-day letter goes late, on day 25 (2026-06-19): its term ends on
        # 06-19 + 2 + 14 = 07-05.
        notice = self._letter(consumer, 18)
        self.assertEqual(notice.level_id, levels["nl_notice_b2c"])
        self.assertEqual(notice.notice_term_end, date(2026, 7, 5))
        # Day 40 (2026-07-04): the costs level is reached, but the term has not passed.
        costs = self._letter(consumer, 33)
        self.assertEqual(costs.level_id, levels["nl_costs_b2c"])
        self.assertFalse(
            self._fees(costs, "compensation"),
            "No collection costs before the term of the 14-day letter ends.",
        )
        self.assertIn("14", costs.fee_notes or "", "The reminder says why.")

    def test_no_bik_costs_without_a_14_day_letter(self):
        levels, consumer = self._dutch_consumer()
        # Without the 14-day level, the customer goes from the reminder straight to
        # the costs level.
        levels["nl_notice_b2c"].active = False
        self._letter(consumer, 0)
        costs = self._letter(consumer, 33)
        self.assertEqual(costs.level_id, levels["nl_costs_b2c"])
        self.assertFalse(
            self._fees(costs, "compensation"),
            "Without a 14-day letter there are no collection costs.",
        )

    # ------------------------------------------------------------------
    # Germany, France
    # ------------------------------------------------------------------

    def test_german_consumer_pays_no_pauschale_and_nothing_for_the_first_reminder(self):
        levels = self._apply("de")
        self.assertEqual(self.company.dunning_consumer_fee_cap, 2.5)
        # The Pauschale in the company's currency, so no exchange rate is needed.
        self.env.ref(
            "dunning_followup.interest_rule_de_b2b"
        ).compensation_currency_id = self.company.currency_id
        consumer = self._consumer("Erika Mustermann", lang="de_DE")
        business = self.env["res.partner"].create(
            {"name": "Muster GmbH", "is_company": True, "email": "gmbh@example.com"}
        )
        for partner in (consumer, business):
            self._overdue_invoice(partner, 7, amount=1000.0)
        first = self._run()
        for letter in first:
            self.assertEqual(letter.level_id, levels["de_reminder"])
            self.assertFalse(
                letter.fee_line_ids,
                "The reminder that puts the debtor in default costs nothing.",
            )
        second = self._run(days_after=14)
        to_consumer = second.filtered(lambda letter: letter.partner_id == consumer)
        to_business = second.filtered(lambda letter: letter.partner_id == business)
        self.assertEqual(to_consumer.level_id, levels["de_dunning"])
        self.assertEqual(
            sum(self._fees(to_consumer, "fee").mapped("amount")),
            2.5,
            "A consumer's fee is capped at the real cost (2.50, not 5.00).",
        )
        self.assertFalse(
            self._fees(to_consumer, "compensation"),
            "A consumer owes no EUR 40 Pauschale.",
        )
        self.assertTrue(self._fees(to_consumer, "interest"), "but owes interest.")
        self.assertEqual(sum(self._fees(to_business, "fee").mapped("amount")), 5.0)
        self.assertTrue(
            self._fees(to_business, "compensation"), "A business owes the Pauschale."
        )

    def test_french_consumer_gets_no_collection_costs(self):
        levels = self._apply("fr")
        consumer = self._consumer("Marie Dupont", lang="fr_FR")
        self._overdue_invoice(consumer, 7, amount=1000.0)
        letters = self.env["dunning.letter"]
        for days_after in (0, 14, 38, 53):
            letter = self._letter(consumer, days_after)
            if letter.state == "to_approve":
                letter.action_approve()
                letter.action_send()
            letters |= letter
        self.assertEqual(
            letters.level_id.mapped("pack_level_key"),
            ["fr_reminder", "fr_second_b2c", "fr_formal_b2c", "fr_litigation"],
        )
        self.assertFalse(
            letters.fee_line_ids.filtered(
                lambda fee: fee.fee_type in ("fee", "compensation")
            ),
            "A French consumer is charged no collection costs at any level.",
        )
        formal = letters.filtered(
            lambda letter: letter.level_id == levels["fr_formal_b2c"]
        )
        self.assertEqual(
            formal.level_id.with_context(lang="fr_FR").name, "Mise en demeure de payer"
        )

    # ------------------------------------------------------------------
    # California: contact hours
    # ------------------------------------------------------------------

    def test_californian_customer_gets_no_text_or_call_at_night(self):
        levels = self._apply("us_ca")
        self.assertEqual(
            (self.company.dunning_contact_start, self.company.dunning_contact_end),
            (8.0, 21.0),
        )
        customer = self.env["res.partner"].create(
            {
                "name": "Golden State Inc",
                "is_company": True,
                "email": "gs@example.com",
                "tz": "America/Los_Angeles",
                "phone": "+1 415 555 0100",
            }
        )
        self.env.user.tz = "America/Los_Angeles"
        self._overdue_invoice(customer, 7)
        self._letter(customer, 0)
        # 2026-07-02 05:30 UTC is 22:30 on 1 July in California: too late to call.
        with freeze_time(datetime(2026, 7, 2, 5, 30)):
            letter = self._letter(customer, 30)
        self.assertEqual(letter.level_id, levels["us_second"])
        activity = customer.activity_ids.filtered(
            lambda act: act.activity_type_id == levels["us_second"].activity_type_id
        )
        self.assertEqual(len(activity), 1)
        self.assertEqual(
            activity.date_deadline,
            date(2026, 7, 2),
            "The call is due the next morning, not at night.",
        )
        self.assertIn("8:00", activity.note)
        # At 10:00 in California the activity is due the same day.
        other = self.env["res.partner"].create(
            {
                "name": "Bay Area LLC",
                "is_company": True,
                "email": "ba@example.com",
                "tz": "America/Los_Angeles",
            }
        )
        self._overdue_invoice(other, 7)
        self._letter(other, 0)
        with freeze_time(datetime(2026, 7, 1, 17, 0)):
            self._letter(other, 30)
        self.assertEqual(other.activity_ids.date_deadline, date(2026, 7, 1))

    # ------------------------------------------------------------------
    # Reference rates kept current
    # ------------------------------------------------------------------

    def test_a_stale_reference_rate_is_named_in_the_log_the_rule_and_dashboard(self):
        self._apply("de")
        rule = self.env.ref("dunning_followup.interest_rule_de_b2b")
        base_rate = "Basiszinssatz (§ 247 BGB), Deutsche Bundesbank"
        self.assertFalse(
            rule.reference_stale,
            "On 1 June 2026 the base rate published for 1 January 2026 is current.",
        )
        with freeze_time("2026-12-01"):
            rule.invalidate_recordset(["reference_stale"])
            self.assertTrue(
                rule.reference_stale,
                "No base rate is shipped for 1 July 2026: the rule says so.",
            )
            with self.assertLogs(
                "odoo.addons.dunning_followup.models.dunning_interest_rate", "WARNING"
            ) as logs:
                self.Letter._run_dunning(date=date(2026, 12, 1), company=self.company)
            self.assertIn(
                base_rate, "\n".join(logs.output), "The run's warning names the series."
            )
            dashboard = self.env["dunning.dashboard"].get_dashboard_data()
            self.assertIn(
                base_rate, dashboard["stale_rates"], "The dashboard names it too."
            )
            # Once the administrator enters the rate of the half-year (a test value
            # here), the series is current again.
            self.env["dunning.interest.rate"].create(
                {"series": "de_base", "date_from": "2026-07-01", "rate": 1.27}
            )
            rule.invalidate_recordset(["reference_stale"])
            self.assertFalse(rule.reference_stale)
            dashboard = self.env["dunning.dashboard"].get_dashboard_data()
            self.assertNotIn(base_rate, dashboard["stale_rates"])

    # ------------------------------------------------------------------
    # The country rules in the forms
    # ------------------------------------------------------------------

    def test_a_level_for_consumers_with_a_14_day_notice_is_set_in_its_form(self):
        self.company.dunning_consumer_fee_cap = 2.5
        with Form(self.env["dunning.level"]) as form:
            form.name = "Veertiendagenbrief"
            form.delay = 90
            form.sequence = 100
            form.customer_kind = "b2c"
            form.notice_days = 14
            form.delivery_days = 2
            form.charge_interest = True
            form.compensation_policy = "after_notice"
            form.handover = "lawyer"
            self.assertEqual(
                form.consumer_fee_cap, 2.5, "The form shows the company's fee cap."
            )
        level = form.record
        self.assertEqual(
            (level.customer_kind, level.notice_days, level.compensation_policy),
            ("b2c", 14, "after_notice"),
            "The level applies to consumers, with its 14-day notice.",
        )

    def test_a_percentage_scale_with_bounds_and_compounding_is_set_in_its_form(self):
        with Form(self.env["dunning.interest.rule"]) as form:
            form.name = "BIK"
            form.rate_type = "fixed"
            form.fixed_rate = 4
            form.compound_yearly = True
            form.compensation_type = "scale"
            form.compensation_minimum = 40
            form.compensation_maximum = 6775
            form.compensation_vat = 21
            form.legal_basis = (
                "Besluit vergoeding voor buitengerechtelijke incassokosten"
            )
            with form.compensation_ids.new() as tier:
                tier.threshold = 2500
                tier.percent = 15
            with form.compensation_ids.new() as tier:
                tier.percent = 10
        rule = form.record
        self.assertTrue(rule.compound_yearly, "The rule compounds yearly.")
        self.assertEqual(
            (
                rule.compensation_minimum,
                rule.compensation_maximum,
                rule.compensation_vat,
            ),
            (40, 6775, 21),
            "The scale keeps its minimum, maximum and VAT.",
        )
        self.assertEqual(
            sorted((tier.threshold, tier.percent) for tier in rule.compensation_ids),
            [(0, 10), (2500, 15)],
            "The tiers keep their bounds and percentages (no bound: the rest).",
        )

    def test_the_receivables_signature_and_contact_hours_are_set_in_the_settings(self):
        with Form(self.env["res.config.settings"]) as form:
            form.dunning_signature = "Debiteurenbeheer"
            form.dunning_reply_to = "debiteuren@example.com"
            form.dunning_contact_start = 8
            form.dunning_contact_end = 21
            form.dunning_consumer_fee_cap = 5
            self.assertEqual(form.dunning_pack, self.company.dunning_pack)
        form.record.execute()
        self.assertEqual(
            (
                self.company.dunning_signature,
                self.company.dunning_reply_to,
                self.company.dunning_contact_start,
                self.company.dunning_contact_end,
                self.company.dunning_consumer_fee_cap,
            ),
            ("Debiteurenbeheer", "debiteuren@example.com", 8, 21, 5),
            "The settings write the company's receivables signature and hours.",
        )
