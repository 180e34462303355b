from odoo.tests import tagged

from .common import ClinicCampaignCase


@tagged("post_install", "-at_install")
class TestConsentCampaign(ClinicCampaignCase):
    def test_withdrawn_marketing_consent_skips_her_from_the_next_launch(self):
        """The member withdraws her marketing consent (营销信息) in the portal: a campaign launched the next
        second does not contact her, even once the desk ticks a channel again, and she keeps her points."""
        campaign = self.create_campaign(
            "holiday",
            bonus_points=10,
            date_start=self.today,
            mail_template_id=self.env.ref("clinic_campaign.mail_template_campaign_holiday").id,
        )
        stays = self.create_member("继续接收")
        leaves = self.create_member("撤回营销", email="withdrawn@example.com")
        portal = self.env["res.users"].create(
            {
                "name": leaves.name,
                "login": "consent_campaign_portal",
                "partner_id": leaves.id,
                "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
        leaves._clinic_consents()["marketing"].with_user(portal)._clinic_answer(False, "portal")
        self.assertFalse(leaves.consent_email)
        leaves.with_user(self.frontdesk).consent_email = True  # defence in depth: a flag ticked by mistake
        campaign.action_clinic_launch()
        self.assertEqual(self.grants(campaign, stays).contact_state, "sent")
        self.assertEqual(self.grants(campaign, leaves).contact_state, "no_consent")
        self.assertEqual(self.campaign_points(campaign, leaves), 10, "withdrawing marketing costs her no points")
        mails = self.env["mail.mail"].search([("model", "=", "res.partner"), ("res_id", "in", (stays | leaves).ids)])
        self.assertEqual(mails.mapped("res_id"), stays.ids, "she is not mailed")
