import bisect
from itertools import pairwise

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare


class ClinicMembershipTier(models.Model):
    _name = "clinic.membership.tier"
    _inherit = ["clinic.guarded.mixin"]
    _description = "Membership Tier"
    _order = "company_id, sequence, min_spend, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10, help="Tiers rank from the lowest sequence (entry tier) upwards.")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    min_spend = fields.Monetary(
        string="Minimum Qualifying Spend",
        currency_field="currency_id",
        help="Qualifying spend (untaxed invoices minus credit notes, in company currency) needed to reach this tier.",
    )
    points_per_unit = fields.Float(
        string="Points per Unit",
        digits=(16, 4),
        default=1.0,
        help="Points earned for each 1 unit of company currency spent (untaxed).",
    )
    pricelist_id = fields.Many2one(
        "product.pricelist",
        string="Member Pricelist",
        domain="[('company_id', 'in', (company_id, False))]",
        help="Prices of this tier; members of the tier get it as their pricelist.",
    )
    benefits = fields.Html(translate=True)
    color = fields.Integer()
    member_ids = fields.One2many("res.partner", "tier_id", string="Members")
    member_count = fields.Integer(compute="_compute_member_count")

    _sql_constraints = [
        ("min_spend_positive", "CHECK(min_spend >= 0)", "The minimum qualifying spend cannot be negative."),
        ("points_per_unit_positive", "CHECK(points_per_unit >= 0)", "The points rate cannot be negative."),
    ]

    def _compute_member_count(self):
        counts = dict(self.env["res.partner"]._read_group([("tier_id", "in", self.ids)], ["tier_id"], ["__count"]))
        for tier in self:
            tier.member_count = counts.get(tier, 0)

    @api.constrains("min_spend", "sequence", "company_id", "active")
    def _check_thresholds_increase(self):
        for company in self.company_id:
            tiers = self.search([("company_id", "=", company.id)], order="sequence, id")
            for lower, higher in pairwise(tiers):
                if (
                    float_compare(higher.min_spend, lower.min_spend, precision_rounding=company.currency_id.rounding)
                    <= 0
                ):
                    raise ValidationError(
                        self.env._(
                            "Tier %(higher)s needs a higher minimum spend than tier %(lower)s, which ranks below it.",
                            higher=higher.name,
                            lower=lower.name,
                        )
                    )

    @api.constrains("pricelist_id", "company_id")
    def _check_pricelist_currency(self):
        for tier in self.filtered("pricelist_id"):
            if tier.pricelist_id.currency_id != tier.currency_id:
                raise ValidationError(
                    self.env._(
                        "The pricelist of tier %(tier)s is in %(pricelist_currency)s, "
                        "but the company works in %(company_currency)s.",
                        tier=tier.name,
                        pricelist_currency=tier.pricelist_id.currency_id.name,
                        company_currency=tier.currency_id.name,
                    )
                )
            if tier.pricelist_id.company_id and tier.pricelist_id.company_id != tier.company_id:
                raise ValidationError(self.env._("The pricelist of tier %s belongs to another company.", tier.name))

    @api.model
    def _tiers_by_company(self, company):
        """Active tiers of the company from the entry tier upwards."""
        return self.search([("company_id", "=", company.id)], order="sequence, id")

    @api.model
    def _tier_picker(self, tiers):
        """A function giving, for a spend, the highest of ``tiers`` (ordered upwards) it reaches.

        Members never fall below the entry tier, even with more credit notes than invoices.
        Thresholds are read once, so the periodic evaluation can call it for every member.
        """
        if not tiers:
            return lambda spend: tiers
        half_cent = tiers[0].currency_id.rounding / 2
        thresholds = [tier.min_spend - half_cent for tier in tiers]
        return lambda spend: tiers[max(bisect.bisect_right(thresholds, float(spend)) - 1, 0)]

    @api.model
    def _tier_for_spend(self, tiers, spend):
        return self._tier_picker(tiers)(spend)

    def _is_above(self, other):
        """Whether this tier ranks above ``other`` (thresholds rise with the rank; no tier ranks lowest)."""
        self.ensure_one()
        if not other:
            return True
        return float_compare(self.min_spend, other.min_spend, precision_rounding=self.currency_id.rounding) > 0

    def action_view_members(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("clinic_membership.res_partner_action_clinic_member")
        action["domain"] = [("tier_id", "=", self.id)]
        action["context"] = {"default_tier_id": self.id}
        return action
