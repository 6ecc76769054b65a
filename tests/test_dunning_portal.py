import base64
import html
import re
from datetime import timedelta

from odoo import Command, fields, http
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import DunningCommon

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


class DunningPortalCase(DunningCommon, HttpCase):
    """Two customers of the test company with a sent reminder each, and a
    customer of a second company with its own. Dates are relative to today:
    the HTTP server and the browser run on the real clock."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.today = fields.Date.today()
        cls.Letter = cls.env["dunning.letter"]
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Portal Customer Co",
                "is_company": True,
                "email": "portal@example.com",
                "phone": "+32 2 123 45 67",
            }
        )
        cls.responsible = new_test_user(
            cls.env,
            login="portal_collector",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.customer.with_company(cls.company).dunning_responsible_id = cls.responsible
        cls.oldest = cls._overdue_today(cls.customer, 40, 100.0)
        cls.newest = cls._overdue_today(cls.customer, 20, 200.0)
        cls.letter = cls.Letter._run_dunning(company=cls.company)
        assert cls.letter.state == "sent", (
            "the friendly reminder goes out automatically"
        )
        cls.token = cls.letter._portal_ensure_token()

        # Another customer of the same company, and a customer of another company.
        cls.other_customer = cls.env["res.partner"].create(
            {
                "name": "Other Customer Co",
                "is_company": True,
                "email": "other@example.com",
            }
        )
        cls.other_invoice = cls._overdue_today(cls.other_customer, 30, 500.0)
        cls.other_letter = cls.Letter._run_dunning(company=cls.company)
        cls.other_letter._portal_ensure_token()

        cls.company_2 = (
            cls.company_data_2["company"]
            if hasattr(cls, "company_data_2")
            else cls.setup_other_company()["company"]
        )
        cls.customer_2 = cls.env["res.partner"].create(
            {
                "name": "Second Company Customer",
                "is_company": True,
                "email": "c2@example.com",
            }
        )
        cls._overdue_today(cls.customer_2, 30, 700.0, company=cls.company_2)
        cls.letter_2 = cls.Letter.with_company(cls.company_2)._run_dunning(
            company=cls.company_2
        )
        cls.letter_2._portal_ensure_token()

    @classmethod
    def _overdue_today(cls, partner, days, amount, company=None):
        """A customer invoice due ``days`` days before today."""
        due = cls.today - timedelta(days=days)
        return cls._customer_invoice(
            partner, amount, due - timedelta(days=30), due, company=company
        )

    def setUp(self):
        super().setUp()
        self.authenticate(None, None)

    def _url(self, letter=None, suffix="", token=None):
        letter = letter or self.letter
        token = letter.access_token if token is None else token
        return f"/my/reminders/{letter.id}{suffix}?access_token={token}"

    def _post(self, action, data=None, files=None, letter=None, token=None):
        return self.url_open(
            self._url(letter, f"/{action}", token),
            data={"csrf_token": http.Request.csrf_token(self), **(data or {})},
            files=files,
            allow_redirects=False,
        )

    def _answers(self, letter=None):
        return self.env["dunning.portal.answer"].search(
            [("letter_id", "=", (letter or self.letter).id)]
        )

    def _customer_messages(self, record):
        return record.message_ids.filtered(lambda m: m.author_id == self.customer)


@tagged("post_install", "-at_install")
class TestDunningPortal(DunningPortalCase):
    """The self-service page of a reminder and every answer a customer can
    give on it, through real HTTP requests."""

    # ------------------------------------------------------------------
    # The page and its access
    # ------------------------------------------------------------------

    def test_page_shows_the_reminder_its_invoices_and_total(self):
        response = self.url_open(self._url())
        self.assertEqual(response.status_code, 200)
        for text in (
            self.letter.name,
            self.oldest.name,
            self.newest.name,
            self.company.name,
            self.letter._dunning_rf_printed(),
        ):
            self.assertIn(text, response.text, f"The page shows {text}.")
        self.assertIn("300.00", response.text, "The page shows the total still due.")
        self.assertNotIn(
            self.other_invoice.name,
            response.text,
            "Another customer's invoice never shows on the page.",
        )
        self.assertIn(
            f"/my/invoices/{self.oldest.id}",
            response.text,
            "Each invoice links to its PDF.",
        )

    def test_letter_pdf_from_the_page(self):
        response = self.url_open(self._url() + "&report_type=html")
        self.assertEqual(response.status_code, 200)
        self.assertIn(
            self.letter._dunning_rf_printed(),
            response.text,
            "The letter shows the RF payment reference.",
        )

    @mute_logger("odoo.http")
    def test_wrong_or_missing_token_is_not_found(self):
        for url in (
            self._url(token="wrong-token"),
            f"/my/reminders/{self.letter.id}",
            self._url(token=self.other_letter.access_token),
            f"/my/reminders/{self.letter.id + 1000}?access_token={self.token}",
        ):
            response = self.url_open(url)
            self.assertEqual(response.status_code, 404, f"{url} must be a 404.")
            self.assertNotIn(self.oldest.name, response.text)
        response = self._post(
            "promise", {"promise_date": str(self.today)}, token="wrong"
        )
        self.assertEqual(response.status_code, 404, "Answers need the right token too.")
        self.assertFalse(self._answers())

    @mute_logger("odoo.http")
    def test_token_of_another_company_reminder_is_not_found(self):
        response = self.url_open(self._url(token=self.letter_2.access_token))
        self.assertEqual(response.status_code, 404)
        response = self.url_open(self._url(self.letter_2, token=self.token))
        self.assertEqual(response.status_code, 404)
        response = self.url_open(self._url(self.letter_2))
        self.assertEqual(
            response.status_code, 200, "Its own token opens the other reminder."
        )
        self.assertIn(self.letter_2.name, response.text)
        self.assertNotIn(
            self.customer.name,
            response.text,
            "The other company's page shows nothing of this company's customer.",
        )

    @mute_logger("odoo.http")
    def test_unsent_reminder_is_not_found(self):
        draft = self.letter.copy({"state": "cancelled"})
        draft._portal_ensure_token()
        self.assertEqual(self.url_open(self._url(draft)).status_code, 404)

    @mute_logger("odoo.http")
    def test_answer_without_csrf_token_is_refused(self):
        response = self.url_open(
            self._url(suffix="/promise"),
            data={"promise_date": str(self.today)},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._answers())

    # ------------------------------------------------------------------
    # Promise to pay
    # ------------------------------------------------------------------

    def test_promise_pauses_escalation_until_its_date(self):
        promised = self.today + timedelta(days=10)
        response = self._post(
            "promise", {"promise_date": str(promised), "note": "Cash flow"}
        )
        self.assertEqual(response.status_code, 303)
        self.assertIn("answer=promise", response.headers["Location"])
        answer = self._answers()
        self.assertRecordValues(
            answer,
            [
                {
                    "answer_type": "promise",
                    "promise_date": promised,
                    "pause_until": promised,
                    "state": "open",
                }
            ],
        )
        customer = self.customer.with_company(self.company)
        self.assertEqual(
            customer.dunning_promise_date,
            promised,
            "The promise is the customer's promise to pay, as in the back office.",
        )
        self.assertEqual(
            customer.dunning_answer_type, "promise", "The worklist shows it."
        )
        self.assertTrue(
            self._customer_messages(self.customer), "It is in the customer's chatter."
        )
        for invoice in (self.oldest, self.newest):
            self.assertTrue(
                self._customer_messages(invoice), f"It is in {invoice.name}'s chatter."
            )
        activity = customer.activity_ids
        self.assertEqual(
            activity.user_id,
            self.responsible,
            "The responsible gets an activity to check the payment.",
        )
        self.assertEqual(activity.date_deadline, promised + timedelta(days=1))
        # Escalation: the second reminder is due a week later, but the promise holds it.
        self.assertFalse(
            self.Letter._run_dunning(
                date=self.today + timedelta(days=7), company=self.company
            ).filtered(lambda letter: letter.partner_id == self.customer),
            "No reminder while the promise runs.",
        )
        resumed = self.Letter._run_dunning(
            date=self.today + timedelta(days=11), company=self.company
        )
        self.assertTrue(
            resumed.filtered(lambda letter: letter.partner_id == self.customer),
            "The escalation resumes after the promised date.",
        )

    def test_promise_date_out_of_range_is_refused(self):
        limit = self.company.dunning_portal_promise_max_days
        for value in (
            str(self.today - timedelta(days=1)),
            str(self.today + timedelta(days=limit + 1)),
            "tomorrow",
            "",
        ):
            response = self._post("promise", {"promise_date": value})
            self.assertEqual(
                response.status_code, 400, f"{value!r} is not a valid promise date."
            )
            self.assertIn(
                "o_dunning_answer_error", response.text, "The page says what is wrong."
            )
        self.assertFalse(self._answers())
        self.assertFalse(self.customer.with_company(self.company).dunning_promise_date)

    # ------------------------------------------------------------------
    # Already paid
    # ------------------------------------------------------------------

    def test_already_paid_with_proof_pauses_for_the_company_delay(self):
        response = self._post(
            "paid",
            {"paid_date": str(self.today - timedelta(days=1)), "amount": "300"},
            files={"proof": ("transfer.pdf", PDF, "application/pdf")},
        )
        self.assertEqual(response.status_code, 303)
        answer = self._answers()
        pause = self.today + timedelta(days=self.company.dunning_portal_paid_days)
        self.assertRecordValues(
            answer, [{"answer_type": "paid", "amount": 300.0, "pause_until": pause}]
        )
        self.assertEqual(
            base64.b64decode(answer.attachment_ids.datas), PDF, "The proof is kept."
        )
        self.assertEqual(
            self.customer.with_company(self.company).dunning_promise_date, pause
        )
        message = self._customer_messages(self.oldest)
        self.assertTrue(
            message.attachment_ids, "The proof is attached to the invoices' chatter."
        )
        self.assertEqual(
            self.customer.with_company(self.company).activity_ids.user_id,
            self.responsible,
        )

    def test_already_paid_input_is_validated(self):
        yesterday = str(self.today - timedelta(days=1))
        cases = [
            ({"paid_date": yesterday, "amount": "0"}, None),
            ({"paid_date": yesterday, "amount": "-5"}, None),
            ({"paid_date": yesterday, "amount": "300.01"}, None),
            ({"paid_date": yesterday, "amount": "abc"}, None),
            ({"paid_date": str(self.today + timedelta(days=1)), "amount": "10"}, None),
            (
                {"paid_date": yesterday, "amount": "10"},
                ("proof.txt", b"hello", "text/plain"),
            ),
            (
                {"paid_date": yesterday, "amount": "10"},
                ("big.pdf", PDF + b"0" * (5 * 1024 * 1024), "application/pdf"),
            ),
        ]
        for data, proof in cases:
            response = self._post(
                "paid", data, files={"proof": proof} if proof else None
            )
            self.assertEqual(
                response.status_code, 400, f"{data} {proof and proof[0]} is refused."
            )
        self.assertFalse(self._answers())
        self.assertFalse(
            self.env["ir.attachment"].search(
                [
                    ("res_model", "=", "dunning.letter"),
                    ("res_id", "=", self.letter.id),
                    ("name", "in", ("proof.txt", "big.pdf")),
                ]
            ),
            "A refused proof is not stored.",
        )

    # ------------------------------------------------------------------
    # Dispute
    # ------------------------------------------------------------------

    def test_dispute_excludes_the_invoice_until_resolved(self):
        response = self._post(
            "dispute", {"move_id": self.oldest.id, "reason": "Never delivered"}
        )
        self.assertEqual(response.status_code, 303)
        answer = self._answers()
        self.assertEqual(answer.move_ids, self.oldest)
        self.assertTrue(
            self.oldest.no_followup, "The disputed invoice gets No Follow-Up."
        )
        self.assertFalse(self.newest.no_followup, "The other invoice is still dunned.")
        self.assertTrue(self._customer_messages(self.oldest))
        self.assertFalse(
            self._customer_messages(self.newest),
            "Only the disputed invoice's chatter gets the dispute.",
        )
        self.assertEqual(
            self.customer.with_company(self.company).activity_ids.summary,
            "Resolve the dispute",
        )
        later = self.Letter._run_dunning(
            date=self.today + timedelta(days=7), company=self.company
        )
        letter = later.filtered(lambda letter: letter.partner_id == self.customer)
        self.assertEqual(
            letter.line_ids.move_id,
            self.newest,
            "The next reminder leaves the disputed invoice out.",
        )
        answer.with_user(self.responsible).action_resolve()
        self.assertEqual(answer.state, "resolved")
        self.assertFalse(self.oldest.no_followup, "A resolved dispute is dunned again.")

    def test_dispute_input_is_validated(self):
        for data in (
            {"move_id": self.other_invoice.id, "reason": "x"},
            {"move_id": "abc", "reason": "x"},
            {"move_id": self.oldest.id, "reason": "  "},
            {"move_id": self.oldest.id, "reason": "x" * 2001},
        ):
            self.assertEqual(
                self._post("dispute", data).status_code, 400, f"{data} is refused."
            )
        self.assertFalse(self._answers())
        self.assertFalse(
            self.other_invoice.no_followup,
            "Another customer's invoice is never touched.",
        )

    # ------------------------------------------------------------------
    # Call back, rate limit
    # ------------------------------------------------------------------

    def test_call_back_schedules_a_call_for_the_responsible(self):
        response = self._post(
            "callback", {"phone": "+32 470 12 34 56", "note": "Mornings"}
        )
        self.assertEqual(response.status_code, 303)
        self.assertRecordValues(
            self._answers(), [{"answer_type": "callback", "phone": "+32 470 12 34 56"}]
        )
        activity = self.customer.with_company(self.company).activity_ids
        self.assertEqual(
            (activity.summary, activity.user_id),
            ("Call the customer back", self.responsible),
        )
        self.assertTrue(self._customer_messages(self.customer))

    def test_call_back_needs_a_phone_number(self):
        for phone in ("", "call me", "1", "<script>"):
            self.assertEqual(self._post("callback", {"phone": phone}).status_code, 400)
        self.assertFalse(self._answers())

    def test_answers_are_rate_limited(self):
        for _i in range(5):
            self.assertEqual(
                self._post("callback", {"phone": "+32 2 123 45 67"}).status_code, 303
            )
        response = self._post("callback", {"phone": "+32 2 123 45 67"})
        self.assertEqual(
            response.status_code, 429, "The sixth answer within an hour is refused."
        )
        self.assertEqual(len(self._answers()), 5)

    # ------------------------------------------------------------------
    # Portal users: My Account
    # ------------------------------------------------------------------

    def test_portal_user_sees_own_reminders_only(self):
        portal_user = new_test_user(
            self.env,
            login="portal_customer",
            groups="base.group_portal",
            partner_id=self.env["res.partner"]
            .create(
                {
                    "name": "Portal Contact",
                    "parent_id": self.customer.id,
                    "email": "contact@example.com",
                }
            )
            .id,
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        self.authenticate(portal_user.login, portal_user.login)
        response = self.url_open("/my/reminders")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.letter.name, response.text)
        self.assertNotIn(self.other_letter.name, response.text)
        response = self.url_open(f"/my/reminders/{self.letter.id}")
        self.assertEqual(response.status_code, 200, "Logged in, no token is needed.")
        with mute_logger("odoo.http"):
            self.assertEqual(
                self.url_open(f"/my/reminders/{self.other_letter.id}").status_code, 404
            )
        response = self.url_open(
            f"/my/reminders/{self.letter.id}/promise",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "promise_date": str(self.today + timedelta(days=3)),
            },
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303, "Portal users answer the same way.")
        self.assertEqual(self._answers().answer_type, "promise")


@tagged("post_install", "-at_install")
class TestDunningPortalTour(DunningPortalCase):
    """From the link of the reminder e-mail the customer promises to pay; the
    worklist shows it; the next run does not escalate."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.today = fields.Date.today()
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Portal Tour Customer",
                "is_company": True,
                "email": "tour@example.com",
            }
        )
        cls.accountant = new_test_user(
            cls.env,
            login="portal_tour_accountant",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
            tz="UTC",
        )
        cls.invoice = cls._overdue_today(cls.customer, 20, 400.0)
        cls.letter = cls.env["dunning.letter"]._run_dunning(company=cls.company)

    def test_promise_from_the_email_link(self):
        self.assertEqual(self.letter.state, "sent")
        email = self.letter.message_ids.filtered(lambda m: m.message_type == "comment")
        link = re.search(
            r'href="[^"]*(/my/reminders/\d+\?access_token=[\w-]+)"', email.body
        )
        self.assertTrue(link, "The reminder e-mail links to the self-service page.")
        self.start_tour(
            html.unescape(link.group(1)), "dunning_followup_portal_promise_tour"
        )

        answer = self.env["dunning.portal.answer"].search(
            [("letter_id", "=", self.letter.id)]
        )
        promised = self.today + timedelta(days=10)
        self.assertRecordValues(
            answer, [{"answer_type": "promise", "promise_date": promised}]
        )
        customer = self.customer.with_company(self.company)
        self.assertEqual(customer.dunning_promise_date, promised)

        self.start_tour(
            "/odoo",
            "dunning_followup_worklist_answer_tour",
            login=self.accountant.login,
        )

        # A week later the second reminder would be due (21 days overdue, 7
        # days since the first one): the promise holds it.
        later = self.env["dunning.letter"]._run_dunning(
            date=self.today + timedelta(days=8), company=self.company
        )
        self.assertFalse(
            later.filtered(lambda letter: letter.partner_id == self.customer),
            "The next run does not escalate a customer who promised to pay.",
        )
        self.assertEqual(customer.dunning_status, "waiting")


