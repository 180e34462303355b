from datetime import timedelta

from odoo import api, fields, models
from odoo.addons.clinic_membership.tools.protected import check_protected_fields
from odoo.exceptions import ValidationError

CONFIRMED_STATES = ("open", "done")
CLINIC_PROTECTED_FIELDS = {
    "clinic_calendar_event_id",
    "clinic_points_move_id",
    "clinic_survey_input_id",
    "clinic_survey_state",
}


class EventRegistration(models.Model):
    _inherit = "event.registration"

    clinic_calendar_event_id = fields.Many2one(
        "calendar.event", string="Meeting", readonly=True, copy=False, ondelete="set null"
    )
    clinic_points_move_id = fields.Many2one(
        "clinic.points.move", string="Attendance Points Row", readonly=True, copy=False, ondelete="restrict"
    )
    clinic_survey_input_id = fields.Many2one(
        "survey.user_input", string="Satisfaction Survey Answer", readonly=True, copy=False, ondelete="set null"
    )
    clinic_survey_state = fields.Selection(
        [("sent", "Sent"), ("skipped", "Skipped: no consent")], string="Survey", readonly=True, copy=False
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_protected_fields(self, vals, CLINIC_PROTECTED_FIELDS)
        events = self.env["event.event"].browse([vals["event_id"] for vals in vals_list if vals.get("event_id")])
        campaign_by_event = {event.id: event.clinic_campaign_id.id for event in events}
        for vals in vals_list:
            if not vals.get("utm_campaign_id") and campaign_by_event.get(vals.get("event_id")):
                vals["utm_campaign_id"] = campaign_by_event[vals["event_id"]]
        registrations = super().create(vals_list)
        registrations._clinic_after_state_change()
        return registrations

    def write(self, vals):
        check_protected_fields(self, vals, CLINIC_PROTECTED_FIELDS)
        result = super().write(vals)
        if {"state", "partner_id", "event_id"} & set(vals):
            self._clinic_after_state_change()
        return result

    def unlink(self):
        meetings = self.sudo().clinic_calendar_event_id
        result = super().unlink()
        meetings.unlink()
        return result

    def _clinic_after_state_change(self):
        self._clinic_sync_calendar()
        self.filtered(lambda r: r.state == "done")._clinic_grant_attendance_points()

    # ------------------------------------------------------------------ tiers

    @api.constrains("partner_id", "event_id", "state")
    def _check_clinic_tier(self):
        for registration in self:
            tiers = registration.event_id.allowed_tier_ids
            if not tiers or registration.state == "cancel":
                continue
            member = registration.partner_id.commercial_partner_id
            if not member:
                raise ValidationError(
                    self.env._(
                        "%(event)s is for members of %(tiers)s: register a member.",
                        event=registration.event_id.name,
                        tiers=", ".join(tiers.mapped("name")),
                    )
                )
            if not member.is_member or member.tier_id not in tiers:
                raise ValidationError(
                    self.env._(
                        "%(member)s (%(tier)s) cannot register for %(event)s: it is for members of %(tiers)s.",
                        member=member.name,
                        tier=member.tier_id.name if member.is_member else self.env._("not a member"),
                        event=registration.event_id.name,
                        tiers=", ".join(tiers.mapped("name")),
                    )
                )

    # ------------------------------------------------------------------ calendar

    def _clinic_sync_calendar(self):
        """A confirmed registration has a meeting with the member and its consultant; others have none."""
        for registration in self.sudo():
            meeting = registration.clinic_calendar_event_id
            if registration.state in CONFIRMED_STATES and registration.partner_id:
                vals = registration._clinic_meeting_vals()
                if meeting:
                    meeting.with_context(no_mail_to_attendees=True).write(vals)
                else:
                    meeting = (
                        self.env["calendar.event"]
                        .sudo()
                        .with_context(no_mail_to_attendees=True, mail_create_nolog=True)
                        .create(vals)
                    )
                    registration.sudo().write({"clinic_calendar_event_id": meeting.id})
            elif meeting:
                registration.sudo().write({"clinic_calendar_event_id": False})
                meeting.unlink()

    def _clinic_consultant(self):
        self.ensure_one()
        return self.partner_id.commercial_partner_id.consultant_id

    def _clinic_meeting_vals(self):
        self.ensure_one()
        event = self.event_id
        consultant = self._clinic_consultant()
        attendees = self.partner_id | consultant.partner_id
        alarms = [
            self.env.ref(xmlid, raise_if_not_found=False)
            for xmlid in ("calendar.alarm_notif_5", "calendar.alarm_notif_3")
        ]
        return {
            "name": self.env._("%(event)s: %(member)s", event=event.name, member=self.partner_id.name),
            "start": event.date_begin,
            "stop": event.date_end,
            "user_id": (consultant or event.user_id or self.env.user).id,
            "partner_ids": [fields.Command.set(attendees.ids)],
            "alarm_ids": [fields.Command.set([alarm.id for alarm in alarms if alarm])],
            "location": event.address_id.display_name or False,
            "res_model_id": self.env["ir.model"]._get_id("event.registration"),
            "res_id": self.id,
            "description": event.clinic_campaign_id.benefit_description or False,
        }

    # ------------------------------------------------------------------ attendance and surveys

    def _clinic_grant_attendance_points(self):
        """A member earns an event's attendance points once per event, whatever happens to registrations."""
        Points = self.env["clinic.points.move"]
        for registration in self.sudo().filtered(lambda r: not r.clinic_points_move_id):
            event = registration.event_id
            member = registration.partner_id.commercial_partner_id
            if event.clinic_attendance_points <= 0 or not member.is_member:
                continue
            earned = Points.sudo().search(
                [("clinic_event_id", "=", event.id), ("partner_id", "=", member.id), ("move_type", "=", "earn")],
                limit=1,
            )
            earned = earned or Points._clinic_record(
                [
                    {
                        "partner_id": member.id,
                        "company_id": member.member_company_id.id,
                        "move_type": "earn",
                        "points": event.clinic_attendance_points,
                        "campaign_id": event.clinic_campaign_id.id,
                        "clinic_event_id": event.id,
                        "source_ref": self.env._("Attended %(event)s", event=event.name),
                        "date": fields.Date.context_today(self),
                    }
                ]
            )
            registration.sudo().write({"clinic_points_move_id": earned.id})

    @api.model
    def _cron_clinic_send_event_surveys(self):
        """Send each attendee the event's satisfaction survey once, the set delay after the event."""
        now = fields.Datetime.now()
        registrations = self.sudo().search(
            [
                ("state", "=", "done"),
                ("clinic_survey_state", "=", False),
                ("event_id.clinic_survey_id", "!=", False),
                ("partner_id", "!=", False),
            ]
        )
        for registration in registrations:
            event = registration.event_id
            if event.date_end + timedelta(days=event.clinic_survey_delay_days) > now:
                continue
            member = registration.partner_id.commercial_partner_id
            answer = event.clinic_survey_id._clinic_invite(member, event.clinic_campaign_id)
            registration.sudo().write(
                {"clinic_survey_input_id": answer.id, "clinic_survey_state": "sent" if answer else "skipped"}
            )
