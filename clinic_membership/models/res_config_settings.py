from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    clinic_spend_window = fields.Selection(related="company_id.clinic_spend_window", readonly=False)
    clinic_upgrade_trigger = fields.Selection(related="company_id.clinic_upgrade_trigger", readonly=False)
    clinic_upgrade_mail = fields.Boolean(related="company_id.clinic_upgrade_mail", readonly=False)
    clinic_points_validity_months = fields.Integer(related="company_id.clinic_points_validity_months", readonly=False)
    clinic_points_warning_days = fields.Integer(related="company_id.clinic_points_warning_days", readonly=False)
    clinic_point_value = fields.Monetary(related="company_id.clinic_point_value", readonly=False)
    clinic_points_discount_product_id = fields.Many2one(
        related="company_id.clinic_points_discount_product_id", readonly=False
    )
