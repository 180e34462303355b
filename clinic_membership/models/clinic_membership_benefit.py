from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ClinicMembershipBenefit(models.Model):
    """A tier's benefit as a rule: a service given free, so many times per calendar year or month.

    The member's quota of a period is set by the tier she holds on the day of use; what she used in
    that period counts against it, whichever tier she used it under (``clinic.benefit.move``).
    """

    _name = "clinic.membership.benefit"
    _inherit = ["clinic.guarded.mixin"]
    # its company is its tier's: written through the related field, it would move the tier
    _clinic_protected_fields = ("company_id",)
    _description = "Membership Tier Benefit"
    _order = "tier_id, sequence, id"

    tier_id = fields.Many2one("clinic.membership.tier", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    name = fields.Char(required=True, translate=True, help="As the member reads it, e.g. a free consultation.")
    product_id = fields.Many2one(
        "product.product",
        string="Service",
        required=True,
        ondelete="restrict",
        domain="[('type', '=', 'service'), ('company_id', 'in', (company_id, False))]",
        help="The service given free under this benefit.",
    )
    quantity = fields.Integer(required=True, default=1, help="How many times per period the service is free.")
    period = fields.Selection(
        [("year", "Per calendar year"), ("month", "Per calendar month")],
        required=True,
        default="year",
        help="Calendar periods, in the time zone of the clinic's user.",
    )
    company_id = fields.Many2one(related="tier_id.company_id", store=True, index=True)

    @api.constrains("quantity")
    def _check_quantity(self):
        for benefit in self:
            if benefit.quantity <= 0:
                raise ValidationError(
                    self.env._("%s: the number of times per period must be a whole number above zero.", benefit.name)
                )

    @api.constrains("product_id", "tier_id")
    def _check_product(self):
        for benefit in self:
            product = benefit.product_id
            if product.type != "service":
                raise ValidationError(
                    self.env._(
                        "%(benefit)s: %(product)s is not a service; a benefit gives a service.",
                        benefit=benefit.name,
                        product=product.display_name,
                    )
                )
            if self.search_count([("tier_id", "=", benefit.tier_id.id), ("product_id", "=", product.id)]) > 1:
                raise ValidationError(
                    self.env._(
                        "Tier %(tier)s already gives %(product)s under another benefit.",
                        tier=benefit.tier_id.name,
                        product=product.display_name,
                    )
                )
            if product.company_id and product.company_id != benefit.company_id:
                raise ValidationError(
                    self.env._(
                        "%(benefit)s: %(product)s belongs to another company.",
                        benefit=benefit.name,
                        product=product.display_name,
                    )
                )

    def _period_bounds(self, day):
        """(first day, first day after) of the calendar period of this benefit holding ``day``."""
        self.ensure_one()
        if self.period == "month":
            start = date(day.year, day.month, 1)
            return start, start + relativedelta(months=1)
        start = date(day.year, 1, 1)
        return start, start + relativedelta(years=1)

    def _label(self):
        """The benefit as an invoice line names it: "免费咨询 (金卡权益)"."""
        self.ensure_one()
        return self.env._("%(benefit)s (%(tier)s benefit)", benefit=self.name, tier=self.tier_id.name)
