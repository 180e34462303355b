from datetime import timedelta

from odoo.addons.clinic_membership.tools.flow import as_flow
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import ClinicCampaignCase


@tagged("post_install", "-at_install")
class TestCampaign(ClinicCampaignCase):
    def test_end_before_start_is_refused(self):
        with self.assertRaisesText(ValidationError, "before it starts"):
            self.create_campaign("holiday", date_start=self.today, date_end=self.today - timedelta(days=1))
        self.assertFalse(self.env["utm.campaign"].search([("title", "=", "Test holiday")]))

    def test_multiplier_under_one_is_refused(self):
        with self.assertRaisesText(ValidationError, "cannot be under 1"):
            self.create_campaign("double_points", points_multiplier=0.5)
        campaign = self.create_campaign("double_points", points_multiplier=2)
        with self.assertRaises(ValidationError):
            campaign.points_multiplier = 0.9

    def test_bad_member_day_and_negative_bonus(self):
        with self.assertRaisesText(ValidationError, "between 1 and 28"):
            self.create_campaign("member_day", member_day_of_month=31)
        with self.assertRaisesText(ValidationError, "cannot be negative"):
            self.create_campaign("holiday", bonus_points=-5)

    def test_public_field_names(self):
        fields_ = self.env["utm.campaign"]._fields
        for name in ("clinic_campaign_type", "tier_ids", "points_multiplier", "date_start", "date_end"):
            self.assertIn(name, fields_)
        self.assertIn("allowed_tier_ids", self.env["event.event"]._fields)

    def test_results(self):
        """Reached, skipped, participants, their revenue in the period, points issued, survey score and NPS."""
        campaign = self.create_campaign(
            "holiday",
            bonus_points=100,
            date_start=self.today - timedelta(days=1),
            date_end=self.today + timedelta(days=5),
            mail_template_id=self.env.ref("clinic_campaign.mail_template_campaign_holiday").id,
        )
        mailed = self.create_member("林 Mailed")
        silent = self.create_member("黄 Silent", consent=False)
        self.env["utm.campaign"]._cron_clinic_automations()
        self.create_invoice(mailed, 2000)
        self.create_invoice(silent, 500)
        self.create_invoice(silent, 9999, date=self.today - timedelta(days=30))  # before the period
        survey = self.env.ref("clinic_campaign.survey_satisfaction_demo")
        for member, score in ((mailed, 10), (silent, 5)):
            answer = as_flow(survey)._create_answer(partner=member, check_attempts=False, campaign_id=campaign.id)
            answer._save_lines(self.env.ref("clinic_campaign.survey_question_recommend_demo"), str(score))
            answer._mark_done()
        for _run in range(2):
            self.env["utm.campaign"]._cron_clinic_refresh_results()
        self.assertEqual(campaign.clinic_reached_count, 1)
        self.assertEqual(campaign.clinic_skipped_count, 1)
        self.assertEqual(campaign.clinic_participant_count, 2)
        self.assertEqual(campaign.clinic_revenue, 2500)
        self.assertEqual(campaign.clinic_points_issued, 200)
        self.assertEqual(campaign.clinic_survey_count, 2)
        self.assertAlmostEqual(campaign.clinic_survey_score, 7.5)
        self.assertAlmostEqual(campaign.clinic_nps, 0.0)  # one promoter, one detractor
        self.assertEqual(campaign.clinic_grant_count, 2)
