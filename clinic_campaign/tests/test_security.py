from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ClinicCampaignCase


@tagged("post_install", "-at_install")
class TestSecurity(ClinicCampaignCase):
    def test_only_managers_configure_follow_up_plans(self):
        with self.assertRaises(AccessError):
            self.env["clinic.followup.plan"].with_user(self.frontdesk).create({"name": "Front desk plan"})
        plan = self.env["clinic.followup.plan"].with_user(self.manager).create({"name": "Manager plan"})
        self.assertTrue(plan.with_user(self.frontdesk).name)

    def test_front_desk_reads_grants_but_cannot_forge_them(self):
        campaign = self.create_campaign("holiday", bonus_points=10, date_start=self.today)
        member = self.create_member("读 Reader")
        self.env["utm.campaign"]._cron_clinic_automations()
        grant = self.grants(campaign, member)
        self.assertEqual(grant.with_user(self.frontdesk).points, 10)
        with self.assertRaises(AccessError):
            self.env["clinic.campaign.grant"].with_user(self.frontdesk).create(
                {"campaign_id": campaign.id, "partner_id": member.id, "period_key": "forged"}
            )

    def test_managers_get_event_survey_and_mailing_rights(self):
        for group in ("event.group_event_manager", "survey.group_survey_user", "mass_mailing.group_mass_mailing_user"):
            self.assertTrue(self.manager.has_group(group), group)
        self.assertTrue(self.frontdesk.has_group("event.group_event_registration_desk"))

    def test_front_desk_enrolment_grants_the_welcome_gift(self):
        campaign = self.create_campaign("welcome", bonus_points=500, date_start=self.today)
        client = self.env["res.partner"].create({"name": "前台 Walk-in", "email": "walkin@example.com"})
        client.with_user(self.frontdesk).action_enrol_member()
        self.assertEqual(self.campaign_points(campaign, client), 500)
