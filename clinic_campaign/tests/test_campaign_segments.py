"""A reactivation campaign targets the dormant segment and counts who came back (issue 22)."""

from datetime import timedelta

from odoo.tests import tagged

from .common import ClinicCampaignCase


@tagged("post_install", "-at_install")
class TestCampaignSegments(ClinicCampaignCase):
    def member_with_last_visit(self, name, days_ago):
        member = self.create_member(name)
        self.create_invoice(member, 500, date=self.today - timedelta(days=days_ago))
        member.flush_recordset()
        self.env.cr.execute(
            "UPDATE res_partner SET member_since = %s WHERE id = %s", [self.today - timedelta(days=400), member.id]
        )
        member.invalidate_recordset(["member_since"])
        return member

    def test_reactivation_reaches_the_dormant_and_counts_who_came_back(self):
        dormant = self.member_with_last_visit("沉睡回来 Came back", 200)
        still_asleep = self.member_with_last_visit("沉睡未回 Still asleep", 300)
        regular = self.member_with_last_visit("常客 Regular", 5)
        self.env["res.partner"]._clinic_score_segments(self.company, self.today)
        self.assertEqual((dormant.clinic_segment, still_asleep.clinic_segment), ("dormant", "dormant"))
        self.assertNotEqual(regular.clinic_segment, "dormant")

        campaign = self.create_campaign(
            "holiday",
            target_segment="dormant",
            bonus_points=100,
            date_start=self.today,
            clinic_attribution_days=30,
            mail_template_id=self.env.ref("clinic_campaign.mail_template_campaign_holiday").id,
        )
        campaign.action_clinic_launch()
        self.assertEqual(campaign.clinic_grant_ids.partner_id, dormant | still_asleep, "the dormant segment only")

        self.create_invoice(dormant, 800, date=self.today + timedelta(days=3))
        self.create_invoice(regular, 800, date=self.today + timedelta(days=3))
        self.create_invoice(still_asleep, 800, date=self.today + timedelta(days=45))  # after the window
        campaign._clinic_refresh_results()
        self.assertEqual((campaign.clinic_participant_count, campaign.clinic_returned_count), (2, 1))
        self.assertEqual(campaign.clinic_revenue, 800.0)
