"""Dunning fees, statutory interest and fixed compensation on reminders, and
their fee invoice.

Every amount is worked out by hand in the comments: interest is principal ×
rate / 100 × days / 365 from the day after the due date up to and including
the reminder's date, rounded half up to the cent once per invoice. TODAY is
2026-06-01; an invoice 30 days overdue is due 2026-05-02 and earns interest
from 2026-05-03: 29 days of May and 1 of June, 30 days.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal
from unittest.mock import patch

from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import file_open

from odoo.addons.dunning_followup.dunning_followup import (
    REFERENCE_RATES,
    RULES,
    RatePoint,
)

from .common import TODAY, DunningCommon

FEE_LOGGER = "odoo.addons.dunning_followup.models.dunning_letter"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestDunningFees(DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Fee = cls.env["dunning.letter.fee"]
        cls.usd = cls.company.currency_id
        # A custom rule in the test company's currency: 10 % a year, act/365.
        cls.rule = cls.env.ref("dunning_followup.interest_rule_custom")
        cls.rule.fixed_rate = 10.0
        cls.eu_b2b = cls.env.ref("dunning_followup.interest_rule_eu_b2b")
        cls.uk_b2b = cls.env.ref("dunning_followup.interest_rule_uk_b2b")
        cls.fee_product = cls.env.ref("dunning_followup.product_dunning_fee")
        cls.interest_product = cls.env.ref("dunning_followup.product_dunning_interest")
        cls.fee_account = cls.company_data["default_account_revenue"]
        cls.interest_account = cls.copy_account(cls.fee_account)
        cls.fee_product.with_company(
            cls.company
        ).property_account_income_id = cls.fee_account
        cls.interest_product.with_company(
            cls.company
        ).property_account_income_id = cls.interest_account
        cls.company.write(
            {
                "dunning_fee_posting": "posted",
                "dunning_fee_product_id": cls.fee_product.id,
                "dunning_interest_product_id": cls.interest_product.id,
                "dunning_interest_rule_id": cls.rule.id,
            }
        )
        # Friendly reminder: 5 + 1 % of the overdue amount, at most 12, with interest.
        cls.friendly.write(
            {
                "fee_fixed": 5.0,
                "fee_percent": 1.0,
                "fee_maximum": 12.0,
                "charge_interest": True,
            }
        )
        # Second reminder and final notice: a fixed fee, with interest.
        cls.second.write({"fee_fixed": 10.0, "charge_interest": True})
        cls.final.write({"fee_fixed": 20.0, "charge_interest": True})

    def _fees(self, letter, fee_type):
        return letter.fee_line_ids.filtered(lambda fee: fee.fee_type == fee_type)

    def _customer(self, name, **values):
        return self.env["res.partner"].create(
            {
                "name": name,
                "email": f"{name.split()[0].lower()}@example.com",
                **values,
            }
        )

    # ------------------------------------------------------------------
    # Shipped data
    # ------------------------------------------------------------------

    def test_shipped_rates_are_the_engine_rates(self):
        """The data file and the records hold exactly rates.REFERENCE_RATES."""
        with file_open("dunning_followup/data/dunning_interest_data.xml", "rb") as file:
            tree = etree.parse(file)
        shipped = defaultdict(list)
        for record in tree.iterfind(".//record[@model='dunning.interest.rate']"):
            values = {
                field.get("name"): field.text for field in record.iterfind("field")
            }
            shipped[values["series"]].append(
                RatePoint(
                    date.fromisoformat(values["date_from"]), Decimal(values["rate"])
                )
            )
        self.assertEqual(
            {
                series: tuple(sorted(points, key=lambda point: point.date_from))
                for series, points in shipped.items()
            },
            REFERENCE_RATES,
        )
        Rate = self.env["dunning.interest.rate"]
        for series, points in REFERENCE_RATES.items():
            self.assertEqual(Rate._dunning_series_points(series), points, series)

    def test_shipped_rules_are_the_engine_rules(self):
        Rule = self.env["dunning.interest.rule"].with_context(active_test=False)
        for code, engine_rule in RULES.items():
            record = Rule.search([("code", "=", code)])
            self.assertEqual(len(record), 1, code)
            self.assertEqual(record._dunning_to_engine(), engine_rule, code)
        self.assertEqual(self.eu_b2b.compensation_currency_id.name, "EUR")
        self.assertEqual(self.eu_b2b.customer_kind, "b2b")
        self.assertEqual(
            self.env.ref("dunning_followup.interest_rule_ch").customer_kind, "any"
        )
        custom = self.env.ref("dunning_followup.interest_rule_custom")
        self.assertEqual(custom.rate_type, "fixed")

    def test_inconsistent_configuration_is_refused(self):
        with self.assertRaises(ValidationError):
            self.second.write({"fee_minimum": 30.0, "fee_maximum": 20.0})
        with self.assertRaises(ValidationError):
            self.env["dunning.interest.rule"].create(
                {
                    "name": "No series",
                    "rate_type": "reference",
                    "margin": 8.0,
                }
            )
        with self.assertRaises(ValidationError):
            self.env["dunning.interest.rule"].create(
                {
                    "name": "Two open bands",
                    "rate_type": "fixed",
                    "fixed_rate": 5.0,
                    "compensation_ids": [
                        (0, 0, {"amount": 40.0}),
                        (0, 0, {"amount": 70.0}),
                    ],
                }
            )

    # ------------------------------------------------------------------
    # Fees and interest on the letter, and the fee invoice
    # ------------------------------------------------------------------

    def test_run_totals_are_what_the_computes_give(self):
        """The run stores its letters' totals with one UPDATE per batch
        (dunning.letter._dunning_write_run_totals) instead of letting the ORM
        compute them: they must be exactly what the computes give, with
        and without fees, over amounts that need rounding and several
        invoices per customer; and the run posts no "created" note."""
        eur = self.setup_other_currency("EUR", rates=[("2000-01-01", 3.0)])
        self._overdue_invoice(self.partner_a, 30, amount=1000.01)
        self._overdue_invoice(self.partner_a, 12, amount=0.1)
        self._overdue_invoice(self.partner_a, 3, amount=0.2, currency=eur)
        self._overdue_invoice(self.partner_b, 45, amount=333.33, currency=eur)
        self._overdue_invoice(self.partner_b, 44, amount=10.0)
        letters = self._run()
        self.assertEqual(len(letters), 2)
        self.assertTrue(letters.fee_line_ids, "the friendly level charges a fee")
        names = [
            "line_count",
            "amount_total",
            "max_days_overdue",
            "amount_fees",
            "amount_interest",
            "amount_compensation",
            "amount_grand_total",
        ]
        self.env.flush_all()
        self.env.invalidate_all()
        stored = letters.read(names)
        currency = self.company.currency_id
        expected = []
        for letter in letters:
            fees = {
                fee_type: currency.round(
                    sum(self._fees(letter, fee_type).mapped("amount"))
                )
                for fee_type in ("fee", "interest", "compensation")
            }
            total = currency.round(sum(letter.line_ids.mapped("amount_residual")))
            expected.append(
                {
                    "id": letter.id,
                    "line_count": len(letter.line_ids),
                    "amount_total": total,
                    "max_days_overdue": max(letter.line_ids.mapped("days_overdue")),
                    "amount_fees": fees["fee"],
                    "amount_interest": fees["interest"],
                    "amount_compensation": fees["compensation"],
                    "amount_grand_total": currency.round(total + sum(fees.values())),
                }
            )
        self.assertEqual(stored, expected)
        self.assertEqual(letters.mapped("line_count"), [3, 2])
        self.assertFalse(
            letters.message_ids.filtered(
                lambda message: (
                    message.message_type == "notification"
                    and not message.tracking_value_ids
                    and "created" in (message.body or "")
                )
            ),
            "the run's letters get no creation note",
        )

    def test_fees_and_interest_on_the_letter_and_fee_invoice(self):
        invoice = self._overdue_invoice(self.partner_a, 30, amount=1000.0)
        letter = self._run()
        self.assertEqual(letter.level_id, self.friendly)
        self.assertEqual(letter.state, "sent", "the friendly level sends automatically")
        # Fee: 5 + 1 % × 1,000 = 15, capped at the maximum: 12.00.
        # Interest: 1,000 × 10 % × 30 / 365 = 8.2191... -> 8.22.
        self.assertRecordValues(
            letter.fee_line_ids,
            [
                {
                    "fee_type": "fee",
                    "move_id": False,
                    "date_from": False,
                    "date_to": TODAY,
                    "rate": 1.0,
                    "amount": 12.0,
                    "amount_currency": 12.0,
                    "currency_id": self.usd.id,
                },
                {
                    "fee_type": "interest",
                    "move_id": invoice.id,
                    "date_from": date(2026, 5, 3),
                    "date_to": TODAY,
                    "rate": 10.0,
                    "amount": 8.22,
                    "amount_currency": 8.22,
                    "currency_id": self.usd.id,
                },
            ],
        )
        self.assertEqual(
            self._fees(letter, "interest").name,
            f"Interest 10.00 % from 2026-05-03 to 2026-06-01 on {invoice.name}",
        )
        self.assertRecordValues(
            letter,
            [
                {
                    "amount_total": 1000.0,
                    "amount_fees": 12.0,
                    "amount_interest": 8.22,
                    "amount_compensation": 0.0,
                    "amount_grand_total": 1020.22,
                }
            ],
        )
        self.assertFalse(letter.fee_notes)

        # One posted customer invoice, one line per fee and per invoice's
        # interest, on the configured products and their income accounts, no tax.
        fee_move = letter.fee_move_id
        self.assertRecordValues(
            fee_move,
            [
                {
                    "move_type": "out_invoice",
                    "state": "posted",
                    "partner_id": self.partner_a.id,
                    "currency_id": self.usd.id,
                    "invoice_date": TODAY,
                    "amount_untaxed": 20.22,
                    "amount_tax": 0.0,
                    "amount_total": 20.22,
                    "dunning_fee_letter_id": letter.id,
                    "invoice_origin": letter.name,
                }
            ],
        )
        self.assertRecordValues(
            fee_move.invoice_line_ids,
            [
                {
                    "product_id": self.fee_product.id,
                    "account_id": self.fee_account.id,
                    "price_subtotal": 12.0,
                    "tax_ids": [],
                },
                {
                    "product_id": self.interest_product.id,
                    "account_id": self.interest_account.id,
                    "price_subtotal": 8.22,
                    "tax_ids": [],
                },
            ],
        )
        # It is paid and reconciled like any invoice.
        self._register_payment(fee_move, payment_date=TODAY)
        self.assertIn(fee_move.payment_state, ("paid", "in_payment"))

    def test_draft_or_no_fee_invoice(self):
        self.company.dunning_fee_posting = "draft"
        self._overdue_invoice(self.partner_a, 30)
        letter = self._run()
        self.assertEqual(letter.fee_move_id.state, "draft")
        self.assertAlmostEqual(letter.fee_move_id.amount_total, 20.22)

        self.company.dunning_fee_posting = "none"
        self._overdue_invoice(self.partner_b, 30)
        letter_b = self._run().filtered(
            lambda letter: letter.partner_id == self.partner_b
        )
        self.assertAlmostEqual(
            letter_b.amount_grand_total, 1020.22, msg="shown, not charged"
        )
        self.assertFalse(letter_b.fee_move_id)

    def test_second_letter_charges_only_the_new_interest(self):
        invoice = self._overdue_invoice(self.partner_a, 30, amount=1000.0)
        first = self._run()
        fee_move = first.fee_move_id
        second = self._run(days_after=7)
        self.assertEqual(second.level_id, self.second)
        # The first fee invoice is due on its date (immediate payment): it is
        # reminded too, but earns neither interest nor fee.
        self.assertEqual(second.line_ids.move_id, invoice + fee_move)
        # Interest from the day after the first reminder: 2026-06-02..2026-06-08,
        # 7 days: 1,000 × 10 % × 7 / 365 = 1.9178... -> 1.92. Fee: 10 fixed.
        self.assertRecordValues(
            second.fee_line_ids,
            [
                {
                    "fee_type": "fee",
                    "move_id": False,
                    "date_from": False,
                    "date_to": date(2026, 6, 8),
                    "amount": 10.0,
                },
                {
                    "fee_type": "interest",
                    "move_id": invoice.id,
                    "date_from": date(2026, 6, 2),
                    "date_to": date(2026, 6, 8),
                    "amount": 1.92,
                },
            ],
        )
        self.assertNotEqual(second.fee_move_id, fee_move)
        self.assertEqual(second.fee_move_id.state, "posted")
        self.assertEqual(second.fee_move_id.invoice_date, date(2026, 6, 8))
        self.assertAlmostEqual(second.fee_move_id.amount_total, 11.92)
        # 1,000 + 20.22 (first fee invoice, now overdue) + 10 + 1.92
        self.assertAlmostEqual(second.amount_grand_total, 1032.14)

    def test_scheduled_action_twice_charges_once(self):
        self._overdue_invoice(self.partner_a, 30)
        IrCron = type(self.env["ir.cron"])
        with patch.object(IrCron, "_commit_progress", lambda *args, **kwargs: 100.0):
            self.Letter.with_company(self.company)._cron_run_dunning()
            self.Letter.with_company(self.company)._cron_run_dunning()
        letter = self.Letter.search([("partner_id", "=", self.partner_a.id)])
        self.assertEqual(len(letter), 1)
        letter._dunning_apply_fees()
        self.assertEqual(len(letter.fee_line_ids), 2)
        fee_moves = self.env["account.move"].search(
            [("dunning_fee_letter_id", "=", letter.id)]
        )
        self.assertEqual(fee_moves, letter.fee_move_id)
        self.assertEqual(len(fee_moves.invoice_line_ids), 2)

    def test_foreign_currency_invoice(self):
        eur = self.setup_other_currency("EUR", rates=[("2000-01-01", 2.0)])
        invoice = self._overdue_invoice(self.partner_a, 30, amount=1000.0, currency=eur)
        letter = self._run()
        # 2 EUR per USD: the invoice's 1,000 EUR are 500 USD.
        # Interest in EUR: 1,000 × 10 % × 30 / 365 = 8.22 EUR = 4.11 USD.
        # Fee in EUR, the currency of every reminded invoice: 5 USD × 2 + 1 % ×
        # 1,000 EUR = 20 EUR, below the maximum of 12 USD × 2 = 24 EUR; 10 USD.
        self.assertRecordValues(
            letter.fee_line_ids,
            [
                {
                    "fee_type": "fee",
                    "move_id": False,
                    "currency_id": eur.id,
                    "amount_currency": 20.0,
                    "amount": 10.0,
                },
                {
                    "fee_type": "interest",
                    "move_id": invoice.id,
                    "currency_id": eur.id,
                    "amount_currency": 8.22,
                    "amount": 4.11,
                },
            ],
        )
        self.assertAlmostEqual(letter.amount_grand_total, 514.11)
        self.assertRecordValues(
            letter.fee_move_id,
            [
                {
                    "currency_id": eur.id,
                    "amount_total": 28.22,
                    "amount_total_signed": 14.11,
                }
            ],
        )

    # ------------------------------------------------------------------
    # Statutory rules and fixed compensation
    # ------------------------------------------------------------------

    def test_eu_rule_in_euro_compensation_once_per_invoice(self):
        eur = self._enable_currency("EUR")
        company = self.setup_other_company(currency_id=eur.id)["company"]
        self.env.user.company_ids |= company
        friendly, second = self.env["dunning.level"]._dunning_levels_for(company)[:2]
        (friendly + second).write({"charge_interest": True})
        company.write(
            {
                "dunning_fee_posting": "posted",
                "dunning_interest_rule_id": self.eu_b2b.id,
            }
        )
        big = self._overdue_invoice(
            self.partner_a, 30, amount=1000.0, currency=eur, company=company
        )
        small = self._overdue_invoice(
            self.partner_a, 30, amount=500.0, currency=eur, company=company
        )
        first = self._run(company=company)
        # ECB rate in force on 1 January 2026: 2.15 (since 2025-06-11, the last
        # published rate, still in force) + 8 = 10.15 %.
        #   1,000 × 10.15 % × 30 / 365 = 3,045 / 365 = 8.3424... -> 8.34
        #     500 × 10.15 % × 30 / 365 = 1,522.5 / 365 = 4.1712... -> 4.17
        # and EUR 40 per invoice.
        self.assertRecordValues(
            first.fee_line_ids,
            [
                {
                    "fee_type": "interest",
                    "move_id": big.id,
                    "rate": 10.15,
                    "amount": 8.34,
                },
                {
                    "fee_type": "interest",
                    "move_id": small.id,
                    "rate": 10.15,
                    "amount": 4.17,
                },
                {
                    "fee_type": "compensation",
                    "move_id": big.id,
                    "rate": 0.0,
                    "amount": 40.0,
                },
                {
                    "fee_type": "compensation",
                    "move_id": small.id,
                    "rate": 0.0,
                    "amount": 40.0,
                },
            ],
        )
        self.assertEqual(
            self._fees(first, "interest")[0].name,
            f"Interest 8.00 % + ECB 2.15 % from 2026-05-03 to 2026-06-01 on {big.name}",
        )
        self.assertAlmostEqual(first.amount_grand_total, 1500 + 8.34 + 4.17 + 80)
        self.assertRecordValues(
            first.fee_move_id,
            [
                {
                    "currency_id": eur.id,
                    "amount_total": 92.51,
                    "state": "posted",
                }
            ],
        )
        self.assertEqual(len(first.fee_move_id.invoice_line_ids), 4)

        # A week later: the new days' interest, no compensation again.
        #   1,000 × 10.15 % × 7 / 365 = 710.5 / 365 = 1.9465... -> 1.95
        #     500 × 10.15 % × 7 / 365 = 355.25 / 365 = 0.9732... -> 0.97
        second_letter = self._run(days_after=7, company=company)
        self.assertEqual(second_letter.level_id, second)
        self.assertRecordValues(
            second_letter.fee_line_ids,
            [
                {
                    "fee_type": "interest",
                    "move_id": big.id,
                    "date_from": date(2026, 6, 2),
                    "amount": 1.95,
                },
                {
                    "fee_type": "interest",
                    "move_id": small.id,
                    "date_from": date(2026, 6, 2),
                    "amount": 0.97,
                },
            ],
        )

    def test_uk_compensation_by_debt_converted_from_pounds(self):
        gbp = self.setup_other_currency("GBP", rates=[("2000-01-01", 0.5)])
        self.partner_a.with_company(self.company).dunning_interest_rule_id = self.uk_b2b
        self.friendly.write({"fee_fixed": 0.0, "fee_percent": 0.0, "fee_maximum": 0.0})
        small = self._overdue_invoice(self.partner_a, 30, amount=1000.0)
        large = self._overdue_invoice(self.partner_a, 30, amount=30000.0)
        letter = self._run()
        # 0.5 GBP per USD. Bank Rate on 31 December 2025: 3.75 (since
        # 2025-12-18) + 8 = 11.75 %.
        #    1,000 × 11.75 % × 30 / 365 = 3,525 / 365 = 9.6575... -> 9.66
        #   30,000 × 11.75 % × 30 / 365 = 105,750 / 365 = 289.7260... -> 289.73
        # Debts of 500 GBP (below 1,000: GBP 40 = USD 80) and 15,000 GBP
        # (10,000 or more: GBP 100 = USD 200).
        self.assertRecordValues(
            letter.fee_line_ids,
            [
                {
                    "fee_type": "interest",
                    "move_id": small.id,
                    "rate": 11.75,
                    "amount": 9.66,
                },
                {
                    "fee_type": "interest",
                    "move_id": large.id,
                    "rate": 11.75,
                    "amount": 289.73,
                },
                {
                    "fee_type": "compensation",
                    "move_id": small.id,
                    "rate": 0.0,
                    "amount": 80.0,
                },
                {
                    "fee_type": "compensation",
                    "move_id": large.id,
                    "rate": 0.0,
                    "amount": 200.0,
                },
            ],
        )
        self.assertEqual(self._fees(letter, "compensation").currency_id, self.usd)
        self.assertIn(gbp.symbol, self._fees(letter, "compensation")[0].name)

    def test_compensation_skipped_without_exchange_rate(self):
        eur = self._enable_currency("EUR")
        self.env["res.currency.rate"].search([("currency_id", "=", eur.id)]).unlink()
        self.partner_a.with_company(self.company).dunning_interest_rule_id = self.eu_b2b
        invoice = self._overdue_invoice(self.partner_a, 30, amount=1000.0)
        with self.assertLogs(FEE_LOGGER, "WARNING"):
            letter = self._run()
        # Interest is in the invoice's currency: 1,000 × 10.15 % × 30 / 365 = 8.34.
        # The EUR 40 cannot be converted: skipped, and said so.
        self.assertRecordValues(
            self._fees(letter, "interest"),
            [
                {"move_id": invoice.id, "amount": 8.34},
            ],
        )
        self.assertFalse(self._fees(letter, "compensation"))
        self.assertIn("EUR has no exchange rate on 2026-06-01", letter.fee_notes)
        self.assertIn(invoice.name, letter.fee_notes)

    def test_consumer_with_business_rule_gets_no_interest(self):
        self.rule.customer_kind = "b2b"
        consumer = self._customer("Jane Consumer")
        company_as_consumer = self._customer("Sole Trader Ltd", is_company=True)
        company_as_consumer.with_company(self.company).dunning_customer_kind = "b2c"
        person_as_business = self._customer("John Freelancer")
        person_as_business.with_company(self.company).dunning_customer_kind = "b2b"
        for partner in consumer + company_as_consumer + person_as_business:
            self._overdue_invoice(partner, 30)
        letters = self._run()
        for partner in consumer + company_as_consumer:
            letter = letters.filtered(
                lambda letter, partner=partner: letter.partner_id == partner
            )
            self.assertEqual(
                letter.fee_line_ids.mapped("fee_type"), ["fee"], partner.name
            )
            self.assertIn("B2C", letter.fee_notes)
        business = letters.filtered(
            lambda letter: letter.partner_id == person_as_business
        )
        self.assertAlmostEqual(business.amount_interest, 8.22)

    def test_rule_without_rate_data_is_skipped_and_run_continues(self):
        no_data = self.env["dunning.interest.rule"].create(
            {
                "name": "Bank Rate without data",
                "rate_type": "reference",
                "reference_series": "boe_base",
                "margin": 8.0,
            }
        )
        self.env["dunning.interest.rate"].search([("series", "=", "boe_base")]).unlink()
        self.partner_a.with_company(self.company).dunning_interest_rule_id = no_data
        self._overdue_invoice(self.partner_a, 30)
        self._overdue_invoice(self.partner_b, 30)
        with self.assertLogs(FEE_LOGGER, "WARNING") as logs:
            letters = self._run()
        self.assertIn("boe_base", "\n".join(logs.output))
        letter_a = letters.filtered(lambda letter: letter.partner_id == self.partner_a)
        letter_b = letters.filtered(lambda letter: letter.partner_id == self.partner_b)
        self.assertFalse(self._fees(letter_a, "interest"))
        self.assertIn("has no rate in force on 2026-01-01", letter_a.fee_notes)
        self.assertAlmostEqual(
            letter_a.amount_fees, 12.0, msg="the fee is still charged"
        )
        self.assertAlmostEqual(letter_b.amount_interest, 8.22)

    # ------------------------------------------------------------------
    # Fee invoices: cancelling, no fees on fees, configuration
    # ------------------------------------------------------------------

    def test_cancel_letter_cancels_fee_invoice(self):
        self.company.dunning_escalation = "straight"
        invoice = self._overdue_invoice(self.partner_a, 50, amount=1000.0)
        letter = self._run()
        self.assertEqual(letter.level_id, self.final)
        self.assertEqual(letter.state, "to_approve")
        fee_move = letter.fee_move_id
        self.assertEqual(fee_move.state, "posted")
        letter.action_cancel()
        self.assertEqual(fee_move.state, "cancel")

        # Back to draft: its days are charged again on a new fee invoice.
        # 2026-04-13..2026-06-01: 18 + 31 + 1 = 50 days:
        # 1,000 × 10 % × 50 / 365 = 13.6986... -> 13.70, plus the fee of 20.
        letter.action_reset_draft()
        self.assertEqual(fee_move.state, "cancel")
        self.assertNotEqual(letter.fee_move_id, fee_move)
        self.assertEqual(letter.fee_move_id.state, "posted")
        self.assertRecordValues(
            self._fees(letter, "interest"),
            [
                {
                    "move_id": invoice.id,
                    "date_from": date(2026, 4, 13),
                    "amount": 13.70,
                },
            ],
        )
        self.assertAlmostEqual(letter.fee_move_id.amount_total, 33.70)

        # A paid fee invoice cannot be cancelled with its reminder.
        self._register_payment(letter.fee_move_id, payment_date=TODAY)
        with self.assertRaises(UserError):
            letter.action_cancel()

    def test_cancelled_letter_frees_its_days(self):
        self.company.dunning_escalation = "straight"
        self._overdue_invoice(self.partner_a, 50, amount=1000.0)
        self.company.dunning_fee_posting = "draft"
        letter = self._run()
        fee_move = letter.fee_move_id
        self.assertEqual(fee_move.state, "draft")
        letter.action_cancel()
        self.assertEqual(fee_move.state, "cancel")
        # The next day's letter charges the whole period again: 51 days,
        # 1,000 × 10 % × 51 / 365 = 13.9726... -> 13.97.
        new_letter = self._run(days_after=1)
        self.assertRecordValues(
            self._fees(new_letter, "interest"),
            [
                {
                    "date_from": date(2026, 4, 13),
                    "date_to": date(2026, 6, 2),
                    "amount": 13.97,
                },
            ],
        )

    def test_no_fees_on_a_fee_invoice(self):
        invoice = self._overdue_invoice(self.partner_a, 30)
        fee_move = self._run().fee_move_id
        self._register_payment(invoice, payment_date=TODAY)
        # Ten days later only the fee invoice is overdue: it is reminded,
        # without fee or interest of its own.
        letter = self._run(days_after=10)
        self.assertEqual(letter.line_ids.move_id, fee_move)
        self.assertFalse(letter.fee_line_ids)
        self.assertFalse(letter.fee_move_id)
        self.assertAlmostEqual(letter.amount_grand_total, 20.22)

    def test_missing_product(self):
        self.company.dunning_fee_product_id = False
        self._overdue_invoice(self.partner_a, 30)
        # By hand: a clear error, and no reminder.
        with self.assertRaisesRegex(UserError, "dunning fee product"):
            self.partner_a.with_company(self.company).action_dunning_new_letter()
        self.assertFalse(self.Letter.search([("partner_id", "=", self.partner_a.id)]))
        # In the run: logged, and the reminder goes with what can be charged.
        with self.assertLogs(FEE_LOGGER, "WARNING"):
            letter = self._run()
        self.assertEqual(letter.fee_line_ids.mapped("fee_type"), ["interest"])
        self.assertIn("dunning fee product", letter.fee_notes)
        self.assertAlmostEqual(letter.fee_move_id.amount_total, 8.22)

    def test_fee_invoice_in_a_locked_period(self):
        """Today is in a locked period, so the fee invoice cannot be posted:
        the run still makes the letter, charges nothing, and says why on it."""
        self._overdue_invoice(self.partner_a, 30, amount=1000.0)
        self.company.sale_lock_date = TODAY
        with self.assertLogs(
            "odoo.addons.dunning_followup.models.dunning_letter", "WARNING"
        ):
            letter = self._run()
        self.assertEqual(letter.level_id, self.friendly)
        self.assertFalse(letter.fee_move_id)
        self.assertFalse(letter.fee_line_ids)
        self.assertTrue(letter.fee_notes)
        self.assertEqual(letter.amount_grand_total, letter.amount_total)
