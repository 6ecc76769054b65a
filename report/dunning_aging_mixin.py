"""What the two aging reports share: the customer of a row and the aging of
its amounts, as of the context's aging date.

``dunning.aging.report`` has one row per open item, and
``dunning.aging.customer.report`` one row per customer; the fields below are
the customer's on both (the same on every item row of a customer), so that the
item report can hand a grouping by customer over to the customer report.
"""

from odoo import fields, models

from ..dunning_followup import DEFAULT_AGING_EDGES, bucket_labels

AGING_LABELS = bucket_labels(DEFAULT_AGING_EDGES)
AGING_AMOUNT_FIELDS = {label: f"amount_{label}" for label in AGING_LABELS}
# The amount fields: one per bucket, then the total.
AGING_AMOUNTS = [*AGING_AMOUNT_FIELDS.values(), "amount_total"]
AGING_CONTEXT = ("aging_date",)

# The fields of a row that are its customer's: grouping and filtering on them
# only can be served by the aging per customer.
CUSTOMER_FIELDS = frozenset(
    {
        "partner_id",
        "company_id",
        "currency_id",
        "user_id",
        "dunning_responsible_id",
        "dunning_level_id",
        "country_id",
        "aging_date",
    }
)


def aging_date_from_context(record):
    """The aging date of the context (``aging_date``), today by default."""
    value = record.env.context.get("aging_date")
    return fields.Date.to_date(value) if value else fields.Date.context_today(record)


def aging_amount_field(string):
    """An amount of the aging (a bucket's or the total), in the company's
    currency, as of the context's aging date."""
    return fields.Monetary(
        string=string,
        readonly=True,
        depends_context=AGING_CONTEXT,
        currency_field="currency_id",
    )


class DunningAgingMixin(models.AbstractModel):
    _name = "dunning.aging.mixin"
    _description = "Receivables Aging (customer and amounts)"

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(
        "res.currency", string="Company Currency", readonly=True
    )

    # The customer (its commercial entity) and who follows it up
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    dunning_responsible_id = fields.Many2one("res.users", readonly=True)
    dunning_level_id = fields.Many2one("dunning.level", readonly=True)
    country_id = fields.Many2one("res.country", readonly=True)

    # The aging. Its values depend on the context's aging date: the ORM caches
    # them per aging date.
    aging_date = fields.Date(
        readonly=True, depends_context=AGING_CONTEXT, aggregator="max"
    )
    amount_not_due = aging_amount_field("Not Due")
    amount_1_30 = aging_amount_field("1-30")
    amount_31_60 = aging_amount_field("31-60")
    amount_61_90 = aging_amount_field("61-90")
    amount_91_120 = aging_amount_field("91-120")
    amount_120_plus = aging_amount_field("Over 120")
    amount_total = aging_amount_field("Total")
