from odoo import models


class SurveyUserInputLine(models.Model):
    """A survey answer's line: what the member answered (her post-treatment follow-up, for one)."""

    _name = "survey.user_input.line"
    _inherit = ["survey.user_input.line", "clinic.health.record.mixin"]
