import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_round, split_every

from ..dunning_followup import DunningConfigError, letter_items

_logger = logging.getLogger(__name__)

# First key of the advisory lock that serialises dunning runs of a company.
DUNNING_LOCK_KEY = 0x44554E  # "DUN"
# Customers evaluated per batch of the scheduled action: one commit each.
RUN_BATCH_SIZE = 500
# Fields of dunning.letter.line that the run inserts in bulk (plain columns, see
# _insert_run_lines); a line with any other value is created by the ORM.
RUN_LINE_FIELDS = (
    "move_id", "move_line_id", "move_name", "invoice_date", "date_due", "days_overdue",
    "level_id", "amount_original", "amount_residual", "move_currency_id",
    "amount_residual_currency",
)
# Fields a sent letter still accepts (chatter and attachments bookkeeping).
SENT_WRITABLE_FIELDS = {
    "message_main_attachment_id", "activity_ids", "message_follower_ids",
    "failure_reason", "state", "print_needed",
}


class DunningLetter(models.Model):
    """One reminder to one customer at one dunning level, with a snapshot of
    the overdue invoices it claims."""

    _name = "dunning.letter"
    _description = "Dunning Letter"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Number", required=True, readonly=True, copy=False, default="/")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True,
        check_company=True, ondelete="restrict",
    )
    level_id = fields.Many2one(
        "dunning.level", string="Level", required=True, tracking=True, check_company=True,
        ondelete="restrict",
    )
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    state = fields.Selection(
        selection=[
            ("draft", "Draft"),
            ("to_approve", "To Approve"),
            ("sent", "Sent"),
            ("failed", "Failed"),
            ("cancelled", "Cancelled"),
        ],
        default="draft", required=True, tracking=True, index=True, copy=False,
    )
    failure_reason = fields.Text(readonly=True, copy=False)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id", store=True)
    responsible_id = fields.Many2one(
        "res.users", string="Responsible", default=lambda self: self.env.user, tracking=True
    )
    approved_by_id = fields.Many2one("res.users", string="Approved By", readonly=True, copy=False)
    sent_date = fields.Datetime(readonly=True, copy=False)
    line_ids = fields.One2many("dunning.letter.line", "letter_id", string="Overdue Invoices",
                               copy=True)
    line_count = fields.Integer(compute="_compute_amounts", store=True)
    amount_total = fields.Monetary(
        string="Total Due", compute="_compute_amounts", store=True, currency_field="currency_id"
    )
    max_days_overdue = fields.Integer(
        string="Days Overdue", compute="_compute_amounts", store=True
    )
    collection = fields.Boolean(related="level_id.collection")
    print_needed = fields.Boolean(
        string="To Print", copy=False,
        help="The reminder must be printed and posted: the level prints letters, or the "
        "customer has no e-mail address.",
    )

    _one_pending_letter = models.UniqueIndex(
        "(partner_id, company_id) WHERE state IN ('draft', 'to_approve', 'failed')",
        "A customer can have only one reminder waiting to be sent per company.",
    )

    @api.depends("line_ids.amount_residual", "line_ids.days_overdue")
    def _compute_amounts(self):
        for letter in self:
            lines = letter.line_ids
            letter.line_count = len(lines)
            letter.amount_total = sum(lines.mapped("amount_residual"))
            letter.max_days_overdue = max(lines.mapped("days_overdue"), default=0)

    def _check_company(self, fnames=None):
        """The ORM's company check, evaluated once per company and field for
        the whole recordset instead of once per letter (a run creates
        thousands of letters at once); on any inconsistency the ORM's own
        check runs and raises its usual error."""
        if len(self) < 2:
            return super()._check_company(fnames)
        if fnames is None or {"company_id", "company_ids"} & set(fnames):
            fnames = self._fields
        names = [name for name in fnames
                 if self._fields[name].relational and self._fields[name].check_company]
        if any(self._fields[name].company_dependent for name in names):
            return super()._check_company(fnames)
        for company, letters in self.grouped("company_id").items():
            for name in names:
                corecords = letters.sudo()[name]
                if not corecords:
                    continue
                domain = corecords._check_company_domain(company)
                if domain and corecords != corecords.with_context(active_test=False).filtered_domain(domain):
                    return super()._check_company(fnames)
        return None

    @api.model_create_multi
    def create(self, vals_list):
        to_number = defaultdict(list)
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                date = vals.get("date") or fields.Date.context_today(self)
                to_number[company, fields.Date.to_date(date)].append(vals)
        for (company, date), group in to_number.items():
            for vals, name in zip(group, self._next_numbers(company, date, len(group))):
                vals["name"] = name
        run_lines = None
        if self.env.context.get("dunning_run_lines"):
            vals_list, run_lines = self._split_run_lines(vals_list)
        letters = super().create(vals_list)
        if run_lines:
            letters._insert_run_lines(run_lines)
        return letters

    @api.model
    def _next_numbers(self, company, date, count):
        """``count`` letter numbers, the same that ``count`` calls of
        ``next_by_code('dunning.letter', sequence_date=date)`` would draw, but
        with one query for the whole batch of a run (the standard, gapped,
        implementation of the sequence); '/' without a sequence."""
        IrSequence = self.env["ir.sequence"].with_company(company)
        if count == 1:
            return [IrSequence.next_by_code("dunning.letter", sequence_date=date) or "/"]
        IrSequence.browse().check_access("read")
        sequence = IrSequence.search([
            ("code", "=", "dunning.letter"), ("company_id", "in", [company.id, False]),
        ], order="company_id", limit=1)
        if not sequence:
            return ["/"] * count
        if sequence.implementation != "standard":
            # A no-gap sequence locks its row for each number: Odoo's own path.
            return [sequence._next(sequence_date=date) for _i in range(count)]
        pg_sequence = "ir_sequence_%03d" % sequence.id
        if sequence.use_date_range:
            date_range = self.env["ir.sequence.date_range"].search([
                ("sequence_id", "=", sequence.id), ("date_from", "<=", date), ("date_to", ">=", date),
            ], limit=1) or sequence._create_date_range_seq(date)
            pg_sequence = "ir_sequence_%03d_%03d" % (sequence.id, date_range.id)
            sequence = sequence.with_context(ir_sequence_date_range=date_range.date_from)
        self.env.cr.execute(
            "SELECT nextval(%s) FROM generate_series(1, %s)", [pg_sequence, count])
        return [sequence.get_next_char(number)
                for number in sorted(row[0] for row in self.env.cr.fetchall())]

    @api.model
    def _split_run_lines(self, vals_list):
        """Take the letter lines out of the run's letter values when they are
        plain creations of RUN_LINE_FIELDS: (new vals_list, [lines per letter])."""
        result, lines_per_letter = [], []
        for vals in vals_list:
            commands = vals.get("line_ids") or []
            if commands and all(
                isinstance(command, (list, tuple)) and command[0] == fields.Command.CREATE
                and set(command[2]).issubset(RUN_LINE_FIELDS) for command in commands
            ):
                vals = dict(vals)
                lines_per_letter.append([command[2] for command in vals.pop("line_ids")])
            else:
                lines_per_letter.append([])
            result.append(vals)
        return result, lines_per_letter

    def _insert_run_lines(self, lines_per_letter):
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
        for letter, lines in zip(self, lines_per_letter):
            letter_id, company_id = letter.id, letter.company_id.id or None
            currency_id = letter.currency_id.id
            for vals in lines:
                move_currency_id = vals.get("move_currency_id") or None
                rows.append((
                    letter_id, company_id,
                    vals.get("move_id") or None, vals.get("move_line_id") or None,
                    None if vals.get("move_name") in (None, False) else vals["move_name"],
                    fields.Date.to_date(vals.get("invoice_date")) or None,
                    fields.Date.to_date(vals.get("date_due")) or None,
                    int(vals.get("days_overdue") or 0), vals.get("level_id") or None,
                    amount(vals.get("amount_original"), currency_id),
                    amount(vals.get("amount_residual"), currency_id),
                    move_currency_id,
                    amount(vals.get("amount_residual_currency"), move_currency_id),
                    uid, now, uid, now,
                ))
        if not rows:
            return
        columns = ("letter_id", "company_id", *RUN_LINE_FIELDS,
                   "create_uid", "create_date", "write_uid", "write_date")
        ids = []
        for chunk in split_every(1000, rows):
            self.env.cr.execute(SQL(
                "INSERT INTO dunning_letter_line (%s) VALUES %s RETURNING id",
                SQL(", ").join(SQL.identifier(column) for column in columns),
                SQL(", ").join(SQL("%s", row) for row in chunk),
            ))
            ids.extend(row[0] for row in self.env.cr.fetchall())
        lines = Line.browse(ids)
        self.invalidate_recordset(["line_ids"])
        self.env["account.move"].invalidate_model(["dunning_letter_line_ids"])
        lines.modified(columns[:-4], create=True)
        lines._validate_fields(columns[:-4])
        lines.check_access("create")

    def write(self, vals):
        if set(vals) - SENT_WRITABLE_FIELDS and any(l.state == "sent" for l in self):
            raise UserError(self.env._("A sent reminder cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_unsent(self):
        if any(letter.state == "sent" for letter in self):
            raise UserError(self.env._("A sent reminder cannot be deleted; it is part of the "
                                       "customer's history."))

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_approve(self):
        if not self.env.user.has_group("dunning_followup.group_dunning_manager"):
            raise UserError(self.env._("Only a dunning manager can approve reminders."))
        for letter in self:
            if letter.state != "to_approve":
                raise UserError(self.env._("Reminder %s is not waiting for approval.", letter.name))
        self.write({"state": "draft", "approved_by_id": self.env.user.id})
        return True

    def action_cancel(self):
        if any(letter.state == "sent" for letter in self):
            raise UserError(self.env._("A sent reminder cannot be cancelled."))
        self.write({"state": "cancelled"})
        return True

    def action_reset_draft(self):
        for letter in self:
            if letter.state not in ("cancelled", "failed"):
                raise UserError(self.env._("Only cancelled or failed reminders go back to draft."))
        self.write({"state": "to_approve" if self._needs_approval() else "draft",
                    "failure_reason": False})
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
            "SELECT id FROM dunning_letter WHERE id = ANY(%s) FOR UPDATE", [self.ids])
        self.invalidate_recordset(["state"])
        for letter in self:
            if letter.state == "to_approve":
                raise UserError(self.env._("Reminder %s must be approved before it is sent.",
                                           letter.name))
            if letter.state not in ("draft", "failed"):
                raise UserError(self.env._("Reminder %s cannot be sent in its state.", letter.name))
        for letter in self:
            letter._send_one()
        return True

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------

    def _needs_approval(self):
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
            "dunning_followup.mail_template_dunning_letter")

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
                    "account.account_invoices", move.ids)
                attachment = self.env["ir.attachment"].create({
                    "name": f"{(move.name or 'invoice').replace('/', '_')}.pdf",
                    "raw": content,
                    "mimetype": "application/pdf",
                    "res_model": self._name,
                    "res_id": self.id,
                })
            attachments |= attachment
        return attachments

    def _send_one(self):
        """Deliver one letter. Any delivery error leaves it 'failed' with the
        reason, and nothing else changed, so it can be retried."""
        self.ensure_one()
        channels = self._dunning_channels()
        notes = []
        print_needed = bool(channels.get("letter"))
        try:
            with self.env.cr.savepoint():
                if channels.get("email"):
                    recipient = self._dunning_recipient()
                    if recipient.email:
                        self._send_dunning_email(recipient)
                    else:
                        print_needed = True
                        notes.append(self.env._(
                            "%s has no e-mail address: this reminder must be printed and posted.",
                            recipient.display_name))
                if channels.get("sms"):
                    self._send_dunning_sms()
                if channels.get("activity") and self.level_id.activity_type_id:
                    self._schedule_dunning_activity()
        except Exception as error:  # noqa: BLE001 - a failed delivery must be recorded, not lost
            _logger.warning("Dunning letter %s could not be sent: %s", self.name, error)
            self.write({"state": "failed", "failure_reason": str(error)})
            self.message_post(body=self.env._("Sending failed: %s", str(error)))
            return False
        if print_needed and not (self.partner_id.street or self.partner_id.city):
            notes.append(self.env._(
                "%s has no postal address: complete it before posting this letter.",
                self.partner_id.display_name))
        for note in notes:
            self.message_post(body=note)
        self.print_needed = print_needed
        self._mark_sent()
        return True

    def _send_dunning_email(self, recipient):
        """E-mail the reminder with the template's attachments (the letter's
        PDF, in the recipient's language) and, when the level joins them, the
        overdue invoices' PDFs."""
        template = self._dunning_mail_template().with_context(lang=recipient.lang)
        attachments = self._dunning_template_attachments(template)
        if self.level_id.join_invoices:
            attachments |= self._dunning_invoice_attachments()
        self.with_context(lang=recipient.lang).message_post_with_source(
            template,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            attachment_ids=[fields.Command.set(attachments.ids)],
        )

    def _dunning_template_attachments(self, template):
        """The attachments the template gives this letter: its static files
        and its reports rendered for the letter (as the mail composer does)."""
        self.ensure_one()
        rendered = template._generate_template(
            self.ids, ("attachment_ids", "report_template_ids"))[self.id]
        attachments = self.env["ir.attachment"].browse(rendered.get("attachment_ids") or [])
        for name, datas in rendered.get("attachments") or []:
            attachments |= self.env["ir.attachment"].create({
                "name": name,
                "datas": datas,
                "res_model": self._name,
                "res_id": self.id,
                "type": "binary",
            })
        return attachments

    def _send_dunning_sms(self):
        recipient = self._dunning_recipient()
        number = recipient.mobile or recipient.phone if "mobile" in recipient._fields else recipient.phone
        if not number or not hasattr(self, "_message_sms"):
            self.message_post(body=self.env._("No phone number for %s: no SMS sent.",
                                              recipient.display_name))
            return
        body = self.env._(
            "%(company)s: reminder %(letter)s, %(amount)s overdue. Please pay or contact us.",
            company=self.company_id.name, letter=self.name,
            amount=self.currency_id.format(self.amount_total),
        )
        self._message_sms(body, partner_ids=recipient.ids, sms_numbers=[number])

    def _schedule_dunning_activity(self):
        level = self.level_id
        user = level.activity_user_id or self.partner_id.with_company(
            self.company_id).dunning_responsible_id or self.responsible_id or self.env.user
        self.partner_id.activity_schedule(
            activity_type_id=level.activity_type_id.id,
            summary=level.activity_summary or level.name,
            note=self.env._("Reminder %(letter)s at level %(level)s, %(amount)s due.",
                            letter=self.name, level=level.name,
                            amount=self.currency_id.format(self.amount_total)),
            user_id=user.id,
        )

    def _mark_sent(self):
        """The letter has gone: freeze it, move its invoices to their new
        level and log it on the customer and on every invoice it names."""
        self.ensure_one()
        self.write({"state": "sent", "sent_date": fields.Datetime.now(), "failure_reason": False})
        level_by_move = {}
        for line in self.line_ids:
            level_by_move.setdefault(line.move_id.id, line.level_id.id or None)
        self.env["account.move"]._dunning_mark_reminded(level_by_move, self.date)
        body = self.env._("Reminder %(letter)s (%(level)s) sent for %(amount)s.",
                          letter=self._get_html_link(), level=self.level_id.name,
                          amount=self.currency_id.format(self.amount_total))
        # Logging on the customer needs no right to edit the customer itself.
        self.partner_id.sudo().message_post(body=body, author_id=self.env.user.partner_id.id)
        for move in self.line_ids.move_id:
            move.message_post(body=body)
        self.env["res.partner"]._dunning_update_states(
            self.company_id, self.partner_id.ids, self.date
        )

    # ------------------------------------------------------------------
    # The dunning run
    # ------------------------------------------------------------------

    @api.model
    def _cron_run_dunning(self):
        """Entry point of the scheduled action: commits after every batch."""
        self.with_context(dunning_commit_progress=True)._run_dunning()

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
            self.env["res.company"].search([]) if self.env.su else self.env.user.company_ids
        )
        created = self.browse()
        committing = bool(self.env.context.get("dunning_commit_progress"))
        for company in companies:
            try:
                if committing:
                    created |= self.with_company(company)._run_dunning_company(company, as_of)
                else:
                    with self.env.cr.savepoint():
                        created |= self.with_company(company)._run_dunning_company(
                            company, as_of)
            except Exception:  # noqa: BLE001 - one company's failure must not stop the others
                _logger.exception("Dunning run failed for company %s", company.name)
                if committing:
                    # Batches already committed stay; the next run resumes.
                    self.env.cr.rollback()
                created = created.exists()
        return created

    def _run_dunning_company(self, company, as_of):
        Partner = self.env["res.partner"].with_company(company)
        try:
            self.env["dunning.level"]._engine_levels(company)
        except DunningConfigError as error:
            _logger.error("Dunning run skipped for %s: %s", company.name, error)
            return self.browse()
        partner_ids = sorted(Partner._dunning_open_items(company).keys() | set(
            self._partners_with_state(company)))
        if not partner_ids:
            return self.browse()
        created = self.browse()
        remaining = len(partner_ids)
        for batch in split_every(RUN_BATCH_SIZE, partner_ids):
            created |= self._run_dunning_batch(company, list(batch), as_of)
            remaining -= len(batch)
            if self.env.context.get("dunning_commit_progress"):
                time_left = self.env["ir.cron"]._commit_progress(len(batch), remaining=remaining)
                if time_left <= 0:
                    break
        return created

    def _partners_with_state(self, company):
        """Customers whose stored state is not 'no action' for ``company``:
        they must be reset when their last overdue invoice got paid."""
        self.env["res.partner"].flush_model(["dunning_status"])
        self.env.cr.execute(
            "SELECT id FROM res_partner WHERE dunning_status ->> %s NOT IN ('no_action')",
            [str(company.id)],
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _run_dunning_batch(self, company, partner_ids, as_of):
        # Two runs at once (the cron and a manual run, or two workers) take
        # turns per batch: the second one waits, then sees the first one's
        # letters and skips those customers.
        self._lock_dunning_run(company)
        evaluated = self.env["res.partner"].with_company(company)._dunning_update_states(
            company, partner_ids, as_of
        )
        busy = self._partners_already_handled(company, partner_ids, as_of)
        vals_list = []
        for partner_id, (decision, rows, state) in evaluated.items():
            if state["dunning_status"] != "action_needed" or partner_id in busy:
                continue
            vals_list.append(self._letter_values(company, partner_id, decision, rows, as_of))
        if not vals_list:
            return self.browse()
        letters = self._create_run_letters(vals_list)
        for letter in letters.filtered(lambda letter: letter.level_id.auto_send):
            self._send_run_letter(letter)
        return letters

    def _create_run_letters(self, vals_list):
        """Create the batch's letters at once; if that fails, one by one, so
        that one customer's bad data skips that customer only."""
        try:
            with self.env.cr.savepoint():
                return self.with_context(dunning_run_lines=True).create(vals_list).with_env(self.env)
        except Exception:  # noqa: BLE001 - isolate the customer at fault below
            _logger.info("Dunning batch creation failed, retrying customer by customer")
        letters = self.browse()
        for vals in vals_list:
            try:
                with self.env.cr.savepoint():
                    letters |= self.create(vals)
            except Exception as error:  # noqa: BLE001 - logged skip, the run goes on
                _logger.warning("Dunning: no letter for customer %s: %s", vals["partner_id"], error)
        return letters

    def _send_run_letter(self, letter):
        """Send an automatic letter; a failure leaves it for a retry."""
        try:
            with self.env.cr.savepoint():
                letter.action_send()
        except Exception as error:  # noqa: BLE001 - logged, the letter stays to send
            _logger.warning("Dunning letter %s not sent: %s", letter.name, error)
            letter.write({"state": "failed", "failure_reason": str(error)})

    def _lock_dunning_run(self, company):
        """Transaction lock on ``company``'s dunning run, released at commit."""
        self.env.cr.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)", [DUNNING_LOCK_KEY, company.id]
        )

    def _partners_already_handled(self, company, partner_ids, as_of):
        """Customers with a letter waiting to be sent, or one dated today
        (even cancelled: an accountant who cancels today's reminder does not
        want it back in the same day's run)."""
        letters = self.search_fetch([
            ("company_id", "=", company.id),
            ("partner_id", "in", partner_ids),
            "|", ("state", "in", ("draft", "to_approve", "failed")), ("date", "=", as_of),
        ], ["partner_id"])
        return set(letters.partner_id.ids)

    @api.model
    def _letter_values(self, company, partner_id, decision, rows, as_of, level=None):
        level = level or decision.level
        row_by_line = {row["line_id"]: row for row in rows}
        lines = []
        for item in letter_items(decision):
            row = row_by_line[item.item_id]
            item_level = item.level or item.current_level
            lines.append(fields.Command.create({
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
            }))
        partner = self.env["res.partner"].browse(partner_id).with_company(company)
        level_record = self.env["dunning.level"].browse(level.id)
        return {
            "partner_id": partner_id,
            "company_id": company.id,
            "level_id": level.id,
            "date": as_of,
            "state": "draft" if level_record.auto_send else "to_approve",
            "responsible_id": (partner.dunning_responsible_id or self.env.user).id,
            "line_ids": lines,
        }
