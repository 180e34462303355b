"""Benchmark of the daily campaign automations (prints figures; asserts results, never times).

A holiday promotion with bonus points reaches every member: the cron grants them in chunks (points
rows, mails, grants). Printed beside it: the bare ``INSERT ... SELECT`` of the same grant rows, the
floor no ORM run can go under. CLINIC_BENCH_AUTOMATION_MEMBERS changes the size (default 2,000 in
CI; the issue's figure is at 100,000).
"""

import os
import time

from figures import record_figure

from odoo import fields
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

MEMBERS = int(os.environ.get("CLINIC_BENCH_AUTOMATION_MEMBERS", "2000"))


@tagged("post_install", "-at_install")
class TestBenchCampaignAutomations(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        Campaign = cls.env["utm.campaign"]
        Campaign.search([("clinic_campaign_type", "!=", False)]).write({"active": False})
        cls.env["res.partner"].search([("is_member", "=", True)]).action_leave_membership()
        entry = cls.env["clinic.membership.tier"]._tiers_by_company(cls.company)[0]
        cls.env.cr.execute(
            SQL(
                """
                INSERT INTO res_partner (name, active, autopost_bills, type, is_member, member_company_id,
                                         member_number, member_since, tier_id, qualifying_spend, email,
                                         consent_email, lang)
                SELECT 'Automation member ' || g, TRUE, 'ask', 'contact', TRUE, %(company)s,
                       'AUTO' || g, CURRENT_DATE, %(entry)s, 0, 'auto' || g || '@example.com',
                       mod(g, 5) <> 0, 'en_US'
                  FROM generate_series(1, %(n)s) g
             RETURNING id
                """,
                company=cls.company.id,
                entry=entry.id,
                n=MEMBERS,
            )
        )
        ids = [row[0] for row in cls.env.cr.fetchall()]
        cls.env.cr.execute(SQL("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", ids))
        cls.env.cr.execute("ANALYZE res_partner")
        cls.campaign = Campaign.create(
            {
                "title": "Bench holiday",
                "clinic_campaign_type": "holiday",
                "bonus_points": 100,
                "date_start": fields.Date.context_today(cls.env.user),
                "mail_template_id": cls.env.ref("clinic_campaign.mail_template_campaign_holiday").id,
            }
        )

    def _bare_insert(self):
        """The floor: the same grant rows written by one INSERT ... SELECT (then taken back)."""
        self.env.cr.execute("SAVEPOINT bench_bare")
        t0 = time.perf_counter()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO clinic_campaign_grant (campaign_id, partner_id, company_id, period_key, date,
                                                   contact_state, create_uid, write_uid, create_date, write_date)
                SELECT %(campaign)s, p.id, %(company)s, 'bare', CURRENT_DATE,
                       CASE WHEN p.consent_email THEN 'sent' ELSE 'no_consent' END, 1, 1, now(), now()
                  FROM res_partner p
                 WHERE p.is_member AND p.member_company_id = %(company)s
                """,
                campaign=self.campaign.id,
                company=self.company.id,
            )
        )
        seconds = time.perf_counter() - t0
        self.env.cr.execute("ROLLBACK TO SAVEPOINT bench_bare")
        return seconds

    def test_holiday_promotion_to_every_member(self):
        bare_seconds = self._bare_insert()
        self.env.invalidate_all()
        t0 = time.perf_counter()
        self.env["utm.campaign"]._cron_clinic_automations()
        self.env.flush_all()
        run_seconds = time.perf_counter() - t0
        grants = self.env["clinic.campaign.grant"].search_count([("campaign_id", "=", self.campaign.id)])
        mailed = self.env["clinic.campaign.grant"].search_count(
            [("campaign_id", "=", self.campaign.id), ("contact_state", "=", "sent")]
        )
        self.assertEqual(grants, MEMBERS)
        self.assertEqual(mailed, MEMBERS - MEMBERS // 5)
        t0 = time.perf_counter()
        self.env["utm.campaign"]._cron_clinic_automations()
        again_seconds = time.perf_counter() - t0
        self.assertEqual(
            self.env["clinic.campaign.grant"].search_count([("campaign_id", "=", self.campaign.id)]), MEMBERS
        )
        record_figure(
            f"Campaign automations: a holiday promotion to {MEMBERS:,} members (points, mails, grants)",
            [
                f"bare INSERT ... SELECT of the grant rows  {bare_seconds:8.2f} s",
                f"the daily cron, chunks of 500            {run_seconds:8.2f} s"
                f"  ({run_seconds / bare_seconds:,.0f}x the bare insert; {run_seconds / MEMBERS * 1000:.1f} ms"
                " per member)",
                f"the same cron again (nothing left to do) {again_seconds:8.2f} s",
            ],
        )
