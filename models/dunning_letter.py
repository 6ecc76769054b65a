"""Reminders: one letter to one customer at one dunning level, the run that
creates them, their fees and interest, and their delivery.

When a reminder is created, its fee lines are computed as of its date: the
level's fee on the overdue amount, the interest of every overdue invoice for the
days not charged yet, and the fixed compensation once per invoice. What was
already charged is read from the fee lines of the reminders that are not
cancelled: no separate counter can drift from what the customer was told.
Depending on the company setting, the lines are then invoiced on a customer
invoice of their own (draft or posted), which is dunned like any other invoice
but never charged a fee or interest itself.
"""

import base64
import io
import logging
import uuid
from collections import defaultdict
from datetime import timedelta

import lxml.html
import psycopg2.errors
import psycopg2.extensions
import pytz
from markupsafe import Markup
from PIL import Image

from odoo import Command, api, fields, models, modules
from odoo.exceptions import UserError, ValidationError
from odoo.tools import (
    SQL,
    config,
    email_normalize,
    file_open,
    float_round,
    plaintext2html,
    split_every,
)
from odoo.tools.pdf import PdfFileReader, PdfFileWriter

from odoo.addons.base.models.ir_actions_report import _wkhtml
from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

from ..dunning_followup import (
    DunningConfigError,
    compensation_due,
    fee_applies,
    fixed_compensation,
    format_qr_reference,
    format_rf,
    is_qr_iban,
    is_swiss_iban,
    letter_items,
    level_fee,
    qr_reference,
    reference_body,
    rf_reference,
    statutory_interest,
    to_decimal,
)
from ..dunning_followup.packs import (
    compensation_allowed,
    consumer_fee,
    next_contact_time,
    notice_term_end,
)
from ..dunning_followup.qr import qr_code_data_uri, swiss_qr_code_data_uri

_logger = logging.getLogger(__name__)

#: First digit of a reminder's Swiss QR reference: Odoo's invoices pad their
#: number's digits with zeros, so a reminder's reference never equals one.
QR_REFERENCE_PREFIX = "9"
#: Countries of the Swiss QR-bill.
QR_BILL_COUNTRIES = ("CH", "LI")
#: l10n_ch's 7 mm Swiss cross, printed over the QR-bill's code.
SWISS_CROSS_IMAGE = "l10n_ch/static/src/img/CH-Cross_7mm.png"

# First key of the advisory lock that serialises dunning runs of a company.
DUNNING_LOCK_KEY = 0x44554E  # "DUN"
# Customers evaluated per batch of the scheduled action: one commit each.
RUN_BATCH_SIZE = 500
# Attempts of a company's committing run that meets serialization failures.
RUN_RETRIES = 3
# Queued reminders sent per batch of the sending scheduled action: one commit each.
SEND_BATCH_SIZE = 100
# Letters rendered by one wkhtmltopdf call.
RENDER_BATCH_SIZE = 50
# Marker images that start each letter of a batch PDF: this many pixels wide, and
# MARKER_HEIGHT + the letter's position high (no logo or QR code is 7 pixels wide).
MARKER_WIDTH = 7
MARKER_HEIGHT = 11
# Letter states the send queue delivers (approved: see the approval workflow).
QUEUE_SENDABLE_STATES = ("draft", "approved")
# Fields of dunning.letter.line that the run inserts in bulk (plain columns, see
# _dunning_insert_run_lines); a line with any other value is created by the ORM.
RUN_LINE_FIELDS = (
    "move_id",
    "move_line_id",
    "move_name",
    "invoice_date",
    "date_due",
    "days_overdue",
    "level_id",
    "amount_original",
    "amount_residual",
    "move_currency_id",
    "amount_residual_currency",
)
# Fields a sent letter still accepts (chatter and attachments bookkeeping).
SENT_WRITABLE_FIELDS = {
    "message_main_attachment_id",
    "activity_ids",
    "message_follower_ids",
    "failure_reason",
    "state",
    "print_needed",
    "letter_attachment_id",
    "posted_date",
    "mail_message_id",
    "queued_at",
    "access_token",
}
# States of a reminder waiting to be sent: a customer has at most one.
PENDING_LETTER_STATES = ("draft", "to_approve", "approved", "failed")
# Fields of a reminder locked once it waits for approval (what the manager
# approves is what is sent).
APPROVAL_LOCKED_FIELDS = {"line_ids", "partner_id", "level_id", "date", "fee_line_ids"}
# Only invoices earn interest and compensation: not credit notes, nor payments
# or entries left open on the receivable account.
INTEREST_MOVE_TYPES = ("out_invoice", "out_receipt")
# Fields a fee line may carry its amount in, in order of preference.
FEE_AMOUNT_FIELDS = ("amount", "amount_total", "amount_fee", "amount_residual")


class _MissingRate(Exception):
    """No exchange rate of ``currency`` is in force on ``date``."""

    def __init__(self, currency, date):
        super().__init__(currency, date)
        self.currency = currency
        self.date = date


def _rounding(currency):
    """The currency's rounding step as the engine's Decimal."""
    return to_decimal(currency.rounding, "currency rounding")


def _split(total, parts, currency):
    """``parts`` rounded to ``currency``, the last one absorbing the rounding
    difference so that they add up to ``total``."""
    rounded = [currency.round(float(part)) for part in parts]
    if rounded:
        rounded[-1] = currency.round(total - sum(rounded[:-1]))
    return rounded


def _marker_data_uri(index):
    """A white PNG of MARKER_WIDTH x (MARKER_HEIGHT + index) pixels."""
    image = Image.new("1", (MARKER_WIDTH, MARKER_HEIGHT + index), 1)
    stream = io.BytesIO()
    image.save(stream, format="PNG")
    return "data:image/png;base64," + base64.b64encode(stream.getvalue()).decode()


def _merge_html_bodies(bodies):
    """One HTML document of Odoo's per-record report bodies: the first
    body's document, with every other body's content appended after a page
    break."""
    if len(bodies) == 1:
        return bodies[0]
    parser = lxml.html.HTMLParser(encoding="utf-8")
    root = lxml.html.fromstring(bodies[0].encode(), parser=parser)
    target = root.find("body")
    for body in bodies[1:]:
        other = lxml.html.fromstring(body.encode(), parser=parser).find("body")
        target.append(
            lxml.html.fromstring(
                '<div style="page-break-before: always; clear: both;"></div>'
            )
        )
        for child in list(other):
            target.append(child)
    return lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")


def _split_pdf_by_markers(pdf, count):
    """The PDF's pages split into ``count`` PDFs where the marker images
    (_marker_data_uri) are, or None unless markers 0 .. count - 1 each start
    one page, in order, the first on the first page."""
    reader = PdfFileReader(io.BytesIO(pdf))
    starts = []
    for number, page in enumerate(reader.pages):
        resources = page.get("/Resources")
        xobjects = resources.get_object().get("/XObject") if resources else None
        for xobject in xobjects.get_object().values() if xobjects else ():
            image = xobject.get_object()
            if (
                image.get("/Subtype") == "/Image"
                and image.get("/Width") == MARKER_WIDTH
                and MARKER_HEIGHT <= image.get("/Height", 0) < MARKER_HEIGHT + count
            ):
                starts.append((image["/Height"] - MARKER_HEIGHT, number))
    starts.sort(key=lambda start: start[1])
    if (
        [index for index, _page in starts] != list(range(count))
        or starts[0][1] != 0
        or len({page for _index, page in starts}) != count
    ):
        return None
    pdfs = []
    ends = [page for _index, page in starts[1:]] + [len(reader.pages)]
    for (_index, first), end in zip(starts, ends, strict=True):
        writer = PdfFileWriter()
        for number in range(first, end):
            writer.addPage(reader.getPage(number))
        stream = io.BytesIO()
        writer.write(stream)
        pdfs.append(stream.getvalue())
    return pdfs


def _transaction_aborted(cr):
    """Whether ``cr``'s transaction failed and only accepts a rollback."""
    status = cr._cnx.info.transaction_status
    return status == psycopg2.extensions.TRANSACTION_STATUS_INERROR


def _rf_of(name):
    """The RF creditor reference of the letter numbered ``name`` (False when
    the number gives none)."""
    try:
        return rf_reference(reference_body(name))
    except ValueError:
        return False


def _qrr_of(name, country_code):
    """The Swiss QR reference of the letter numbered ``name`` of a company of
    ``country_code`` (False outside the QR-bill countries)."""
    if country_code not in QR_BILL_COUNTRIES:
        return False
    try:
        return qr_reference(name, prefix=QR_REFERENCE_PREFIX)
    except ValueError:
        return False


