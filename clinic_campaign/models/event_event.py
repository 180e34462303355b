from odoo import api, fields, models


class EventEvent(models.Model):
    _name = "event.event"
    _inherit = ["event.event", "clinic.guarded.mixin"]

    allowed_tier_ids = fields.Many2many(
        "clinic.membership.tier",
        "event_event_clinic_tier_rel",
        "event_id",
        "tier_id",
        string="Allowed Tiers",
        help="Only members of these tiers can register; leave empty for an event open to everyone.",
    )
    clinic_campaign_id = fields.Many2one(
        "utm.campaign", string="Campaign", index="btree_not_null", domain="[('clinic_campaign_type', '!=', False)]"
    )
    clinic_member_event = fields.Boolean(
        string="Member Event",
        compute="_compute_clinic_member_event",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        help="An event of the clinic for its members: listed in the Clinic app (Odoo's other events are not).",
    )
    clinic_attendance_points = fields.Integer(
        string="Attendance Points", help="Points a member earns when marked as attended."
    )
    clinic_survey_id = fields.Many2one(
        "survey.survey", string="Satisfaction Survey", help="Sent to the members who attended, after the delay."
    )
    clinic_survey_delay_days = fields.Integer(
        string="Survey Delay (days)", default=1, help="Days after the end of the event the survey is sent."
    )

    _sql_constraints = [
        (
            "clinic_attendance_points_positive",
            "CHECK(clinic_attendance_points >= 0)",
            "Attendance points cannot be negative.",
        ),
        (
            "clinic_survey_delay_positive",
            "CHECK(clinic_survey_delay_days >= 0)",
            "The survey delay cannot be negative.",
        ),
    ]

    @api.depends("allowed_tier_ids", "clinic_campaign_id", "clinic_survey_id", "clinic_attendance_points")
    def _compute_clinic_member_event(self):
        for event in self:
            event.clinic_member_event = event.clinic_member_event or bool(
                event.allowed_tier_ids
                or event.clinic_campaign_id
                or event.clinic_survey_id
                or event.clinic_attendance_points
            )

    @api.onchange("clinic_campaign_id")
    def _onchange_clinic_campaign_id(self):
        campaign = self.clinic_campaign_id
        if campaign.tier_ids and not self.allowed_tier_ids:
            self.allowed_tier_ids = campaign.tier_ids
        if campaign.survey_id and not self.clinic_survey_id:
            self.clinic_survey_id = campaign.survey_id

    def write(self, vals):
        result = super().write(vals)
        if {"date_begin", "date_end", "name"} & set(vals):
            registrations = self.sudo().registration_ids.filtered("clinic_calendar_event_id")
            registrations._clinic_sync_calendar()
        if "allowed_tier_ids" in vals:
            self.registration_ids._check_clinic_tier()
        return result
