"""The receivables aging per customer as of one day, kept for the reports.

At 500,000 open items, aggregating every item per customer takes seconds,
however the SQL is written: opening the aging grouped by customer, or printing
it, would make the accountant wait that long every time. The scheduled action
"Dunning: refresh the receivables aging per customer" stores the aging of
every customer (more exactly: of every partner that has receivable items, a
contact or a company) as of the company's today, once a day soon after the
company's midnight, one row per company and partner
(``dunning.aging.snapshot.line``). The aging per customer
(``dunning.aging.customer.report``) then reads those rows and recomputes live
only what changed since:

- a journal item written after the refresh: PostgreSQL stamps every row
  version with the transaction that wrote it (``xmin``); the refresh keeps the
  oldest transaction its snapshot did not see (``snapshot_xid``), and every
  journal item whose ``xmin`` is that one or newer (a payment, a
  reconciliation, a new invoice, a changed due date or partner, whatever wrote
  it, the ORM or SQL) makes its partner's aging live again;
- a journal item deleted, or moved to another partner, after the refresh
  leaves no row behind: ``account.move.line`` marks the partner's rows
  ``stale`` as it does so;
- an account changed after the refresh (its type, say) makes the whole
  company's aging live again, as does another aging date, a company without
  a refresh for the date, or an aging date other than the refresh's.

What a row stores per partner (amounts per bucket, open items, days overdue)
sums and maxes up to the customer, so that the report joins the partner to its
commercial partner at read time: a contact moved to another company counts for
its new one at once.
"""

import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

from .dunning_aging_snapshot_line import SNAPSHOT_COLUMNS

_logger = logging.getLogger(__name__)

# Transaction ids (xid) are 32 bits and wrap around: "newer than the refresh"
# is a difference modulo 2**32 below 2**31, as PostgreSQL compares them.
XID_MODULO = 2**32
XID_HALF = 2**31


def xid_is_newer(row_xmin, boundary):
    """SQL: the row version ``row_xmin`` was written by the transaction
    ``boundary`` (an SQL expression of the snapshot's 32-bit xid) or a later
    one."""
    return SQL(
        "(((%(xmin)s::text::bigint - %(boundary)s) %% %(modulo)s + %(modulo)s) "
        "%% %(modulo)s < %(half)s)",
        xmin=row_xmin,
        boundary=boundary,
        modulo=XID_MODULO,
        half=XID_HALF,
    )


