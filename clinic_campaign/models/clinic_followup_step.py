from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ClinicFollowupStep(models.Model):
    _name = "clinic.followup.step"
    _inherit = ["clinic.guarded.mixin"]
    _description = "Follow-up Step"
    _order = "plan_id, day_offset, sequence, id"

    plan_id = fields.Many2one("clinic.followup.plan", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    day_offset = fields.Integer(string="Days After", required=True, default=1, help="Days after the invoice date.")
    kind = fields.Selection(
        [("activity", "Activity"), ("meeting", "Calendar Meeting"), ("survey", "Satisfaction Survey")],
        required=True,
        default="activity",
    )
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        default=lambda self: self.env.ref("mail.mail_activity_data_call", raise_if_not_found=False),
    )
    duration = fields.Float(string="Meeting Duration", default=0.5, help="Hours (calendar meetings).")
    survey_id = fields.Many2one("survey.survey")
    note = fields.Text(translate=True)

    @api.constrains("day_offset", "kind", "survey_id", "duration")
    def _check_step(self):
        for step in self:
            if step.day_offset < 0:
                raise ValidationError(
                    self.env._(
                        "Step %(step)s is %(days)s days before the procedure: a follow-up comes on or after it.",
                        step=step.name,
                        days=-step.day_offset,
                    )
                )
            if step.kind == "survey" and not step.survey_id:
                raise ValidationError(self.env._("Step %(step)s sends a survey: choose the survey.", step=step.name))
            if step.kind == "meeting" and step.duration <= 0:
                raise ValidationError(self.env._("Step %(step)s needs a meeting duration.", step=step.name))
