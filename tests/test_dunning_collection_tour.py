from datetime import timedelta

from odoo.tests import HttpCase, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .test_tours import DunningTourMixin


@tagged("post_install", "-at_install")
class TestDunningCollectionTour(DunningTourMixin, AccountTestInvoicingCommon, HttpCase):
    """The collections dashboard in the browser.

    The ledger, in the test company, relative to today:

    * "Dunning Tour Approve Co": an invoice 50 days overdue that got the
      second reminder 20 days ago; the run prepares its final notice, which
      waits for a manager's approval.
    * "Dunning Tour Agency Case Co": an invoice 90 days overdue handed over
      to "Dunning Tour Agency" by hand: one open collection case.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        cls.customer_approve = cls.env["res.partner"].create(
            {
                "name": "Dunning Tour Approve Co",
                "is_company": True,
                "email": "approve@example.com",
            }
        )
        invoice = cls._overdue_invoice(cls.customer_approve, 50)
        invoice.write(
            {
                "dunning_level_id": cls.second.id,
                "dunning_last_date": cls.today - timedelta(days=20),
                "dunning_count": 2,
            }
        )
        cls.letter = (
            cls.env["dunning.letter"]
            ._run_dunning(date=cls.today, company=company)
            .filtered(lambda letter: letter.partner_id == cls.customer_approve)
        )

        cls.agency = cls.env["res.partner"].create(
            {
                "name": "Dunning Tour Agency",
                "is_company": True,
                "email": "agency@example.com",
                "dunning_collection_agency": True,
                "dunning_collection_commission": 15.0,
            }
        )
        cls.customer_case = cls.env["res.partner"].create(
            {
                "name": "Dunning Tour Agency Case Co",
                "is_company": True,
                "email": "case@example.com",
            }
        )
        cls.invoice_case = cls._overdue_invoice(cls.customer_case, 90)
        cls.case = cls.env["dunning.collection.case"]._dunning_hand_over(
            cls.customer_case, cls.invoice_case, agency=cls.agency
        )

    def _print_real_pdfs(self):
        """Under tests, Odoo renders PDF reports as HTML (no wkhtmltopdf, and
        no attachment saved) unless ``force_report_rendering`` is in the
        context: the dossier printed in the browser must be the real PDF."""
        report_class = self.registry["ir.actions.report"]
        pre_render = report_class._pre_render_qweb_pdf

        def _pre_render_qweb_pdf(report, *args, **kwargs):
            report = report.with_context(force_report_rendering=True)
            return pre_render(report, *args, **kwargs)

        self.patch(report_class, "_pre_render_qweb_pdf", _pre_render_qweb_pdf)

    def test_dashboard_approve_and_print_dossier_tour(self):
        self.assertEqual(self.letter.state, "to_approve")
        self.assertEqual(self.case.state, "open")
        self._print_real_pdfs()
        self.start_tour(
            "/odoo/action-dunning_followup.dunning_dashboard_action",
            "dunning_followup_collection_tour",
            login=self.dunning_manager.login,
            # wkhtmltopdf prints the dossier: a few seconds, more when busy
            timeout=240,
        )
        self.letter.invalidate_recordset()
        self.assertEqual(
            self.letter.approved_by_id,
            self.dunning_manager,
            "The manager approved the final notice from the dashboard.",
        )
        self.assertNotEqual(self.letter.state, "to_approve")
        dossier = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "dunning.collection.case"),
                ("res_id", "=", self.case.id),
                ("name", "=like", "Dossier - %"),
            ]
        )
        self.assertEqual(len(dossier), 1, "The printed dossier is kept on the case.")
        self.assertEqual(dossier.mimetype, "application/pdf")
