from odoo import fields, models


class SurveySurvey(models.Model):
    _inherit = "survey.survey"

    clinic_low_score_threshold = fields.Float(
        string="Low Score Threshold",
        default=6.0,
        digits=(16, 1),
        help="An answer scoring under this (out of 10) opens an activity for the member's consultant. 0 disables it.",
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
