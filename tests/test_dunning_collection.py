"""Collection cases: hand-over to an agency, payments and commission, return
to internal dunning, write-off, hand-over file and notice.

TODAY is 2026-06-01. With straight escalation an invoice 70 days overdue is
due for the hand-over level (60 days); the default hand-over level waits for
approval, so the case opens when the approved reminder is sent.
"""

import io
from datetime import timedelta

import openpyxl
import polib
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, tagged

from . import test_dunning_report as report_tests
from .common import TODAY, DunningCommon
from .test_dunning_i18n_letters import I18N, _translation


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestDunningCollection(DunningCommon, HttpCase):
    _render_pdf = report_tests.TestDunningReport._render_pdf
    _pdf_text = report_tests.TestDunningReport._pdf_text

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Case = cls.env["dunning.collection.case"]
        cls.company.dunning_escalation = "straight"
        cls.agency = cls.env["res.partner"].create(
            {
                "name": "Collect & Co",
                "is_company": True,
                "email": "cases@collect.example.com",
                "dunning_collection_agency": True,
                "dunning_collection_commission": 20.0,
            }
        )
        cls.bad_debt = cls.env["account.account"].create(
            {
                "name": "Bad debts",
                "code": "658100",
                "account_type": "expense",
            }
        )
        cls.company.write(
            {
                "dunning_collection_agency_id": cls.agency.id,
                "dunning_writeoff_account_id": cls.bad_debt.id,
                "dunning_writeoff_journal_id": cls.company_data[
                    "default_journal_misc"
                ].id,
            }
        )
        cls.collection.collection_notice = True
        cls.partner_a.write({"street": "1 Main Street", "city": "Town"})

    def _hand_over(self, partner, days=70, amount=1000.0):
        """An invoice of ``partner`` reaches the hand-over level; the manager
        approves and sends the reminder: the case opens."""
        invoice = self._overdue_invoice(partner, days, amount=amount)
        letter = self._run().filtered(lambda letter: letter.partner_id == partner)
        self.assertEqual(
            letter.level_id,
            self.collection,
            "The invoice is due for the hand-over level.",
        )
        self.assertFalse(
            self.Case.search([("partner_id", "=", partner.id)]),
            "No case opens before the hand-over reminder is approved and sent.",
        )
        letter.action_approve()
        letter.action_send()
        case = self.Case.search([("partner_id", "=", partner.id)])
        self.assertEqual(len(case), 1, "Sending the hand-over reminder opens one case.")
        return invoice, case

    def _pay(self, invoice, amount, days_after=0):
        with freeze_time(TODAY + timedelta(days=days_after)):
            return self._register_payment(
                invoice, amount=amount, payment_date=TODAY + timedelta(days=days_after)
            )

    # ------------------------------------------------------------------
    # Hand-over
    # ------------------------------------------------------------------

    def test_hand_over_opens_case_and_stops_our_reminders_and_fees(self):
        invoice, case = self._hand_over(self.partner_a)
        self.assertEqual(case.state, "open")
        self.assertEqual(case.agency_id, self.agency)
        self.assertEqual(
            case.commission_rate, 20.0, "The case takes the agency's commission."
        )
        self.assertEqual(case.line_ids.move_id, invoice)
        self.assertEqual(case.line_ids.amount_handed_over, 1000.0)
        self.assertEqual(case.date, TODAY)
        self.assertEqual(self._state(self.partner_a).dunning_status, "collection")

        # A month later, with fees on every level and a new overdue invoice:
        # only the new invoice is reminded and charged.
        self.friendly.write({"fee_fixed": 5.0, "fee_percent": 10.0})
        self.collection.fee_fixed = 50.0
        newer = self._overdue_invoice(self.partner_a, -22, amount=200.0)
        letters = self._run(days_after=30).filtered(
            lambda letter: letter.partner_id == self.partner_a
        )
        self.assertEqual(
            letters.line_ids.move_id,
            newer,
            "The reminder lists the new invoice, not the handed-over one.",
        )
        self.assertEqual(letters.level_id, self.friendly)
        fee = letters.fee_line_ids.filtered(lambda fee: fee.fee_type == "fee")
        self.assertEqual(
            fee.amount, 25.0, "The fee is 5 + 10 % of the new invoice's 200 only."
        )
        self.assertFalse(
            letters.fee_line_ids.filtered(lambda fee: fee.move_id == invoice),
            "No fee or interest is charged on the handed-over invoice.",
        )

    def test_case_in_collection_gets_no_reminder_at_all(self):
        _invoice, case = self._hand_over(self.partner_a)
        for days in (15, 60, 200):
            self.assertFalse(
                self._run(days_after=days).filtered(
                    lambda letter: letter.partner_id == self.partner_a
                ),
                "While the case is open, the customer gets no reminder of ours.",
            )
        self.assertEqual(case.state, "open")

    def test_statutory_interest_still_accrues_on_the_case(self):
        rule = self.env.ref("dunning_followup.interest_rule_custom")
        rule.fixed_rate = 10.0
        self.company.dunning_interest_rule_id = rule
        _invoice, case = self._hand_over(self.partner_a)
        # 70 days on 1000 at 10 %: 1000 * 0.10 * 70 / 365 = 19.18
        self.assertAlmostEqual(case.amount_interest, 19.18, places=2)
        with freeze_time(TODAY + timedelta(days=30)):
            case.invalidate_recordset(["amount_interest"])
            case.line_ids.invalidate_recordset(["amount_interest"])
            # 100 days: 1000 * 0.10 * 100 / 365 = 27.40
            self.assertAlmostEqual(
                case.amount_interest,
                27.40,
                places=2,
                msg="Interest keeps accruing while the agency works the case.",
            )

    def test_hand_over_by_hand_from_the_customer(self):
        invoice = self._overdue_invoice(self.partner_b, 20, amount=300.0)
        action = self.partner_b.action_dunning_hand_over()
        wizard = (
            self.env[action["res_model"]].with_context(**action["context"]).create({})
        )
        self.assertEqual(wizard.move_ids, invoice, "The overdue invoices are proposed.")
        self.assertEqual(
            wizard.agency_id, self.agency, "The company's agency is proposed."
        )
        case = self.Case.browse(wizard.action_hand_over()["res_id"])
        self.assertEqual(case.line_ids.move_id, invoice)
        self.assertEqual(self._state(self.partner_b).dunning_status, "collection")
        self.assertFalse(
            self.Case._dunning_hand_over(self.partner_b, invoice, agency=self.agency),
            "An invoice already in an open case is not handed over again.",
        )
        second = self.Case.create(
            {"partner_id": self.partner_b.id, "agency_id": self.agency.id}
        )
        with self.assertRaises(
            ValidationError, msg="An invoice is in one open case at a time."
        ):
            second.write(
                {
                    "line_ids": [
                        Command.create(
                            {"move_id": invoice.id, "amount_handed_over": 1.0}
                        )
                    ]
                }
            )

    # ------------------------------------------------------------------
    # Payments
    # ------------------------------------------------------------------

    def test_payment_after_hand_over_recognised_with_commission(self):
        invoice, case = self._hand_over(self.partner_a)
        self._pay(invoice, 400.0, days_after=5)
        self.assertEqual(case.payment_ids.mapped("amount"), [400.0])
        self.assertEqual(
            case.payment_ids.commission,
            80.0,
            "The agency earns 20 % of the 400 recovered.",
        )
        self.assertEqual(case.payment_ids.date, TODAY + timedelta(days=5))
        self.assertEqual(case.state, "partial")
        self.assertEqual(case.amount_recovered, 400.0)
        self.assertEqual(case.amount_residual, 600.0)

    def test_case_closes_itself_when_paid(self):
        invoice, case = self._hand_over(self.partner_a)
        self._pay(invoice, 400.0, days_after=5)
        self._pay(invoice, 600.0, days_after=9)
        self.assertEqual(
            case.state, "recovered", "Everything is paid: the case closes itself."
        )
        self.assertEqual(case.amount_recovered, 1000.0)
        self.assertEqual(case.amount_commission, 200.0)
        self.assertEqual(
            case.close_date,
            TODAY + timedelta(days=9),
            "The case closes on the day of the last payment.",
        )
        self.assertNotEqual(self._state(self.partner_a).dunning_status, "collection")

    # ------------------------------------------------------------------
    # Return and write-off
    # ------------------------------------------------------------------

    def _close(self, case, mode, reason):
        action = getattr(
            case, "action_return" if mode == "return" else "action_write_off"
        )()
        wizard = (
            self.env[action["res_model"]]
            .with_context(**action["context"])
            .create({"reason": reason})
        )
        wizard.action_confirm()

    def test_return_resumes_internal_dunning(self):
        invoice, case = self._hand_over(self.partner_a)
        self._close(case, "return", "The agency could not reach the customer.")
        self.assertEqual(case.state, "returned")
        self.assertEqual(case.close_reason, "The agency could not reach the customer.")
        self.assertEqual(
            invoice.dunning_level_id,
            self.second,
            "The invoice comes back below the final notice.",
        )
        # One level at a time: the next reminder is the final notice again (with
        # straight escalation the invoice would be handed over again at once).
        self.company.dunning_escalation = "stepwise"
        letter = self._run(days_after=10).filtered(
            lambda letter: letter.partner_id == self.partner_a
        )
        self.assertEqual(
            letter.line_ids.move_id,
            invoice,
            "After the return, the run reminds the invoice again.",
        )
        self.assertEqual(letter.level_id, self.final)
        self.assertIn(
            "The agency could not reach the customer.",
            "\n".join(self.partner_a.message_ids.mapped("body")),
            "The customer's chatter keeps the history.",
        )

    def test_write_off_posts_residual_to_bad_debt_account(self):
        invoice, case = self._hand_over(self.partner_a)
        self._pay(invoice, 300.0, days_after=2)
        self._close(case, "write_off", "Customer insolvent.")
        self.assertEqual(case.state, "written_off")
        entry = case.writeoff_move_id
        self.assertEqual(entry.state, "posted")
        self.assertEqual(entry.journal_id, self.company_data["default_journal_misc"])
        bad_debt = entry.line_ids.filtered(
            lambda line: line.account_id == self.bad_debt
        )
        self.assertEqual(bad_debt.debit, 700.0, "The residual 700 goes to bad debts.")
        self.assertIn("Customer insolvent.", bad_debt.name)
        self.assertEqual(
            invoice.payment_state,
            "paid",
            "The write-off is reconciled with the invoice: it is paid.",
        )
        self.assertEqual(
            case.payment_ids.mapped("amount"),
            [300.0],
            "The write-off is not a payment recovered by the agency.",
        )

    def test_write_off_needs_the_settings(self):
        _invoice, case = self._hand_over(self.partner_a)
        self.company.dunning_writeoff_account_id = False
        with self.assertRaisesRegex(UserError, "bad-debt account"):
            case._dunning_write_off("No settings")
        self.assertEqual(case.state, "open")

    # ------------------------------------------------------------------
    # Hand-over file and notice
    # ------------------------------------------------------------------

    def test_dossier_pdf_and_xlsx_hold_the_handed_over_invoices(self):
        other = self._overdue_invoice(self.partner_a, 65, amount=250.0)
        invoice, case = self._hand_over(self.partner_a)
        self.assertEqual(case.line_ids.move_id, invoice | other)
        text = self._pdf_text(
            self._render_pdf(
                "dunning_followup.action_report_dunning_collection_dossier", case
            )
        )
        for move in invoice | other:
            self.assertIn(
                move.name, text, "The dossier lists every handed-over invoice."
            )
        self.assertIn(
            case.letter_id.name, text, "The dossier lists the reminders sent."
        )
        self.assertIn("Collect & Co", text)

        workbook = openpyxl.load_workbook(io.BytesIO(case._dunning_xlsx_content()))
        rows = list(workbook.active.iter_rows(values_only=True))
        self.assertEqual(len(rows), 3, "A header and one line per invoice.")
        self.assertEqual({row[0] for row in rows[1:]}, {invoice.name, other.name})
        self.assertEqual(sorted(row[5] for row in rows[1:]), [250.0, 1000.0])

    def test_hand_over_file_sent_to_agency(self):
        _invoice, case = self._hand_over(self.partner_a)
        action = case.action_send_to_agency()
        composer = (
            self.env["mail.compose.message"]
            .with_context(**action["context"])
            .create({})
        )
        composer._action_send_mail()
        message = case.message_ids.filtered(lambda m: self.agency in m.partner_ids)
        self.assertEqual(len(message), 1, "The hand-over file goes to the agency.")
        names = message.attachment_ids.mapped("name")
        self.assertTrue(any(name.endswith(".xlsx") for name in names), names)
        self.assertTrue(any(name.endswith(".pdf") for name in names), names)

    def test_notice_goes_out_in_the_customers_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["dunning_followup"], ["fr_FR"], overwrite=True
        )
        self.partner_a.lang = "fr_FR"
        _invoice, case = self._hand_over(self.partner_a)
        notice = case.message_ids.filtered(lambda m: self.partner_a in m.partner_ids)
        self.assertEqual(
            len(notice), 1, "The level asks for a notice: the customer gets it."
        )
        french = "Malgré nos relances, les factures ci-dessous restent impayées."
        body_fr = next(
            entry.msgstr
            for entry in polib.pofile(str(I18N / "fr.po"))
            if "Despite our reminders" in entry.msgid
        )
        self.assertIn(french, body_fr, "The French notice text comes from fr.po.")
        self.assertIn(french, str(notice.body), "The notice is in French.")
        self.assertIn(
            "Collect &amp; Co", str(notice.body), "The notice names the agency."
        )
        subject = _translation(
            "fr",
            "Your account has been handed over to {{ object.agency_id.name }} - "
            "{{ object.company_id.name }}",
        )
        self.assertEqual(
            notice.subject,
            subject.replace("{{ object.agency_id.name }}", "Collect & Co").replace(
                "{{ object.company_id.name }}", self.company.name
            ),
        )

    def test_no_notice_when_the_level_does_not_ask(self):
        self.collection.collection_notice = False
        _invoice, case = self._hand_over(self.partner_a)
        self.assertFalse(
            case.message_ids.filtered(lambda m: self.partner_a in m.partner_ids)
        )

    def test_case_from_lines_of_a_letter_keeps_other_customers_apart(self):
        """Only the letter's customer's invoices are handed over."""
        other = self._overdue_invoice(self.partner_b, 70)
        _invoice, case = self._hand_over(self.partner_a)
        self.assertNotIn(other, case.line_ids.move_id)
        with self.assertRaises(
            ValidationError, msg="A case holds only its customer's invoices."
        ):
            case.write(
                {
                    "line_ids": [
                        Command.create({"move_id": other.id, "amount_handed_over": 1.0})
                    ]
                }
            )

    # ------------------------------------------------------------------
    # Field visits
    # ------------------------------------------------------------------

    def test_visit_planned_printed_and_logged(self):
        invoice = self._overdue_invoice(self.partner_a, 20, amount=400.0)
        self.partner_a.action_dunning_plan_visit()
        visit_type = self.env.ref("dunning_followup.mail_activity_type_dunning_visit")
        visit = self.partner_a.activity_ids.filtered(
            lambda activity: activity.activity_type_id == visit_type
        )
        self.assertEqual(len(visit), 1, "A Visit activity is planned.")
        self.assertIn("1 Main Street", str(visit.note), "The visit shows the address.")

        text = self._pdf_text(
            self._render_pdf(
                "dunning_followup.action_report_dunning_visit_sheet", self.partner_a
            )
        )
        self.assertIn(invoice.name, text, "The visit sheet lists the open items.")
        self.assertIn("Outcome of the visit", text)

        action = self.partner_a.action_dunning_log_visit()
        wizard = (
            self.env[action["res_model"]]
            .with_context(**action["context"])
            .create({"outcome": "paid", "note": "Paid cash at the door."})
        )
        self.assertEqual(wizard.contact_type, "visit")
        wizard.action_log()
        self.assertNotIn(
            visit, self.partner_a.activity_ids, "Logging the visit marks it done."
        )
        logged = self.partner_a.message_ids.filtered(
            lambda message: "Paid cash at the door." in str(message.body)
        )
        self.assertIn(
            "Visit:", str(logged[:1].body), "The outcome is logged as a visit."
        )

    def test_level_with_visit_activity_gives_the_address(self):
        visit_type = self.env.ref("dunning_followup.mail_activity_type_dunning_visit")
        self.final.write({"create_activity": True, "activity_type_id": visit_type.id})
        self._overdue_invoice(self.partner_a, 50)
        letter = self._run().filtered(
            lambda letter: letter.partner_id == self.partner_a
        )
        self.assertEqual(letter.level_id, self.final)
        letter.action_approve()
        letter.action_send()
        visit = self.partner_a.activity_ids.filtered(
            lambda activity: activity.activity_type_id == visit_type
        )
        self.assertEqual(len(visit), 1, "The level plans a visit.")
        self.assertIn("1 Main Street", str(visit.note))
