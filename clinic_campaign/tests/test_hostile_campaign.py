"""Campaign grants, results and attendance points as a hostile user tries them."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import ClinicCampaignCase


@tagged("post_install", "-at_install")
class TestHostileCampaign(ClinicCampaignCase):
    def points_of(self, member):
        return sum(self.env["clinic.points.move"].search([("partner_id", "=", member.id)]).mapped("points"))

    def test_grants_are_a_history_nobody_writes(self):
        campaign = self.create_campaign("holiday", bonus_points=10, date_start=self.today)
        member = self.create_member("节日 Holiday")
        self.env["utm.campaign"]._cron_clinic_automations()
        grant = self.grants(campaign, member)
        self.assertEqual(len(grant), 1)
        for user in (self.frontdesk, self.manager, self.env.ref("base.user_admin")):
            with self.assertRaises(UserError):
                grant.with_user(user).unlink()
            with self.assertRaises(UserError):
                grant.with_user(user).write({"period_key": "another"})
            with self.assertRaises(UserError):
                self.env["clinic.campaign.grant"].with_user(user).with_context(clinic_flow=True).create(
                    {"campaign_id": campaign.id, "partner_id": member.id, "period_key": "forged"}
                )
        self.env["utm.campaign"]._cron_clinic_automations()
        self.assertEqual(len(self.grants(campaign, member)), 1, "deleting a grant to be granted twice is refused")
        self.assertEqual(self.points_of(member), 10)

    def test_results_are_counted_not_typed(self):
        campaign = self.create_campaign("holiday", bonus_points=10, date_start=self.today)
        for user in (self.manager, self.env.ref("base.user_admin")):
            for forged in ({"clinic_revenue": 1e9, "clinic_participant_count": 5000}, {"clinic_gift_cost": -1e9}):
                with self.assertRaisesRegex(UserError, "only change through its actions"):
                    campaign.with_user(user).write(forged)
        self.assertEqual((campaign.clinic_participant_count, campaign.clinic_gift_cost), (0, 0.0))

    def test_nobody_creates_a_campaign_with_results(self):
        """Create was never checked where write was: a plain employee made a campaign with 9,999,999 revenue."""
        employee = new_test_user(self.env, "hx_campaign_employee", groups="base.group_user")
        Campaigns = self.env["utm.campaign"]
        for user in (employee, self.frontdesk, self.manager, self.env.ref("base.user_admin")):
            with self.subTest(user=user.login), self.assertRaises(UserError):
                Campaigns.with_user(user).create({"title": "伪造 forged", "clinic_revenue": 9999999.0})
            forged = (
                Campaigns.with_user(user)
                .with_context(default_clinic_revenue=9999999.0)
                .create({"title": "默认值 forged by context"})
            )
            self.assertEqual(forged.clinic_revenue, 0.0, "a default_ context key gives no result either")
        self.assertFalse(Campaigns.search([("clinic_revenue", ">", 0)]))

    def test_a_campaign_is_duplicated_without_its_results(self):
        campaign = self.create_campaign("holiday", bonus_points=10, date_start=self.today)
        member = self.create_member("复制 Copy")
        self.env["utm.campaign"]._cron_clinic_automations()
        campaign.sudo().write({"clinic_reached_count": 1, "clinic_revenue": 2660.0})  # as the refresh counts them
        copy = campaign.with_user(self.manager).copy()
        self.assertEqual((copy.clinic_reached_count, copy.clinic_revenue, copy.bonus_points), (0, 0.0, 10))
        self.assertFalse(self.grants(copy, member))

    def test_attendance_points_once_per_event_and_member(self):
        event = self.create_event(clinic_attendance_points=100)
        member = self.create_member("出席 Attendee")
        registration = self.env["event.registration"].create({"event_id": event.id, "partner_id": member.id})
        registration.action_set_done()
        self.assertEqual(self.points_of(member), 100)
        with self.assertRaises(UserError):
            registration.with_user(self.frontdesk).write({"clinic_points_move_id": False})
        registration.unlink()
        again = self.env["event.registration"].create({"event_id": event.id, "partner_id": member.id})
        again.action_set_done()
        self.assertEqual(self.points_of(member), 100, "registering again earns nothing more")

    def test_only_a_manager_sets_up_campaign_benefits(self):
        for user in (self.frontdesk, self.env["res.users"].browse(self.consultant.id)):
            with self.assertRaisesRegex(UserError, "Only a Clinic Manager"):
                self.env["utm.campaign"].with_user(user).create(
                    {"title": "Forged", "clinic_campaign_type": "double_points", "points_multiplier": 100.0}
                )
        campaign = self.create_campaign("double_points", points_multiplier=2.0)
        with self.assertRaisesRegex(UserError, "Only a Clinic Manager"):
            campaign.with_user(self.frontdesk).write({"points_multiplier": 100.0})
        self.assertEqual(campaign.points_multiplier, 2.0)
        campaign.with_user(self.manager).write({"points_multiplier": 3.0})
        self.assertEqual(campaign.points_multiplier, 3.0)

    def test_survey_scores_and_follow_up_states_are_not_typed(self):
        survey = self.env["survey.survey"].create({"title": "Satisfaction"})
        member = self.create_member("调查 Surveyed")
        answer = survey._clinic_invite(member)
        self.assertTrue(answer)
        with self.assertRaises(UserError):
            answer.with_user(self.manager).write({"clinic_score": 10.0})
        with self.assertRaises(UserError):
            self.env["survey.user_input"].with_user(self.manager).create(
                {"survey_id": survey.id, "partner_id": member.id, "campaign_id": self.create_campaign("survey").id}
            )
        plan = self.env["clinic.followup.plan"].create(
            {"name": "Plan", "step_ids": [(0, 0, {"name": "Day 1", "day_offset": 1, "kind": "activity"})]}
        )
        invoice = self.create_invoice(member, 100, post=False)
        task = self.env["clinic.followup.task"]._clinic_schedule(plan, invoice)
        with self.assertRaises(UserError):
            task.with_user(self.consultant).write({"state": "done"})
        with self.assertRaises(AccessError):  # a follow-up is a health record: not the front desk's
            task.with_user(self.frontdesk).action_done()
        self.assertEqual(task.state, "planned")
        task.with_user(self.consultant).action_done()
        self.assertEqual(task.state, "done")
