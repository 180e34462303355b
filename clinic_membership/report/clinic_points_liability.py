from odoo import fields, models
from odoo.tools import SQL


class ClinicPointsLiability(models.Model):
    """What the clinic owes in points, member by member: the ledger's balance at the company's point
    value, and what of it expires next month (from the lots left, the points ledger's own rule)."""

    _name = "clinic.points.liability"
    _description = "Points Liability"
    _auto = False
    _order = "points_value desc, partner_id"
    _rec_name = "partner_id"
    _depends = {  # flushed before the view is read
        "clinic.points.move": ["partner_id", "company_id", "points", "expiry_date"],
        "clinic.points.allocation": ["lot_id", "points"],
        "res.company": ["clinic_point_value"],
        "res.partner": ["tier_id"],
    }

    partner_id = fields.Many2one("res.partner", string="Member", readonly=True)
    tier_id = fields.Many2one("clinic.membership.tier", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    points_balance = fields.Integer(string="Points", readonly=True)
    points_value = fields.Monetary(string="Value", readonly=True)
    points_expiring = fields.Integer(string="Expiring Next Month", readonly=True)
    value_expiring = fields.Monetary(string="Value Expiring Next Month", readonly=True)

    @property
    def _table_query(self):
        return SQL(
            """
            WITH lots_left AS (
                SELECT lot.partner_id, lot.company_id, lot.expiry_date,
                       lot.points - COALESCE(SUM(alloc.points), 0) AS remaining
                  FROM clinic_points_move lot
             LEFT JOIN clinic_points_allocation alloc ON alloc.lot_id = lot.id
                 WHERE lot.points > 0
              GROUP BY lot.id
            ), expiring AS (
                SELECT partner_id, company_id, SUM(remaining) AS points
                  FROM lots_left
                 WHERE remaining > 0
                   AND expiry_date >= date_trunc('month', CURRENT_DATE) + interval '1 month'
                   AND expiry_date < date_trunc('month', CURRENT_DATE) + interval '2 months'
              GROUP BY partner_id, company_id
            ), balances AS (
                SELECT partner_id, company_id, SUM(points) AS points
                  FROM clinic_points_move
              GROUP BY partner_id, company_id
                HAVING SUM(points) != 0
            )
            SELECT row_number() OVER (ORDER BY balances.partner_id, balances.company_id) AS id,
                   balances.partner_id,
                   partner.tier_id,
                   balances.company_id,
                   company.currency_id,
                   balances.points AS points_balance,
                   balances.points * COALESCE(company.clinic_point_value, 0) AS points_value,
                   COALESCE(expiring.points, 0) AS points_expiring,
                   COALESCE(expiring.points, 0) * COALESCE(company.clinic_point_value, 0) AS value_expiring
              FROM balances
              JOIN res_partner partner ON partner.id = balances.partner_id
              JOIN res_company company ON company.id = balances.company_id
         LEFT JOIN expiring ON expiring.partner_id = balances.partner_id
                           AND expiring.company_id = balances.company_id
            """
        )
