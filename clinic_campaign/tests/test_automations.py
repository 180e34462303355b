from datetime import date, timedelta
from unittest.mock import patch

from odoo.addons.clinic_campaign.models import utm_campaign
from odoo.tests import freeze_time, tagged
from odoo.tools import SQL

from .common import ClinicCampaignCase


@tagged("post_install", "-at_install")
class TestAutomations(ClinicCampaignCase):
    def run_cron_twice(self):
        for _run in range(2):
            self.env["utm.campaign"]._cron_clinic_automations()

    def test_welcome_gift_on_enrolment_once(self):
        campaign = self.create_campaign(
            "welcome",
            bonus_points=500,
            date_start=self.today - timedelta(days=1),
            mail_template_id=self.env.ref("clinic_campaign.mail_template_campaign_welcome").id,
        )
        member = self.create_member("新 Newcomer")
        self.assertEqual(self.campaign_points(campaign, member), 500)
        grant = self.grants(campaign, member)
        self.assertEqual(grant.contact_state, "sent")
        self.assertEqual(grant.points_move_id.campaign_id, campaign)
        self.run_cron_twice()  # the catch-up cron does not grant again
        self.assertEqual(self.campaign_points(campaign, member), 500)
        self.assertEqual(len(self.grants(campaign)), 1)

    def test_welcome_catch_up_cron(self):
        member = self.create_member("早 Early")
        campaign = self.create_campaign("welcome", bonus_points=300, date_start=self.today)
        self.assertFalse(self.grants(campaign))
        self.run_cron_twice()
        self.assertEqual(self.campaign_points(campaign, member), 300)
        self.assertEqual(len(self.grants(campaign, member)), 1)

    def test_birthday_privilege_once_a_year(self):
        with freeze_time("2026-03-05"):
            campaign = self.create_campaign(
                "birthday",
                bonus_points=1000,
                mail_template_id=self.env.ref("clinic_campaign.mail_template_campaign_birthday").id,
            )
            march = self.create_member("三月 March", birthday=date(1990, 3, 20))
            april = self.create_member("四月 April", birthday=date(1991, 4, 2))
            no_consent = self.create_member("无 NoConsent", birthday=date(1992, 3, 1), consent=False)
            mails_before = self.env["mail.mail"].search_count([])
            self.run_cron_twice()
            self.assertEqual(self.campaign_points(campaign, march), 1000)
            self.assertEqual(self.campaign_points(campaign, april), 0)
            self.assertEqual(self.campaign_points(campaign, no_consent), 1000, "points are a benefit, not a contact")
            self.assertEqual(self.grants(campaign, no_consent).contact_state, "no_consent")
            self.assertEqual(self.env["mail.mail"].search_count([]) - mails_before, 1)
        with freeze_time("2026-03-25"):
            self.run_cron_twice()
            self.assertEqual(self.campaign_points(campaign, march), 1000, "once a year")
        with freeze_time("2027-03-02"):
            self.run_cron_twice()
            self.assertEqual(self.campaign_points(campaign, march), 2000, "again the next year")
            self.assertEqual(self.grants(campaign, march).mapped("period_key"), ["2027", "2026"])

    def test_member_day_monthly(self):
        with freeze_time("2026-05-10"):
            campaign = self.create_campaign(
                "member_day", member_day_of_month=18, bonus_points=50, tier_ids=[self.tier_gold.id]
            )
            gold = self.create_member("金 Gold", tier=self.tier_gold)
            regular = self.create_member("普 Regular")
            self.run_cron_twice()
            self.assertFalse(self.grants(campaign), "not the member day")
        with freeze_time("2026-05-18"):
            self.run_cron_twice()
            self.assertEqual(self.campaign_points(campaign, gold), 50)
            self.assertEqual(self.campaign_points(campaign, regular), 0, "not a target tier")
        with freeze_time("2026-06-18"):
            self.run_cron_twice()
            self.assertEqual(self.campaign_points(campaign, gold), 100)
            self.assertEqual(len(self.grants(campaign, gold)), 2)

    def test_member_day_multiplier(self):
        with freeze_time("2026-05-18"):
            campaign = self.create_campaign("member_day", member_day_of_month=18, points_multiplier=2)
            member = self.create_member("倍 Double")
            rate = member.tier_id.points_per_unit
            invoice = self.create_invoice(member, 1000)
            self.assertEqual(invoice.clinic_points_earned, int(2000 * rate))
            self.assertEqual(invoice.clinic_points_move_ids.campaign_id, campaign)
        with freeze_time("2026-05-19"):
            invoice = self.create_invoice(member, 1000)
            self.assertEqual(invoice.clinic_points_earned, int(1000 * rate))
            self.assertFalse(invoice.clinic_points_move_ids.campaign_id)

    def test_double_points_best_campaign_for_tier(self):
        start, end = self.today - timedelta(days=1), self.today + timedelta(days=1)
        self.create_campaign("double_points", points_multiplier=2, date_start=start, date_end=end)
        triple = self.create_campaign(
            "double_points", points_multiplier=3, date_start=start, date_end=end, tier_ids=[self.tier_gold.id]
        )
        self.create_campaign(
            "double_points",
            points_multiplier=5,
            date_start=self.today + timedelta(days=2),
            date_end=self.today + timedelta(days=3),
        )
        gold = self.create_member("金 Gold", tier=self.tier_gold)
        silver = self.create_member("银 Silver", tier=self.tier_silver)
        Points = self.env["clinic.points.move"]
        self.assertEqual(Points._get_earn_multiplier(gold, self.today), (3.0, triple))
        self.assertEqual(Points._get_earn_multiplier(silver, self.today)[0], 2.0)
        self.assertEqual(Points._get_earn_multiplier(silver, self.today + timedelta(days=2))[0], 5.0)
        self.assertEqual(Points._get_earn_multiplier(silver, self.today + timedelta(days=10))[0], 1.0)
        invoice = self.create_invoice(gold, 100)
        self.assertEqual(invoice.clinic_points_earned, int(300 * self.tier_gold.points_per_unit))
        self.assertEqual(invoice.clinic_points_move_ids.campaign_id, triple)
        triple._clinic_refresh_results()
        self.assertEqual(triple.clinic_points_issued, invoice.clinic_points_earned)
        invoice.button_draft()
        triple._clinic_refresh_results()
        self.assertEqual(triple.clinic_points_issued, 0, "the claw-back of a reset invoice counts against the campaign")

    def test_holiday_promotion_to_target_tiers(self):
        campaign = self.create_campaign(
            "holiday",
            bonus_points=300,
            tier_ids=[self.tier_gold.id, self.tier_diamond.id],
            date_start=self.today,
            date_end=self.today + timedelta(days=3),
            mail_template_id=self.env.ref("clinic_campaign.mail_template_campaign_holiday").id,
        )
        gold = self.create_member("金 Gold", tier=self.tier_gold)
        diamond_silent = self.create_member("钻 Diamond", tier=self.tier_diamond, consent=False)
        regular = self.create_member("普 Regular")
        self.run_cron_twice()
        self.assertEqual(self.campaign_points(campaign, gold), 300)
        self.assertEqual(self.campaign_points(campaign, diamond_silent), 300)
        self.assertEqual(self.campaign_points(campaign, regular), 0)
        self.assertEqual(self.grants(campaign, gold).contact_state, "sent")
        self.assertEqual(self.grants(campaign, diamond_silent).contact_state, "no_consent")
        with freeze_time(self.today + timedelta(days=10)):
            late = self.create_member("晚 Late", tier=self.tier_gold)
            self.run_cron_twice()
        self.assertFalse(self.grants(campaign, late), "the promotion is over")
        self.assertEqual(len(self.grants(campaign)), 2)

    def test_phone_channel_creates_activity_for_consultant(self):
        campaign = self.create_campaign("holiday", consent_channel="phone", date_start=self.today)
        called = self.create_member("电 Phone", consent_phone=True)
        not_called = self.create_member("不 NoPhone")
        self.env["utm.campaign"]._cron_clinic_automations()
        self.assertEqual(self.grants(campaign, called).contact_state, "activity")
        self.assertEqual(self.grants(campaign, not_called).contact_state, "no_consent")
        activity = called.activity_ids.filtered(lambda a: campaign.title in a.summary)
        self.assertEqual(activity.user_id, self.consultant)
        self.assertFalse(not_called.activity_ids.filtered(lambda a: campaign.title in (a.summary or "")))

    def test_referral_reward_on_first_paid_invoice_once(self):
        campaign = self.create_campaign("referral", bonus_points=2000)
        referrer = self.create_member("荐 Referrer")
        referee = self.create_member("新 Referee", referred_by_id=referrer.id)
        first = self.create_invoice(referee, 1000)
        self.assertEqual(self.campaign_points(campaign, referrer), 0, "posted is not paid")
        self.register_payment(first)
        self.assertIn(first.payment_state, ("paid", "in_payment"))
        self.assertEqual(self.campaign_points(campaign, referrer), 2000)
        grant = self.grants(campaign, referrer)
        self.assertEqual(grant.referee_id, referee)
        self.register_payment(self.create_invoice(referee, 500))
        self.assertEqual(self.campaign_points(campaign, referrer), 2000, "only the first paid invoice")
        self.assertEqual(self.campaign_points(campaign, referee), 0)

    def test_referral_not_rewarded_when_referee_paid_before_campaign(self):
        referrer = self.create_member("荐 Referrer")
        referee = self.create_member("新 Referee", referred_by_id=referrer.id)
        self.register_payment(self.create_invoice(referee, 1000))
        campaign = self.create_campaign("referral", bonus_points=2000)
        self.register_payment(self.create_invoice(referee, 800))
        self.assertEqual(self.campaign_points(campaign, referrer), 0)

    def test_blacklisted_member_is_not_mailed(self):
        campaign = self.create_campaign(
            "holiday",
            date_start=self.today,
            mail_template_id=self.env.ref("clinic_campaign.mail_template_campaign_holiday").id,
        )
        member = self.create_member("黑 Blocked", email="blocked@example.com")
        self.env["mail.blacklist"].sudo()._add("blocked@example.com")
        self.env["utm.campaign"]._cron_clinic_automations()
        self.assertEqual(self.grants(campaign, member).contact_state, "no_email")
        campaign.action_clinic_refresh_results()
        self.assertEqual((campaign.clinic_reached_count, campaign.clinic_skipped_count), (0, 1))

    def test_a_run_stopped_half_way_resumes_and_grants_each_member_once(self):
        campaign = self.create_campaign(
            "holiday",
            bonus_points=100,
            date_start=self.today,
            mail_template_id=self.env.ref("clinic_campaign.mail_template_campaign_holiday").id,
        )
        members = [self.create_member(f"续跑 {n}") for n in range(5)]
        mails_before = self.env["mail.mail"].search_count([])
        with patch.object(utm_campaign, "AUTOMATION_CHUNK", 2):
            # what a cron killed after its first committed chunk leaves behind
            self.assertEqual(campaign._clinic_grant_next_chunk("holiday", SQL("TRUE"), self.today, None), 2)
            self.assertEqual(len(self.grants(campaign)), 2)
            self.run_cron_twice()
        self.assertEqual(len(self.grants(campaign)), 5)
        for member in members:
            self.assertEqual(len(self.grants(campaign, member)), 1)
            self.assertEqual(self.campaign_points(campaign, member), 100, "once each")
        self.assertEqual(self.env["mail.mail"].search_count([]) - mails_before, 5, "one mail each")


