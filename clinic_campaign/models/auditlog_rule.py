import functools

from odoo import models

from .auditlog_log import HEALTH_RECORD_MEMBER_PATHS


def _logged_whatever_the_context(read):
    """auditlog's logging ``read``, which skips a call whose context says ``auditlog_disabled``: a
    client can send that context over JSON-RPC. On a health record, only code running as superuser
    (auditlog's own processing, the application's) reads unlogged."""

    @functools.wraps(read)  # keeps auditlog's ``origin``, which it reverts by
    def logged_read(self, *args, **kwargs):
        if not self.env.su and self.env.context.get("auditlog_disabled"):
            self = self.with_context(auditlog_disabled=False)
        return read(self, *args, **kwargs)

    logged_read._clinic_logged = True
    logged_read._readonly = False  # the log is a write (clinic.health.record.mixin)
    return logged_read


class AuditlogRule(models.Model):
    _inherit = "auditlog.rule"

    def _patch_methods(self):
        updated = super()._patch_methods()
        for model in HEALTH_RECORD_MEMBER_PATHS:
            model_class = self.pool.get(model)
            read = model_class and model_class.__dict__.get("read")
            if read and hasattr(read, "origin") and not getattr(read, "_clinic_logged", False):
                model_class.read = _logged_whatever_the_context(read)
        return updated

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
