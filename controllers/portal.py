"""The customer's self-service page of a reminder, reached from the link in the
reminder e-mail or the QR code on the letter (access token, no login), and the
list of reminders under My Account for portal users."""

import base64
import re
from datetime import timedelta

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, ValidationError
from odoo.fields import Command
from odoo.http import request
from odoo.tools import float_compare

from odoo.addons.account_payment.controllers.portal import PortalAccount
from odoo.addons.portal.controllers.portal import pager as portal_pager

# At most this many answers per reminder and hour: a page open to anyone with
# the link must not let a script fill the chatter or the responsible's to-dos.
ANSWERS_PER_HOUR = 5
# Payment attempts started from one reminder per hour: a customer retrying a
# declined card stays well below it; a script creating transactions does not.
TRANSACTIONS_PER_HOUR = 10
# Proof of payment: the types and size a payment confirmation comes in.
PROOF_MIMETYPES = {
    "application/pdf": b"%PDF",
    "image/png": b"\x89PNG",
    "image/jpeg": b"\xff\xd8\xff",
}
PROOF_MAX_BYTES = 5 * 1024 * 1024
TEXT_MAX_LENGTH = 2000
PHONE_RE = re.compile(r"\+?[0-9 ()./-]{5,30}")


class DunningPortalError(Exception):
    """An answer that does not pass validation: the page is shown again with
    this message."""


