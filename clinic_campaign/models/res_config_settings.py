from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    clinic_emergency_response_minutes = fields.Integer(
        related="company_id.clinic_emergency_response_minutes", readonly=False
    )
    clinic_no_show_limit = fields.Integer(related="company_id.clinic_no_show_limit", readonly=False)
    clinic_no_show_days = fields.Integer(related="company_id.clinic_no_show_days", readonly=False)
