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

    def _clinic_log_file_read(self, records, field_name):
        """One read row per record whose file ``field_name`` was opened by its URL."""
        if records._name not in getattr(self.pool, "_auditlog_model_cache", {}):
            return  # its rule is not subscribed
        values = {record_id: {field_name: False} for record_id in records.ids}
        self.create_logs(self.env.uid, records._name, records.ids, "read", values, None, {"log_type": "fast"})
