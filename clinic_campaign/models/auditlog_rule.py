from odoo import models

from .auditlog_log import HEALTH_RECORD_MEMBER_PATHS


class AuditlogRule(models.Model):
    _inherit = "auditlog.rule"

    def _prepare_log_line_vals_on_read(self, log_vals, field, read_values):
        """Which fields of a health record were read, without copying what they hold into the log."""
        vals = super()._prepare_log_line_vals_on_read(log_vals, field, read_values)
        model = self.env["ir.model"].sudo().browse(log_vals["model_id"]).model
        if model in HEALTH_RECORD_MEMBER_PATHS:
            vals.update(old_value=False, old_value_text=False)
        return vals
