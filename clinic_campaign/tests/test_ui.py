from odoo import fields
from odoo.addons.clinic_membership.tests.common import activate_zh_cn
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestClinicCampaignUi(HttpCase):
    def test_gold_event_registration_lands_in_consultant_calendar(self):
        consultant = new_test_user(
            self.env,
            "tour_campaign_manager",
            name="Tour Consultant",
            groups="base.group_user,base.group_partner_manager,clinic_membership.group_clinic_manager",
        )
        member = self.env["res.partner"].create({"name": "Tour Gold Member", "email": "gold@example.com"})
        member.action_enrol_member()
        member.write({"tier_id": self.env.ref("clinic_membership.tier_gold").id, "consultant_id": consultant.id})
        self.start_tour(
            "/odoo/action-clinic_campaign.clinic_event_action",
            "clinic_campaign_event_tour",
            login="tour_campaign_manager",
        )
        event = self.env["event.event"].search([("name", "=", "金卡沙龙 Tour salon")])
        self.assertEqual(event.allowed_tier_ids, self.env.ref("clinic_membership.tier_gold"))
        registration = event.registration_ids
        self.assertEqual(registration.partner_id, member)
        meeting = registration.clinic_calendar_event_id
        self.assertEqual(meeting.partner_ids, member | consultant.partner_id)
        self.assertEqual(meeting.user_id, consultant)

    def test_campaign_dashboard(self):
        new_test_user(self.env, "tour_campaign_viewer", groups="base.group_user,clinic_membership.group_clinic_manager")
        self.env["utm.campaign"].search([("clinic_campaign_type", "!=", False)]).write({"active": False})
        self.env["res.partner"].search([("is_member", "=", True)]).action_leave_membership()
        campaign = self.env["utm.campaign"].create(
            {
                "title": "Tour holiday",
                "clinic_campaign_type": "holiday",
                "bonus_points": 100,
                "date_start": fields.Date.today(),
                "mail_template_id": self.env.ref("clinic_campaign.mail_template_campaign_holiday").id,
            }
        )
        member = self.env["res.partner"].create(
            {"name": "Tour Reached", "email": "r@example.com", "consent_email": True}
        )
        member.action_enrol_member()
        self.env["utm.campaign"]._cron_clinic_automations()
        self.assertEqual(campaign.clinic_reached_count, 1)
        self.start_tour(
            "/odoo/action-clinic_campaign.clinic_campaign_action",
            "clinic_campaign_dashboard_tour",
            login="tour_campaign_viewer",
        )

    def test_a_campaign_granting_nothing_asks_before_launch(self):
        """In zh_CN, an empty member day says so and asks again at launch: cancelled, nothing sent;
        confirmed, every member is announced it (and no points move)."""
        activate_zh_cn(self.env)
        manager = new_test_user(
            self.env,
            "tour_launch_manager",
            name="李经理",
            lang="zh_CN",
            groups="base.group_user,base.group_partner_manager,clinic_membership.group_clinic_manager",
        )
        member = self.env["res.partner"].create(
            {"name": "周通知", "email": "zhou@example.com", "consent_email": True, "lang": "zh_CN"}
        )
        member.action_enrol_member()
        campaign = self.env["utm.campaign"].create(
            {
                "title": "空活动测试",
                "clinic_campaign_type": "member_day",
                "points_multiplier": 1.0,
                "bonus_points": 0,
                "mail_template_id": self.env.ref("clinic_campaign.mail_template_campaign_member_day").id,
            }
        )
        self.assertFalse(campaign.tier_ids)
        self.assertTrue(campaign.clinic_empty_warning)
        url = f"/odoo/action-clinic_campaign.clinic_campaign_action/{campaign.id}"
        points = self.env["clinic.points.move"].search_count([])

        self.start_tour(url, "clinic_campaign_launch_cancel_tour", login=manager.login)
        self.assertFalse(campaign.clinic_grant_ids, "cancelled: nobody was announced anything")
        self.assertEqual(campaign.clinic_reached_count, 0)

        self.start_tour(url, "clinic_campaign_launch_confirm_tour", login=manager.login)
        members = self.env["res.partner"].search(campaign._clinic_member_domain())
        self.assertEqual(campaign.clinic_grant_ids.partner_id, members, "every member, of every tier")
        self.assertIn(member, campaign.clinic_grant_ids.filtered(lambda g: g.contact_state == "sent").partner_id)
        contacted = campaign.clinic_grant_ids.filtered(lambda g: g.contact_state in ("sent", "activity"))
        self.assertEqual(campaign.clinic_reached_count, len(contacted))
        self.assertEqual(self.env["clinic.points.move"].search_count([]), points, "it grants nothing")
        self.assertTrue(campaign.clinic_empty_warning, "it still says so")
