from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError


class ClinicFollowupTask(models.Model):
    """One step of a follow-up plan scheduled for a member after an invoiced procedure."""

    _name = "clinic.followup.task"
    _inherit = ["clinic.guarded.mixin", "clinic.health.record.mixin"]
    _clinic_user_fields = ("name", "user_id", "date_due")  # the schedule is the plan's; its state moves by actions
    _description = "Scheduled Follow-up"
    _order = "date_due, id"

    name = fields.Char(required=True)
    plan_id = fields.Many2one("clinic.followup.plan", required=True, ondelete="restrict", index=True)
    step_id = fields.Many2one("clinic.followup.step", required=True, ondelete="restrict")
    kind = fields.Selection(related="step_id.kind", store=True)
    move_id = fields.Many2one("account.move", string="Invoice", required=True, ondelete="cascade", index=True)
    partner_id = fields.Many2one("res.partner", string="Member", required=True, ondelete="cascade", index=True)
    user_id = fields.Many2one("res.users", string="Consultant", required=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    date_due = fields.Date(string="Due Date", required=True, index=True)
    state = fields.Selection(
        [("planned", "Planned"), ("done", "Done"), ("cancelled", "Cancelled")],
        default="planned",
        required=True,
        index=True,
    )
    activity_id = fields.Many2one("mail.activity", readonly=True, ondelete="set null")
    calendar_event_id = fields.Many2one("calendar.event", string="Meeting", readonly=True, ondelete="set null")
    survey_input_id = fields.Many2one("survey.user_input", string="Survey Answer", readonly=True, ondelete="set null")

    # ------------------------------------------------------------------ scheduling

    @api.model
    def _clinic_schedule(self, plan, move):
        """Schedule the steps of ``plan`` for the customer of ``move`` that are not scheduled yet."""
        partner = move.commercial_partner_id
        user = partner.consultant_id or move.invoice_user_id or self.env.user
        base_date = move.invoice_date or fields.Date.context_today(self)
        scheduled = move.clinic_followup_task_ids.filtered(
            lambda t: t.state != "cancelled" and t.plan_id == plan
        ).step_id
        tasks = self.sudo().create(
            [
                {
                    "name": f"{step.name} - {partner.name}",
                    "plan_id": plan.id,
                    "step_id": step.id,
                    "move_id": move.id,
                    "partner_id": partner.id,
                    "user_id": user.id,
                    "company_id": move.company_id.id,
                    "date_due": base_date + timedelta(days=step.day_offset),
                }
                for step in plan.step_ids - scheduled
            ]
        )
        for task in tasks:
            if task.kind == "activity":
                task.write({"activity_id": task._clinic_create_activity().id})
            elif task.kind == "meeting":
                task.write({"calendar_event_id": task._clinic_create_meeting().id})
        return self.browse(tasks.ids)

    def _clinic_create_activity(self):
        self.ensure_one()
        step = self.step_id
        return self.partner_id.activity_schedule(
            activity_type_id=(step.activity_type_id or self.env.ref("mail.mail_activity_data_todo")).id,
            date_deadline=self.date_due,
            user_id=self.user_id.id,
            summary=self.env._(
                "%(step)s (%(plan)s, %(invoice)s)", step=step.name, plan=self.plan_id.name, invoice=self.move_id.name
            ),
            note=step.note or "",
        )

    def _clinic_create_meeting(self):
        self.ensure_one()
        tz = pytz.timezone(self.user_id.tz or self.env.user.tz or "Asia/Shanghai")
        start = tz.localize(datetime.combine(self.date_due, time(10, 0))).astimezone(pytz.utc).replace(tzinfo=None)
        alarm = self.env.ref("calendar.alarm_notif_5", raise_if_not_found=False)
        return (
            self.env["calendar.event"]
            .with_context(no_mail_to_attendees=True, mail_create_nolog=True)
            .create(
                {
                    "name": self.env._("%(step)s: %(member)s", step=self.step_id.name, member=self.partner_id.name),
                    "start": start,
                    "stop": start + timedelta(hours=self.step_id.duration),
                    "user_id": self.user_id.id,
                    "partner_ids": [fields.Command.set((self.partner_id | self.user_id.partner_id).ids)],
                    "alarm_ids": [fields.Command.set(alarm.ids if alarm else [])],
                    "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "res_id": self.partner_id.id,
                    "description": self.step_id.note or False,
                }
            )
        )

    def _clinic_cancel(self):
        """Cancel the steps not due yet, with their activities and meetings."""
        today = fields.Date.context_today(self)
        future = self.filtered(lambda t: t.state == "planned" and t.date_due >= today)
        future.activity_id.unlink()
        future.calendar_event_id.unlink()
        future.sudo().write({"state": "cancelled"})
        return future

    # ------------------------------------------------------------------ actions and crons

    def action_done(self):
        for task in self:
            if task.state != "planned":
                raise UserError(self.env._("Only a planned follow-up can be marked as done."))
            if task.activity_id:
                task.activity_id.action_feedback(feedback=self.env._("Follow-up done"))
        self.sudo().write({"state": "done"})

    def action_cancel(self):
        if any(task.state != "planned" for task in self):
            raise UserError(self.env._("Only a planned follow-up can be cancelled."))
        self.activity_id.unlink()
        self.calendar_event_id.unlink()
        self.sudo().write({"state": "cancelled"})

    @api.model
    def _cron_send_due_surveys(self):
        """Send the satisfaction surveys of the follow-up steps that are due, once."""
        today = fields.Date.context_today(self)
        tasks = self.search([("kind", "=", "survey"), ("state", "=", "planned"), ("date_due", "<=", today)])
        for task in tasks:
            campaign = self.env["utm.campaign"].search(
                [("clinic_campaign_type", "=", "survey"), ("survey_id", "=", task.step_id.survey_id.id)], limit=1
            )
            answer = task.step_id.survey_id._clinic_invite(task.partner_id, campaign)
            task.sudo().write({"survey_input_id": answer.id, "state": "done"})
