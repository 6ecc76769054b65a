import logging
import threading
from contextlib import closing
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import SUPERUSER_ID, Command, api
from odoo.orm.registry import DummyRLock, Registry
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, tagged

from .common import TODAY

_logger = logging.getLogger(__name__)
PARTNER_NAME = "Dunning Concurrency Customer"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestDunningConcurrentRuns(TransactionCase):
    """Two runs of the same company started together (the scheduled action
    and a manual run) take turns: the second one waits, then carries on from
    the first one's work without a serialization failure.

    The runs need their own database connections, so the test commits a
    small ledger in the main company through a connection of its own and
    removes it afterwards (a test's transaction is invisible to others)."""

    def _cursor(self):
        return closing(db_connect(self.env.cr.dbname).cursor())

    def setUp(self):
        super().setUp()
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            self.assertTrue(
                env["dunning.level"]._dunning_levels_for(company),
                "the main company has the default levels",
            )
            receivable = env["account.account"].create(
                {
                    "name": "Concurrency Receivable",
                    "code": "DUNCR1",
                    "account_type": "asset_receivable",
                    "reconcile": True,
                    "company_ids": [Command.set(company.ids)],
                }
            )
            income = env["account.account"].create(
                {
                    "name": "Concurrency Income",
                    "code": "DUNCI1",
                    "account_type": "income",
                    "company_ids": [Command.set(company.ids)],
                }
            )
            journal = env["account.journal"].create(
                {
                    "name": "Concurrency Sales",
                    "code": "DUNC",
                    "type": "sale",
                    "company_id": company.id,
                    "default_account_id": income.id,
                }
            )
            partner = env["res.partner"].create(
                {
                    "name": PARTNER_NAME,
                    "email": "concurrency@example.com",
                    "is_company": True,
                }
            )
            partner.with_company(company).property_account_receivable_id = receivable
            due = TODAY - timedelta(days=10)
            invoice = (
                env["account.move"]
                .with_company(company)
                .create(
                    {
                        "move_type": "out_invoice",
                        "partner_id": partner.id,
                        "journal_id": journal.id,
                        "invoice_date": due - timedelta(days=30),
                        "date": due - timedelta(days=30),
                        "invoice_date_due": due,
                        "invoice_payment_term_id": False,
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "name": "Service",
                                    "quantity": 1,
                                    "price_unit": 500.0,
                                    "account_id": income.id,
                                    "tax_ids": [Command.clear()],
                                }
                            )
                        ],
                    }
                )
            )
            invoice.action_post()
            cr.commit()  # pylint: disable=invalid-commit
            self.ids_to_remove = {
                "company": company.id,
                "partner": partner.id,
                "invoice": invoice.id,
                "journal": journal.id,
                "accounts": [receivable.id, income.id],
            }
        self.addCleanup(self._remove_ledger)

    def _remove_ledger(self):
        ids = self.ids_to_remove
        with self._cursor() as cr:
            cr.execute(
                "SELECT id FROM dunning_letter WHERE partner_id = %s", [ids["partner"]]
            )
            letter_ids = [row[0] for row in cr.fetchall()] or [0]
            cr.execute(
                """
                DELETE FROM mail_message
                 WHERE (model = 'dunning.letter' AND res_id = ANY(%s))
                    OR (model = 'res.partner' AND res_id = %s)
                    OR (model = 'account.move' AND res_id = %s)
            """,
                [letter_ids, ids["partner"], ids["invoice"]],
            )
            cr.execute(
                "DELETE FROM mail_activity "
                "WHERE res_model = 'res.partner' AND res_id = %s",
                [ids["partner"]],
            )
            cr.execute("DELETE FROM dunning_letter WHERE id = ANY(%s)", [letter_ids])
            cr.execute("DELETE FROM account_move WHERE id = %s", [ids["invoice"]])
            cr.execute("DELETE FROM account_journal WHERE id = %s", [ids["journal"]])
            cr.execute(
                "UPDATE res_partner SET active = false, dunning_status = NULL, "
                "property_account_receivable_id = NULL WHERE id = %s",
                [ids["partner"]],
            )
            cr.execute(
                "DELETE FROM account_account WHERE id = ANY(%s)", [ids["accounts"]]
            )
            cr.commit()  # pylint: disable=invalid-commit

    def _run_in_thread(self, name, barrier, results):
        """One run on its own connection: its transaction (and snapshot)
        starts, waits until the other's has started too, then runs as the
        scheduled action does (committing each batch)."""
        with self._cursor() as cr:
            try:
                env = api.Environment(cr, SUPERUSER_ID, {})
                company = env["res.company"].browse(self.ids_to_remove["company"])
                env["res.partner"].search_count([("name", "=", PARTNER_NAME)])
                barrier.wait(timeout=60)
                letters = (
                    env["dunning.letter"]
                    .with_context(dunning_commit_progress=True)
                    ._run_dunning(date=TODAY, company=company)
                )
                results[name] = letters.ids
                cr.commit()  # pylint: disable=invalid-commit
            except Exception as error:  # noqa: BLE001 - reported to the test thread
                _logger.info("Run %s failed: %s", name, error)
                results[name] = error
                cr.rollback()

    def test_two_runs_take_turns_without_serialization_failure(self):
        barrier = threading.Barrier(2)
        results = {}
        threads = [
            threading.Thread(target=self._run_in_thread, args=(name, barrier, results))
            for name in ("cron", "manual")
        ]
        # The test runner holds the registry lock that new environments take:
        # as Odoo's test mode does for its HTTP threads, the runs do without.
        with (
            patch.object(Registry, "_lock", DummyRLock()),
            self.assertNoLogs("odoo.addons.dunning_followup", level="ERROR"),
        ):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=300)
        self.assertFalse(
            any(thread.is_alive() for thread in threads),
            "both runs finished (no deadlock)",
        )
        for name in ("cron", "manual"):
            self.assertIsInstance(
                results.get(name), list, f"the {name} run ended without error"
            )
        created = results["cron"] + results["manual"]
        self.assertEqual(
            len(created), 1, "one reminder for the customer, made by one of the runs"
        )
        with self._cursor() as cr:
            cr.execute(
                "SELECT state, queued_at IS NOT NULL, count(*) FROM dunning_letter "
                "WHERE partner_id = %s GROUP BY 1, 2",
                [self.ids_to_remove["partner"]],
            )
            self.assertEqual(
                cr.fetchall(),
                [("draft", True, 1)],
                "one reminder, queued once for the sending action",
            )
