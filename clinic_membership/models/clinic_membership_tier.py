from collections import defaultdict
from itertools import pairwise

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, float_compare, float_round

from ..tools.member_segments import DEFAULT_DORMANT_DAYS


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
    benefit_ids = fields.One2many(
        "clinic.membership.benefit",
        "tier_id",
        string="Benefit Rules",
        help="Services the tier gives free, so many times per calendar year or month.",
    )
    dormant_days = fields.Integer(
        default=DEFAULT_DORMANT_DAYS,
        help="A member of this tier without a visit for this many days is dormant (member segments).",
    )
    color = fields.Integer()
    member_ids = fields.One2many("res.partner", "tier_id", string="Members")
    member_count = fields.Integer(compute="_compute_member_count")

    _sql_constraints = [
        ("min_spend_positive", "CHECK(min_spend >= 0)", "The minimum qualifying spend cannot be negative."),
        ("points_per_unit_positive", "CHECK(points_per_unit >= 0)", "The points rate cannot be negative."),
        ("dormant_days_positive", "CHECK(dormant_days > 0)", "The dormant days of a tier must be positive."),
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

    # ------------------------------------------------------------------ evaluation of the members

    @api.model
    def _evaluate_members(self, company, partner_ids=None, allow_downgrade=True):
        """Re-evaluate the tiers of the company's members, decided in one SQL statement.

        The statement sums each member's qualifying spend, picks the tier it reaches and returns
        only the members whose spend or tier changes; their spend is stored in bulk and their
        tiers written grouped by new tier. Upgrades always apply; downgrades only with
        ``allow_downgrade`` (the periodic evaluation) and never while the tier is locked.
        Returns the number of tier changes.
        """
        today = fields.Date.context_today(self.with_company(company))
        changes = self._store_members_spend(company, today, partner_ids)
        to_write = defaultdict(list)
        for row in changes:
            if row["target_id"] == row["tier_id"]:
                continue
            upgrade = (
                row["tier_min_spend"] is None
                or company.currency_id.compare_amounts(float(row["target_min_spend"]), float(row["tier_min_spend"])) > 0
            )
            if upgrade:
                to_write[(row["target_id"], "upgrade")].append(row["partner_id"])
            elif allow_downgrade and not (row["locked_until"] and row["locked_until"] >= today):
                to_write[(row["target_id"], "downgrade")].append(row["partner_id"])
        Partner = self.env["res.partner"].sudo()
        for (tier_id, reason), ids in to_write.items():
            Partner.browse(ids)._clinic_set_tier(self.browse(tier_id), reason)
        return sum(len(ids) for ids in to_write.values())

    @api.model
    def _refresh_members_spend(self, company, partner_ids):
        """Store the members' current qualifying spend, their tiers unchanged."""
        self._store_members_spend(company, fields.Date.context_today(self.with_company(company)), partner_ids)

    @api.model
    def _store_members_spend(self, company, today, partner_ids=None):
        """Store the spend of the members whose spend changed; return every changed member's row."""
        changes = self._member_changes(company, today, partner_ids)
        spends = [(row["partner_id"], row["spend"]) for row in changes if row["spend_changed"]]
        if spends:
            ids, amounts = zip(*spends, strict=True)
            rounding = company.currency_id.rounding
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE res_partner p SET qualifying_spend = v.spend
                      FROM unnest(%s::int[], %s::numeric[]) AS v(id, spend)
                     WHERE p.id = v.id
                    """,
                    list(ids),
                    [float_round(float(amount), precision_rounding=rounding) for amount in amounts],
                )
            )
            self.env["res.partner"].invalidate_model(["qualifying_spend"])
        return changes

    @api.model
    def _member_changes(self, company, today, partner_ids=None):
        """The members of ``company`` whose qualifying spend or reachable tier differs from what is
        stored, with both: one statement, nothing else comes back.

        The tier reached is the highest active tier (by sequence) whose threshold the spend meets to
        the half cent, and never below the entry tier (even with more credit notes than invoices):
        the thresholds go into the statement as one ``CASE``, so that picking it costs nothing.
        """
        self.env["account.move"].flush_model(
            ["state", "move_type", "commercial_partner_id", "company_id", "invoice_date", "amount_untaxed_signed"]
        )
        self.env["res.partner"].flush_model(
            ["is_member", "member_company_id", "tier_id", "tier_locked_until", "qualifying_spend"]
        )
        tiers = self._tiers_by_company(company)
        if not tiers:
            return []
        currency = company.currency_id
        half_cent = currency.rounding / 2
        target = SQL("%s::int", tiers[0].id)
        if len(tiers) > 1:
            target = SQL(
                "CASE %s ELSE %s END",
                SQL(" ").join(
                    SQL("WHEN COALESCE(s.spend, 0) >= %s THEN %s", tier.min_spend - half_cent, tier.id)
                    for tier in reversed(tiers[1:])
                ),
                target,
            )
        date_from = company._clinic_spend_window_start(today)
        date_filter = SQL("AND m.invoice_date >= %s", date_from) if date_from else SQL()
        partner_filter = SQL("AND p.id = ANY(%s)", list(partner_ids)) if partner_ids is not None else SQL()
        # a posting hook asks for a few members: their invoices only, not the company's whole history
        move_filter = (
            SQL("AND m.commercial_partner_id = ANY(%s)", list(partner_ids)) if partner_ids is not None else SQL()
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT * FROM (
                    SELECT p.id AS partner_id, p.tier_id, p.tier_locked_until AS locked_until,
                           ROUND(COALESCE(s.spend, 0), %(digits)s) AS spend,
                           ROUND(COALESCE(s.spend, 0), %(digits)s)
                               <> ROUND(COALESCE(p.qualifying_spend, 0), %(digits)s) AS spend_changed,
                           %(target)s AS target_id
                      FROM res_partner p
                 LEFT JOIN (
                            SELECT m.commercial_partner_id AS partner_id, SUM(m.amount_untaxed_signed) AS spend
                              FROM account_move m
                             WHERE m.company_id = %(company)s
                               AND m.state = 'posted'
                               AND m.move_type IN ('out_invoice', 'out_refund')
                               %(date_filter)s %(move_filter)s
                          GROUP BY m.commercial_partner_id
                           ) s ON s.partner_id = p.id
                     WHERE p.is_member AND p.member_company_id = %(company)s %(partner_filter)s
                ) member
                 WHERE member.spend_changed OR member.tier_id IS DISTINCT FROM member.target_id
                """,
                company=company.id,
                digits=currency.decimal_places,
                target=target,
                date_filter=date_filter,
                move_filter=move_filter,
                partner_filter=partner_filter,
            )
        )
        rows = self.env.cr.dictfetchall()
        thresholds = {
            tier.id: tier.min_spend
            for tier in self.with_context(active_test=False).browse(
                {row["tier_id"] for row in rows if row["tier_id"]} | {row["target_id"] for row in rows}
            )
        }
        for row in rows:
            row["target_min_spend"] = thresholds[row["target_id"]]
            row["tier_min_spend"] = thresholds.get(row["tier_id"])
        return rows

    @api.model
    def _cron_evaluate_tiers(self):
        for (company,) in self._read_group([], ["company_id"]):
            self._evaluate_members(company)

    def action_view_members(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("clinic_membership.res_partner_action_clinic_member")
        action["domain"] = [("tier_id", "=", self.id)]
        action["context"] = {"default_tier_id": self.id}
        return action
