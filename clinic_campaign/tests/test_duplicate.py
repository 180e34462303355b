from odoo.tests import tagged

from .common import ClinicCampaignCase


@tagged("post_install", "-at_install")
class TestDuplicateCampaignRecords(ClinicCampaignCase):
    """Odoo's "Duplicate" of what the campaigns link to a member or a tier gives a plain copy:
    the link is the campaigns' own, set by their flows, and stays with the original."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.member = cls.create_member("复制 Copied", tier=cls.tier_gold)

    def test_copy_a_member_mailing_contact_and_a_tier_list(self):
        contact = self.env["mailing.contact"].search([("clinic_partner_id", "=", self.member.id)])
        gold_list = self.tier_gold.mailing_list_id
        self.assertIn(gold_list, contact.subscription_ids.list_id)
        contact_copy = contact.with_user(self.admin).copy()
        self.assertFalse(contact_copy.clinic_partner_id)
        self.assertEqual(contact_copy.email, contact.email)
        list_copy = gold_list.with_user(self.admin).copy()
        self.assertFalse(list_copy.clinic_tier_id)
        self.assertEqual(self.tier_gold.mailing_list_id, gold_list)
        self.member._clinic_sync_mailing_lists()
        self.assertEqual(
            self.env["mailing.contact"].search([("clinic_partner_id", "=", self.member.id)]), contact, "still one"
        )

    def test_copy_a_campaign_survey_answer(self):
        survey = self.env.ref("clinic_campaign.survey_satisfaction_demo")
        campaign = self.create_campaign("survey", survey_id=survey.id)
        answer = survey._clinic_invite(self.member, campaign)
        self.assertEqual(answer.campaign_id, campaign)
        answer_copy = answer.with_user(self.admin).copy()
        self.assertFalse(answer_copy.campaign_id)
        self.assertEqual(answer_copy.partner_id, self.member)
