from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

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
            answer = survey.sudo()._create_answer(partner=member, check_attempts=False, campaign_id=campaign.id)
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

    def test_template_follows_the_type_unless_chosen(self):
        form = Form(self.env["utm.campaign"])
        form.title = "换模板"
        form.clinic_campaign_type = "birthday"
        self.assertEqual(form.mail_template_id, self.env.ref("clinic_campaign.mail_template_campaign_birthday"))
        form.clinic_campaign_type = "holiday"
        self.assertEqual(form.mail_template_id, self.env.ref("clinic_campaign.mail_template_campaign_holiday"))
        form.clinic_campaign_type = "event"
        self.assertFalse(form.mail_template_id, "an event campaign mails no automation template")
        own = self.env["mail.template"].create(
            {"name": "自定义", "model_id": self.env.ref("base.model_res_partner").id}
        )
        form.mail_template_id = own
        form.clinic_campaign_type = "holiday"
        self.assertEqual(form.mail_template_id, own, "a template chosen by hand stays")

    def test_overlapping_multipliers_are_warned_and_the_rule_stated(self):
        self.env["utm.campaign"].search([("clinic_campaign_type", "!=", False)]).active = False
        gold = self.env.ref("clinic_membership.tier_gold")
        triple = self.create_campaign(
            "double_points", points_multiplier=3, tier_ids=[gold.id], date_start=self.today, date_end=self.today
        )
        form = Form(self.env["utm.campaign"])
        form.title = "金卡双倍"
        form.clinic_campaign_type = "double_points"
        form.date_start = self.today - timedelta(days=3)
        form.date_end = self.today + timedelta(days=3)
        form.tier_ids.add(gold)
        self.assertIn("only the highest multiplier counts", form.clinic_overlap_warning)
        self.assertIn(f"{triple.title} ×3", form.clinic_overlap_warning)
        double = form.save()
        self.assertTrue(double.clinic_overlap_warning)
        double.date_start = double.date_end = self.today + timedelta(days=1)
        self.assertFalse(double.clinic_overlap_warning, "the next day does not meet the ×3 day")
        double.write({"date_start": self.today, "date_end": self.today, "tier_ids": [(6, 0, [self.tier_silver.id])]})
        self.assertFalse(double.clinic_overlap_warning, "Silver members are not in the ×3 campaign")
        member_day = self.create_campaign("member_day", points_multiplier=2, member_day_of_month=18)
        week = self.today.replace(day=20)
        double.write({"tier_ids": [(5,)], "date_start": week, "date_end": week + timedelta(days=6)})
        self.assertFalse(double.clinic_overlap_warning, "the 20th to the 26th holds no 18th")
        double.date_end = week + timedelta(days=30)
        self.assertIn(f"{member_day.title} ×2", double.clinic_overlap_warning)

    def test_revenue_counts_the_window_after_contact(self):
        campaign = self.create_campaign(
            "holiday",
            date_start=self.today,
            clinic_attribution_days=10,
            mail_template_id=self.env.ref("clinic_campaign.mail_template_campaign_holiday").id,
        )
        member = self.create_member("窗口会员")
        self.env["utm.campaign"]._cron_clinic_automations()
        self.create_invoice(member, 1000)
        self.create_invoice(member, 700, date=self.today + timedelta(days=20))
        self.create_invoice(member, 300, date=self.today - timedelta(days=1))  # before the contact
        campaign._clinic_refresh_results()
        self.assertEqual(campaign.clinic_revenue, 1000)
        campaign.clinic_attribution_days = 30
        campaign._clinic_refresh_results()
        self.assertEqual(campaign.clinic_revenue, 1700)

    def test_gifts_and_discounts_are_counted_against_the_revenue(self):
        coupon = self.env["product.product"].create(
            {"name": "节日立减券", "type": "service", "list_price": 0.0, "standard_price": 0.0}
        )
        gift = self.env["product.product"].create(
            {"name": "节日礼品 面膜", "type": "consu", "list_price": 0.0, "standard_price": 45.0}
        )
        member = self.create_member("礼品会员")

        def campaign_with(product):
            campaign = self.create_campaign(
                "holiday",
                date_start=self.today,
                clinic_attribution_days=10,
                discount_product_id=product.id,
                mail_template_id=self.env.ref("clinic_campaign.mail_template_campaign_holiday").id,
            )
            campaign.action_clinic_launch()
            return campaign

        def invoice(product, price, quantity=1):
            move = self.create_invoice(member, 1000, post=False)
            move.write(
                {
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "quantity": quantity,
                                "price_unit": price,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ]
                }
            )
            move.action_post()
            return move

        discounts = campaign_with(coupon)
        discounted = invoice(coupon, -200.0)
        invoice(coupon, -100.0)
        discounts._clinic_refresh_results()
        self.assertEqual((discounts.clinic_revenue, discounts.clinic_gift_cost), (1700.0, 300.0))
        self.credit_note(discounted)  # the discount is given back with the invoice
        discounts._clinic_refresh_results()
        self.assertEqual((discounts.clinic_revenue, discounts.clinic_gift_cost), (900.0, 100.0))

        gifts = campaign_with(gift)  # reaches her last: what follows is credited to it
        invoice(gift, 0.0, quantity=2)
        gifts._clinic_refresh_results()
        self.assertEqual(gifts.clinic_gift_cost, 90.0, "two gifts at their cost")

    def test_participants_are_those_reached_and_revenue_is_credited_once(self):
        template = self.env.ref("clinic_campaign.mail_template_campaign_holiday").id
        first = self.create_campaign(
            "double_points", points_multiplier=2, date_start=self.today - timedelta(days=5), mail_template_id=template
        )
        second = self.create_campaign(
            "double_points", points_multiplier=3, date_start=self.today - timedelta(days=5), mail_template_id=template
        )
        member = self.create_member("两次触达")
        skipped = self.create_member("未同意", consent=False)
        with freeze_time(self.today - timedelta(days=3)):
            first.action_clinic_launch()
        second.action_clinic_launch()  # reaches her again, later
        self.create_invoice(member, 1000)
        (first | second)._clinic_refresh_results()
        self.assertIn(skipped, second.clinic_grant_ids.partner_id, "skipped: no consent")
        self.assertEqual((first.clinic_participant_count, second.clinic_participant_count), (1, 1), "never the skipped")
        self.assertEqual((first.clinic_revenue, second.clinic_revenue), (0.0, 1000.0), "last touch, credited once")

    def test_a_campaign_that_grants_nothing_says_so_before_launch(self):
        empty = self.create_campaign("member_day", date_start=self.today)
        self.assertIn("grants nothing", empty.clinic_empty_warning)
        empty.bonus_points = 100
        self.assertFalse(empty.clinic_empty_warning)
        self.assertFalse(self.create_campaign("event").clinic_empty_warning, "events are not launched")

    def test_launch_announces_once_with_consent_and_logs_the_reach(self):
        campaign = self.create_campaign(
            "holiday",
            bonus_points=50,
            date_start=self.today,
            mail_template_id=self.env.ref("clinic_campaign.mail_template_campaign_holiday").id,
            tier_ids=[self.tier_gold.id],
        )
        mailed = self.create_member("发布金卡", tier=self.tier_gold)
        silent = self.create_member("发布无同意", tier=self.tier_gold, consent=False)
        self.create_member("发布银卡", tier=self.tier_silver)
        with self.assertRaises(AccessError):
            campaign.with_user(self.frontdesk).action_clinic_launch()
        self.assertFalse(campaign.clinic_grant_ids)
        result = campaign.action_clinic_launch()
        self.assertIn("1 members contacted, 1 skipped", result["params"]["message"])
        self.assertEqual(campaign.clinic_grant_ids.partner_id, mailed | silent)
        self.assertEqual((campaign.clinic_reached_count, campaign.clinic_skipped_count), (1, 1))
        self.assertEqual(mailed.points_balance, 50)
        again = campaign.action_clinic_launch()
        self.assertIn("0 members contacted, 0 skipped", again["params"]["message"])
        self.assertEqual(mailed.points_balance, 50, "a launch rewards once")
        self.env["utm.campaign"]._cron_clinic_automations()
        self.assertEqual(len(campaign.clinic_grant_ids), 2, "the holiday cron finds them rewarded already")

    def test_what_cannot_be_launched(self):
        event = self.create_campaign("event")
        with self.assertRaisesText(UserError, "nothing to launch"):
            event.action_clinic_launch()
        later = self.create_campaign("double_points", points_multiplier=2, date_start=self.today + timedelta(days=5))
        with self.assertRaisesText(UserError, "not running today"):
            later.action_clinic_launch()
        self.assertFalse((event | later).clinic_grant_ids)
