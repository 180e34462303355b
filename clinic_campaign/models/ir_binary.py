from odoo import models

from .auditlog_log import HEALTH_RECORD_MEMBER_PATHS


class IrBinary(models.AbstractModel):
    _inherit = "ir.binary"

    def _record_to_stream(self, record, field_name):
        """A health record's file (an emergency's photo) opened by its URL is a read, logged as one.

        ``/web/image`` is served read-only: the log's insert makes Odoo serve it again read/write.
        """
        if record._name in HEALTH_RECORD_MEMBER_PATHS and record.ids:
            self.env["auditlog.rule"].sudo()._clinic_log_file_read(record, field_name)
        return super()._record_to_stream(record, field_name)
