from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.member_segments import SEGMENTS


class ClinicSegmentSnapshot(models.Model):
    """Members, visits and revenue by tier and segment, month by month: what the nightly scoring
    leaves of each month (the current month is rewritten every night until it ends)."""

    _name = "clinic.segment.snapshot"
    _description = "Members by Segment per Month"
    _order = "month desc, company_id, tier_id, segment"
    _rec_name = "month"

    month = fields.Date(required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    tier_id = fields.Many2one("clinic.membership.tier", readonly=True, ondelete="cascade")
    segment = fields.Selection(SEGMENTS, readonly=True)
    member_count = fields.Integer(string="Members", readonly=True)
    visit_count = fields.Integer(string="Visits", readonly=True, help="Posted customer invoices of the month.")
    revenue = fields.Monetary(readonly=True, help="Untaxed invoices minus credit notes of the month.")

    _sql_constraints = [
        (
            "month_tier_segment_unique",
            "UNIQUE NULLS NOT DISTINCT (month, company_id, tier_id, segment)",
            "One row per month, tier and segment.",
        ),
    ]

    @api.model
    def _record_month(self, company, today):
        """Rewrite the month of ``today`` from the members' tiers and segments now."""
        month = today.replace(day=1)
        self.env.cr.execute(
            SQL("DELETE FROM clinic_segment_snapshot WHERE month = %s AND company_id = %s", month, company.id)
        )
        self.env.cr.execute(
            SQL(
                """
                WITH invoiced AS (
                    SELECT m.commercial_partner_id AS partner_id,
                           COUNT(*) FILTER (WHERE m.move_type = 'out_invoice') AS visits,
                           SUM(m.amount_untaxed_signed) AS revenue
                      FROM account_move m
                     WHERE m.company_id = %(company)s AND m.state = 'posted'
                       AND m.move_type IN ('out_invoice', 'out_refund')
                       AND m.invoice_date >= %(month)s AND m.invoice_date <= %(today)s
                  GROUP BY m.commercial_partner_id
                )
                INSERT INTO clinic_segment_snapshot
                       (month, company_id, tier_id, segment, member_count, visit_count, revenue,
                        create_uid, create_date, write_uid, write_date)
                SELECT %(month)s, %(company)s, p.tier_id, p.clinic_segment, COUNT(*),
                       COALESCE(SUM(i.visits), 0), COALESCE(SUM(i.revenue), 0),
                       %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
                  FROM res_partner p
             LEFT JOIN invoiced i ON i.partner_id = p.id
                 WHERE p.is_member AND p.member_company_id = %(company)s
              GROUP BY p.tier_id, p.clinic_segment
                """,
                month=month,
                today=today,
                company=company.id,
                uid=self.env.uid,
            )
        )
        self.invalidate_model()
