"""Member segments from recency, frequency and monetary value (RFM), scored in one statement.

A visit is a posted customer invoice; frequency and monetary value count the last twelve months
(monetary: untaxed, credit notes deducted, as the qualifying spend); recency is the days since the
last visit. Frequency and monetary value are scored 1-5 by quintile of rank among the company's
members who have some (ties take the lower quintile, so that a crowd of one-visit members never
counts as frequent). The first rule that matches names the segment:

1. ``new``: a member for less than ``NEW_MEMBER_DAYS`` who is not dormant;
2. ``dormant``: no visit, or none for the tier's dormant days (a campaign targets them directly);
3. ``at_risk``: half the dormant days without a visit, and a top-two quintile of frequency or value;
4. ``attention``: half the dormant days without a visit;
5. ``champion``: top-two quintiles of both frequency and value;
6. ``active``: everyone else.
"""

from odoo.tools import SQL

SEGMENTS = [
    ("champion", "High-Value Active"),
    ("active", "Active"),
    ("new", "New Member"),
    ("attention", "Needs Reactivation"),
    ("at_risk", "At Risk of Leaving"),
    ("dormant", "Dormant"),
]
NEW_MEMBER_DAYS = 90
DEFAULT_DORMANT_DAYS = 180


def members_scored(company_id, today, year_ago):
    """SELECT of every member of the company with her recency, frequency, value and segment."""
    return SQL(
        """
        WITH visits AS (
            SELECT m.commercial_partner_id AS partner_id,
                   MAX(m.invoice_date) FILTER (WHERE m.move_type = 'out_invoice') AS last_visit,
                   COUNT(DISTINCT m.invoice_date)
                       FILTER (WHERE m.move_type = 'out_invoice' AND m.invoice_date > %(year_ago)s) AS frequency,
                   SUM(m.amount_untaxed_signed) FILTER (WHERE m.invoice_date > %(year_ago)s) AS monetary
              FROM account_move m
             WHERE m.company_id = %(company)s
               AND m.state = 'posted'
               AND m.move_type IN ('out_invoice', 'out_refund')
               AND m.invoice_date <= %(today)s
          GROUP BY m.commercial_partner_id
        ), members AS (
            SELECT p.id AS partner_id,
                   p.member_since,
                   COALESCE(NULLIF(t.dormant_days, 0), %(dormant_days)s) AS dormant_days,
                   %(today)s::date - v.last_visit AS recency,
                   COALESCE(v.frequency, 0) AS frequency,
                   ROUND(COALESCE(v.monetary, 0), 2) AS monetary
              FROM res_partner p
         LEFT JOIN clinic_membership_tier t ON t.id = p.tier_id
         LEFT JOIN visits v ON v.partner_id = p.id
             WHERE p.is_member AND p.member_company_id = %(company)s
        ), scores AS (
            SELECT members.*,
                   CASE WHEN frequency > 0 THEN LEAST(5, 1 + FLOOR(5 * PERCENT_RANK()
                        OVER (PARTITION BY frequency > 0 ORDER BY frequency))) END AS f_score,
                   CASE WHEN monetary > 0 THEN LEAST(5, 1 + FLOOR(5 * PERCENT_RANK()
                        OVER (PARTITION BY monetary > 0 ORDER BY monetary))) END AS m_score
              FROM members
        )
        SELECT partner_id, recency, frequency, monetary,
               CASE
                   WHEN member_since > %(today)s::date - %(new_days)s
                        AND (recency IS NULL OR recency < dormant_days) THEN 'new'
                   WHEN recency IS NULL OR recency >= dormant_days THEN 'dormant'
                   WHEN recency * 2 >= dormant_days AND (f_score >= 4 OR m_score >= 4) THEN 'at_risk'
                   WHEN recency * 2 >= dormant_days THEN 'attention'
                   WHEN f_score >= 4 AND m_score >= 4 THEN 'champion'
                   ELSE 'active'
               END AS segment
          FROM scores
        """,
        company=company_id,
        today=today,
        year_ago=year_ago,
        new_days=NEW_MEMBER_DAYS,
        dormant_days=DEFAULT_DORMANT_DAYS,
    )


def update_segments(company_id, today, year_ago):
    """UPDATE of the members whose segment, frequency or value changed; returns the ids it changed."""
    return SQL(
        """
        UPDATE res_partner p
           SET clinic_segment = s.segment,
               clinic_visit_count = s.frequency,
               clinic_net_revenue = s.monetary,
               clinic_segment_date = CASE WHEN p.clinic_segment IS DISTINCT FROM s.segment
                                          THEN %(today)s ELSE p.clinic_segment_date END
          FROM (%(scored)s) s
         WHERE p.id = s.partner_id
           AND (p.clinic_segment IS DISTINCT FROM s.segment
                OR p.clinic_visit_count IS DISTINCT FROM s.frequency
                OR p.clinic_net_revenue IS DISTINCT FROM s.monetary)
     RETURNING p.id
        """,
        scored=members_scored(company_id, today, year_ago),
        today=today,
    )