class DunningAgingSnapshot(models.Model):
    _name = "dunning.aging.snapshot"
    _description = "Receivables Aging Snapshot"
    _order = "company_id"

    company_id = fields.Many2one(
        "res.company", required=True, ondelete="cascade", index=True
    )
    aging_date = fields.Date(required=True)
    snapshot_xid = fields.Char(
        string="Snapshot Transaction",
        required=True,
        help="The oldest transaction id (32 bits) that the refresh did not see: "
        "journal items written by it or a later one are aged live.",
    )
    line_count = fields.Integer(string="Partners")
    duration = fields.Float(string="Duration (s)")

    _company_uniq = models.Constraint(
        "UNIQUE(company_id)",
        "A company has one receivables aging snapshot.",
    )

    @api.model
    def _cron_refresh(self):
        """Scheduled action (hourly): store the aging of every company whose
        stored aging is not of its today yet, today in the company's time
        zone (its address's, else the scheduled action's user's), so that each
        company has the aging of its day from the first hour after its
        midnight; the other runs of the day find nothing to do.

        :return: the refreshed dunning.aging.snapshot records
        """
        # every company is checked, and companies are few
        # pylint: disable-next=no-search-all
        companies = self.env["res.company"].sudo().search([])
        stored = {
            snapshot.company_id: snapshot.aging_date
            for snapshot in self.sudo().search([])
        }
        due = defaultdict(lambda: self.env["res.company"])
        for company in companies:
            today = self._dunning_company_today(company)
            if stored.get(company) != today:
                due[today] |= company
        snapshots = self.sudo().browse()
        for aging_date, to_refresh in sorted(due.items()):
            snapshots |= self._dunning_refresh(to_refresh, aging_date)
        return snapshots

    @api.model
    def _dunning_company_today(self, company):
        """Today in ``company``'s time zone (its address's, else the user's)."""
        tz = company.partner_id.tz or self.env.user.tz or "UTC"
        return fields.Date.context_today(self.with_context(tz=tz))

    @api.model
    def _dunning_refresh(self, companies=None, aging_date=None, snapshot_xid=None):
        """Store the aging per partner of ``companies`` (default: every
        company) as of ``aging_date`` (default: today), replacing what was
        stored for them.

        :param snapshot_xid: the transaction id from which journal items count
            as changed (default: the oldest one this transaction's snapshot
            does not see; tests give a later one to treat what they created
            before the refresh as seen)
        :return: the dunning.aging.snapshot records
        """
        # every company is refreshed, and companies are few
        # pylint: disable-next=no-search-all
        companies = companies or self.env["res.company"].sudo().search([])
        aging_date = fields.Date.to_date(aging_date) or fields.Date.context_today(self)
        started = fields.Datetime.now()
        cr = self.env.cr
        self.env.flush_all()
        if snapshot_xid is None:
            # PostgreSQL's repeatable read: the transaction's snapshot, the one
            # the INSERT below reads. Every transaction it does not see, still
            # running or started later, is this one or newer.
            cr.execute(
                SQL(
                    "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint"
                    " %% %s",
                    XID_MODULO,
                )
            )
            snapshot_xid = cr.fetchone()[0]
        Line = self.env["dunning.aging.snapshot.line"]
        cr.execute(
            SQL(
                "DELETE FROM dunning_aging_snapshot_line WHERE company_id = ANY(%s)",
                companies.ids,
            )
        )
        Report = self.env["dunning.aging.report"]
        per_partner = Report._dunning_aging_per_partner_query(
            Report._dunning_aging_items_query(
                aging_date, companies.ids, without_customer=False
            )
        )
        columns = SQL(", ").join(SQL.identifier(fname) for fname in SNAPSHOT_COLUMNS)
        cr.execute(
            SQL(
                """WITH inserted AS (
                       INSERT INTO dunning_aging_snapshot_line (%(columns)s, stale)
                       SELECT %(columns)s, FALSE FROM (%(per_partner)s) per_partner
                       RETURNING company_id
                   )
                   SELECT company_id, COUNT(*) FROM inserted GROUP BY company_id""",
                columns=columns,
                per_partner=per_partner,
            )
        )
        counts = dict(cr.fetchall())
        # Fresh statistics: the planner reads 100,000 stored rows with hash
        # joins, not with the nested loops it picks for an empty table.
        cr.execute(SQL("ANALYZE dunning_aging_snapshot_line"))
        Line.invalidate_model()
        duration = (fields.Datetime.now() - started).total_seconds()
        existing = self.sudo().search([("company_id", "in", companies.ids)])
        by_company = {snapshot.company_id: snapshot for snapshot in existing}
        snapshots = self.sudo().browse()
        for company in companies:
            values = {
                "aging_date": aging_date,
                "snapshot_xid": str(snapshot_xid),
                "line_count": counts.get(company.id, 0),
                "duration": duration,
            }
            if company in by_company:
                by_company[company].write(values)
                snapshots |= by_company[company]
            else:
                snapshots |= self.sudo().create({"company_id": company.id, **values})
        _logger.info(
            "Receivables aging as of %s stored for %d companies, %d partners, "
            "in %.1f s",
            aging_date,
            len(companies),
            sum(counts.values()),
            duration,
        )
        return snapshots

    @api.model
    def _dunning_usable(self, aging_date, company_ids):
        """{company id: snapshot xid} of the companies whose stored aging can
        serve ``aging_date``: stored for that date, and no account changed
        since."""
        self.env["account.account"].flush_model()
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT snapshot.company_id, snapshot.snapshot_xid::bigint
                     FROM dunning_aging_snapshot snapshot
                    WHERE snapshot.company_id = ANY(%(company_ids)s)
                      AND snapshot.aging_date = %(aging_date)s
                      AND NOT EXISTS (
                          SELECT 1 FROM account_account account
                           WHERE %(account_changed)s
                      )""",
                company_ids=list(company_ids),
                aging_date=aging_date,
                account_changed=xid_is_newer(
                    SQL("account.xmin"), SQL("snapshot.snapshot_xid::bigint")
                ),
            )
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _dunning_changed_partners(self, usable):
        """The partners whose stored aging is out of date in the companies of
        ``usable`` ({company id: snapshot xid}): a journal item of theirs
        written since the refresh, or a row marked stale."""
        if not usable:
            return []
        self.env["account.move.line"].flush_model()
        self.env["dunning.aging.snapshot.line"].flush_model()
        snapshots = SQL(", ").join(
            SQL("(%s, %s)", company_id, xid) for company_id, xid in usable.items()
        )
        self.env.cr.execute(
            SQL(
                """SELECT line.partner_id
                     FROM account_move_line line
                     JOIN (VALUES %(snapshots)s) AS snapshot(company_id, xid)
                          ON snapshot.company_id = line.company_id
                    WHERE line.partner_id IS NOT NULL
                      AND %(changed)s
                    UNION
                   SELECT stale.partner_id
                     FROM dunning_aging_snapshot_line stale
                    WHERE stale.stale AND stale.company_id = ANY(%(company_ids)s)""",
                snapshots=snapshots,
                changed=xid_is_newer(SQL("line.xmin"), SQL("snapshot.xid")),
                company_ids=list(usable),
            )
        )
        return [partner_id for (partner_id,) in self.env.cr.fetchall()]