class DunningLetter(models.Model):
    """One reminder to one customer at one dunning level, with a snapshot of
    the overdue invoices it claims."""

    _name = "dunning.letter"
    _description = "Dunning Letter"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Number", required=True, readonly=True, copy=False, default="/"
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
    )
    level_id = fields.Many2one(
        "dunning.level",
        required=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
    )
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    state = fields.Selection(
        selection=[
            ("draft", "Draft"),
            ("to_approve", "To Approve"),
            ("approved", "Approved"),
            ("sent", "Sent"),
            ("failed", "Failed"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        tracking=True,
        index=True,
        copy=False,
    )
    failure_reason = fields.Text(readonly=True, copy=False)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    # Computed before the INSERT (precompute): a run creates thousands of
    # letters, and each stored compute would otherwise be an UPDATE after it.
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_currency_id",
        store=True,
        precompute=True,
    )
    responsible_id = fields.Many2one(
        "res.users",
        default=lambda self: self.env.user,
        tracking=True,
    )
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    sent_date = fields.Datetime(readonly=True, copy=False)
    line_ids = fields.One2many(
        "dunning.letter.line", "letter_id", string="Overdue Invoices", copy=True
    )
    line_count = fields.Integer(compute="_compute_amounts", store=True)
    amount_total = fields.Monetary(
        string="Total Due",
        compute="_compute_amounts",
        store=True,
        currency_field="currency_id",
    )
    max_days_overdue = fields.Integer(
        string="Days Overdue", compute="_compute_amounts", store=True
    )
    collection = fields.Boolean(related="level_id.collection")
    # Delivery of the reminder e-mail: the chatter message it was sent as, and
    # Odoo's per-recipient notifications (sent, exception, bounce).
    mail_message_id = fields.Many2one(
        "mail.message",
        string="Reminder E-mail",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
    )
    mail_notification_ids = fields.One2many(
        related="mail_message_id.notification_ids",
        string="E-mail Deliveries",
    )
    queued_at = fields.Datetime(
        string="Queued for Sending",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The daily run queued this automatic reminder; the scheduled action "
        "'Dunning: send queued reminders' sends it.",
    )
    print_needed = fields.Boolean(
        string="To Print",
        copy=False,
        help="The reminder must be printed and posted: the level prints letters, or "
        "the customer has no e-mail address.",
    )
    letter_attachment_id = fields.Many2one(
        "ir.attachment",
        string="Letter PDF",
        readonly=True,
        copy=False,
        help="The printed letter as it was produced, before the reminder was "
        "marked sent.",
    )
    posted_date = fields.Datetime(
        string="Posted On",
        readonly=True,
        copy=False,
        help="When the printed letter was marked as posted.",
    )
    printed_unsent = fields.Boolean(
        compute="_compute_printed_unsent",
        help="Printed from its form but not marked as sent yet.",
    )
    approval_reason = fields.Char(
        compute="_compute_approval_reason",
        help="Why this reminder waits for a manager's approval.",
    )
    preview_subject = fields.Char(string="Subject", compute="_compute_preview")
    preview_body = fields.Html(
        string="E-mail", compute="_compute_preview", sanitize=False
    )
    preview_recipient = fields.Char(string="To", compute="_compute_preview")

    # Fees, interest and compensation (see _dunning_apply_fees)
    fee_line_ids = fields.One2many(
        "dunning.letter.fee", "letter_id", string="Fees and Interest", copy=False
    )
    fee_move_id = fields.Many2one(
        "account.move",
        string="Fee Invoice",
        readonly=True,
        copy=False,
        check_company=True,
        index="btree_not_null",
        ondelete="set null",
    )
    fee_notes = fields.Text(
        readonly=True,
        copy=False,
        help="Why fees, interest or compensation were not charged.",
    )
    # A formal notice (the Dutch 14-day letter): the costs it announces
    notice_compensation = fields.Monetary(
        string="Costs Announced",
        readonly=True,
        copy=False,
        currency_field="currency_id",
        help="The collection costs this notice states will be charged once its term "
        "has passed; later reminders never charge more.",
    )
    notice_term_end = fields.Date(
        string="Notice Term Ends",
        readonly=True,
        copy=False,
        help="The last day of the term this notice gives, counted from the day after "
        "its receipt.",
    )
    amount_fees = fields.Monetary(
        string="Fees",
        compute="_compute_fee_amounts",
        store=True,
        currency_field="currency_id",
    )
    amount_interest = fields.Monetary(
        string="Interest",
        compute="_compute_fee_amounts",
        store=True,
        currency_field="currency_id",
    )
    amount_compensation = fields.Monetary(
        string="Fixed Compensation",
        compute="_compute_fee_amounts",
        store=True,
        currency_field="currency_id",
    )
    amount_grand_total = fields.Monetary(
        string="Total Claimed",
        compute="_compute_fee_amounts",
        store=True,
        currency_field="currency_id",
        help="The amount due plus the fees, interest and compensation of this "
        "reminder.",
    )

    # Self-service: the payment reference and the customer's answers
    payment_reference_rf = fields.Char(
        string="Payment Reference",
        compute="_compute_payment_reference_rf",
        store=True,
        precompute=True,
        index="btree_not_null",
        copy=False,
        help="ISO 11649 structured creditor reference (RF) of this reminder: the "
        "payment reference on the letter and in its payment QR code. A bank transfer "
        "quoting it is reconciled with the reminder's invoices.",
    )
    payment_reference_qrr = fields.Char(
        string="QR Reference",
        compute="_compute_payment_reference_qrr",
        store=True,
        precompute=True,
        index="btree_not_null",
        copy=False,
        help="Swiss QR reference (27 digits, recursive modulo 10 check digit) of "
        "the reminders of Swiss and Liechtenstein companies: the payment reference "
        "on the QR-bill when the company is paid on a QR-IBAN.",
    )
    portal_answer_ids = fields.One2many(
        "dunning.portal.answer", "letter_id", string="Customer Answers", readonly=True
    )

    _one_pending_letter = models.UniqueIndex(
        "(partner_id, company_id) "
        "WHERE state IN ('draft', 'to_approve', 'approved', 'failed')",
        "A customer can have only one reminder waiting to be sent per company.",
    )

    @api.depends("line_ids.amount_residual", "line_ids.days_overdue")
    def _compute_amounts(self):
        for letter in self:
            lines = letter.line_ids
            letter.line_count = len(lines)
            letter.amount_total = sum(lines.mapped("amount_residual"))
            letter.max_days_overdue = max(lines.mapped("days_overdue"), default=0)

    @api.depends("amount_total", "fee_line_ids.amount", "fee_line_ids.fee_type")
    def _compute_fee_amounts(self):
        for letter in self:
            sums = defaultdict(float)
            for line in letter.fee_line_ids:
                sums[line.fee_type] += line.amount
            letter.amount_fees = sums["fee"]
            letter.amount_interest = sums["interest"]
            letter.amount_compensation = sums["compensation"]
            letter.amount_grand_total = (
                letter.amount_total
                + sums["fee"]
                + sums["interest"]
                + sums["compensation"]
            )

    @api.depends("letter_attachment_id", "state")
    def _compute_printed_unsent(self):
        for letter in self:
            letter.printed_unsent = bool(
                letter.letter_attachment_id
            ) and letter.state in ("draft", "approved", "failed")

    @api.depends("level_id")
    def _compute_approval_reason(self):
        for letter in self:
            letter.approval_reason = letter._dunning_approval_reason()

    @api.depends("level_id", "partner_id", "line_ids")
    def _compute_preview(self):
        for letter in self:
            if not letter.level_id or not letter.partner_id:
                letter.preview_subject = letter.preview_body = (
                    letter.preview_recipient
                ) = False
                continue
            preview = letter._dunning_email_preview()
            letter.preview_subject = preview["subject"]
            letter.preview_body = preview["body"]
            letter.preview_recipient = preview["recipient"]

    def _dunning_approval_reason(self):
        """Why reminders of this level wait for a manager: the level is not
        sent automatically, and/or it hands the customer over to collection."""
        self.ensure_one()
        level = self.level_id
        reasons = []
        if level and not level.auto_send:
            reasons.append(self.env._("%s is not sent automatically", level.name))
        if level.collection:
            reasons.append(self.env._("it hands the customer over to collection"))
        return "; ".join(reasons) or False

    def _dunning_email_preview(self):
        """The e-mail the customer gets, rendered for this reminder (saved or
        not): {'subject', 'body', 'recipient'}."""
        self.ensure_one()
        template = self._dunning_mail_template()
        recipient = self._dunning_recipient()
        template = template.with_context(lang=recipient.lang or self.env.lang)
        res_ids = list(self._ids)
        return {
            "subject": template._render_field("subject", res_ids)[res_ids[0]],
            "body": template._render_field("body_html", res_ids)[res_ids[0]],
            "recipient": recipient.email_formatted or recipient.display_name,
        }

    @api.depends("company_id.currency_id")
    def _compute_currency_id(self):
        for letter in self:
            letter.currency_id = letter.company_id.currency_id

    @api.depends("name")
    def _compute_payment_reference_rf(self):
        for letter in self:
            letter.payment_reference_rf = _rf_of(letter.name)

    @api.depends("name", "company_id.country_id")
    def _compute_payment_reference_qrr(self):
        for letter in self:
            letter.payment_reference_qrr = _qrr_of(
                letter.name, letter.company_id.country_id.code
            )

    def _compute_access_url(self):
        for letter in self:
            letter.access_url = f"/my/reminders/{letter.id}"

    def _check_company(self, fnames=None):
        """The ORM's company check, evaluated once per company and field for
        the whole recordset instead of once per letter (a run creates
        thousands of letters at once); on any inconsistency the ORM's own
        check runs and raises its usual error."""
        if len(self) < 2:
            return super()._check_company(fnames)
        if fnames is None or {"company_id", "company_ids"} & set(fnames):
            fnames = self._fields
        names = [
            name
            for name in fnames
            if self._fields[name].relational and self._fields[name].check_company
        ]
        if any(self._fields[name].company_dependent for name in names):
            return super()._check_company(fnames)
        for company, letters in self.grouped("company_id").items():
            for name in names:
                corecords = letters.sudo()[name]
                if not corecords:
                    continue
                domain = corecords._check_company_domain(company)
                if domain and corecords != corecords.with_context(
                    active_test=False
                ).filtered_domain(domain):
                    return super()._check_company(fnames)
        return None

    @api.model_create_multi
    def create(self, vals_list):
        skip_fees = self.env.context.get("dunning_skip_fees")
        if not skip_fees and not self._dunning_fee_run():
            # Outside the run a misconfiguration is an error for the user to
            # fix, raised before anything is written.
            self._dunning_check_fee_setup(vals_list)
        to_number = defaultdict(list)
        for vals in vals_list:
            # The self-service link exists from the start: showing a reminder
            # (its preview renders the link) then writes nothing.
            vals.setdefault("access_token", str(uuid.uuid4()))
            if vals.get("name", "/") == "/":
                company = (
                    self.env["res.company"].browse(vals.get("company_id"))
                    or self.env.company
                )
                date = vals.get("date") or fields.Date.context_today(self)
                to_number[company, fields.Date.to_date(date)].append(vals)
        for (company, date), group in to_number.items():
            for vals, name in zip(
                group,
                self._dunning_next_numbers(company, date, len(group)),
                strict=True,
            ):
                vals["name"] = name
        # The precomputed fields, as their computes give them: the ORM
        # would make a new record per letter to compute them.
        for vals in vals_list:
            company = (
                self.env["res.company"].browse(vals.get("company_id"))
                or self.env.company
            )
            name = vals.get("name") or "/"
            vals.setdefault("currency_id", company.currency_id.id)
            vals.setdefault("payment_reference_rf", _rf_of(name))
            vals.setdefault(
                "payment_reference_qrr", _qrr_of(name, company.country_id.code)
            )
        run_lines = None
        if self.env.context.get("dunning_run_lines"):
            vals_list, run_lines = self._dunning_split_run_lines(vals_list)
            totals = self._dunning_run_totals(vals_list, run_lines)
        letters = super().create(vals_list)
        if run_lines:
            letters._dunning_insert_run_lines(run_lines)
            letters._dunning_write_run_totals(totals)
        if not skip_fees:
            for letter in letters:
                letter._dunning_apply_fees()
        letters.filtered("level_id.notice_days")._dunning_set_notice()
        return letters

    @api.model
    def _dunning_check_fee_setup(self, vals_list):
        """Raise when a reminder of these values would charge fees or interest
        on an invoice without the company's fee or interest product."""
        for vals in vals_list:
            level = self.env["dunning.level"].browse(vals.get("level_id"))
            if not level or not level._dunning_charges_fees():
                continue
            company = (
                self.env["res.company"].browse(vals.get("company_id"))
                or self.env.company
            )
            missing = level._dunning_missing_fee_products(company)
            if missing:
                raise UserError(
                    level._dunning_missing_product_message(company, missing)
                )

    @api.model
    def _dunning_next_numbers(self, company, date, count):
        """``count`` letter numbers, the same that ``count`` calls of
        ``next_by_code('dunning.letter', sequence_date=date)`` would draw, but
        with one query for the whole batch of a run (the standard, gapped,
        implementation of the sequence); '/' without a sequence."""
        IrSequence = self.env["ir.sequence"].with_company(company)
        if count == 1:
            return [
                IrSequence.next_by_code("dunning.letter", sequence_date=date) or "/"
            ]
        IrSequence.browse().check_access("read")
        sequence = IrSequence.search(
            [
                ("code", "=", "dunning.letter"),
                ("company_id", "in", [company.id, False]),
            ],
            order="company_id",
            limit=1,
        )
        if not sequence:
            return ["/"] * count
        if sequence.implementation != "standard":
            # A no-gap sequence locks its row for each number: Odoo's own path.
            return [sequence._next(sequence_date=date) for _i in range(count)]
        pg_sequence = f"ir_sequence_{sequence.id:03d}"
        if sequence.use_date_range:
            date_range = self.env["ir.sequence.date_range"].search(
                [
                    ("sequence_id", "=", sequence.id),
                    ("date_from", "<=", date),
                    ("date_to", ">=", date),
                ],
                limit=1,
            ) or sequence._create_date_range_seq(date)
            pg_sequence = f"ir_sequence_{sequence.id:03d}_{date_range.id:03d}"
            sequence = sequence.with_context(
                ir_sequence_date_range=date_range.date_from
            )
        self.env.cr.execute(
            "SELECT nextval(%s) FROM generate_series(1, %s)", [pg_sequence, count]
        )
        return [
            sequence.get_next_char(number)
            for number in sorted(row[0] for row in self.env.cr.fetchall())
        ]

    @api.model
    def _dunning_split_run_lines(self, vals_list):
        """Take the letter lines out of the run's letter values when they are
        plain creations of RUN_LINE_FIELDS: (new vals_list, [lines per letter])."""
        result, lines_per_letter = [], []
        for vals in vals_list:
            commands = vals.get("line_ids") or []
            if commands and all(
                isinstance(command, (list, tuple))
                and command[0] == fields.Command.CREATE
                and set(command[2]).issubset(RUN_LINE_FIELDS)
                for command in commands
            ):
                vals = dict(vals)
                lines_per_letter.append(
                    [command[2] for command in vals.pop("line_ids")]
                )
            else:
                lines_per_letter.append([])
            result.append(vals)
        return result, lines_per_letter

    @api.model
    def _dunning_run_totals(self, vals_list, lines_per_letter):
        """The totals that ``_compute_amounts`` and ``_compute_fee_amounts``
        would compute from the lines of the run's letters, as
        ``_dunning_insert_run_lines`` stores them: [{field: value} or None]."""
        Company = self.env["res.company"]
        result = []
        for vals, lines in zip(vals_list, lines_per_letter, strict=True):
            if not lines:
                result.append(None)
                continue
            company = Company.browse(vals.get("company_id")) or self.env.company
            currency = company.currency_id
            total = currency.round(
                sum(
                    currency.round(float(line.get("amount_residual") or 0.0))
                    for line in lines
                )
            )
            totals = {
                "line_count": len(lines),
                "amount_total": total,
                "max_days_overdue": max(
                    int(line.get("days_overdue") or 0) for line in lines
                ),
            }
            if not vals.get("fee_line_ids"):
                totals.update(
                    amount_fees=0.0,
                    amount_interest=0.0,
                    amount_compensation=0.0,
                    amount_grand_total=total,
                )
            result.append(totals)
        return result

    def _dunning_write_run_totals(self, totals_per_letter):
        """Store the totals of ``_dunning_run_totals`` with one UPDATE for
        the batch, and take them off the fields to compute: the ORM would
        compute them letter by letter from the lines just inserted, and
        update them one currency lookup per amount."""
        by_fields = defaultdict(list)
        for letter, totals in zip(self, totals_per_letter, strict=True):
            if totals:
                by_fields[tuple(totals)].append((letter.id, totals))
        for names, rows in by_fields.items():
            letters = self.browse([letter_id for letter_id, _totals in rows])
            for name in names:
                self.env.remove_to_compute(self._fields[name], letters)
            for chunk in split_every(1000, rows):
                self.env.cr.execute(
                    SQL(
                        "UPDATE dunning_letter SET %(assignments)s "
                        "FROM (VALUES %(values)s) AS v(id, %(names)s) "
                        "WHERE dunning_letter.id = v.id",
                        assignments=SQL(", ").join(
                            SQL("%(col)s = v.%(col)s", col=SQL.identifier(name))
                            for name in names
                        ),
                        values=SQL(", ").join(
                            SQL(
                                "(%s, %s)",
                                letter_id,
                                SQL(", ").join(
                                    SQL(
                                        "%s::int"
                                        if self._fields[name].type == "integer"
                                        else "%s::numeric",
                                        totals[name],
                                    )
                                    for name in names
                                ),
                            )
                            for letter_id, totals in chunk
                        ),
                        names=SQL(", ").join(SQL.identifier(name) for name in names),
                    )
                )
            letters.invalidate_recordset(list(names))

    def _dunning_insert_run_lines(self, lines_per_letter):
        """Create the lines of these new letters with one INSERT per thousand
        lines. The ORM spends most of a run creating them one value at a time
        (it looks up the currency of every amount); the values are the same:
        amounts rounded to their currency, the company of the letter, the
        access rights and the recomputation of what depends on the lines (the
        letter's totals) as in ``create``."""
        Line = self.env["dunning.letter.line"]
        Line.check_access("create")
        Currency = self.env["res.currency"]
        now, uid = self.env.cr.now(), self.env.uid
        roundings = {}

        def amount(value, currency_id):
            # What the ORM stores in a Monetary column: rounded to its currency.
            value = float(value or 0.0)
            if not currency_id or not value:
                return value
            if currency_id not in roundings:
                roundings[currency_id] = Currency.browse(currency_id).rounding
            return float_round(value, precision_rounding=roundings[currency_id])

        rows = []
        for letter, lines in zip(self, lines_per_letter, strict=True):
            letter_id, company_id = letter.id, letter.company_id.id or None
            currency_id = letter.currency_id.id
            for vals in lines:
                move_currency_id = vals.get("move_currency_id") or None
                rows.append(
                    (
                        letter_id,
                        company_id,
                        vals.get("move_id") or None,
                        vals.get("move_line_id") or None,
                        None
                        if vals.get("move_name") in (None, False)
                        else vals["move_name"],
                        fields.Date.to_date(vals.get("invoice_date")) or None,
                        fields.Date.to_date(vals.get("date_due")) or None,
                        int(vals.get("days_overdue") or 0),
                        vals.get("level_id") or None,
                        amount(vals.get("amount_original"), currency_id),
                        amount(vals.get("amount_residual"), currency_id),
                        move_currency_id,
                        amount(vals.get("amount_residual_currency"), move_currency_id),
                        uid,
                        now,
                        uid,
                        now,
                    )
                )
        if not rows:
            return
        columns = (
            "letter_id",
            "company_id",
            *RUN_LINE_FIELDS,
            "create_uid",
            "create_date",
            "write_uid",
            "write_date",
        )
        ids = []
        for chunk in split_every(1000, rows):
            self.env.cr.execute(
                SQL(
                    "INSERT INTO dunning_letter_line (%s) VALUES %s RETURNING id",
                    SQL(", ").join(SQL.identifier(column) for column in columns),
                    SQL(", ").join(SQL("%s", row) for row in chunk),
                )
            )
            ids.extend(row[0] for row in self.env.cr.fetchall())
        lines = Line.browse(ids)
        self.invalidate_recordset(["line_ids"])
        self.env["account.move"].invalidate_model(["dunning_letter_line_ids"])
        # The line's company (related to its letter's) is inserted above.
        with self.env.protecting([Line._fields["company_id"]], lines):
            lines.modified(columns[:-4], create=True)
        lines._validate_fields(columns[:-4])
        lines.check_access("create")

    def write(self, vals):
        if set(vals) - SENT_WRITABLE_FIELDS and any(
            letter.state == "sent" for letter in self
        ):
            raise UserError(self.env._("A sent reminder cannot be changed."))
        if APPROVAL_LOCKED_FIELDS & set(vals):
            locked = self.filtered(
                lambda letter: letter.state in ("to_approve", "approved")
            )
            if locked:
                raise UserError(
                    self.env._(
                        "Reminder %s waits for approval or was approved: its customer, "
                        "level, date, invoices and fees are locked. Cancel it and "
                        "prepare a new one to change them.",
                        locked[0].name,
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent(self):
        if any(letter.state == "sent" for letter in self):
            raise UserError(
                self.env._(
                    "A sent reminder cannot be deleted; it is part of the "
                    "customer's history."
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_paid_fee_moves(self):
        self.filtered(
            lambda letter: letter.state != "sent"
        )._dunning_check_fee_moves_cancellable()

    def unlink(self):
        # The fee invoices of deleted reminders are cancelled, once the
        # ondelete checks above have accepted the deletion.
        fee_moves = self.env["account.move"]
        if not self.env.context.get(MODULE_UNINSTALL_FLAG):
            fee_moves = self.filtered(
                lambda letter: letter.state != "sent"
            )._dunning_fee_moves()
        result = super().unlink()
        fee_moves._dunning_cancel_fee_invoices()
        return result

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_approve(self):
        """A manager approves reminders waiting for approval: they are
        Approved, ready to send (by anyone)."""
        self._dunning_approve()
        return self._dunning_notification(
            self.env._("Approved — ready to send"),
            self.env._("%s can now be sent.", ", ".join(self.mapped("name"))),
        )

    def action_approve_and_send(self):
        """Approve and send in one click (managers), through the level's
        channels."""
        self._dunning_approve()
        self.action_send()
        return self._dunning_notification(
            self.env._("Approved and sent"), ", ".join(self.mapped("name"))
        )

    def _dunning_approve(self):
        if not self.env.user.has_group("dunning_followup.group_dunning_manager"):
            raise UserError(self.env._("Only a dunning manager can approve reminders."))
        for letter in self:
            if letter.state != "to_approve":
                raise UserError(
                    self.env._("Reminder %s is not waiting for approval.", letter.name)
                )
        self.write({"state": "approved", "approved_by_id": self.env.user.id})

    def _dunning_notification(self, title, message, kind="success"):
        """A notification, then the current view reloaded."""
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": title,
                "message": message,
                "type": kind,
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_print_queue(self):
        """Header button of the To Print queue: download the letters at once
        and record that they are posted."""
        letters = self.filtered("print_needed")
        if not letters:
            raise UserError(self.env._("Select reminders of the To Print queue."))
        letters._dunning_ensure_letter_pdf()
        letters.write({"print_needed": False, "posted_date": fields.Datetime.now()})
        for letter in letters:
            letter.message_post(body=self.env._("Printed and posted."))
        return letters._dunning_download_action()

    def action_print_letter(self):
        """Print this reminder from its form: the PDF is stored on the
        reminder; an unsent reminder then offers to be marked as sent."""
        self.ensure_one()
        if self.state == "to_approve":
            raise UserError(
                self.env._(
                    "Reminder %s must be approved before it is printed.", self.name
                )
            )
        self._dunning_ensure_letter_pdf()
        return self._dunning_download_action()

    def action_preview_letter(self):
        """The letter as it would print now, without storing anything."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/report/pdf/dunning_followup.report_dunning_letter/{self.id}",
            "target": "new",
        }

    def action_mark_sent(self):
        """A reminder printed from its form and posted by hand is sent."""
        for letter in self:
            if (
                letter.state not in ("draft", "approved", "failed")
                or not letter.letter_attachment_id
            ):
                raise UserError(
                    self.env._(
                        "Only a printed reminder that is not sent yet can be marked "
                        "as sent."
                    )
                )
        for letter in self:
            letter.print_needed = False
            letter.posted_date = fields.Datetime.now()
            letter._dunning_mark_sent()
        return True

    def _dunning_ensure_letter_pdf(self):
        """Render and store the PDF of the letters that have none yet: what
        is printed is what the reminder keeps."""
        prerendered = self.env.context.get("dunning_letter_pdfs") or {}
        for letter in self.filtered(lambda letter: not letter.letter_attachment_id):
            # Rendered with the batch's other letters (_dunning_render_letter_pdfs)
            content = prerendered.get(letter.id)
            if not content:
                content = letter._dunning_render_letter_pdf()
            letter.letter_attachment_id = self.env["ir.attachment"].create(
                {
                    "name": "{} {}.pdf".format(
                        self.env._("Reminder"), letter.name.replace("/", "-")
                    ),
                    "raw": content,
                    "mimetype": "application/pdf",
                    "res_model": letter._name,
                    "res_id": letter.id,
                }
            )

    def _dunning_render_letter_pdf(self):
        """The PDF of this letter rendered on its own, in its recipient's
        language (with its QR-bill page: ir.actions.report)."""
        self.ensure_one()
        report = self.env.ref("dunning_followup.action_report_dunning_letter")
        lang = self._dunning_recipient().lang or self.env.lang
        content, _type = (
            self.env["ir.actions.report"]
            .with_context(lang=lang)
            ._render_qweb_pdf(report.report_name, self.ids)
        )
        return content

    def _dunning_emailed_and_printed(self):
        """Whether sending this letter both e-mails and prints its PDF."""
        self.ensure_one()
        channels = self._dunning_channels()
        return bool(
            channels.get("email")
            and channels.get("letter")
            and self._dunning_recipient().email
        )

    def _dunning_download_action(self):
        """Download the letters' stored PDF (one letter) or all of them."""
        if len(self) == 1:
            url = f"/web/content/{self.letter_attachment_id.id}?download=true"
        else:
            url = "/report/pdf/dunning_followup.report_dunning_letter/" + ",".join(
                str(letter_id) for letter_id in self.ids
            )
        return {
            "type": "ir.actions.act_url",
            "url": url,
            "target": "new",
            "close": True,
        }

    def action_cancel(self):
        unsent = self.filtered(lambda letter: letter.state != "sent")
        unsent._dunning_check_fee_moves_cancellable()
        if any(letter.state == "sent" for letter in self):
            raise UserError(self.env._("A sent reminder cannot be cancelled."))
        fee_moves = unsent._dunning_fee_moves()
        self.write({"state": "cancelled"})
        fee_moves._dunning_cancel_fee_invoices()
        return True

    def action_reset_draft(self):
        for letter in self:
            if letter.state not in ("cancelled", "failed"):
                raise UserError(
                    self.env._("Only cancelled or failed reminders go back to draft.")
                )
        cancelled = self.filtered(lambda letter: letter.state == "cancelled")
        for letter in self:
            if letter._dunning_needs_approval():
                state = "to_approve"
            else:
                state = "approved" if letter.approved_by_id else "draft"
            letter.write({"state": state, "failure_reason": False})
        # Its fee invoice was cancelled, and meanwhile another reminder may
        # have charged the same days: charge again what is still due now.
        for letter in cancelled:
            letter.fee_line_ids.unlink()
            letter.write({"fee_move_id": False, "fee_notes": False})
            letter._dunning_apply_fees()
        return True

    def action_open_send_wizard(self):
        """Preview the reminder and choose its channels before sending."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send Reminder"),
            "res_model": "dunning.send.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_letter_ids": self.ids},
        }

    def action_send(self):
        """Send the reminders through their level's channels, then record on
        the invoices and the customers that they were reminded."""
        # Lock the rows and re-read their state: a letter sent meanwhile by
        # another user or by the scheduled action is not sent twice.
        self.flush_recordset(["state"])
        self.env.cr.execute(
            "SELECT id FROM dunning_letter WHERE id = ANY(%s) FOR UPDATE", [self.ids]
        )
        self.invalidate_recordset(["state"])
        for letter in self:
            if letter.state == "to_approve":
                raise UserError(
                    self.env._(
                        "Reminder %s must be approved before it is sent.", letter.name
                    )
                )
            if letter.state not in ("draft", "approved", "failed"):
                raise UserError(
                    self.env._("Reminder %s cannot be sent in its state.", letter.name)
                )
        self._dunning_send_batch()
        return True

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------

    def _dunning_needs_approval(self):
        self.ensure_one()
        return not self.level_id.auto_send and not self.approved_by_id

    def _dunning_recipient(self):
        """The contact who receives reminders: the customer's invoicing
        contact if it has one with an e-mail, else the customer."""
        self.ensure_one()
        partner = self.partner_id
        invoice_contacts = partner.child_ids.filtered(
            lambda child: child.type == "invoice" and child.email
        )
        return invoice_contacts[:1] or partner

    def _dunning_mail_template(self):
        self.ensure_one()
        return self.level_id.mail_template_id or self.env.ref(
            "dunning_followup.mail_template_dunning_letter"
        )

    def _dunning_channels(self):
        """The channels to use: the level's, unless the send wizard chose."""
        self.ensure_one()
        chosen = self.env.context.get("dunning_channels")
        if chosen is not None:
            return dict(chosen)
        level = self.level_id
        return {
            "email": level.send_email,
            "letter": level.send_letter,
            "activity": level.create_activity,
            "sms": False,
        }

    def _dunning_invoice_attachments(self):
        """PDFs of the overdue invoices, for levels that join them."""
        self.ensure_one()
        attachments = self.env["ir.attachment"]
        for move in self.line_ids.move_id:
            attachment = move.invoice_pdf_report_id
            if not attachment:
                content, _type = self.env["ir.actions.report"]._render(
                    "account.account_invoices", move.ids
                )
                attachment = self.env["ir.attachment"].create(
                    {
                        "name": f"{(move.name or 'invoice').replace('/', '_')}.pdf",
                        "raw": content,
                        "mimetype": "application/pdf",
                        "res_model": self._name,
                        "res_id": self.id,
                    }
                )
            attachments |= attachment
        return attachments

    def _dunning_send_one(self):
        """Deliver one letter. Any delivery error leaves it 'failed' with the
        reason, and nothing else changed, so it can be retried."""
        self.ensure_one()
        channels = self._dunning_channels()
        notes = []
        print_needed = bool(channels.get("letter"))
        emailed = self.id in (self.env.context.get("dunning_emailed_ids") or ())
        recipient = self._dunning_recipient() if channels.get("email") else None
        if recipient is not None and not recipient.email:
            print_needed = True
            notes.append(
                self.env._(
                    "%s has no e-mail address: this reminder must be "
                    "printed and posted.",
                    recipient.display_name,
                )
            )
        activity = channels.get("activity") and self.level_id.activity_type_id
        try:
            # A savepoint only around deliveries still to make: one per letter
            # would also flush the batch's writes letter by letter.
            if (
                print_needed
                or (recipient and recipient.email and not emailed)
                or channels.get("sms")
                or activity
            ):
                with self.env.cr.savepoint():
                    # The letter to post exists before anything says it was sent.
                    if print_needed:
                        self._dunning_ensure_letter_pdf()
                    if recipient and recipient.email and not emailed:
                        self._dunning_send_email(recipient)
                    if channels.get("sms"):
                        self._dunning_send_sms()
                    if activity:
                        self._dunning_schedule_activity()
        except Exception as error:  # noqa: BLE001 - a failed delivery must be recorded, not lost
            _logger.warning("Dunning letter %s could not be sent: %s", self.name, error)
            self.write({"state": "failed", "failure_reason": str(error)})
            self.message_post(body=self.env._("Sending failed: %s", str(error)))
            return False
        if print_needed and not (self.partner_id.street or self.partner_id.city):
            notes.append(
                self.env._(
                    "%s has no postal address: complete it before posting this letter.",
                    self.partner_id.display_name,
                )
            )
        for note in notes:
            self.message_post(body=note)
        if self.print_needed != print_needed:
            self.print_needed = print_needed
        if not self.env.context.get("dunning_defer_mark_sent"):
            self._dunning_mark_sent()
        return True

    def _dunning_send_email(self, recipient):
        """E-mail the reminder with the template's attachments (the letter's
        PDF, in the recipient's language) and, when the level joins them, the
        overdue invoices' PDFs."""
        template = self._dunning_mail_template().with_context(lang=recipient.lang)
        attachments = self._dunning_template_attachments(template)
        if self.level_id.join_invoices:
            attachments |= self._dunning_invoice_attachments()
        message = self.with_context(lang=recipient.lang).message_post_with_source(
            template,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            attachment_ids=[fields.Command.set(attachments.ids)],
            author_id=self._dunning_author().id,
        )
        self.mail_message_id = message[:1]

    def _dunning_email_in_bulk(self):
        """E-mail the reminders of these letters together: templates rendered
        in batch, then the attachments, the chatter messages, the queued
        ``mail.mail`` and their notifications each created in one call, as
        the mail composer's mass mode does (queries per batch, not per
        letter). The e-mail body is the rendered template, without Odoo's
        notification layout. If anything fails, nothing is kept and each
        letter is e-mailed on its own (``_dunning_send_email``), where a
        failure marks only that letter.

        :return: the letters e-mailed
        """
        letters = self.filtered(lambda letter: letter._dunning_bulk_emailable())
        if not letters:
            return letters
        try:
            with self.env.cr.savepoint():
                letters._dunning_create_emails()
        except Exception as error:  # noqa: BLE001 - then e-mailed one by one
            _logger.warning(
                "Dunning: the e-mails of %s letters could not be created together "
                "(%s); creating them one by one",
                len(letters),
                error,
            )
            return self.browse()
        return letters

    def _dunning_bulk_emailable(self):
        """Whether the letter's only delivery is an e-mail to an address (an
        SMS or an activity that fails must take its e-mail back with it: such
        letters are sent one by one)."""
        self.ensure_one()
        channels = self._dunning_channels()
        return bool(
            channels.get("email")
            and not channels.get("sms")
            and not (channels.get("activity") and self.level_id.activity_type_id)
            and self._dunning_recipient().email
        )

    def _dunning_create_emails(self):
        """One chatter message (the e-mail, with its attachments), one queued
        ``mail.mail`` and its notifications per letter, created in bulk;
        each letter is linked to its message (delivery tracking)."""
        # Never OdooBot: the sender, else the responsible, else the company.
        author_of = {letter.id: letter._dunning_author() for letter in self}
        author = self.env.user.partner_id
        subtype_id = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        letter_report = self.env.ref(
            "dunning_followup.action_report_dunning_letter", raise_if_not_found=False
        )
        pdfs = self.env.context.get("dunning_letter_pdfs") or {}
        fields_rendered = (
            "subject",
            "body_html",
            "email_from",
            "reply_to",
            "partner_to",
            "email_to",
            "email_cc",
            "attachment_ids",
            "mail_server_id",
            "scheduled_date",
            "auto_delete",
        )
        rendered, attachment_vals = {}, []
        for template, letters in self.grouped(
            lambda letter: letter._dunning_mail_template()
        ).items():
            # The letter's own report, already rendered with the batch: not again.
            prerendered = (
                letters.filtered(lambda letter: letter.id in pdfs)
                if template.report_template_ids == letter_report
                else letters.browse()
            )
            for subset, names in (
                (prerendered, fields_rendered),
                (letters - prerendered, (*fields_rendered, "report_template_ids")),
            ):
                values = (
                    template._generate_template(
                        subset.ids, names, find_or_create_partners=True
                    )
                    if subset
                    else {}
                )
                rendered.update(values)
                for letter in subset:
                    base = {"res_model": self._name, "res_id": letter.id}
                    if letter in prerendered:
                        attachment_vals.append(
                            {
                                **base,
                                "name": f"{letter._dunning_letter_file_name()}.pdf",
                                "raw": pdfs[letter.id],
                                "mimetype": "application/pdf",
                            }
                        )
                    attachment_vals += [
                        {**base, "name": name, "datas": datas}
                        for name, datas in values[letter.id].get("attachments") or []
                    ]
        attachments = self.env["ir.attachment"].create(attachment_vals)
        files_of = attachments.grouped("res_id")
        invoices_of = {
            letter.id: letter._dunning_invoice_attachments()
            for letter in self.filtered("level_id.join_invoices")
        }
        reply_to = self._notify_get_reply_to(default=author.email_formatted)
        message_vals, mail_vals = [], []
        for letter in self:
            values = rendered[letter.id]
            files = (
                self.env["ir.attachment"].browse(values.get("attachment_ids") or [])
                | files_of.get(letter.id, self.env["ir.attachment"])
                | invoices_of.get(letter.id, self.env["ir.attachment"])
            )
            email_from = (
                values.get("email_from") or author_of[letter.id].email_formatted
            )
            message_vals.append(
                {
                    "model": self._name,
                    "res_id": letter.id,
                    "message_type": "comment",
                    "subtype_id": subtype_id,
                    "author_id": author_of[letter.id].id,
                    "email_from": email_from,
                    "reply_to": values.get("reply_to") or reply_to[letter.id],
                    "subject": values.get("subject") or letter.display_name,
                    "body": values.get("body_html") or "",
                    "partner_ids": values.get("partner_ids") or [],
                    "attachment_ids": [Command.set(files.ids)],
                    "record_company_id": letter.company_id.id,
                    "mail_server_id": values.get("mail_server_id") or False,
                    "email_add_signature": False,
                }
            )
            mail_vals.append(
                {
                    "body_html": values.get("body_html") or "",
                    "recipient_ids": [
                        Command.link(pid) for pid in values.get("partner_ids") or []
                    ],
                    "email_to": values.get("email_to") or False,
                    "email_cc": values.get("email_cc") or False,
                    "auto_delete": values.get("auto_delete", False),
                    "is_notification": True,
                    "scheduled_date": values.get("scheduled_date") or False,
                    "state": "outgoing",
                }
            )
        messages = self._message_create(message_vals)
        mails = (
            self.env["mail.mail"]
            .sudo()
            .create(
                [
                    dict(
                        vals, mail_message_id=message.id, references=message.message_id
                    )
                    for vals, message in zip(mail_vals, messages, strict=True)
                ]
            )
        )
        self.env["mail.notification"].sudo().create(
            [
                {
                    "author_id": mail.mail_message_id.author_id.id,
                    "is_read": True,
                    "mail_message_id": mail.mail_message_id.id,
                    "mail_mail_id": mail.id,
                    "notification_status": "ready",
                    "notification_type": "email",
                    "res_partner_id": partner.id,
                }
                for mail in mails
                for partner in mail.recipient_ids
            ]
        )
        for letter, message in zip(self, messages, strict=True):
            letter.mail_message_id = message

    def _dunning_template_attachments(self, template):
        """The attachments the template gives this letter: its static files
        and its reports rendered for the letter (as the mail composer does)."""
        self.ensure_one()
        letter_report = self.env.ref(
            "dunning_followup.action_report_dunning_letter", raise_if_not_found=False
        )
        prerendered = (self.env.context.get("dunning_letter_pdfs") or {}).get(self.id)
        if prerendered and template.report_template_ids == letter_report:
            # Rendered with the batch's other letters (_dunning_render_letter_pdfs).
            return template.attachment_ids | self.env["ir.attachment"].create(
                {
                    "name": f"{self._dunning_letter_file_name()}.pdf",
                    "raw": prerendered,
                    "mimetype": "application/pdf",
                    "res_model": self._name,
                    "res_id": self.id,
                    "type": "binary",
                }
            )
        rendered = template._generate_template(
            self.ids, ("attachment_ids", "report_template_ids")
        )[self.id]
        attachments = self.env["ir.attachment"].browse(
            rendered.get("attachment_ids") or []
        )
        for name, datas in rendered.get("attachments") or []:
            attachments |= self.env["ir.attachment"].create(
                {
                    "name": name,
                    "datas": datas,
                    "res_model": self._name,
                    "res_id": self.id,
                    "type": "binary",
                }
            )
        return attachments

    def _dunning_send_sms(self):
        recipient = self._dunning_recipient()
        number = (
            recipient.mobile or recipient.phone
            if "mobile" in recipient._fields
            else recipient.phone
        )
        if not number or not hasattr(self, "_message_sms"):
            self.message_post(
                body=self.env._(
                    "No phone number for %s: no SMS sent.", recipient.display_name
                )
            )
            return
        body = self.env._(
            "%(company)s: reminder %(letter)s, %(amount)s overdue. Please pay or "
            "contact us.",
            company=self.company_id.name,
            letter=self.name,
            amount=self.currency_id.format(self.amount_total),
        )
        self._message_sms(body, partner_ids=recipient.ids, sms_numbers=[number])

    def _dunning_schedule_activity(self):
        level = self.level_id
        user = (
            level.activity_user_id
            or self.partner_id.with_company(self.company_id).dunning_responsible_id
            or self.responsible_id
            or self.env.user
        )
        note = self.env._(
            "Reminder %(letter)s at level %(level)s, %(amount)s due.",
            letter=self.name,
            level=level.name,
            amount=self.currency_id.format(self.amount_total),
        )
        values = {}
        hours = self.company_id._dunning_contact_hours()
        if hours and level.activity_type_id.category == "phonecall":
            values["date_deadline"], window = self._dunning_contact_day(hours)
            note = f"{note} {window}"
        if level.activity_type_id == self.env.ref(
            "dunning_followup.mail_activity_type_dunning_visit",
            raise_if_not_found=False,
        ):
            # A field visit: the collector needs the address.
            note = self.partner_id._dunning_visit_note(note)
        self.partner_id.activity_schedule(
            activity_type_id=level.activity_type_id.id,
            summary=level.activity_summary or level.name,
            note=note,
            user_id=user.id,
            **values,
        )

    def _dunning_contact_day(self, hours):
        """The customer's local day when a call or text is next allowed, and a
        sentence saying within which hours (California: 8:00 to 21:00 at the
        debtor's location, Cal. Civ. Code § 1788.17 with 15 U.S.C. § 1692c)."""
        tz_name = (
            self._dunning_recipient().tz
            or self.partner_id.tz
            or self.env.user.tz
            or "UTC"
        )
        try:
            tz = pytz.timezone(tz_name)
        except pytz.UnknownTimeZoneError:
            tz = pytz.utc
        local = pytz.utc.localize(fields.Datetime.now()).astimezone(tz)
        start, end = hours
        allowed = next_contact_time(local.replace(tzinfo=None), (int(start), int(end)))
        window = self.env._(
            "Call or text only between %(start)s and %(end)s, %(tz)s time.",
            start=f"{int(start)}:{round(start % 1 * 60):02d}",
            end=f"{int(end)}:{round(end % 1 * 60):02d}",
            tz=tz.zone,
        )
        return allowed.date(), window

    def _dunning_mark_sent(self):
        """The letters have gone: freeze them, move their invoices to their
        new level and log them on the customers and on every invoice they
        name, in bulk (queries per batch, not per letter)."""
        if not self:
            return
        resent = self.filtered("sent_date")
        first = self - resent
        self.write({"sent_date": fields.Datetime.now()})
        noticed = self.filtered("level_id.notice_days")
        if noticed:
            # The term runs from the day the notice really went.
            noticed._dunning_set_notice()
        self.write({"state": "sent", "failure_reason": False, "queued_at": False})
        # Sent again after its delivery failed: the invoices and the customer
        # already count this reminder.
        for letter in resent:
            letter.message_post(body=self.env._("Reminder sent again."))
        if not first:
            return
        moves_by_date = defaultdict(dict)
        for letter in first:
            level_by_move = moves_by_date[letter.date]
            for line in letter.line_ids:
                level_by_move.setdefault(line.move_id.id, line.level_id.id or None)
        for date, level_by_move in moves_by_date.items():
            self.env["account.move"]._dunning_mark_reminded(level_by_move, date)
        first._dunning_log_sent()
        for (company, date), letters in first.grouped(
            lambda letter: (letter.company_id, letter.date)
        ).items():
            self.env["res.partner"]._dunning_update_states(
                company, letters.partner_id.ids, date
            )
        for letter in first.filtered("level_id.collection"):
            letter._dunning_open_collection_case()

    def _dunning_log_sent(self):
        """'Reminder ... sent' in the chatter of the customers and of every
        invoice the letters name, one batch of notes per model."""
        author = self.env.user.partner_id.id
        partner_bodies, move_bodies = defaultdict(list), {}
        for letter in self:
            body = self.env._(
                "Reminder %(letter)s (%(level)s) sent for %(amount)s.",
                letter=letter._get_html_link(),
                level=letter.level_id.name,
                amount=letter.currency_id.format(letter.amount_total),
            )
            partner_bodies[letter.partner_id.id].append(body)
            for move in letter.line_ids.move_id:
                move_bodies[move.id] = body
        # Logging on the customer needs no right to edit the customer itself.
        Partner = self.env["res.partner"].sudo()
        while partner_bodies:
            # One note per letter, even for a customer with two (two companies).
            bodies = {key: notes.pop() for key, notes in partner_bodies.items()}
            Partner.browse(list(bodies))._message_log_batch(bodies, author_id=author)
            partner_bodies = {
                key: notes for key, notes in partner_bodies.items() if notes
            }
        if move_bodies:
            self.env["account.move"].browse(list(move_bodies))._message_log_batch(
                move_bodies, author_id=author
            )

    # ------------------------------------------------------------------
    # Printing in batches
    # ------------------------------------------------------------------

    def _dunning_letter_file_name(self):
        """The letter PDF's name, as the report's print_report_name gives it."""
        self.ensure_one()
        return self.env._("Reminder - %s", (self.name or "").replace("/", "-"))

    def _dunning_render_letter_pdfs(self):
        """{letter id: PDF bytes}: the letters rendered RENDER_BATCH_SIZE at
        a time, each batch in one wkhtmltopdf call (the renderer's start-up
        and the report's styles dominate the cost of one letter).

        The batch is one HTML document, the letters one after the other, each
        starting on a new page with a tiny marker image whose pixel size
        gives the letter's position. The PDF is split where the markers are;
        a letter's pages are kept only if every marker is found once and in
        order, else the batch is rendered letter by letter as Odoo does.
        (Odoo's own multi-record rendering needs a wkhtmltopdf built on a
        patched Qt; this works with both.) A letter with a Swiss QR-bill ends
        with its QR-bill page, as when it is printed on its own: the batch's
        QR-bills are rendered in one more call and appended per letter."""
        if (
            modules.module.current_test or config["test_enable"]
        ) and not self.env.context.get("force_report_rendering"):
            # As Odoo's reports in tests: no wkhtmltopdf unless asked for.
            return {}
        result = {}
        for ids in split_every(RENDER_BATCH_SIZE, self.ids):
            result.update(self.browse(ids)._dunning_render_letter_batch())
        return result

    def _dunning_render_letter_batch(self):
        report_ref = "dunning_followup.action_report_dunning_letter"
        Report = self.env["ir.actions.report"].with_context(debug=False)
        if len(self) > 1:
            report = Report._get_report(report_ref)
            html = Report._render_qweb_html(
                report_ref,
                self.ids,
                data={"report_type": "pdf", "dunning_page_markers": True},
            )[0]
            bodies, html_ids, header, footer, paper_args = report.with_context(
                debug=False
            )._prepare_html(html, report_model=report.model)
            if html_ids == self.ids:
                pdf = Report._run_wkhtmltopdf(
                    [_merge_html_bodies(bodies)],
                    report_ref=report_ref,
                    header=header,
                    footer=footer,
                    specific_paperformat_args=paper_args,
                )
                pages = _split_pdf_by_markers(pdf, len(self))
                if pages is not None:
                    # Each letter ends with its QR-bill page, as when it is
                    # rendered on its own (ir.actions.report): the QR-bills of
                    # the batch in one more call.
                    streams = Report._dunning_append_qr_bills(
                        {
                            letter_id: io.BytesIO(content)
                            for letter_id, content in zip(self.ids, pages, strict=True)
                        },
                        {"report_type": "pdf"},
                    )
                    return {
                        letter_id: stream.getvalue()
                        for letter_id, stream in streams.items()
                    }
            _logger.warning(
                "Dunning: the batch PDF of %s letters could not be split per "
                "letter; rendering them one by one",
                len(self),
            )
        Report = Report.with_context(report_pdf_no_attachment=True)
        return {
            letter.id: Report._render_qweb_pdf(report_ref, letter.ids)[0]
            for letter in self
        }

    def _dunning_pdf_font_css(self):
        """The style that prints this letter in fonts installed on the server
        when wkhtmltopdf is built on an unpatched Qt (Debian's and most
        distributions' packages), or "" with a patched Qt.

        That renderer draws web fonts (the report's @font-face fonts, such
        as the company's layout font) as outlines: the text of the PDF cannot
        be selected, searched or read aloud, the customer cannot copy the
        IBAN or the payment reference, each letter weighs about 600 kB and
        its rendering costs ten times the CPU (see BENCHMARK.md). The same
        font installed on the server (``local()``: Debian's fonts-lato for
        Odoo's default Lato) is embedded as a real font; without it, DejaVu
        Sans or Liberation Sans."""
        self.ensure_one()
        if _wkhtml().is_patched_qt:
            return ""
        company = self.company_id
        font = company.font or "Lato"
        family = dict(company._fields["font"].selection).get(font, font)
        family = "".join(char for char in family if char.isalnum() or char == " ")
        faces = "".join(
            "@font-face { font-family: 'Dunning Letter'; "
            f"font-weight: {weight}; font-style: {style}; src: "
            + ", ".join(f"local('{family}{suffix}')" for suffix in suffixes)
            + "; }"
            for weight, style, suffixes in (
                ("normal", "normal", (" Regular", "")),
                ("bold", "normal", (" Bold",)),
                ("normal", "italic", (" Italic",)),
                ("bold", "italic", (" Bold Italic",)),
            )
        )
        return Markup(
            "%s .o_company_%d_layout, .o_company_%d_layout *:not(.fa) { "
            "font-family: 'Dunning Letter', 'DejaVu Sans', 'Liberation Sans', "
            "sans-serif !important; }"
        ) % (Markup(faces), company.id, company.id)

    def _dunning_page_marker(self, index):
        """The marker image (PNG data URI) that starts the ``index``-th letter
        of a batch PDF."""
        return _marker_data_uri(index)

    # ------------------------------------------------------------------
    # Delivery
    # ------------------------------------------------------------------

    def _dunning_delivery_failed(self, reason):
        """The reminder e-mail of these letters did not reach the customer
        (SMTP error, invalid address, bounce): they become 'failed' with the
        reason, so that the worklist shows them and *Send* retries them."""
        for letter in self.filtered(lambda letter: letter.state == "sent"):
            try:
                with self.env.cr.savepoint():
                    letter.write({"state": "failed", "failure_reason": reason})
            except psycopg2.errors.UniqueViolation:
                # A newer reminder is already waiting for this customer: this
                # one stays 'sent', the failure is noted on it.
                _logger.info(
                    "Dunning letter %s: delivery failed (%s), a newer reminder is "
                    "pending",
                    letter.name,
                    reason,
                )
            letter.message_post(
                body=self.env._("The reminder e-mail was not delivered: %s", reason)
            )

    def _message_receive_bounce(self, email, partner):
        """A bounce of the reminder e-mail (Odoo's mail gateway routes it to
        the letter its message belongs to)."""
        result = super()._message_receive_bounce(email, partner)
        bounced = email_normalize(email)

        def to_recipient(letter):
            recipient = letter._dunning_recipient()
            return recipient.email_normalized == bounced or bool(
                partner and partner & (recipient | letter.partner_id)
            )

        self.filtered(to_recipient)._dunning_delivery_failed(
            self.env._("The e-mail to %s bounced.", email)
        )
        return result

    # ------------------------------------------------------------------
    # The send queue
    # ------------------------------------------------------------------

    def _dunning_queue_domain(self):
        return [("queued_at", "!=", False), ("state", "in", QUEUE_SENDABLE_STATES)]

    @api.model
    def _cron_send_queued(self):
        """Entry point of the scheduled action 'Dunning: send queued
        reminders': sends the queue SEND_BATCH_SIZE letters at a time and
        commits after each batch (ir.cron._commit_progress), so that a run
        cut short resumes with the letters still queued."""
        Letter = self.with_context(mail_notify_force_send=False)
        # The letters of the companies that use queue_job go to jobs instead.
        domain = self._dunning_queue_domain() + self._dunning_queue_job_send()
        remaining = Letter.search_count(domain)
        while remaining:
            batch = Letter.search(domain, order="queued_at, id", limit=SEND_BATCH_SIZE)
            if not batch:
                break
            batch._dunning_send_queued()
            remaining = Letter.search_count(domain)
            time_left = self.env["ir.cron"]._commit_progress(
                len(batch), remaining=remaining
            )
            if time_left <= 0:
                break

    def _dunning_send_queued(self):
        """Send these queued letters as one batch: those still queued and
        sendable that no other worker holds (never twice).

        :return: the letters sent
        """
        letters = self._dunning_lock_queued()
        sent = letters._dunning_send_batch()
        (letters - sent).write({"queued_at": False})
        return sent

    def _dunning_send_batch(self):
        """Send these letters (locked, checked) together: their PDFs
        rendered in batches, each one sent on its own (a failure marks that
        letter 'failed', the others go on), the sent ones recorded in bulk.

        :return: the letters sent
        """
        needs_pdf = self.filtered(
            lambda letter: (
                letter._dunning_channels().get("email")
                or letter._dunning_channels().get("letter")
            )
        )
        try:
            pdfs = needs_pdf._dunning_render_letter_pdfs()
        except Exception as error:  # noqa: BLE001 - then rendered one by one
            _logger.warning(
                "Dunning: batch rendering of %s letters failed (%s); rendering "
                "them one by one",
                len(needs_pdf),
                error,
            )
            pdfs = {}
        # A letter both e-mailed and printed is rendered once, for both, when
        # the batch did not render it (the e-mail's template would render it,
        # then the letter to post again).
        for letter in needs_pdf.filtered(
            lambda letter: (
                letter.id not in pdfs and letter._dunning_emailed_and_printed()
            )
        ):
            try:
                with self.env.cr.savepoint():
                    pdfs[letter.id] = letter._dunning_render_letter_pdf()
            except Exception as error:  # noqa: BLE001 - its own sending reports it
                _logger.warning(
                    "Dunning: letter %s could not be rendered (%s)", letter.name, error
                )
        sent = self.browse()
        batch = self.with_context(
            dunning_letter_pdfs=pdfs, dunning_defer_mark_sent=True
        )
        emailed = batch._dunning_email_in_bulk()
        batch = batch.with_context(dunning_emailed_ids=set(emailed.ids))
        for letter in batch:
            if letter._dunning_send_one():
                sent |= letter
        sent = sent.with_env(self.env)
        sent._dunning_mark_sent()
        return sent

    def _dunning_lock_queued(self):
        """These letters, still queued and sendable, locked for this
        transaction; letters another worker is sending are skipped."""
        if not self:
            return self
        self.flush_recordset(["state", "queued_at"])
        self.env.cr.execute(
            SQL(
                """SELECT id FROM dunning_letter
                    WHERE id = ANY(%s) AND queued_at IS NOT NULL AND state IN %s
                    ORDER BY id FOR UPDATE SKIP LOCKED""",
                self.ids,
                QUEUE_SENDABLE_STATES,
            )
        )
        locked = self.browse([row[0] for row in self.env.cr.fetchall()])
        locked.invalidate_recordset(["state", "queued_at"])
        return locked

    def _dunning_open_collection_case(self):
        """The reminder of a hand-over level has gone (sent automatically or
        after approval, as the level says): its invoices go to the collection
        agency in a new case."""
        Case = self.env["dunning.collection.case"]
        agency = (
            self.level_id.collection_agency_id
            or self.company_id.dunning_collection_agency_id
        )
        if not agency:
            # The reminder went out; the hand-over waits for an agency.
            self.message_post(
                body=self.env._(
                    "No collection agency is set on the level or in the settings: "
                    "no collection case was opened. Hand the customer over from "
                    "its form."
                )
            )
            return Case
        moves = self.line_ids.move_id.filtered(
            lambda move: move.move_type in ("out_invoice", "out_receipt")
        )
        return Case._dunning_hand_over(self.partner_id, moves, letter=self)

    # ------------------------------------------------------------------
    # The dunning run
    # ------------------------------------------------------------------

    @api.model
    def _cron_run_dunning(self):
        """Entry point of the scheduled action: commits after every batch,
        then wakes up the sending of the reminders it queued. The companies
        that use queue_job get jobs instead (_dunning_queue_job_run)."""
        companies = self._dunning_queue_job_run()
        if companies:
            self.with_context(dunning_commit_progress=True)._run_dunning(
                company=companies
            )
        if self.search_count([("queued_at", "!=", False)], limit=1):
            self.env.ref("dunning_followup.ir_cron_dunning_send")._trigger()

    @api.model
    def _run_dunning(self, date=None, company=None):
        """Recompute every customer's dunning state and create the letters
        that are due, per company. Letters of levels that send automatically
        are sent. Running it again on the same day creates nothing new.

        :param date: the run's date (default: today)
        :param company: a res.company recordset (default: every company)
        :return: the dunning.letter records created
        """
        as_of = fields.Date.to_date(date) if date else fields.Date.context_today(self)
        # The companies this user may work in; every company for the cron's superuser.
        companies = company or (
            # every company is dunned, and companies are few
            # pylint: disable-next=no-search-all
            self.env["res.company"].search([])
            if self.env.su
            else self.env.user.company_ids
        )
        created = self.browse()
        committing = bool(self.env.context.get("dunning_commit_progress"))
        for company in companies:
            try:
                if committing:
                    created |= self._dunning_run_company_in_turn(company, as_of)
                else:
                    with self.env.cr.savepoint():
                        created |= self.with_company(company)._dunning_run_company(
                            company, as_of
                        )
            except psycopg2.errors.SerializationFailure:
                if not committing:
                    # Within one transaction only a new one helps: the
                    # caller's (Odoo retries a request that fails so).
                    raise
                _logger.exception("Dunning run failed for company %s", company.name)
                self.env.cr.rollback()
                created = created.exists()
            except Exception:  # noqa: BLE001 - one company's failure must not stop the others
                _logger.exception("Dunning run failed for company %s", company.name)
                if committing:
                    # Batches already committed stay; the next run resumes.
                    self.env.cr.rollback()
                created = created.exists()
        return created

    def _dunning_run_company_in_turn(self, company, as_of):
        """The committing run of one company, in turn with any other run of
        the same company (the scheduled action and a manual run, two
        workers).

        The turn is a session advisory lock, taken in a transaction of its
        own and followed by a commit: the run's queries then start from a
        snapshot taken after the other run's last commit (PostgreSQL's
        repeatable read fixes the snapshot at a transaction's first query,
        so a lock taken inside the run's transaction would come too late and
        the run would fail on the rows the other one changed). A run that
        still meets a serialization failure (a user editing a customer at
        that moment) is retried in a new transaction, as Odoo retries
        requests; its committed batches are not redone."""
        cr = self.env.cr
        # Committed as the scheduled action commits its batches (and as tests
        # that patch ir.cron._commit_progress do not).
        IrCron = self.env["ir.cron"]
        IrCron._commit_progress()
        cr.execute("SELECT pg_advisory_lock(%s, %s)", [DUNNING_LOCK_KEY, company.id])
        IrCron._commit_progress()
        try:
            for attempt in range(1, RUN_RETRIES + 1):
                try:
                    return self.with_company(company)._dunning_run_company(
                        company, as_of
                    )
                except psycopg2.errors.SerializationFailure:
                    if attempt == RUN_RETRIES:
                        raise
                    _logger.info(
                        "Dunning run of %s met a concurrent update, retrying (%s/%s)",
                        company.name,
                        attempt,
                        RUN_RETRIES - 1,
                    )
                    cr.rollback()
            return self.browse()
        finally:
            if not cr.closed:
                if _transaction_aborted(cr):
                    cr.rollback()
                # A session lock outlives transactions: release it explicitly.
                cr.execute(
                    "SELECT pg_advisory_unlock(%s, %s)", [DUNNING_LOCK_KEY, company.id]
                )

    def _dunning_run_company(self, company, as_of):
        Partner = self.env["res.partner"].with_company(company)
        try:
            self.env["dunning.level"]._dunning_engine_levels(company)
        except DunningConfigError as error:
            _logger.error("Dunning run skipped for %s: %s", company.name, error)
            return self.browse()
        # A stale reference rate must not go unnoticed (see dunning.interest.rate).
        self.env["dunning.interest.rate"]._dunning_warn_stale_series(
            as_of, company._dunning_interest_rules_in_use(), company
        )
        partner_ids = sorted(
            set(Partner._dunning_partners_with_open_items(company))
            | set(self._dunning_partners_with_state(company))
        )
        if not partner_ids:
            return self.browse()
        created = self.browse()
        remaining = len(partner_ids)
        for batch in split_every(RUN_BATCH_SIZE, partner_ids):
            created |= self._dunning_run_batch(company, list(batch), as_of)
            remaining -= len(batch)
            if self.env.context.get("dunning_commit_progress"):
                time_left = self.env["ir.cron"]._commit_progress(
                    len(batch), remaining=remaining
                )
                if time_left <= 0:
                    break
        return created

    def _dunning_partners_with_state(self, company):
        """Customers whose stored state is not 'no action' for ``company``:
        they must be reset when their last overdue invoice got paid."""
        self.env["res.partner"].flush_model(["dunning_status"])
        self.env.cr.execute(
            "SELECT id FROM res_partner WHERE dunning_status ->> %s NOT IN "
            "('no_action')",
            [str(company.id)],
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _dunning_run_batch(self, company, partner_ids, as_of):
        # Two runs at once (the cron and a manual run, or two workers) take
        # turns per batch: the second one waits, then sees the first one's
        # letters and skips those customers.
        self._dunning_lock_run(company)
        evaluated = (
            self.env["res.partner"]
            .with_company(company)
            ._dunning_update_states(company, partner_ids, as_of)
        )
        busy = self._dunning_partners_already_handled(company, partner_ids, as_of)
        vals_list = []
        for partner_id, (decision, rows, state) in evaluated.items():
            if state["dunning_status"] != "action_needed" or partner_id in busy:
                continue
            vals_list.append(
                self._dunning_letter_values(company, partner_id, decision, rows, as_of)
            )
        if not vals_list:
            return self.browse()
        # In the run, a customer whose fees cannot be charged is logged and
        # reminded without them: the other customers are still dunned.
        letters = self.with_context(dunning_fee_run=True)._dunning_create_run_letters(
            vals_list
        )
        automatic = letters.filtered(lambda letter: letter.level_id.auto_send)
        if automatic:
            # Queued, then sent by their own scheduled action: the run stays
            # short and a slow mail server or PDF renderer cannot stop it. An
            # on-demand run (not the scheduled action) sends them at once.
            automatic.write({"queued_at": fields.Datetime.now()})
            if not self.env.context.get("dunning_commit_progress"):
                automatic._dunning_send_queued()
        return letters

    def _dunning_create_run_letters(self, vals_list):
        """Create the batch's letters at once; if that fails, one by one, so
        that one customer's bad data skips that customer only.

        The run's letters get no "created" note in their chatter (the run
        would post thousands of them; the letter's creation date and author
        say the same), as Odoo's own batch creations do."""
        Letter = self.with_context(mail_create_nolog=True)
        try:
            with self.env.cr.savepoint():
                return (
                    Letter.with_context(dunning_run_lines=True)
                    .create(vals_list)
                    .with_env(self.env)
                )
        except Exception:  # noqa: BLE001 - isolate the customer at fault below
            _logger.info("Dunning batch creation failed, retrying customer by customer")
        letters = self.browse()
        for vals in vals_list:
            try:
                with self.env.cr.savepoint():
                    letters |= Letter.create(vals).with_env(self.env)
            except Exception as error:  # noqa: BLE001 - logged skip, the run goes on
                _logger.warning(
                    "Dunning: no letter for customer %s: %s", vals["partner_id"], error
                )
        return letters

    def _dunning_lock_run(self, company):
        """Transaction lock on ``company``'s dunning run, released at commit."""
        self.env.cr.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)", [DUNNING_LOCK_KEY, company.id]
        )

    def _dunning_partners_already_handled(self, company, partner_ids, as_of):
        """Customers with a letter waiting to be sent, or one dated today
        (even cancelled: an accountant who cancels today's reminder does not
        want it back in the same day's run)."""
        letters = self.search_fetch(
            [
                ("company_id", "=", company.id),
                ("partner_id", "in", partner_ids),
                "|",
                ("state", "in", PENDING_LETTER_STATES),
                ("date", "=", as_of),
            ],
            ["partner_id"],
        )
        return set(letters.partner_id.ids)

    @api.model
    def _dunning_letter_values(
        self, company, partner_id, decision, rows, as_of, level=None
    ):
        level = level or decision.level
        row_by_line = {row["line_id"]: row for row in rows}
        lines = []
        for item in letter_items(decision):
            row = row_by_line[item.item_id]
            item_level = item.level or item.current_level
            lines.append(
                fields.Command.create(
                    {
                        "move_id": row["move_id"],
                        "move_line_id": row["line_id"],
                        "move_name": row["move_name"],
                        "invoice_date": row["invoice_date"],
                        "date_due": row["date_due"],
                        "days_overdue": item.days_overdue,
                        "level_id": item_level.id if item_level else False,
                        "amount_original": row["amount_total_signed"],
                        "amount_residual": row["amount_residual"],
                        "move_currency_id": row["currency_id"],
                        "amount_residual_currency": row["amount_residual_currency"],
                    }
                )
            )
        partner = self.env["res.partner"].browse(partner_id).with_company(company)
        level_record = self.env["dunning.level"].browse(level.id)
        return {
            "partner_id": partner_id,
            "company_id": company.id,
            "level_id": level.id,
            "date": as_of,
            "state": "draft" if level_record.auto_send else "to_approve",
            "responsible_id": (
                partner.dunning_responsible_id or self._dunning_human_user()
            ).id,
            "line_ids": lines,
        }

    # ------------------------------------------------------------------
    # Fee invoices
    # ------------------------------------------------------------------

    def _dunning_fee_moves(self):
        return self.env["account.move"].search(
            [
                ("dunning_fee_letter_id", "in", self.ids),
                ("state", "!=", "cancel"),
            ]
        ) | self.fee_move_id.filtered(lambda move: move.state != "cancel")

    def _dunning_check_fee_moves_cancellable(self):
        for letter in self:
            for move in letter._dunning_fee_moves():
                receivable = move.line_ids.filtered(
                    lambda line: (
                        line.account_type in ("asset_receivable", "liability_payable")
                    )
                )
                if (
                    (
                        move.state == "posted"
                        and move.payment_state not in ("not_paid", "blocked")
                    )
                    or receivable.matched_debit_ids
                    or receivable.matched_credit_ids
                ):
                    raise UserError(
                        self.env._(
                            "The fee invoice %(invoice)s of reminder %(letter)s is "
                            "already paid or reconciled: remove its payment first, or "
                            "issue a credit note instead of cancelling the reminder.",
                            invoice=move.display_name,
                            letter=letter.name,
                        )
                    )

    # ------------------------------------------------------------------
    # Computing the fees
    # ------------------------------------------------------------------

    def _dunning_fee_run(self):
        return bool(self.env.context.get("dunning_fee_run"))

    def _dunning_apply_fees(self):
        """Compute the fee lines of this new reminder and invoice them per the
        company setting. In the run, an error is logged and noted on the
        reminder, which is sent without fees; otherwise it is raised."""
        self.ensure_one()
        if not self.level_id._dunning_charges_fees():
            return
        if (
            self.state in ("sent", "cancelled")
            or self.fee_line_ids
            or self._dunning_fee_moves()
        ):
            return  # charged once, whatever calls this again
        try:
            with self.env.cr.savepoint():
                notes = self._dunning_create_fee_lines()
                self._dunning_create_fee_move()
        except _MissingRate as missing:
            # Not expected (the currencies were checked), but never a wrong amount.
            error = UserError(
                self.env._(
                    "No fees or interest were charged: the currency %(currency)s has "
                    "no exchange rate on %(date)s.",
                    currency=missing.currency.name,
                    date=missing.date,
                )
            )
            if not self._dunning_fee_run():
                raise error from missing
            _logger.warning(
                "Reminder %s (%s): %s", self.name, self.partner_id.display_name, error
            )
            notes = [str(error)]
        except Exception as error:  # noqa: BLE001 - outside the run it is raised again
            # In the run any error (a constraint of the fee invoice, a missing
            # account, ...) must not cost the customer its reminder.
            if not self._dunning_fee_run():
                raise
            # In the run the reminder still goes, without its fees, and says why.
            expected = isinstance(
                error, (UserError, ValidationError, DunningConfigError)
            )
            _logger.warning(
                "Reminder %s (%s): no fees or interest charged: %s",
                self.name,
                self.partner_id.display_name,
                error,
                exc_info=not expected,
            )
            notes = [self.env._("No fees or interest were charged: %s", str(error))]
        if notes:
            self.fee_notes = "\n".join(notes)
            self.message_post(body=plaintext2html("\n".join(notes)))

    def _dunning_rate_available(self, currency):
        """Whether ``currency`` has an exchange rate in force on the letter's
        date for the letter's company. Odoo would otherwise convert at its
        earliest rate, or at 1 when it has none at all: a silently wrong amount."""
        company = self.company_id
        if currency == company.currency_id:
            return True
        return bool(
            self.env["res.currency.rate"]
            .sudo()
            .search_count(
                [
                    ("currency_id", "=", currency.id),
                    ("name", "<=", self.date),
                    ("company_id", "in", (False, company.root_id.id)),
                ],
                limit=1,
            )
        )

    def _dunning_convert(self, amount, from_currency, to_currency):
        """``amount`` converted at the letter's date, rounded.

        :raises _MissingRate: when a currency has no rate in force on that date
        """
        if from_currency == to_currency:
            return to_currency.round(amount)
        for currency in (from_currency, to_currency):
            if not self._dunning_rate_available(currency):
                raise _MissingRate(currency, self.date)
        return from_currency._convert(amount, to_currency, self.company_id, self.date)

    def _dunning_fee_currency(self):
        """The currency of the fee invoice: the one the reminded invoices share,
        else (or without a rate for it) the company's."""
        company_currency = self.company_id.currency_id
        currencies = self.env["res.currency"].union(
            *(line.move_currency_id or company_currency for line in self.line_ids)
        )
        if len(currencies) == 1 and self._dunning_rate_available(currencies):
            return currencies
        return company_currency

    def _dunning_already_charged(self, moves):
        """What earlier reminders (not cancelled) charged on ``moves``:
        ({move id: last day of interest charged}, {move ids with compensation})."""
        charged_until = {}
        compensated = set()
        fees = (
            self.env["dunning.letter.fee"]
            .sudo()
            .search_fetch(
                [
                    ("move_id", "in", moves.ids),
                    ("fee_type", "in", ("interest", "compensation")),
                    ("letter_id", "!=", self.id),
                    ("letter_id.state", "!=", "cancelled"),
                ],
                ["move_id", "fee_type", "date_to"],
            )
        )
        for fee in fees:
            if fee.fee_type == "compensation":
                compensated.add(fee.move_id.id)
            elif fee.date_to:
                previous = charged_until.get(fee.move_id.id)
                charged_until[fee.move_id.id] = max(
                    previous or fee.date_to, fee.date_to
                )
        return charged_until, compensated

    def _dunning_create_fee_lines(self):
        """Create the fee lines of this reminder; return notes on what was not
        charged."""
        self.ensure_one()
        company = self.company_id
        level = self.level_id
        notes = []
        missing = level._dunning_missing_fee_products(company)
        if missing:
            message = level._dunning_missing_product_message(company, missing)
            if not self._dunning_fee_run():
                raise UserError(message)
            _logger.warning("Reminder %s: %s", self.name, message)
            notes.append(message)
        # No fees on fees: fee invoices are reminded, never charged again.
        lines = self.line_ids.filtered(
            lambda line: fee_applies(bool(line.move_id.dunning_fee_letter_id))
        )
        vals_list = []
        if level._dunning_has_fee() and "fee" not in missing:
            vals_list += self._dunning_level_fee_values(lines)
        if level.charge_interest and "interest" not in missing:
            interest_vals, interest_notes = self._dunning_interest_values(lines)
            vals_list += interest_vals
            notes += interest_notes
        for sequence, vals in enumerate(vals_list, start=1):
            vals.update(letter_id=self.id, sequence=sequence)
        self.env["dunning.letter.fee"].create(vals_list)
        return notes

    def _dunning_level_fee_values(self, lines):
        """The level's fee on the overdue amount of ``lines``, in the fee
        invoice's currency and in company currency."""
        company_currency = self.company_id.currency_id
        fee_currency = self._dunning_fee_currency()
        foreign = fee_currency != company_currency
        overdue = sum(
            line.amount_residual_currency if foreign else line.amount_residual
            for line in lines
        )
        rate = self.env["res.currency"]._get_conversion_rate(
            company_currency, fee_currency, self.company_id, self.date
        )
        amount_currency = float(
            level_fee(
                overdue,
                self.level_id._dunning_fee_rule(),
                rate=rate,
                rounding=_rounding(fee_currency),
            )
        )
        cap = self.company_id.dunning_consumer_fee_cap
        partner = self.partner_id.with_company(self.company_id)
        if cap and partner._dunning_customer_kind() == "b2c":
            # A consumer pays at most the real cost of a reminder.
            amount_currency = float(
                consumer_fee(
                    to_decimal(amount_currency),
                    to_decimal(fee_currency.round(cap * rate)),
                )
            )
        if fee_currency.is_zero(amount_currency):
            return []
        return [
            {
                "fee_type": "fee",
                "name": self.env._("Dunning fee (%s)", self.level_id.name),
                "date_to": self.date,
                "rate": self.level_id.fee_percent,
                "currency_id": fee_currency.id,
                "amount_currency": amount_currency,
                "amount": self._dunning_convert(
                    amount_currency, fee_currency, company_currency
                ),
            }
        ]

    def _dunning_interest_rule(self):
        """The interest rule of this reminder: the customer's, else the level's,
        else the company's for the customer's kind, else the company's default."""
        partner = self.partner_id.with_company(self.company_id)
        company = self.company_id
        kind_rule = (
            company.dunning_interest_rule_b2c_id
            if partner._dunning_customer_kind() == "b2c"
            else company.dunning_interest_rule_b2b_id
        )
        return (
            partner.dunning_interest_rule_id
            or self.level_id.interest_rule_id
            or kind_rule
            or company.dunning_interest_rule_id
        )

    def _dunning_interest_values(self, lines):
        """Interest and compensation lines for the invoices of ``lines``, and
        notes on what could not be charged."""
        company = self.company_id
        company_currency = company.currency_id
        partner = self.partner_id.with_company(company)
        rule = self._dunning_interest_rule()
        if not rule:
            return [], [
                self.env._(
                    "The level %s charges interest, but no interest rule applies: set "
                    "one on the level, the customer or the company.",
                    self.level_id.name,
                )
            ]
        kind = partner._dunning_customer_kind()
        if not rule._dunning_applies_to(kind):
            return [], [
                self.env._(
                    "No interest charged: the rule %(rule)s applies to %(rule_kind)s "
                    "only, and %(partner)s is a %(kind)s customer.",
                    rule=rule.display_name,
                    rule_kind=dict(
                        rule._fields["customer_kind"]._description_selection(self.env)
                    )[rule.customer_kind],
                    partner=partner.display_name,
                    kind=kind.upper(),
                )
            ]
        engine_rule = rule._dunning_to_engine()
        series = rule._dunning_series_points()
        invoice_lines = lines.filtered(
            lambda line: line.move_id.move_type in INTEREST_MOVE_TYPES
        )
        charged_until, compensated = self._dunning_already_charged(
            invoice_lines.move_id
        )
        vals_list, notes = [], []
        debts = {}  # move -> [residual in company currency, residual in its currency]
        for line in invoice_lines:
            move = line.move_id
            currency = line.move_currency_id or company_currency
            principal = (
                line.amount_residual_currency
                if currency != company_currency
                else line.amount_residual
            )
            if currency.compare_amounts(principal, 0.0) <= 0:
                continue
            debt = debts.setdefault(move, [0.0, 0.0])
            debt[0] += line.amount_residual
            debt[1] += principal
            try:
                result = statutory_interest(
                    principal,
                    line.date_due,
                    self.date,
                    engine_rule,
                    series,
                    charged_until=charged_until.get(move.id),
                    rounding=_rounding(currency),
                )
            except DunningConfigError as error:
                notes.append(
                    self._dunning_skip_note(
                        self.env._(
                            "No interest charged on %(invoice)s: %(error)s",
                            invoice=line.move_name or move.display_name,
                            error=str(error),
                        )
                    )
                )
                continue
            if currency.is_zero(float(result.amount)):
                continue
            try:
                vals_list += self._dunning_interest_period_values(
                    rule, line, currency, result
                )
            except _MissingRate as missing:
                notes.append(
                    self._dunning_missing_rate_note(
                        missing,
                        self.env._("interest"),
                        line.move_name or move.display_name,
                    )
                )
        allowed, policy_note = self._dunning_compensation_allowed()
        if policy_note:
            notes.append(policy_note)
        if allowed and engine_rule.compensation_scale:
            try:
                vals_list += self._dunning_scale_compensation_values(
                    rule, engine_rule, debts, compensated
                )
            except _MissingRate as missing:
                notes.append(
                    self._dunning_missing_rate_note(
                        missing,
                        self.env._("fixed compensation"),
                        ", ".join(move.name for move in debts),
                    )
                )
        if allowed and engine_rule.compensation_bands:
            for move, (residual, residual_currency) in debts.items():
                try:
                    vals_list += self._dunning_compensation_values(
                        rule,
                        engine_rule,
                        move,
                        residual,
                        residual_currency,
                        already_charged=move.id in compensated,
                    )
                except _MissingRate as missing:
                    notes.append(
                        self._dunning_missing_rate_note(
                            missing, self.env._("fixed compensation"), move.name
                        )
                    )
        return vals_list, notes

    def _dunning_skip_note(self, message):
        _logger.warning(
            "Reminder %s (%s): %s", self.name, self.partner_id.display_name, message
        )
        return message

    def _dunning_missing_rate_note(self, missing, what, invoice):
        return self._dunning_skip_note(
            self.env._(
                "No %(what)s charged on %(invoice)s: the currency %(currency)s has no "
                "exchange rate on %(date)s.",
                what=what,
                invoice=invoice,
                currency=missing.currency.name,
                date=missing.date,
            )
        )

    def _dunning_interest_period_values(self, rule, line, currency, result):
        """One fee line per period of one rate; the periods' amounts add up to
        the engine's total, which is rounded once."""
        company_currency = self.company_id.currency_id
        total_currency = float(result.amount)
        total = self._dunning_convert(total_currency, currency, company_currency)
        amounts_currency = _split(
            total_currency, [p.amount for p in result.periods], currency
        )
        amounts = _split(
            total,
            [
                self._dunning_convert(amount, currency, company_currency)
                for amount in amounts_currency
            ],
            company_currency,
        )
        invoice = line.move_name or line.move_id.display_name
        margin = rule.margin if rule.rate_type == "reference" else 0.0
        vals_list = []
        for period, amount_currency, amount in zip(
            result.periods, amounts_currency, amounts, strict=True
        ):
            rate = float(period.annual_rate)
            params = {
                "date_from": period.date_from,
                "date_to": period.date_to,
                "invoice": invoice,
                "rate": f"{rate:.2f}",
                "margin": f"{margin:.2f}",
                "series": rule._dunning_series_short_name(),
                "reference": f"{rate - margin:.2f}",
            }
            if rule.rate_type == "reference" and rate > 0:
                name = self.env._(
                    "Interest %(margin)s %% + %(series)s %(reference)s %% from "
                    "%(date_from)s to %(date_to)s on %(invoice)s",
                    **params,
                )
            else:
                name = self.env._(
                    "Interest %(rate)s %% from %(date_from)s to %(date_to)s on "
                    "%(invoice)s",
                    **params,
                )
            vals_list.append(
                {
                    "fee_type": "interest",
                    "move_id": line.move_id.id,
                    "name": name,
                    "date_from": period.date_from,
                    "date_to": period.date_to,
                    "rate": rate,
                    "currency_id": currency.id,
                    "amount_currency": amount_currency,
                    "amount": amount,
                }
            )
        return vals_list

    def _dunning_notice_letter(self):
        """The latest sent formal notice (a letter of a level with a notice term)
        to this customer before this reminder."""
        self.ensure_one()
        return self.search(
            [
                ("partner_id", "=", self.partner_id.id),
                ("company_id", "=", self.company_id.id),
                ("state", "=", "sent"),
                ("level_id.notice_days", ">", 0),
                ("date", "<=", self.date),
                ("id", "!=", self.id),
            ],
            order="date desc, id desc",
            limit=1,
        )

    def _dunning_compensation_allowed(self):
        """Whether this reminder's level may charge the fixed compensation now,
        and a note saying why not when it may not."""
        self.ensure_one()
        policy = self.level_id.compensation_policy or "with_interest"
        notice = (
            self._dunning_notice_letter() if policy == "after_notice" else self.browse()
        )
        allowed = compensation_allowed(
            policy,
            self.date,
            notice._dunning_notice_date() if notice else None,
            notice.level_id.notice_days,
            notice.level_id.delivery_days,
        )
        if allowed or policy != "after_notice":
            return allowed, None
        if not notice:
            return False, self.env._(
                "No collection costs charged: no formal notice giving the customer 14 "
                "days to pay without costs was sent."
            )
        return False, self.env._(
            "No collection costs charged: the term of the notice %(notice)s runs until "
            "%(date)s (%(days)s days from the day after its receipt).",
            notice=notice.name,
            date=notice.notice_term_end,
            days=notice.level_id.notice_days,
        )

    def _dunning_notice_date(self):
        """The day this notice went: its date, or the day it was sent if later."""
        self.ensure_one()
        sent = self.sent_date and self.sent_date.date()
        return max(self.date, sent) if sent else self.date

    def _dunning_notice_costs(self, rule=None):
        """The collection costs, in company currency, that the fixed compensation
        of ``rule`` (else this reminder's rule) comes to on its invoices."""
        self.ensure_one()
        rule = rule or self._dunning_interest_rule()
        if not rule:
            return 0.0
        engine_rule = rule._dunning_to_engine()
        company_currency = self.company_id.currency_id
        rule_currency = rule.compensation_currency_id or company_currency
        debt = sum(
            line.amount_residual
            for line in self.line_ids
            if line.move_id.move_type in INTEREST_MOVE_TYPES
        )
        debt_rule = self._dunning_convert(debt, company_currency, rule_currency)
        costs = float(fixed_compensation(debt_rule, engine_rule))
        return self._dunning_convert(costs, rule_currency, company_currency)

    def _dunning_set_notice(self):
        """Record on a formal notice the costs it announces and its term."""
        for letter in self:
            level = letter.level_id
            try:
                costs = letter._dunning_notice_costs(letter._dunning_costs_rule())
            except _MissingRate:
                costs = 0.0
            letter.write(
                {
                    "notice_compensation": costs,
                    "notice_term_end": notice_term_end(
                        letter._dunning_notice_date(),
                        level.notice_days,
                        level.delivery_days,
                    ),
                }
            )

    def _dunning_costs_rule(self):
        """The rule whose compensation a notice announces: the one of the level
        that will charge it (the next level of the customer's kind charging
        compensation after the notice), else this reminder's rule."""
        self.ensure_one()
        partner = self.partner_id.with_company(self.company_id)
        later = (
            self.env["dunning.level"]
            ._dunning_levels_for(self.company_id, partner._dunning_customer_kind())
            .filtered(
                lambda level: (
                    level.sequence > self.level_id.sequence
                    and level.charge_interest
                    and level.compensation_policy == "after_notice"
                )
            )[:1]
        )
        return (
            partner.dunning_interest_rule_id
            or later.interest_rule_id
            or self._dunning_interest_rule()
        )

    def _dunning_notice_text(self):
        """The sentence a formal notice adds: the costs charged after its term."""
        self.ensure_one()
        if not self.level_id.notice_days or not self.notice_term_end:
            return ""
        if self.currency_id.is_zero(self.notice_compensation):
            return ""
        lang = self.env["res.lang"]._lang_get(self.env.lang or "en_US")
        return self.env._(
            "If the amount due is not paid by %(date)s, within %(days)s days counted "
            "from the day after you receive this letter, collection costs of "
            "%(amount)s will be charged.",
            date=self.notice_term_end.strftime(lang.date_format)
            if lang
            else self.notice_term_end,
            days=self.level_id.notice_days,
            amount=self.currency_id.format(self.notice_compensation),
        )

    def _dunning_scale_compensation_values(self, rule, engine_rule, debts, compensated):
        """A percentage-scale compensation (the BIK) on the total of the invoices
        not compensated yet, split over them; never more than a formal notice
        announced."""
        company_currency = self.company_id.currency_id
        rule_currency = rule.compensation_currency_id or company_currency
        moves = [move for move in debts if move.id not in compensated]
        if not moves:
            return []
        residual = sum(debts[move][0] for move in moves)
        debt = self._dunning_convert(residual, company_currency, rule_currency)
        compensation = float(fixed_compensation(debt, engine_rule))
        total = self._dunning_convert(compensation, rule_currency, company_currency)
        notice = self._dunning_notice_letter()
        if notice and notice.notice_compensation:
            total = min(total, notice.notice_compensation)
        if company_currency.is_zero(total):
            return []
        amounts = _split(
            total,
            [total * debts[move][0] / residual for move in moves],
            company_currency,
        )
        vals_list = []
        for move, amount in zip(moves, amounts, strict=True):
            move_currency = move.currency_id or company_currency
            vals_list.append(
                {
                    "fee_type": "compensation",
                    "move_id": move.id,
                    "name": self.env._(
                        "Collection costs (%(amount)s in all) on %(invoice)s",
                        amount=company_currency.format(total),
                        invoice=move.name,
                    ),
                    "date_to": self.date,
                    "currency_id": move_currency.id,
                    "amount_currency": self._dunning_convert(
                        amount, company_currency, move_currency
                    ),
                    "amount": amount,
                }
            )
        return vals_list

    def _dunning_compensation_values(
        self, rule, engine_rule, move, residual, residual_currency, already_charged
    ):
        """The fixed compensation of ``move``, once per invoice, converted from
        the rule's currency into company and invoice currency."""
        if already_charged:
            return []
        company_currency = self.company_id.currency_id
        move_currency = move.currency_id or company_currency
        rule_currency = rule.compensation_currency_id or company_currency
        if rule_currency == move_currency:
            debt = residual_currency
        else:
            debt = self._dunning_convert(residual, company_currency, rule_currency)
        compensation = float(compensation_due(already_charged, debt, engine_rule))
        if rule_currency.is_zero(compensation):
            return []
        return [
            {
                "fee_type": "compensation",
                "move_id": move.id,
                "name": self.env._(
                    "Fixed compensation for recovery costs (%(amount)s) on %(invoice)s",
                    amount=rule_currency.format(compensation),
                    invoice=move.name,
                ),
                "date_to": self.date,
                "currency_id": move_currency.id,
                "amount_currency": self._dunning_convert(
                    compensation, rule_currency, move_currency
                ),
                "amount": self._dunning_convert(
                    compensation, rule_currency, company_currency
                ),
            }
        ]

    def _dunning_create_fee_move(self):
        """Invoice the fee lines per the company setting: one invoice line per
        fee, and per invoice for its interest and for its compensation.

        :return: the fee invoice, or an empty recordset when nothing is invoiced
        """
        self.ensure_one()
        company = self.company_id
        if company.dunning_fee_posting == "none" or not self.fee_line_ids:
            return self.env["account.move"]
        currency = self._dunning_fee_currency()
        groups = {}
        for fee in self.fee_line_ids:
            key = (
                (fee.fee_type, fee.id)
                if fee.fee_type == "fee"
                else (fee.fee_type, fee.move_id.id)
            )
            groups.setdefault(key, self.env["dunning.letter.fee"])
            groups[key] |= fee
        invoice_lines = []
        for (fee_type, _key), fees in groups.items():
            product = (
                company.dunning_fee_product_id
                if fee_type == "fee"
                else company.dunning_interest_product_id
            )
            if not product:
                raise UserError(
                    self.level_id._dunning_missing_product_message(
                        company, {"fee"} if fee_type == "fee" else {"interest"}
                    )
                )
            price = sum(
                fee.amount_currency
                if fee.currency_id == currency
                else self._dunning_convert(fee.amount, company.currency_id, currency)
                for fee in fees
            )
            if currency.is_zero(price):
                continue
            invoice_lines.append(
                Command.create(
                    {
                        "product_id": product.id,
                        "name": "\n".join(fees.mapped("name")),
                        "quantity": 1.0,
                        "price_unit": price,
                        # Statutory late-payment interest and the fixed
                        # compensation are damages, not the price of a supply:
                        # they are outside the scope of VAT in the EU (CJEU
                        # C-222/81 BAZ, C-277/05 Société thermale). Dunning fees
                        # are kept tax-free too; a company that must charge VAT on
                        # its fees adds the tax on the draft fee invoice.
                        "tax_ids": [Command.clear()],
                    }
                )
            )
        if not invoice_lines:
            return self.env["account.move"]
        move = (
            self.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.partner_id.id,
                    "currency_id": currency.id,
                    "invoice_date": self.date,
                    "invoice_origin": self.name,
                    "dunning_fee_letter_id": self.id,
                    "invoice_line_ids": invoice_lines,
                }
            )
        )
        if company.dunning_fee_posting == "posted":
            move.action_post()
        self.fee_move_id = move
        return move

    # ------------------------------------------------------------------
    # The printed letter
    # ------------------------------------------------------------------

    def _dunning_amount_claimed(self):
        """What the letter claims: the overdue invoices, plus the fees and
        interest once the letter has them."""
        self.ensure_one()
        if "amount_grand_total" in self._fields:
            return self.amount_grand_total
        return self.amount_total

    def _dunning_bank_account(self):
        """The company's bank account the customer should pay to: the first
        one in the letter's currency (or without currency), else the first."""
        self.ensure_one()
        banks = self.company_id.partner_id.bank_ids
        return (
            banks.filtered(
                lambda bank: (
                    not bank.currency_id or bank.currency_id == self.currency_id
                )
            )[:1]
            or banks[:1]
        )

    def _dunning_payment_references(self):
        """(free communication, structured communication) that the payment QR
        code gives the bank: the letter's RF creditor reference in the
        structured remittance field (EPC QR), its number in the free text where
        a method takes no structured one."""
        self.ensure_one()
        return self.name, self._dunning_payment_reference() or False

    def _dunning_payment_reference(self):
        """The reference the customer pays with: the Swiss QR reference when
        the company is paid on a QR-IBAN (the only reference a QR-IBAN takes),
        else the RF creditor reference."""
        self.ensure_one()
        if not self.payment_reference_qrr:
            # Not a Swiss company's reminder: no bank account to look at.
            return self.payment_reference_rf
        bank = self._dunning_bank_account()
        if is_qr_iban(bank.sanitized_acc_number or ""):
            return self.payment_reference_qrr
        return self.payment_reference_rf

    def _dunning_qr_bill(self):
        """The Swiss QR-bill of this reminder, as Odoo's l10n_ch prints it for
        invoices, or False: l10n_ch installed, the company paid on a Swiss or
        Liechtenstein IBAN, an amount due in CHF or EUR and a customer with a
        complete address in Switzerland or Liechtenstein (l10n_ch's own
        checks). {'bank', 'amount', 'reference', 'qr_code'}: the reference is
        the QR reference (QR-IBAN) or the RF reference (plain IBAN), the QR
        code a data URI drawn by l10n_ch, with the Swiss cross."""
        self.ensure_one()
        bank = self._dunning_bank_account()
        if not bank or "l10n_ch_qr_iban" not in bank._fields:
            return False
        if not is_swiss_iban(bank.sanitized_acc_number):
            return False
        amount = self.currency_id.round(self._dunning_amount_claimed())
        if self.currency_id.compare_amounts(amount, 0.0) <= 0:
            return False
        free, structured = self._dunning_payment_references()
        error = bank._get_error_messages_for_qr(
            "ch_qr", self.partner_id, self.currency_id
        ) or bank._check_for_qr_code_errors(
            "ch_qr", amount, self.currency_id, self.partner_id, free, structured
        )
        if error:
            _logger.info("No QR-bill on reminder %s: %s", self.name, error)
            return False
        vals = bank._build_qr_code_vals(
            amount,
            free,
            structured,
            self.currency_id,
            self.partner_id,
            qr_method="ch_qr",
            silent_errors=True,
        )
        if not vals:
            return False
        # l10n_ch's payload, drawn so that readers find the grid despite the
        # cross (res.partner.bank._get_qr_code_base64 draws 256 pixels, and
        # its cross hides the central alignment pattern zbar needs).
        payload = bank._get_qr_code_generation_params(**vals)["value"]
        with file_open(SWISS_CROSS_IMAGE, "rb") as cross:
            qr_code = swiss_qr_code_data_uri(payload, cross.read())
        return {
            "bank": bank,
            "amount": amount,
            "reference": structured,
            "qr_code": qr_code,
        }

    def _dunning_payment_qr(self):
        """A payment QR code (data URI) for the total due, made from the
        payload of the QR method installed for the company's bank account
        (e.g. the EPC 'sct_qr' of account_qr_code_sepa) and drawn so that
        banking apps read it (res.partner.bank._dunning_payment_qr_code).
        False when no method applies."""
        self.ensure_one()
        bank = self._dunning_bank_account()
        amount = self.currency_id.round(self._dunning_amount_claimed())
        if not bank or self.currency_id.compare_amounts(amount, 0.0) <= 0:
            return False
        if not bank.get_available_qr_methods_in_sequence():
            return False
        if self._dunning_qr_bill():
            # Its QR code is on the QR-bill's payment part, with the cross.
            return False
        free, structured = self._dunning_payment_references()
        return bank._dunning_payment_qr_code(
            amount, free, structured, self.currency_id, self.partner_id
        )

    def _dunning_pay_online_url(self):
        """Full URL, with access token, of the reminder's self-service page,
        where the customer pays or answers the reminder."""
        self.ensure_one()
        return self._dunning_portal_url()

    def _dunning_portal_qr(self):
        """A QR code (PNG data URI) of the link to pay online, or False."""
        self.ensure_one()
        return qr_code_data_uri(self._dunning_pay_online_url())

    @api.model
    def _dunning_human_user(self):
        """The current user, unless it is the system (the scheduled action runs as
        OdooBot): a customer never gets a reminder from a bot."""
        user = self.env.user
        if user._is_superuser() or user._is_public() or user.share:
            return self.env["res.users"]
        return user

    def _dunning_author(self):
        """Who the reminder e-mail comes from: the person sending it, else (the
        scheduled action runs as OdooBot) the responsible person, else the
        company."""
        self.ensure_one()
        sender = self._dunning_human_user()
        if sender:
            return sender.partner_id
        responsible = self.responsible_id
        if responsible and not responsible._is_superuser():
            return responsible.partner_id
        return self.company_id.partner_id

    def _dunning_signature(self):
        """The name a reminder is signed with, above the company's name: the
        responsible person, else the company's receivables signature ("Accounts
        Receivable" when none is set)."""
        self.ensure_one()
        responsible = self.responsible_id
        if responsible and not responsible._is_superuser():
            return responsible.name
        return self.company_id.dunning_signature or self.env._("Accounts Receivable")

    def _dunning_email_from(self):
        """The From address of the reminder e-mail: the responsible's, else the
        company's."""
        self.ensure_one()
        return self._dunning_author().email_formatted or self.company_id.email_formatted

    def _dunning_reply_to(self):
        """Where replies go: the company's receivables address when set."""
        self.ensure_one()
        return self.company_id.dunning_reply_to or ""

    def _dunning_contact(self):
        """Who the customer should contact: the responsible person, else
        (field by field) the company."""
        self.ensure_one()
        user = self.responsible_id
        if user and user._is_superuser():
            user = self.env["res.users"]
        company = self.company_id
        return {
            "name": self._dunning_signature(),
            "email": user.email or company.dunning_reply_to or company.email,
            "phone": user.phone or company.phone,
        }

    def _dunning_fee_lines(self):
        """The extra lines (fees, interest) of the letter, when the fee_line_ids
        field exists: [{'label', 'amount'}]."""
        self.ensure_one()
        if "fee_line_ids" not in self._fields:
            return []
        result = []
        for fee in self["fee_line_ids"]:
            amount_field = next(
                (name for name in FEE_AMOUNT_FIELDS if name in fee._fields), None
            )
            result.append(
                {
                    "label": fee.display_name,
                    "amount": fee[amount_field] if amount_field else 0.0,
                }
            )
        return result

    # ------------------------------------------------------------------
    # Self-service page
    # ------------------------------------------------------------------

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Reminder %s", self.name)

    def _dunning_rf_printed(self):
        """The RF reference as printed: in groups of four characters."""
        self.ensure_one()
        return format_rf(self.payment_reference_rf) if self.payment_reference_rf else ""

    def _dunning_payment_reference_printed(self):
        """The payment reference as printed: a QR reference in groups of five
        digits, an RF reference in groups of four characters."""
        self.ensure_one()
        reference = self._dunning_payment_reference()
        if reference and reference == self.payment_reference_qrr:
            return format_qr_reference(reference)
        return self._dunning_rf_printed()

    def _dunning_portal_url(self):
        """Full URL, with access token, of this reminder's self-service page."""
        self.ensure_one()
        return self.get_base_url() + self.get_portal_url()

    def _dunning_claimed_move_lines(self):
        """The receivable journal items this reminder claims: those of its
        invoices and of its posted fee invoice, paid or not."""
        self.ensure_one()
        lines = self.line_ids.move_line_id
        if self.fee_move_id.state == "posted":
            lines |= self.fee_move_id.line_ids.filtered(
                lambda aml: aml.account_id.account_type == "asset_receivable"
            )
        return lines

    def _dunning_portal_moves(self):
        """The invoices the reminder claims, oldest due first, and its posted
        fee invoice."""
        self.ensure_one()
        return (
            self._dunning_claimed_move_lines()
            .sorted(lambda aml: (aml.date_maturity or aml.date, aml.id))
            .move_id
        )

    def _dunning_portal_amount_open(self):
        """What the customer still owes of this reminder today, in company
        currency: the amounts still due of its invoices (disputed ones
        excepted) and of its posted fee invoice."""
        self.ensure_one()
        lines = self._dunning_claimed_move_lines().filtered(
            lambda aml: not aml.no_followup
        )
        return self.currency_id.round(sum(lines.mapped("amount_residual")))

    def _dunning_portal_promise_max_date(self):
        """The latest date the customer may promise to pay by."""
        self.ensure_one()
        return fields.Date.context_today(self) + timedelta(
            days=self.company_id.dunning_portal_promise_max_days
        )

    # ------------------------------------------------------------------
    # Several workers: OCA's queue_job, where it is installed
    # ------------------------------------------------------------------
    # The addon does not depend on queue_job. Where it is installed (and a
    # company keeps its 'dunning_queue_job' setting), the scheduled actions
    # only split the work into jobs on the 'root.dunning' channel, which every
    # Odoo server's job runner shares; the jobs do what the scheduled actions
    # do otherwise. A job may be tried again (queue_job retries it): each one
    # checks again, under lock, what is left to do.

    _dunning_job_channel = "root.dunning"
    _dunning_job_methods = ("_dunning_job_run_batch", "_dunning_job_send")
    # Seconds before a job is tried again, by its number of tries (queue_job's
    # retry pattern): time for a locked row or a slow mail server.
    _dunning_job_retry_pattern = {1: 10, 3: 60, 5: 300}
    _dunning_job_live_states = ("wait_dependencies", "pending", "enqueued", "started")

    @api.model
    def _dunning_queue_job_available(self):
        """Whether OCA's queue_job is installed in this database."""
        return "queue.job" in self.env and hasattr(self, "with_delay")

    @api.model
    def _dunning_queue_job_setup(self):
        """The 'root.dunning' channel and the job functions bound to it,
        created once queue_job is installed (no data file can: the addon
        does not depend on queue_job). Called at install and by the
        scheduled actions; what an administrator changed is kept.

        :return: whether queue_job is installed
        """
        if not self._dunning_queue_job_available():
            return False
        Channel = self.env["queue.job.channel"].sudo()
        channel = Channel.search(
            [("complete_name", "=", self._dunning_job_channel)], limit=1
        )
        if not channel:
            parent_name, name = self._dunning_job_channel.rsplit(".", 1)
            parent = Channel.search([("complete_name", "=", parent_name)], limit=1)
            channel = Channel.create({"name": name, "parent_id": parent.id})
        Function = self.env["queue.job.function"].sudo()
        for method in self._dunning_job_methods:
            name = Function.job_function_name(self._name, method)
            if not Function.search_count([("name", "=", name)], limit=1):
                Function.create(
                    {
                        "model_id": self.env["ir.model"]._get_id(self._name),
                        "method": method,
                        "channel_id": channel.id,
                        "retry_pattern": dict(self._dunning_job_retry_pattern),
                    }
                )
        return True

    @api.model
    def _dunning_queue_job_companies(self):
        """The companies whose run and sending go through queue_job: where
        it is installed, those that keep the setting on."""
        if not self._dunning_queue_job_setup():
            return self.env["res.company"]
        return self.env["res.company"].sudo().search([("dunning_queue_job", "=", True)])

    @api.model
    def _dunning_queue_job_key(self, kind, *parts):
        """A job's identity key: a second job with the same key is not
        queued while the first one waits (queue_job's identity_key)."""
        digest = uuid.uuid5(uuid.NAMESPACE_URL, repr(parts)).hex
        return f"dunning_followup.{kind}:{digest}"

    @api.model
    def _dunning_queue_job_live(self, method):
        """The jobs of ``method`` still to be done (waiting, queued or
        running)."""
        return (
            self.env["queue.job"]
            .sudo()
            .search(
                [
                    ("model_name", "=", self._name),
                    ("method_name", "=", method),
                    ("state", "in", self._dunning_job_live_states),
                ]
            )
        )

    @api.model
    def _dunning_queue_job_run(self, as_of=None):
        """The daily run of the companies that use queue_job: one job per
        batch of customers (_dunning_job_run_batch). Customers already in a
        job of the same company and day waiting to be done are left out.

        :return: the companies the scheduled action still runs itself
        """
        companies = (
            # every company is dunned, and companies are few
            # pylint: disable-next=no-search-all
            self.env["res.company"].search([])
            if self.env.su
            else self.env.user.company_ids
        )
        job_companies = companies & self._dunning_queue_job_companies()
        if not job_companies:
            return companies
        as_of = fields.Date.to_string(as_of or fields.Date.context_today(self))
        taken = defaultdict(set)
        for job in self._dunning_queue_job_live("_dunning_job_run_batch"):
            company_id, partner_ids, day = job.args
            if day == as_of:
                taken[company_id].update(partner_ids)
        for company in job_companies:
            Letter = self.with_company(company)
            try:
                self.env["dunning.level"]._dunning_engine_levels(company)
            except DunningConfigError as error:
                _logger.error("Dunning run skipped for %s: %s", company.name, error)
                continue
            self.env["dunning.interest.rate"]._dunning_warn_stale_series(
                fields.Date.to_date(as_of),
                company._dunning_interest_rules_in_use(),
                company,
            )
            partner_ids = sorted(
                (
                    self.env["res.partner"]
                    .with_company(company)
                    ._dunning_open_items(company)
                    .keys()
                    | set(self._dunning_partners_with_state(company))
                )
                - taken[company.id]
            )
            for batch in split_every(RUN_BATCH_SIZE, partner_ids, list):
                Letter.with_delay(
                    description=self.env._(
                        "Dunning run of %(company)s: %(count)s customers",
                        company=company.name,
                        count=len(batch),
                    ),
                    identity_key=self._dunning_queue_job_key(
                        "run", company.id, as_of, batch
                    ),
                )._dunning_job_run_batch(company.id, batch, as_of)
        return companies - job_companies

    @api.model
    def _dunning_queue_job_send(self):
        """The sending of the queued letters of the companies that use
        queue_job: one job per batch of letters (_dunning_job_send). Letters
        already in a job waiting to be done are left out.

        :return: the part of the send queue's domain that leaves these
            companies' letters to their jobs
        """
        companies = self._dunning_queue_job_companies()
        if not companies:
            return []
        taken = set()
        for job in self._dunning_queue_job_live("_dunning_job_send"):
            taken.update(job.records.ids)
        for company in companies:
            letters = self.search(
                [
                    *self._dunning_queue_domain(),
                    ("company_id", "=", company.id),
                    ("id", "not in", list(taken)),
                ],
                order="queued_at, id",
            )
            letters.with_company(company)._dunning_queue_job_enqueue_send()
        return [("company_id", "not in", companies.ids)]

    def _dunning_queue_job_enqueue_send(self):
        """Queue the sending of these letters (of one company) in jobs of
        SEND_BATCH_SIZE letters."""
        for batch in split_every(SEND_BATCH_SIZE, self.ids, self.browse):
            batch.with_delay(
                description=self.env._("Send %(count)s reminders", count=len(batch)),
                identity_key=self._dunning_queue_job_key("send", sorted(batch.ids)),
            )._dunning_job_send()

    def _dunning_job_run_batch(self, company_id, partner_ids, as_of):
        """Dunning run of a batch of customers (a queue_job job): their
        state updated and their letters created, as the scheduled action
        does; the automatic letters are queued and their sending goes to
        jobs too. Tried again, it creates nothing twice: the batch takes the
        company's run lock and skips the customers with a letter waiting or
        dated that day."""
        company = self.env["res.company"].browse(company_id).exists()
        if not company:
            return
        # As in the scheduled action's run, the automatic letters are queued
        # (not sent here); their own jobs send them.
        Letter = self.with_company(company).with_context(dunning_commit_progress=True)
        letters = Letter._dunning_run_batch(
            company, partner_ids, fields.Date.to_date(as_of)
        )
        letters.filtered("queued_at").with_company(
            company
        )._dunning_queue_job_enqueue_send()

    def _dunning_job_send(self):
        """Send these queued letters (a queue_job job): those still queued
        and sendable that no other worker holds, locked until the job's
        commit, so that a job tried again or a second job with the same
        letters never sends one twice."""
        self.exists().with_context(mail_notify_force_send=False)._dunning_send_queued()
