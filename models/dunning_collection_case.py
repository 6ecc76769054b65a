"""A collection case: overdue invoices of one customer handed over to a
collection agency or a lawyer.

While the case is open the addon sends no reminder of its own for those
invoices and charges no fee on them (the dunning run treats them as excluded);
statutory interest keeps accruing and is shown on the case. Payments that reach
the invoices after the hand-over are recognised on the case from the invoices'
reconciliation, each with the agency's commission; the case closes itself when
everything is paid. It can also be returned to internal dunning or written off.
"""

import base64
import io
import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..dunning_followup import DunningConfigError, statutory_interest, to_decimal

_logger = logging.getLogger(__name__)

CASE_STATES = [
    ("open", "Open"),
    ("partial", "Partly Recovered"),
    ("recovered", "Recovered"),
    ("returned", "Returned"),
    ("written_off", "Written Off"),
]
# The states in which the agency works the case: no reminder of ours meanwhile.
ACTIVE_STATES = ("open", "partial")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class DunningCollectionCase(models.Model):
    """One hand-over of a customer's overdue invoices to an agency or lawyer."""

    _name = "dunning.collection.case"
    _description = "Collection Case"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    # Identity
    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/"
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
        domain=[("parent_id", "=", False)],
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id", store=True)
    date = fields.Date(
        string="Hand-over Date",
        required=True,
        index=True,
        tracking=True,
        default=fields.Date.context_today,
    )
    responsible_id = fields.Many2one(
        "res.users",
        default=lambda self: self.env.user,
        tracking=True,
    )
    state = fields.Selection(
        CASE_STATES,
        default="open",
        required=True,
        index=True,
        tracking=True,
        copy=False,
    )

    # The agency or lawyer
    agency_id = fields.Many2one(
        "res.partner",
        string="Agency or Lawyer",
        required=True,
        tracking=True,
        ondelete="restrict",
        domain=[("dunning_collection_agency", "=", True)],
    )
    commission_rate = fields.Float(
        string="Commission (%)",
        digits=(16, 2),
        tracking=True,
        help="The agency's commission on every payment recovered, in percent; taken "
        "from the agency when the case is created.",
    )
    agency_lang = fields.Selection(related="agency_id.lang", string="Agency Language")

    # Where it comes from
    letter_id = fields.Many2one(
        "dunning.letter",
        string="Hand-over Reminder",
        readonly=True,
        copy=False,
        check_company=True,
        ondelete="set null",
    )
    level_id = fields.Many2one(
        "dunning.level",
        readonly=True,
        check_company=True,
        ondelete="set null",
    )

    # What was handed over and what came back
    line_ids = fields.One2many(
        "dunning.collection.case.line", "case_id", string="Invoices", copy=False
    )
    payment_ids = fields.One2many(
        "dunning.collection.case.payment",
        "case_id",
        string="Payments",
        readonly=True,
        copy=False,
    )
    amount_handed_over = fields.Monetary(
        compute="_compute_amounts", store=True, string="Handed Over"
    )
    amount_recovered = fields.Monetary(
        compute="_compute_amounts", store=True, string="Recovered"
    )
    amount_commission = fields.Monetary(
        compute="_compute_amounts", store=True, string="Commission"
    )
    amount_residual = fields.Monetary(compute="_compute_residual", string="Still Due")
    amount_interest = fields.Monetary(
        compute="_compute_interest",
        string="Statutory Interest",
        help="Late-payment interest accrued on the invoices of the case up to today "
        "and not charged on a reminder yet.",
    )

    dossier_count = fields.Integer(
        compute="_compute_dossier_count", string="Dossiers Printed"
    )

    # How it ended
    close_date = fields.Date(readonly=True, copy=False, tracking=True)
    close_reason = fields.Text(string="Reason", readonly=True, copy=False)
    writeoff_move_id = fields.Many2one(
        "account.move", string="Write-off Entry", readonly=True, copy=False
    )

    @api.depends(
        "line_ids.amount_handed_over", "payment_ids.amount", "payment_ids.commission"
    )
    def _compute_amounts(self):
        for case in self:
            case.amount_handed_over = sum(case.line_ids.mapped("amount_handed_over"))
            case.amount_recovered = sum(case.payment_ids.mapped("amount"))
            case.amount_commission = sum(case.payment_ids.mapped("commission"))

    @api.depends("line_ids.amount_residual")
    def _compute_residual(self):
        for case in self:
            case.amount_residual = sum(case.line_ids.mapped("amount_residual"))

    @api.depends("line_ids.amount_interest")
    def _compute_interest(self):
        for case in self:
            case.amount_interest = sum(case.line_ids.mapped("amount_interest"))

    def _compute_dossier_count(self):
        counts = dict(
            self.env["ir.attachment"]._read_group(
                self._dunning_dossier_domain(), ["res_id"], ["__count"]
            )
        )
        for case in self:
            case.dossier_count = counts.get(case.id, 0)

    @api.constrains("commission_rate")
    def _check_commission_rate(self):
        for case in self:
            if not 0.0 <= case.commission_rate <= 100.0:
                raise ValidationError(
                    self.env._(
                        "The commission of a collection case is a percentage "
                        "between 0 and 100."
                    )
                )

    @api.onchange("agency_id")
    def _onchange_agency_id(self):
        if self.agency_id:
            self.commission_rate = self.agency_id.dunning_collection_commission

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = (
                    self.env["res.company"].browse(vals.get("company_id"))
                    or self.env.company
                )
                vals["name"] = (
                    self.env["ir.sequence"]
                    .with_company(company)
                    .next_by_code(
                        "dunning.collection.case", sequence_date=vals.get("date")
                    )
                    or "/"
                )
            if "commission_rate" not in vals and vals.get("agency_id"):
                vals["commission_rate"] = (
                    self.env["res.partner"]
                    .browse(vals["agency_id"])
                    .dunning_collection_commission
                )
        cases = super().create(vals_list)
        cases._dunning_refresh_customers()
        return cases

    @api.ondelete(at_uninstall=False)
    def _unlink_except_closed(self):
        if any(case.state not in ("open",) or case.payment_ids for case in self):
            raise UserError(
                self.env._(
                    "A collection case with payments or a closed one is part of "
                    "the customer's history: it cannot be deleted."
                )
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_return(self):
        """The agency gave up: open the dialog that returns the invoices to
        internal dunning."""
        return self._dunning_close_wizard("return")

    def action_write_off(self):
        """Open the dialog that writes the residual off as bad debt."""
        return self._dunning_close_wizard("write_off")

    def _dunning_close_wizard(self, mode):
        self.ensure_one()
        self._dunning_check_active()
        return {
            "type": "ir.actions.act_window",
            "name": (
                self.env._("Return to Internal Dunning")
                if mode == "return"
                else self.env._("Write Off")
            ),
            "res_model": "dunning.collection.close",
            "view_mode": "form",
            "target": "new",
            "context": {"default_case_id": self.id, "default_mode": mode},
        }

    def action_print_dossier(self):
        return self.env.ref(
            "dunning_followup.action_report_dunning_collection_dossier"
        ).report_action(self)

    def action_view_dossiers(self):
        """The dossiers printed for the agency, newest first."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Dossiers"),
            "res_model": "ir.attachment",
            "view_mode": "list,form",
            "domain": self._dunning_dossier_domain(),
            "context": {"create": False},
        }

    def _dunning_dossier_domain(self):
        return [
            ("res_model", "=", self._name),
            ("res_id", "in", self.ids),
            ("name", "=like", "Dossier - %"),
        ]

    def action_download_xlsx(self):
        self.ensure_one()
        attachment = self._dunning_xlsx_attachment()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def action_send_to_agency(self):
        """Open the mail composer to the agency with the dossier PDF and the
        spreadsheet attached, in the agency's language."""
        self.ensure_one()
        template = self.env.ref(
            "dunning_followup.mail_template_dunning_collection_agency"
        )
        attachments = (
            self._dunning_dossier_attachment() | self._dunning_xlsx_attachment()
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                "default_attachment_ids": [fields.Command.set(attachments.ids)],
                "default_partner_ids": self.agency_id.ids,
                "force_email": True,
            },
        }

    def action_view_invoices(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("id", "in", self.line_ids.move_id.ids)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------------
    # Hand-over
    # ------------------------------------------------------------------

    @api.model
    def _dunning_hand_over(self, partner, moves, agency=None, letter=None, date=None):
        """Open a case handing ``moves`` of ``partner`` over to ``agency``
        (default: the level's, else the company's agency), sending the customer
        the hand-over notice when the level asks for it.

        Invoices already in an open case, or paid, are left out; with nothing
        left no case is created.
        """
        company = letter.company_id if letter else self.env.company
        level = letter.level_id if letter else self.env["dunning.level"]
        agency = (
            agency or level.collection_agency_id or company.dunning_collection_agency_id
        )
        if not agency:
            raise UserError(
                self.env._(
                    "Choose the collection agency or lawyer of %s: on the hand-over "
                    "level or in the Accounting settings.",
                    company.display_name,
                )
            )
        busy = self._dunning_moves_in_cases(moves=moves)
        moves = moves.filtered(
            lambda move: (
                move not in busy and not move.currency_id.is_zero(move.amount_residual)
            )
        )
        if not moves:
            return self.browse()
        case = self.with_company(company).create(
            {
                "partner_id": partner.commercial_partner_id.id,
                "company_id": company.id,
                "agency_id": agency.id,
                "date": date
                or (letter.date if letter else fields.Date.context_today(self)),
                "letter_id": letter.id if letter else False,
                "level_id": level.id or False,
                "responsible_id": (
                    partner.with_company(company).dunning_responsible_id
                    or self.env.user
                ).id,
                "line_ids": [
                    fields.Command.create(
                        {
                            "move_id": move.id,
                            "amount_handed_over": move.amount_residual_signed,
                        }
                    )
                    for move in moves
                ],
            }
        )
        body = self.env._(
            "Handed over to %(agency)s: collection case %(case)s for %(amount)s.",
            agency=agency.display_name,
            case=case._get_html_link(),
            amount=case.currency_id.format(case.amount_handed_over),
        )
        partner.commercial_partner_id.sudo().message_post(
            body=body, author_id=self.env.user.partner_id.id
        )
        if level.collection_notice:
            case._dunning_send_notice()
        return case

    def _dunning_send_notice(self):
        """E-mail the customer that the debt went to the agency, in the
        customer's language."""
        template = self.env.ref(
            "dunning_followup.mail_template_dunning_collection_notice"
        )
        for case in self:
            case.with_context(lang=case.partner_id.lang).message_post_with_source(
                template, message_type="comment", subtype_xmlid="mail.mt_comment"
            )

    @api.model
    def _dunning_moves_in_cases(self, company=None, moves=None):
        """The invoices (of ``moves``, or all of ``company``, or all) in a case
        the agency works."""
        domain = [("case_id.state", "in", ACTIVE_STATES)]
        if company is not None:
            domain.append(("company_id", "=", company.id))
        if moves is not None:
            domain.append(("move_id", "in", moves.ids))
        return self.env["dunning.collection.case.line"].sudo().search(domain).move_id

    def _dunning_check_active(self):
        for case in self:
            if case.state not in ACTIVE_STATES:
                raise UserError(
                    self.env._("The collection case %s is closed.", case.name)
                )

    def _dunning_refresh_customers(self):
        """The customers' dunning state follows the cases at once."""
        today = fields.Date.context_today(self)
        for company, cases in self.grouped("company_id").items():
            self.env["res.partner"].with_company(company)._dunning_update_states(
                company, cases.partner_id.ids, today
            )

    # ------------------------------------------------------------------
    # Payments
    # ------------------------------------------------------------------

    @api.model
    def _dunning_recognise_partials(self, partials):
        """Record the reconciliations of ``partials`` that pay invoices of
        active cases as payments of those cases, with the commission, and
        close the cases whose invoices are all paid. Credit notes and our own
        write-offs are not payments recovered by the agency."""
        if self.env.context.get("dunning_collection_writeoff"):
            return
        Line = self.env["dunning.collection.case.line"].sudo()
        receivable = partials.debit_move_id.move_id | partials.credit_move_id.move_id
        lines = Line.search(
            [("move_id", "in", receivable.ids), ("case_id.state", "in", ACTIVE_STATES)]
        )
        if not lines:
            return
        line_by_move = {line.move_id: line for line in lines}
        vals_list = []
        for partial in partials:
            for invoice_line, counterpart in (
                (partial.debit_move_id, partial.credit_move_id),
                (partial.credit_move_id, partial.debit_move_id),
            ):
                case_line = line_by_move.get(invoice_line.move_id)
                if not case_line or counterpart.move_id.move_type in (
                    "out_refund",
                    "out_invoice",
                    "out_receipt",
                ):
                    continue
                case = case_line.case_id
                vals_list.append(
                    {
                        "case_id": case.id,
                        "move_id": invoice_line.move_id.id,
                        "partial_id": partial.id,
                        "payment_move_id": counterpart.move_id.id,
                        "date": partial.max_date,
                        "amount": partial.amount,
                        "commission": case.currency_id.round(
                            partial.amount * case.commission_rate / 100.0
                        ),
                    }
                )
        if vals_list:
            self.env["dunning.collection.case.payment"].sudo().create(vals_list)
        lines.case_id._dunning_update_state()

    def _dunning_update_state(self):
        """Partly recovered after a payment, recovered (closed) when every
        invoice of the case is paid."""
        today = fields.Date.context_today(self)
        for case in self.filtered(lambda case: case.state in ACTIVE_STATES):
            paid = all(
                line.move_id.currency_id.is_zero(line.move_id.amount_residual)
                for line in case.line_ids
            )
            if paid:
                case.write({"state": "recovered", "close_date": today})
                case.message_post(
                    body=self.env._(
                        "Everything is paid: %(amount)s recovered, "
                        "%(commission)s commission.",
                        amount=case.currency_id.format(case.amount_recovered),
                        commission=case.currency_id.format(case.amount_commission),
                    )
                )
            elif case.payment_ids and case.state == "open":
                case.state = "partial"
        self._dunning_refresh_customers()

    def _dunning_reopen_unpaid(self):
        """After a payment was unreconciled: a recovered case whose invoices
        are not all paid any more is worked again."""
        for case in self.exists():
            if case.state != "recovered" or all(
                line.move_id.currency_id.is_zero(line.move_id.amount_residual)
                for line in case.line_ids
            ):
                continue
            case.write(
                {
                    "state": "partial" if case.payment_ids else "open",
                    "close_date": False,
                }
            )
        self.exists()._dunning_refresh_customers()

    # ------------------------------------------------------------------
    # Closing: return and write-off
    # ------------------------------------------------------------------

    def _dunning_return(self, reason):
        """Give the invoices back to internal dunning: they leave the case
        and come back one level below the first hand-over level, so that the
        next run reminds them again at the last level before collection."""
        self.ensure_one()
        self._dunning_check_active()
        levels = self.env["dunning.level"]._dunning_levels_for(self.company_id)
        internal = levels.filtered(lambda level: not level.collection)
        resume = internal[-2:-1] if len(internal) > 1 else self.env["dunning.level"]
        moves = self.line_ids.move_id.filtered(
            lambda move: not move.currency_id.is_zero(move.amount_residual)
        )
        moves.sudo().write({"dunning_level_id": resume.id or False})
        self.write(
            {
                "state": "returned",
                "close_date": fields.Date.context_today(self),
                "close_reason": reason,
            }
        )
        self._dunning_log_close(self.env._("Returned to internal dunning: %s", reason))
        self._dunning_refresh_customers()

    def _dunning_write_off(self, reason, date=None):
        """Post what is still due on the case's invoices to the company's
        bad-debt account and reconcile it with the invoices, which end paid."""
        self.ensure_one()
        self._dunning_check_active()
        company = self.company_id
        account = company.dunning_writeoff_account_id
        journal = company.dunning_writeoff_journal_id
        if not account or not journal:
            raise UserError(
                self.env._(
                    "Choose the bad-debt account and the write-off journal in the "
                    "Accounting settings before writing off."
                )
            )
        receivables = self.line_ids.move_id.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable" and not line.reconciled
        )
        if not receivables:
            raise UserError(
                self.env._("Nothing is left to write off on %s.", self.name)
            )
        date = date or fields.Date.context_today(self)
        label = self.env._(
            "Bad debt %(case)s: %(reason)s", case=self.name, reason=reason
        )
        line_vals = []
        for line in receivables:
            line_vals += [
                {
                    "name": label,
                    "account_id": line.account_id.id,
                    "partner_id": line.partner_id.id,
                    "currency_id": line.currency_id.id,
                    "amount_currency": -line.amount_residual_currency,
                    "balance": -line.amount_residual,
                },
                {
                    "name": label,
                    "account_id": account.id,
                    "partner_id": line.partner_id.id,
                    "currency_id": line.currency_id.id,
                    "amount_currency": line.amount_residual_currency,
                    "balance": line.amount_residual,
                },
            ]
        move = (
            self.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": journal.id,
                    "date": date,
                    "ref": label,
                    "line_ids": [fields.Command.create(vals) for vals in line_vals],
                }
            )
        )
        move.action_post()
        counterparts = move.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        )
        for invoice_line in receivables:
            counterpart = counterparts.filtered(
                lambda line, il=invoice_line: (
                    line.account_id == il.account_id
                    and line.partner_id == il.partner_id
                    and not line.reconciled
                )
            )[:1]
            (invoice_line | counterpart).with_context(
                dunning_collection_writeoff=True
            ).reconcile()
        self.write(
            {
                "state": "written_off",
                "close_date": date,
                "close_reason": reason,
                "writeoff_move_id": move.id,
            }
        )
        self._dunning_log_close(
            self.env._(
                "Written off as bad debt (%(entry)s): %(reason)s",
                entry=move._get_html_link(),
                reason=reason,
            )
        )
        self._dunning_refresh_customers()
        return move

    def _dunning_log_close(self, body):
        self.message_post(body=body)
        self.partner_id.sudo().message_post(
            body=Markup("%s: %s") % (self._get_html_link(), body),
            author_id=self.env.user.partner_id.id,
        )

    # ------------------------------------------------------------------
    # Hand-over file
    # ------------------------------------------------------------------

    def _dunning_dossier_letters(self):
        """The reminders sent to the customer about the case's invoices."""
        self.ensure_one()
        return self.env["dunning.letter"].search(
            [
                ("partner_id", "=", self.partner_id.id),
                ("company_id", "=", self.company_id.id),
                ("state", "=", "sent"),
                ("line_ids.move_id", "in", self.line_ids.move_id.ids),
            ],
            order="date, id",
        )

    def _dunning_dossier_notes(self):
        """Calls, promises and disputes logged on the customer."""
        self.ensure_one()
        return (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", "res.partner"),
                    ("res_id", "=", self.partner_id.id),
                    ("message_type", "=", "comment"),
                    ("subtype_id", "=", self.env.ref("mail.mt_note").id),
                ],
                order="date, id",
            )
        )

    def _dunning_xlsx_content(self):
        """The hand-over spreadsheet: one line per invoice of the case."""
        self.ensure_one()
        import xlsxwriter  # noqa: PLC0415 - shipped with Odoo, needed here only

        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = workbook.add_worksheet(self.name[:31].replace("/", "-"))
        bold = workbook.add_format({"bold": True})
        day = workbook.add_format({"num_format": "yyyy-mm-dd"})
        money = workbook.add_format({"num_format": "#,##0.00"})
        sheet.write_row(
            0,
            0,
            [
                self.env._("Invoice"),
                self.env._("Invoice Date"),
                self.env._("Due Date"),
                self.env._("Days Overdue"),
                self.env._("Currency"),
                self.env._("Handed Over"),
                self.env._("Recovered"),
                self.env._("Still Due"),
                self.env._("Interest"),
            ],
            bold,
        )
        today = fields.Date.context_today(self)
        for row, line in enumerate(self.line_ids, start=1):
            move = line.move_id
            sheet.write(row, 0, move.name)
            sheet.write_datetime(
                row, 1, fields.Datetime.to_datetime(move.invoice_date), day
            )
            sheet.write_datetime(
                row, 2, fields.Datetime.to_datetime(move.invoice_date_due), day
            )
            sheet.write_number(row, 3, max(0, (today - move.invoice_date_due).days))
            sheet.write(row, 4, self.currency_id.name)
            sheet.write_number(row, 5, line.amount_handed_over, money)
            sheet.write_number(row, 6, line.amount_recovered, money)
            sheet.write_number(row, 7, line.amount_residual, money)
            sheet.write_number(row, 8, line.amount_interest, money)
        sheet.set_column(0, 0, 20)
        sheet.set_column(1, 8, 14)
        workbook.close()
        return output.getvalue()

    def _dunning_dossier_attachment(self):
        """The dossier PDF as printed now, kept on the case."""
        self.ensure_one()
        report = self.env.ref(
            "dunning_followup.action_report_dunning_collection_dossier"
        )
        content, _type = (
            self.env["ir.actions.report"]
            .with_context(report_pdf_no_attachment=True)
            ._render_qweb_pdf(report, self.ids)
        )
        return self.env["ir.attachment"].create(
            {
                "name": f"Dossier - {self.name.replace('/', '-')}.pdf",
                "raw": content,
                "mimetype": "application/pdf",
                "res_model": self._name,
                "res_id": self.id,
            }
        )

    def _dunning_xlsx_attachment(self):
        self.ensure_one()
        return self.env["ir.attachment"].create(
            {
                "name": f"{self.name.replace('/', '_')}.xlsx",
                "datas": base64.b64encode(self._dunning_xlsx_content()),
                "mimetype": XLSX_MIMETYPE,
                "res_model": self._name,
                "res_id": self.id,
            }
        )


