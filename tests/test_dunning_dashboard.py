"""The collections dashboard: every figure, and the list each one opens.

TODAY is 2026-06-01."""

from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import TODAY, DunningCommon


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestDunningDashboard(DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Dashboard = cls.env["dunning.dashboard"]
        cls.agency = cls.env["res.partner"].create(
            {
                "name": "Dashboard Agency",
                "is_company": True,
                "dunning_collection_agency": True,
                "dunning_collection_commission": 10.0,
            }
        )
        Partner = cls.env["res.partner"]
        cls.partner_c, cls.partner_d, cls.partner_e = Partner.create(
            [
                {
                    "name": f"Dashboard {name}",
                    "is_company": True,
                    "email": f"{name}@example.com",
                }
                for name in ("C", "D", "E")
            ]
        )
        cls.invoice_a = cls._overdue_invoice(cls.partner_a, 45, amount=450.0)
        cls.invoice_b = cls._overdue_invoice(cls.partner_b, 10, amount=100.0)
        cls._overdue_invoice(cls.partner_b, -10, amount=70.0)  # not due yet
        # partner_c: second reminder 20 days ago, the final notice waits for approval
        invoice_c = cls._overdue_invoice(cls.partner_c, 50, amount=500.0)
        invoice_c.write(
            {
                "dunning_level_id": cls.second.id,
                "dunning_last_date": TODAY - timedelta(days=20),
                "dunning_count": 2,
            }
        )
        cls.invoice_d = cls._overdue_invoice(cls.partner_d, 130, amount=1300.0)
        cls.invoice_e = cls._overdue_invoice(cls.partner_e, 95, amount=950.0)

    def test_figures_and_their_lists(self):
        letters = self.Letter._run_dunning(date=TODAY, company=self.company)
        letter_c = letters.filtered(lambda letter: letter.partner_id == self.partner_c)
        self.assertEqual(letter_c.state, "to_approve")
        letter_a = letters.filtered(lambda letter: letter.partner_id == self.partner_a)
        letter_a.write({"state": "failed", "failure_reason": "Mail server down"})
        self._state(self.partner_b).dunning_promise_date = TODAY
        self._state(self.partner_e).dunning_promise_date = TODAY - timedelta(days=3)
        self.partner_e.action_dunning_refresh()
        case = self.env["dunning.collection.case"]._dunning_hand_over(
            self.partner_d, self.invoice_d, agency=self.agency
        )
        self._register_payment(self.invoice_d, amount=300.0, payment_date=TODAY)

        data = self.Dashboard.get_dashboard_data()
        aging = {bucket["key"]: bucket["amount"] for bucket in data["aging"]}
        self.assertEqual(aging["not_due"], 70.0)
        self.assertEqual(aging["1_30"], 100.0)
        self.assertEqual(aging["31_60"], 950.0, "450 (45 days) and 500 (50 days).")
        self.assertEqual(aging["91_120"], 950.0)
        self.assertEqual(aging["120_plus"], 1000.0, "1300 less the 300 paid.")
        counts = data["counts"]
        self.assertEqual(counts["to_approve"], 1)
        self.assertEqual(counts["failed"], 1)
        self.assertEqual(counts["promises_today"], 1)
        self.assertEqual(counts["promises_broken"], 1)
        self.assertEqual(counts["open_cases"], 1)
        self.assertEqual(counts["open_cases_amount"], 1300.0)
        self.assertEqual(counts["recovered_month"], 300.0)
        self.assertEqual(
            len(data["trend"]), 12, "One point per month of the last year."
        )
        top = [row["id"] for row in data["top_customers"]]
        self.assertLessEqual(len(top), 10)
        self.assertIn(self.partner_e.id, top)
        priorities = [row["priority"] for row in data["top_customers"]]
        self.assertEqual(
            priorities,
            sorted(priorities, reverse=True),
            "The most urgent customer comes first.",
        )

        def records(figure, key=None):
            action = self.Dashboard.action_open_figure(figure, key)
            return self.env[action["res_model"]].search(action.get("domain") or [])

        self.assertEqual(records("to_approve"), letter_c)
        self.assertEqual(records("failed"), letter_a)
        self.assertEqual(records("promises_today"), self.partner_b)
        self.assertEqual(records("promises_broken"), self.partner_e)
        self.assertEqual(records("recovered_month"), case)
        self.assertEqual(records("aging", "1_30"), self.invoice_b)
        self.assertEqual(records("aging", "120_plus"), self.invoice_d)
        self.assertEqual(
            self.Dashboard.action_open_figure("customer", self.partner_e.id)["res_id"],
            self.partner_e.id,
        )
