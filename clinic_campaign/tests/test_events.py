from datetime import timedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import freeze_time, tagged
from odoo.tools.safe_eval import safe_eval

from .common import ClinicCampaignCase


@tagged("post_install", "-at_install")
class TestEvents(ClinicCampaignCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.campaign = cls.create_campaign("event", tier_ids=[cls.tier_gold.id])
        cls.event = cls.create_event(
            cls.tier_gold | cls.tier_diamond, clinic_campaign_id=cls.campaign.id, clinic_attendance_points=200
        )
        cls.gold = cls.create_member("金 Gold", tier=cls.tier_gold)

    def register(self, partner, event=None):
        return self.env["event.registration"].create({"event_id": (event or self.event).id, "partner_id": partner.id})

    def test_ineligible_tier_is_refused(self):
        silver = self.create_member("银 Silver", tier=self.tier_silver)
        with self.assertRaisesText(ValidationError, "cannot register"):
            self.register(silver)
        self.assertFalse(self.event.registration_ids)
        self.assertFalse(self.env["calendar.event"].search([("partner_ids", "in", silver.ids)]))

    def test_non_member_is_refused(self):
        stranger = self.env["res.partner"].create({"name": "路人 Stranger"})
        with self.assertRaisesText(ValidationError, "not a member"):
            self.register(stranger)

    def test_open_event_accepts_anyone(self):
        open_event = self.create_event()
        stranger = self.env["res.partner"].create({"name": "路人 Stranger"})
        self.assertEqual(self.register(stranger, open_event).state, "open")

    def test_confirmed_registration_puts_meeting_in_both_calendars(self):
        registration = self.register(self.gold)
        meeting = registration.clinic_calendar_event_id
        self.assertTrue(meeting)
        self.assertEqual(meeting.partner_ids, self.gold | self.consultant.partner_id)
        self.assertEqual(meeting.user_id, self.consultant)
        self.assertEqual((meeting.start, meeting.stop), (self.event.date_begin, self.event.date_end))
        self.assertTrue(meeting.alarm_ids, "reminders")
        self.assertEqual(registration.utm_campaign_id, self.campaign)
        consultant_meetings = (
            self.env["calendar.event"]
            .with_user(self.consultant)
            .search([("partner_ids", "in", self.consultant.partner_id.ids)])
        )
        self.assertIn(meeting, consultant_meetings)

    def test_cancel_removes_meeting_and_reconfirm_recreates(self):
        registration = self.register(self.gold)
        meeting = registration.clinic_calendar_event_id
        registration.action_cancel()
        self.assertFalse(meeting.exists())
        self.assertFalse(registration.clinic_calendar_event_id)
        registration.action_confirm()
        self.assertTrue(registration.clinic_calendar_event_id)
        self.assertEqual(
            self.env["calendar.event"].search_count(
                [("res_id", "=", registration.id), ("res_model", "=", "event.registration")]
            ),
            1,
        )

    def test_draft_registration_has_no_meeting(self):
        registration = self.env["event.registration"].create(
            {"event_id": self.event.id, "partner_id": self.gold.id, "state": "draft"}
        )
        self.assertFalse(registration.clinic_calendar_event_id)
        registration.action_confirm()
        self.assertTrue(registration.clinic_calendar_event_id)

    def test_moving_the_event_moves_the_meeting(self):
        registration = self.register(self.gold)
        new_begin = self.event.date_begin + timedelta(days=1)
        self.event.write({"date_begin": new_begin, "date_end": new_begin + timedelta(hours=3)})
        self.assertEqual(registration.clinic_calendar_event_id.start, new_begin)

    def test_attendance_earns_points_once(self):
        registration = self.register(self.gold)
        registration.action_set_done()
        registration.action_set_done()
        self.assertEqual(self.campaign_points(self.campaign, self.gold), 200)
        self.assertEqual(registration.clinic_points_move_id.points, 200)

    def test_satisfaction_survey_after_event_sent_once(self):
        survey = self.env.ref("clinic_campaign.survey_satisfaction_demo")
        self.event.write({"clinic_survey_id": survey.id, "clinic_survey_delay_days": 1})
        silent = self.create_member("钻 Silent", tier=self.tier_diamond, consent=False)
        attended = self.register(self.gold) | self.register(silent)
        attended.action_set_done()
        Registration = self.env["event.registration"]
        Registration._cron_clinic_send_event_surveys()
        self.assertFalse(attended.filtered("clinic_survey_state"), "not before the delay")
        with freeze_time(self.event.date_end + timedelta(days=1, minutes=1)):
            Registration._cron_clinic_send_event_surveys()
            Registration._cron_clinic_send_event_surveys()
        gold_reg = attended.filtered(lambda r: r.partner_id == self.gold)
        answer = gold_reg.clinic_survey_input_id
        self.assertEqual((answer.partner_id, answer.campaign_id, answer.survey_id), (self.gold, self.campaign, survey))
        self.assertEqual(self.env["survey.user_input"].search_count([("partner_id", "=", self.gold.id)]), 1)
        silent_reg = attended - gold_reg
        self.assertEqual(silent_reg.clinic_survey_state, "skipped")
        self.assertFalse(silent_reg.clinic_survey_input_id)
        self.campaign._clinic_refresh_results()
        self.assertEqual((self.campaign.clinic_reached_count, self.campaign.clinic_skipped_count), (1, 1))
        self.assertEqual(self.campaign.clinic_participant_count, 2)
        self.assertEqual(self.campaign.clinic_points_issued, 400)

    def test_front_desk_registers_a_member(self):
        registration = (
            self.env["event.registration"]
            .with_user(self.frontdesk)
            .create({"event_id": self.event.id, "partner_id": self.gold.id})
        )
        self.assertTrue(registration.sudo().clinic_calendar_event_id)
        silver = self.create_member("银 Silver", tier=self.tier_silver)
        with self.assertRaisesText(ValidationError, "cannot register"):
            self.env["event.registration"].with_user(self.frontdesk).create(
                {"event_id": self.event.id, "partner_id": silver.id}
            )

    def test_narrowing_the_tiers_checks_existing_registrations(self):
        self.register(self.gold)
        with self.assertRaisesText(ValidationError, "cannot register"):
            self.event.allowed_tier_ids = self.tier_diamond

    def test_deleting_the_registration_removes_the_meeting(self):
        registration = self.register(self.gold)
        meeting = registration.clinic_calendar_event_id
        registration.unlink()
        self.assertFalse(meeting.exists())

    def test_the_clinic_lists_its_member_events_only(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("clinic_campaign.clinic_event_action")
        listed = self.env["event.event"].search(safe_eval(action["domain"]))
        self.assertIn(self.env.ref("clinic_campaign.event_salon_demo"), listed)
        odoo_demo = self.env["event.event"].search(
            [("allowed_tier_ids", "=", False), ("clinic_campaign_id", "=", False)]
        )
        odoo_demo = odoo_demo.filtered(lambda e: not e.clinic_survey_id and not e.clinic_attendance_points)
        self.assertFalse(odoo_demo & listed, "Odoo's own demo events stay out of the clinic's menu")
        begin = fields.Datetime.now().replace(microsecond=0)
        lecture = (
            self.env["event.event"]
            .with_context(**safe_eval(action["context"]))
            .create({"name": "健康讲座", "date_begin": begin, "date_end": fields.Datetime.add(begin, hours=1)})
        )
        self.assertTrue(lecture.clinic_member_event, "an event planned from the clinic's menu is a member event")