@tagged("post_install", "-at_install")
class TestDunningPortalPayment(DunningPortalCase):
    """Paying all or some of a reminder's invoices online, in one transaction
    of Odoo's payment stack."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A provider without implementation, set up as Odoo's payment tests do.
        cls.payment_method = cls.env.ref("payment.payment_method_unknown")
        cls.provider = cls.env["payment.provider"].create(
            {
                "name": "Dunning Test Provider",
                "code": "none",
                "state": "test",
                "is_published": True,
                "company_id": cls.company.id,
                "payment_method_ids": [Command.set(cls.payment_method.ids)],
                "available_currency_ids": [Command.set(cls.company.currency_id.ids)],
            }
        )
        cls.payment_method.write({"active": True})
        cls._create_dummy_payment_method_for_provider(
            provider=cls.provider, journal=cls.company_data["default_journal_bank"]
        )

    def _transaction(self, move_ids, token=None, amount=1.0):
        return self.make_jsonrpc_request(
            f"/my/reminders/{self.letter.id}/transaction/{move_ids}",
            {
                "access_token": self.token if token is None else token,
                "provider_id": self.provider.id,
                "payment_method_id": self.payment_method.id,
                "token_id": None,
                "amount": amount,
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": self.letter.access_url,
                "is_validation": False,
            },
        )

    def test_page_offers_to_pay_the_selected_invoices(self):
        response = self.url_open(self._url())
        self.assertIn(
            "o_payment_form", response.text, "The page has Odoo's payment form."
        )
        self.assertIn(
            'data-amount="300.0"',
            response.text,
            "By default all the open invoices are paid.",
        )
        response = self.url_open(self._url() + f"&pay={self.newest.id}")
        self.assertIn(
            'data-amount="200.0"', response.text, "Only the chosen invoice is paid."
        )
        self.assertIn(f"/transaction/{self.newest.id}", response.text)

    def test_one_transaction_pays_several_invoices(self):
        values = self._transaction(f"{self.oldest.id}-{self.newest.id}", amount=1.0)
        tx = self.env["payment.transaction"].search(
            [("reference", "=", values["reference"])]
        )
        self.assertEqual(tx.invoice_ids, self.oldest | self.newest)
        self.assertEqual(
            tx.amount,
            300.0,
            "The amount is what the invoices owe, not what the browser sent.",
        )
        self.assertTrue(
            tx.reference.startswith(self.letter.payment_reference_rf),
            "The transaction carries the reminder's RF reference.",
        )
        tx._set_done()
        tx._post_process()
        for invoice in (self.oldest, self.newest):
            self.assertIn(
                invoice.payment_state,
                ("paid", "in_payment"),
                f"{invoice.name} is paid.",
            )

    @mute_logger("odoo.http")
    def test_transaction_refuses_foreign_invoices_and_wrong_token(self):
        from odoo.tests import JsonRpcException

        with self.assertRaises(JsonRpcException):
            self._transaction(str(self.other_invoice.id))
        with self.assertRaises(JsonRpcException):
            self._transaction(f"{self.oldest.id}-abc")
        with self.assertRaises(JsonRpcException):
            self._transaction(str(self.oldest.id), token="wrong")
        self.assertFalse(
            self.env["payment.transaction"].search(
                [("invoice_ids", "in", (self.oldest | self.other_invoice).ids)]
            )
        )
