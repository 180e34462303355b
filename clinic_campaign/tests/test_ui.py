from odoo import fields
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
