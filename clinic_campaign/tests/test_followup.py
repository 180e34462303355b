from datetime import timedelta

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import freeze_time, tagged

from .common import ClinicCampaignCase


@tagged("post_install", "-at_install")
class TestFollowup(ClinicCampaignCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.survey = cls.env.ref("clinic_campaign.survey_satisfaction_demo")
        cls.plan = cls.env["clinic.followup.plan"].create(
            {
                "name": "Eyelid follow-up",
                "step_ids": [
                    Command.create({"name": "Day-1 call", "day_offset": 1, "kind": "activity"}),
                    Command.create({"name": "Day-7 visit", "day_offset": 7, "kind": "meeting", "duration": 0.5}),
                    Command.create(
                        {"name": "Day-30 survey", "day_offset": 30, "kind": "survey", "survey_id": cls.survey.id}
                    ),
                ],
            }
        )
        cls.treatment.product_tmpl_id.write({"clinic_is_procedure": True, "clinic_followup_plan_id": cls.plan.id})
        cls.member = cls.create_member("术 Patient")

    def active_tasks(self, invoice):
        return invoice.clinic_followup_task_ids.filtered(lambda t: t.state != "cancelled")

    def test_posting_schedules_the_plan_for_member_and_consultant(self):
        invoice = self.create_invoice(self.member, 12800)
        tasks = self.active_tasks(invoice)
        self.assertEqual(len(tasks), 3)
        self.assertEqual(tasks.user_id, self.consultant)
        self.assertEqual(tasks.partner_id, self.member)
        self.assertEqual(
            sorted(tasks.mapped("date_due")),
            [invoice.invoice_date + timedelta(days=d) for d in (1, 7, 30)],
        )
        call = tasks.filtered(lambda t: t.kind == "activity")
        self.assertEqual(call.activity_id.res_id, self.member.id)
        self.assertEqual(call.activity_id.user_id, self.consultant)
        self.assertEqual(call.activity_id.date_deadline, invoice.invoice_date + timedelta(days=1))
        visit = tasks.filtered(lambda t: t.kind == "meeting")
        self.assertEqual(visit.calendar_event_id.partner_ids, self.member | self.consultant.partner_id)
        self.assertEqual(visit.calendar_event_id.start.date(), invoice.invoice_date + timedelta(days=7))
        self.assertFalse(tasks.filtered(lambda t: t.kind == "survey").survey_input_id, "sent when due")

    def test_no_plan_for_other_products(self):
        other = self.env["product.product"].create({"name": "Cream", "type": "consu", "taxes_id": [Command.clear()]})
        invoice = self.create_invoice(self.member, 100, post=False)
        invoice.invoice_line_ids.product_id = other
        invoice.action_post()
        self.assertFalse(invoice.clinic_followup_task_ids)

    def test_reset_cancels_future_steps_and_repost_never_schedules_twice(self):
        invoice = self.create_invoice(self.member, 12800)
        first = self.active_tasks(invoice)
        activity, meeting = first.activity_id, first.calendar_event_id
        invoice.button_draft()
        self.assertEqual(set(first.mapped("state")), {"cancelled"})
        self.assertFalse(activity.exists())
        self.assertFalse(meeting.exists())
        invoice.action_post()
        self.assertEqual(len(self.active_tasks(invoice)), 3)
        invoice._clinic_schedule_followups()  # posting hooks running again change nothing
        self.assertEqual(len(self.active_tasks(invoice)), 3)

    def test_cancel_invoice_cancels_steps(self):
        invoice = self.create_invoice(self.member, 12800)
        invoice.button_draft()
        invoice.action_post()
        invoice.button_draft()
        invoice.button_cancel()
        self.assertFalse(self.active_tasks(invoice))
        self.assertFalse(self.member.activity_ids.filtered(lambda a: "Day-1 call" in (a.summary or "")))

    def test_steps_already_due_are_kept(self):
        invoice = self.create_invoice(self.member, 12800, date=self.today - timedelta(days=3))
        invoice.button_draft()
        kept = invoice.clinic_followup_task_ids.filtered(lambda t: t.state == "planned")
        self.assertEqual(kept.step_id.mapped("name"), ["Day-1 call"])
        invoice.action_post()
        self.assertEqual(len(self.active_tasks(invoice)), 3, "the kept step is not scheduled again")

    def test_survey_step_sent_when_due_once(self):
        invoice = self.create_invoice(self.member, 12800)
        campaign = self.create_campaign("survey", survey_id=self.survey.id)
        survey_task = self.active_tasks(invoice).filtered(lambda t: t.kind == "survey")
        Task = self.env["clinic.followup.task"]
        Task._cron_send_due_surveys()
        self.assertFalse(survey_task.survey_input_id)
        with freeze_time(invoice.invoice_date + timedelta(days=30)):
            Task._cron_send_due_surveys()
            Task._cron_send_due_surveys()
        self.assertEqual(survey_task.state, "done")
        self.assertEqual(survey_task.survey_input_id.partner_id, self.member)
        self.assertEqual(survey_task.survey_input_id.campaign_id, campaign)
        self.assertEqual(self.env["survey.user_input"].search_count([("partner_id", "=", self.member.id)]), 1)

    def test_negative_offset_is_refused(self):
        with self.assertRaisesText(ValidationError, "before the procedure"):
            self.env["clinic.followup.step"].create(
                {"plan_id": self.plan.id, "name": "Before", "day_offset": -2, "kind": "activity"}
            )
        self.assertEqual(len(self.plan.step_ids), 3)

    def test_survey_step_needs_a_survey(self):
        with self.assertRaisesText(ValidationError, "choose the survey"):
            self.env["clinic.followup.step"].create({"plan_id": self.plan.id, "name": "S", "kind": "survey"})

    def test_plan_needs_procedure_flag(self):
        with self.assertRaisesText(ValidationError, "flag it as a procedure"):
            self.env["product.template"].create({"name": "Plain", "clinic_followup_plan_id": self.plan.id})

    def test_mark_done_completes_activity(self):
        invoice = self.create_invoice(self.member, 12800)
        call = self.active_tasks(invoice).filtered(lambda t: t.kind == "activity")
        activity = call.activity_id
        call.action_done()
        self.assertEqual(call.state, "done")
        self.assertFalse(activity.exists())