class DunningPortal(PortalAccount):
    # ------------------------------------------------------------------
    # My Account: the customer's reminders
    # ------------------------------------------------------------------

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "dunning_letter_count" in counters:
            Letter = request.env["dunning.letter"]
            values["dunning_letter_count"] = (
                Letter.search_count(self._dunning_letters_domain())
                if Letter.has_access("read")
                else 0
            )
        return values

    def _dunning_letters_domain(self):
        partner = request.env.user.partner_id.commercial_partner_id
        return [("partner_id", "child_of", partner.id), ("state", "=", "sent")]

    @http.route(
        ["/my/reminders", "/my/reminders/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_dunning_letters(self, page=1, **kw):
        Letter = request.env["dunning.letter"]
        if not Letter.has_access("read"):
            return request.redirect("/my")
        domain = self._dunning_letters_domain()
        pager = portal_pager(
            url="/my/reminders",
            total=Letter.search_count(domain),
            page=page,
            step=self._items_per_page,
        )
        letters = Letter.search(
            domain,
            order="date desc, id desc",
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {"letters": letters, "pager": pager, "page_name": "dunning_letters"}
        )
        return request.render("dunning_followup.portal_my_dunning_letters", values)

    # ------------------------------------------------------------------
    # The page of one reminder
    # ------------------------------------------------------------------

    def _dunning_letter_check_access(self, letter_id, access_token):
        """The reminder (sudo) when the token, or the logged-in portal
        user's rights, give access to it; a 404 otherwise, whatever the
        reason, so that the page tells nothing about other reminders."""
        try:
            letter_sudo = self._document_check_access(
                "dunning.letter", letter_id, access_token
            )
        except (AccessError, MissingError):
            raise request.not_found() from None
        if letter_sudo.state != "sent":
            raise request.not_found()
        return letter_sudo.with_company(letter_sudo.company_id).with_context(
            lang=request.env.lang
        )

    def _dunning_page_values(self, letter_sudo, access_token, **kwargs):
        moves = letter_sudo._dunning_portal_moves()
        # Fees booked on a fee invoice are among the invoices already.
        fee_lines = (
            []
            if "fee_move_id" in letter_sudo._fields and letter_sudo.fee_move_id
            else letter_sudo._dunning_fee_lines()
        )
        values = {
            "page_name": "dunning_letter",
            "letter": letter_sudo,
            "company": letter_sudo.company_id,
            "moves": moves,
            "open_moves": moves.filtered(
                lambda move: move.payment_state in ("not_paid", "partial")
            ),
            "fee_lines": fee_lines,
            "amount_open": letter_sudo._dunning_portal_amount_open(),
            "amount_page_total": letter_sudo._dunning_portal_amount_open()
            + sum(fee["amount"] for fee in fee_lines),
            "answers": letter_sudo.portal_answer_ids,
            "today": fields.Date.context_today(letter_sudo),
            "promise_max_date": letter_sudo._dunning_portal_promise_max_date(),
            "answer_error": kwargs.get("answer_error"),
            "answer_done": kwargs.get("answer"),
        }
        # Several check boxes "pay": the query string's list, not its first value.
        selection = request.httprequest.args.getlist("pay")
        values.update(
            self._dunning_payment_values(
                letter_sudo, access_token, selection, values["open_moves"]
            )
        )
        return self._get_page_view_values(
            letter_sudo,
            access_token,
            values,
            "my_dunning_letters_history",
            False,
            **kwargs,
        )

    # ------------------------------------------------------------------
    # Paying online: all or some of the invoices, in one transaction
    # ------------------------------------------------------------------

    @staticmethod
    def _dunning_selected_moves(open_moves, selection):
        """The open invoices of ``selection`` ('12-15', or a list of ids from
        the page's check boxes); all of them when nothing is selected. Ids
        that are not open invoices of the reminder are refused."""
        if isinstance(selection, str):
            selection = [part for part in re.split(r"[-,]", selection) if part]
        if not selection:
            return open_moves
        try:
            ids = {int(move_id) for move_id in selection}
        except (TypeError, ValueError):
            raise ValidationError(
                request.env._("The invoices to pay are not valid.")
            ) from None
        moves = open_moves.filtered(lambda move: move.id in ids)
        if len(moves) != len(ids):
            raise ValidationError(request.env._("The invoices to pay are not valid."))
        return moves

    def _dunning_payment_values(self, letter_sudo, access_token, selection, open_moves):
        """The payment form's values for the selected open invoices (all by
        default), or none when nothing can be paid online."""
        payable = open_moves.filtered(lambda move: not move.no_followup)
        try:
            moves = self._dunning_selected_moves(payable, selection)
        except ValidationError:
            moves = payable
        if not moves or len(moves.currency_id) != 1:
            return {"pay_moves": moves, "pay_available": False}
        amount = sum(moves.mapped("amount_residual"))
        landing = (
            letter_sudo.get_portal_url() if access_token else letter_sudo.access_url
        )
        selected = "-".join(map(str, moves.ids))
        route = f"/my/reminders/{letter_sudo.id}/transaction/{selected}"
        values = self._get_common_page_view_values(
            invoices_data={
                "partner": letter_sudo.partner_id,
                "company": letter_sudo.company_id,
                "total_amount": amount,
                "currency": moves.currency_id,
                "amount_residual": amount,
                "payment_reference": letter_sudo._dunning_payment_reference()
                or letter_sudo.name,
                "landing_route": landing,
                "transaction_route": route,
            },
            access_token=access_token,
        )
        values.update(
            {
                "amount": amount,
                "pay_moves": moves,
                "pay_available": bool(values["providers_sudo"]),
            }
        )
        return values

    @http.route(
        ["/my/reminders/<int:letter_id>/transaction/<string:move_ids>"],
        type="jsonrpc",
        auth="public",
    )
    def portal_dunning_transaction(
        self, letter_id, move_ids, access_token=None, payment_reference=None, **kwargs
    ):
        """Create the transaction paying the chosen invoices of the reminder
        at once, for the amount they still owe (whatever amount the browser
        sends), and return its processing values."""
        letter_sudo = self._dunning_letter_check_access(letter_id, access_token)
        open_moves = letter_sudo._dunning_portal_moves().filtered(
            lambda move: (
                move.payment_state in ("not_paid", "partial") and not move.no_followup
            )
        )
        moves = self._dunning_selected_moves(open_moves, move_ids)
        if not moves:
            raise ValidationError(
                request.env._("There is nothing left to pay on this reminder.")
            )
        since = fields.Datetime.now() - timedelta(hours=1)
        started = (
            request.env["payment.transaction"]
            .sudo()
            .search_count(
                [
                    ("invoice_ids", "in", open_moves.ids),
                    ("create_date", ">=", since),
                ]
            )
        )
        if started >= TRANSACTIONS_PER_HOUR:
            raise ValidationError(
                request.env._(
                    "Too many payment attempts for this reminder: "
                    "please try again later."
                )
            )
        if len(moves.currency_id) != 1:
            raise ValidationError(
                request.env._(
                    "Invoices in different currencies cannot be paid in one payment."
                )
            )
        self._validate_transaction_kwargs(kwargs)
        logged_in = not request.env.user._is_public()
        partner = request.env.user.partner_id if logged_in else letter_sudo.partner_id
        kwargs.update(
            {
                "amount": sum(moves.mapped("amount_residual")),
                "currency_id": moves.currency_id.id,
                "partner_id": partner.id,
                "reference_prefix": letter_sudo._dunning_payment_reference() or None,
            }
        )
        tx_sudo = self._create_transaction(
            custom_create_values={"invoice_ids": [Command.set(moves.ids)]}, **kwargs
        )
        return tx_sudo._get_processing_values()

    @http.route(
        ["/my/reminders/<int:letter_id>"],
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
    )
    def portal_dunning_letter(
        self, letter_id, access_token=None, report_type=None, download=False, **kw
    ):
        letter_sudo = self._dunning_letter_check_access(letter_id, access_token)
        if report_type in ("html", "pdf", "text"):
            return self._show_report(
                model=letter_sudo,
                report_type=report_type,
                report_ref="dunning_followup.action_report_dunning_letter",
                download=download,
            )
        values = self._dunning_page_values(letter_sudo, access_token, **kw)
        return request.render("dunning_followup.portal_dunning_letter_page", values)

    # ------------------------------------------------------------------
    # The customer's answers
    # ------------------------------------------------------------------

    def _dunning_answer(self, letter_id, access_token, answer_type, parse, form):
        """Check access, rate and input, record the answer, and go back to
        the page (with the error, in a 400 page, when the input is wrong)."""
        letter_sudo = self._dunning_letter_check_access(letter_id, access_token)
        Answer = request.env["dunning.portal.answer"].sudo()
        since = fields.Datetime.now() - timedelta(hours=1)
        if (
            Answer.search_count(
                [("letter_id", "=", letter_sudo.id), ("create_date", ">=", since)]
            )
            >= ANSWERS_PER_HOUR
        ):
            return request.make_response(
                request.env._(
                    "Too many answers to this reminder: please try again later."
                ),
                headers=[("Content-Type", "text/plain; charset=utf-8")],
                status=429,
            )
        try:
            values = parse(letter_sudo, form)
        except DunningPortalError as error:
            page = self._dunning_page_values(
                letter_sudo, access_token, answer_error=str(error)
            )
            response = request.render(
                "dunning_followup.portal_dunning_letter_page", page
            )
            response.status_code = 400
            return response
        Answer.with_company(letter_sudo.company_id)._record(
            letter_sudo, answer_type, **values
        )
        url = (
            letter_sudo.get_portal_url(query_string=f"&answer={answer_type}")
            if access_token
            else f"{letter_sudo.access_url}?answer={answer_type}"
        )
        return request.redirect(url)

    @http.route(
        ["/my/reminders/<int:letter_id>/promise"],
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
    )
    def portal_dunning_promise(self, letter_id, access_token=None, **form):
        return self._dunning_answer(
            letter_id, access_token, "promise", self._parse_promise, form
        )

    @http.route(
        ["/my/reminders/<int:letter_id>/paid"],
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
    )
    def portal_dunning_paid(self, letter_id, access_token=None, **form):
        return self._dunning_answer(
            letter_id, access_token, "paid", self._parse_paid, form
        )

    @http.route(
        ["/my/reminders/<int:letter_id>/dispute"],
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
    )
    def portal_dunning_dispute(self, letter_id, access_token=None, **form):
        return self._dunning_answer(
            letter_id, access_token, "dispute", self._parse_dispute, form
        )

    @http.route(
        ["/my/reminders/<int:letter_id>/callback"],
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
    )
    def portal_dunning_callback(self, letter_id, access_token=None, **form):
        return self._dunning_answer(
            letter_id, access_token, "callback", self._parse_callback, form
        )

    # ------------------------------------------------------------------
    # Validation of the forms
    # ------------------------------------------------------------------

    @staticmethod
    def _form_date(form, name):
        try:
            return fields.Date.to_date((form.get(name) or "").strip() or None)
        except ValueError:
            return None

    @staticmethod
    def _form_text(form, name, required=False):
        text = (form.get(name) or "").strip()
        if required and not text:
            raise DunningPortalError(request.env._("Please tell us why."))
        if len(text) > TEXT_MAX_LENGTH:
            raise DunningPortalError(
                request.env._(
                    "Please keep the text under %s characters.", TEXT_MAX_LENGTH
                )
            )
        return text or False

    def _parse_promise(self, letter_sudo, form):
        promise_date = self._form_date(form, "promise_date")
        today = fields.Date.context_today(letter_sudo)
        latest = letter_sudo._dunning_portal_promise_max_date()
        if not promise_date:
            raise DunningPortalError(
                request.env._("Please enter the date you will pay by.")
            )
        if not today <= promise_date <= latest:
            raise DunningPortalError(
                request.env._(
                    "The payment date must be between today and %s.",
                    fields.Date.to_string(latest),
                )
            )
        return {"promise_date": promise_date, "reason": self._form_text(form, "note")}

    def _parse_paid(self, letter_sudo, form):
        env = request.env
        paid_date = self._form_date(form, "paid_date")
        today = fields.Date.context_today(letter_sudo)
        if (
            not paid_date
            or paid_date > today
            or paid_date < letter_sudo.date - timedelta(days=366)
        ):
            raise DunningPortalError(
                env._("Please enter the date you paid on (not in the future).")
            )
        try:
            amount = float((form.get("amount") or "").replace(",", "."))
        except ValueError:
            amount = 0.0
        currency = letter_sudo.currency_id
        due = letter_sudo._dunning_portal_amount_open()
        if float_compare(amount, 0.0, precision_rounding=currency.rounding) <= 0:
            raise DunningPortalError(env._("Please enter the amount you paid."))
        if float_compare(amount, due, precision_rounding=currency.rounding) > 0:
            raise DunningPortalError(
                env._(
                    "The amount cannot be more than the %s still due.",
                    currency.format(due),
                )
            )
        values = {
            "paid_date": paid_date,
            "amount": currency.round(amount),
            "reason": self._form_text(form, "note"),
        }
        proof = form.get("proof")
        if proof and getattr(proof, "filename", None):
            values["attachment_ids"] = [
                fields.Command.link(
                    self._dunning_proof_attachment(letter_sudo, proof).id
                )
            ]
        return values

    def _dunning_proof_attachment(self, letter_sudo, upload):
        env = request.env
        content = upload.read(PROOF_MAX_BYTES + 1)
        if len(content) > PROOF_MAX_BYTES:
            raise DunningPortalError(
                env._("The proof of payment must be smaller than 5 MB.")
            )
        mimetype = next(
            (
                mimetype
                for mimetype, magic in PROOF_MIMETYPES.items()
                if content.startswith(magic)
            ),
            None,
        )
        if not mimetype:
            raise DunningPortalError(
                env._("The proof of payment must be a PDF, PNG or JPEG file.")
            )
        name = re.sub(r"[^\w. -]", "_", upload.filename)[:100] or "proof"
        return (
            env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": name,
                    "datas": base64.b64encode(content),
                    "mimetype": mimetype,
                    "res_model": "dunning.letter",
                    "res_id": letter_sudo.id,
                }
            )
        )

    def _parse_dispute(self, letter_sudo, form):
        env = request.env
        try:
            move_id = int(form.get("move_id") or 0)
        except ValueError:
            move_id = 0
        move = letter_sudo._dunning_portal_moves().filtered(
            lambda m: m.id == move_id and m.payment_state in ("not_paid", "partial")
        )
        if not move:
            raise DunningPortalError(
                env._("Please choose one of the open invoices of this reminder.")
            )
        return {
            "move_ids": [fields.Command.set(move.ids)],
            "reason": self._form_text(form, "reason", required=True),
        }

    def _parse_callback(self, letter_sudo, form):
        phone = (form.get("phone") or "").strip()
        if not PHONE_RE.fullmatch(phone):
            raise DunningPortalError(
                request.env._("Please enter a phone number we can call.")
            )
        return {"phone": phone, "reason": self._form_text(form, "note")}
