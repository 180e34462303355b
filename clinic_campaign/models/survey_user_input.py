from odoo import api, fields, models
from odoo.addons.clinic_membership.tools.protected import check_protected_fields

# Set by the invitation and the scoring, never by whoever answers or manages surveys.
CLINIC_PROTECTED_FIELDS = ("campaign_id", "clinic_score", "clinic_score_count", "clinic_low_score_activity_id")


class SurveyUserInput(models.Model):
    _name = "survey.user_input"
    _inherit = ["survey.user_input", "clinic.health.record.mixin"]

    campaign_id = fields.Many2one("utm.campaign", index="btree_not_null", readonly=True, copy=False)
    clinic_score = fields.Float(
        string="Satisfaction Score",
        compute="_compute_clinic_score",
        store=True,
        digits=(16, 2),
        aggregator="avg",
        help="Average of the scale answers, out of 10.",
    )
    clinic_score_count = fields.Integer(
        string="Scored Answers", compute="_compute_clinic_score", store=True, help="Number of scale answers."
    )
    clinic_low_score_activity_id = fields.Many2one("mail.activity", readonly=True, copy=False, ondelete="set null")

    @api.depends(
        "user_input_line_ids.value_scale",
        "user_input_line_ids.skipped",
        "user_input_line_ids.answer_type",
        "user_input_line_ids.question_id.scale_min",
        "user_input_line_ids.question_id.scale_max",
    )
    def _compute_clinic_score(self):
        for answer in self:
            scores = [
                10.0
                * (line.value_scale - line.question_id.scale_min)
                / (line.question_id.scale_max - line.question_id.scale_min)
                for line in answer.user_input_line_ids
                if line.answer_type == "scale"
                and not line.skipped
                and line.question_id.scale_max > line.question_id.scale_min
            ]
            answer.clinic_score = sum(scores) / len(scores) if scores else 0.0
            answer.clinic_score_count = len(scores)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_protected_fields(self, vals, CLINIC_PROTECTED_FIELDS)
        return super().create(vals_list)

    def write(self, vals):
        check_protected_fields(self, vals, CLINIC_PROTECTED_FIELDS)
        return super().write(vals)

    def _mark_done(self):
        result = super()._mark_done()
        self._clinic_flag_low_scores()
        return result

    def _clinic_flag_low_scores(self):
        """A low satisfaction score opens an activity for the member's consultant, once."""
        for answer in self.sudo():
            threshold = answer.survey_id.clinic_low_score_threshold
            partner = answer.partner_id.commercial_partner_id
            if (
                not partner
                or answer.clinic_low_score_activity_id
                or not answer.clinic_score_count
                or threshold <= 0
                or answer.clinic_score >= threshold
            ):
                continue
            user = partner.consultant_id or answer.campaign_id.user_id or answer.survey_id.user_id or self.env.user
            activity = partner.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=user.id,
                summary=self.env._(
                    "Low satisfaction: %(member)s scored %(score).1f/10 on %(survey)s",
                    member=partner.name,
                    score=answer.clinic_score,
                    survey=answer.survey_id.title,
                ),
                note=self.env._(
                    "Call the member back about their experience (campaign: %(campaign)s).",
                    campaign=answer.campaign_id.title or "-",
                ),
            )
            answer.sudo().write({"clinic_low_score_activity_id": activity.id})