class DunningCollectionCaseLine(models.Model):
    """An invoice handed over in a collection case, with its amount at the
    hand-over."""

    _name = "dunning.collection.case.line"
    _description = "Collection Case Invoice"
    _order = "case_id, id"

    case_id = fields.Many2one(
        "dunning.collection.case", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="case_id.currency_id")
    move_id = fields.Many2one(
        "account.move", string="Invoice", required=True, index=True, ondelete="restrict"
    )
    invoice_date = fields.Date(related="move_id.invoice_date")
    date_due = fields.Date(related="move_id.invoice_date_due", string="Due Date")
    amount_handed_over = fields.Monetary(string="Handed Over", required=True)
    amount_recovered = fields.Monetary(
        compute="_compute_amount_recovered", string="Recovered"
    )
    amount_residual = fields.Monetary(
        related="move_id.amount_residual_signed", string="Still Due"
    )
    amount_interest = fields.Monetary(
        compute="_compute_amount_interest", string="Interest"
    )

    _move_once_per_case = models.UniqueIndex(
        "(case_id, move_id)", "An invoice is handed over only once in a case."
    )

    @api.constrains("move_id", "case_id")
    def _check_one_active_case(self):
        for line in self:
            others = self.search_count(
                [
                    ("move_id", "=", line.move_id.id),
                    ("id", "!=", line.id),
                    ("case_id.state", "in", ACTIVE_STATES),
                ]
            )
            if others and line.case_id.state in ACTIVE_STATES:
                raise ValidationError(
                    self.env._(
                        "The invoice %s is already in an open collection case.",
                        line.move_id.display_name,
                    )
                )
            if line.move_id.commercial_partner_id != line.case_id.partner_id:
                raise ValidationError(
                    self.env._(
                        "The invoice %(invoice)s is not an invoice of %(customer)s.",
                        invoice=line.move_id.display_name,
                        customer=line.case_id.partner_id.display_name,
                    )
                )

    @api.depends("case_id.payment_ids.amount")
    def _compute_amount_recovered(self):
        for line in self:
            line.amount_recovered = sum(
                line.case_id.payment_ids.filtered(
                    lambda payment, move=line.move_id: payment.move_id == move
                ).mapped("amount")
            )

    @api.depends("move_id.amount_residual", "case_id.state")
    @api.depends_context("date")
    def _compute_amount_interest(self):
        """Interest accrued up to today on what is still due, for the days no
        reminder charged yet (the customer's, else the company's rule)."""
        today = fields.Date.context_today(self)
        charged_until, _compensated = self.env[
            "dunning.letter"
        ]._dunning_already_charged(self.move_id)
        for line in self:
            line.amount_interest = 0.0
            case = line.case_id
            move = line.move_id
            rule = (
                case.partner_id.with_company(case.company_id).dunning_interest_rule_id
                or case.company_id.dunning_interest_rule_id
            )
            residual = move.amount_residual_signed
            if (
                not rule
                or case.state not in ACTIVE_STATES
                or not move.invoice_date_due
                or move.move_type != "out_invoice"
                or case.currency_id.compare_amounts(residual, 0.0) <= 0
            ):
                continue
            try:
                result = statutory_interest(
                    residual,
                    move.invoice_date_due,
                    today,
                    rule._dunning_to_engine(),
                    rule._dunning_series_points(),
                    charged_until=charged_until.get(move.id),
                    rounding=to_decimal(case.currency_id.rounding, "currency rounding"),
                )
            except DunningConfigError as error:
                _logger.warning("No interest shown on %s: %s", move.name, error)
                continue
            line.amount_interest = float(result.amount)


class DunningCollectionCasePayment(models.Model):
    """A payment on an invoice of a collection case after the hand-over, as
    recognised from the invoice's reconciliation, with the agency's commission."""

    _name = "dunning.collection.case.payment"
    _description = "Collection Case Payment"
    _order = "case_id, date, id"

    case_id = fields.Many2one(
        "dunning.collection.case", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="case_id.currency_id")
    move_id = fields.Many2one(
        "account.move", string="Invoice", required=True, ondelete="cascade"
    )
    partial_id = fields.Many2one(
        "account.partial.reconcile",
        string="Reconciliation",
        index=True,
        ondelete="cascade",
    )
    payment_move_id = fields.Many2one(
        "account.move", string="Payment Entry", ondelete="set null"
    )
    date = fields.Date(required=True)
    amount = fields.Monetary(required=True)
    commission = fields.Monetary()

    _partial_once = models.UniqueIndex(
        "(case_id, partial_id)", "A reconciliation is recognised only once on a case."
    )
