from odoo import fields, models


class SurveySurvey(models.Model):
    _inherit = "survey.survey"

    clinic_low_score_threshold = fields.Float(
        string="Low Score Threshold",
        default=6.0,
        digits=(16, 1),
        help="An answer scoring under this (out of 10) opens an activity for the member's consultant. 0 disables it.",
    )

    # What the clinic sends this survey with: its answers are the clinic's (Odoo's demo quizzes are not).
    clinic_campaign_ids = fields.One2many("utm.campaign", "survey_id", string="Clinic Campaigns", readonly=True)
    clinic_event_ids = fields.One2many("event.event", "clinic_survey_id", string="Clinic Events", readonly=True)
    clinic_followup_step_ids = fields.One2many(
        "clinic.followup.step", "survey_id", string="Follow-up Steps", readonly=True
    )

    def _clinic_invite(self, partner, campaign=None, **answer_vals):
        """Invite ``partner`` to answer this survey, linked to ``campaign``.

        Only members who consented to email are invited; returns the new answer, or an empty
        recordset when the member is skipped.
        """
        self.ensure_one()
        answer = self.env["survey.user_input"]
        if not partner._clinic_has_consent("email") or not partner.email or partner.is_blacklisted:
            return answer
        survey = self.sudo()
        answer = survey._create_answer(
            partner=partner, check_attempts=False, campaign_id=campaign.id if campaign else False, **answer_vals
        )
        template = self.env.ref("survey.mail_template_user_input_invite", raise_if_not_found=False)
        if template:
            template.sudo().send_mail(answer.id)
        return self.env["survey.user_input"].browse(answer.ids)