@tagged("post_install", "-at_install")
class TestAutomationQueries(ClinicCampaignCase):
    """Each automation costs the same number of queries for 4 members as for 16: set-based."""

    TEMPLATES = {
        "birthday": "clinic_campaign.mail_template_campaign_birthday",
        "member_day": "clinic_campaign.mail_template_campaign_member_day",
        "holiday": "clinic_campaign.mail_template_campaign_holiday",
        "welcome": "clinic_campaign.mail_template_campaign_welcome",
    }

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a tier of this test's members only (demo members have birthdays and tiers too)
        cls.tier_queries = cls.env["clinic.membership.tier"].create(
            {"name": "查询 Queries", "min_spend": 9e9, "sequence": 999, "company_id": cls.env.company.id}
        )

    def setUp(self):
        super().setUp()
        # only this test's campaigns run
        self.env["utm.campaign"].search([("clinic_campaign_type", "!=", False)]).write({"active": False})

    def queries_of_a_run(self, campaign_type, members, **vals):
        for index in range(members):
            self.create_member(f"查询 {campaign_type} {index}", tier=self.tier_queries, birthday=date(1990, 6, 1))
        template = self.env.ref(self.TEMPLATES[campaign_type])
        campaign = self.create_campaign(
            campaign_type,
            title=f"查询 {campaign_type} {members}",
            bonus_points=10,
            tier_ids=[self.tier_queries.id],
            date_start=self.today - timedelta(days=1),
            mail_template_id=template.id,
            **vals,
        )
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        self.env["utm.campaign"]._cron_clinic_automations()
        self.env.flush_all()
        count = self.cr.sql_log_count - before
        targets = self.env["res.partner"].search_count([("tier_id", "=", self.tier_queries.id)])
        self.assertEqual(len(self.grants(campaign)), targets, f"{campaign_type}: every target granted once")
        campaign.active = False
        return count

    def assert_constant_queries(self, campaign_type, **vals):
        self.queries_of_a_run(campaign_type, 1, **vals)  # caches warmed up (fields, defaults, parameters)
        few = self.queries_of_a_run(campaign_type, 3, **vals)
        many = self.queries_of_a_run(campaign_type, 12, **vals)
        self.assertEqual(few, many, f"{campaign_type}: {few} queries for 4 members, {many} for 16")

    def test_birthday_queries(self):
        with freeze_time("2026-06-10"):
            self.today = date(2026, 6, 10)
            self.assert_constant_queries("birthday")

    def test_member_day_queries(self):
        with freeze_time("2026-06-18"):
            self.today = date(2026, 6, 18)
            self.assert_constant_queries("member_day", member_day_of_month=18)

    def test_holiday_queries(self):
        self.assert_constant_queries("holiday", date_end=self.today + timedelta(days=3))

    def test_welcome_catch_up_queries(self):
        # members enrolled before the campaign was made: the catch-up cron welcomes them
        self.assert_constant_queries("welcome")
