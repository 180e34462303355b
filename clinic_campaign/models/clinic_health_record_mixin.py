from odoo import api, models


def _read_write(method):
    """Served in a read/write transaction: reading a health record writes its access log (auditlog)."""
    method._readonly = False
    return method


class ClinicHealthRecordMixin(models.AbstractModel):
    """A member's health record: whoever reads it is logged (data/auditlog_rule_data.xml).

    Odoo serves reads in read-only transactions; auditlog writes a row per read, so the read methods
    the web client and RPC call are served read/write here (otherwise each read would fail on its
    INSERT and be served a second time).
    """

    _name = "clinic.health.record.mixin"
    _description = "Health Record (reads logged)"

    @_read_write
    def read(self, fields=None, load="_classic_read"):
        return super().read(fields=fields, load=load)

    @api.model
    @_read_write
    def search_read(self, domain=None, fields=None, offset=0, limit=None, order=None, **read_kwargs):
        # Odoo formats search_read's records without read(), which is what auditlog logs
        records = self.search(domain or [], offset=offset, limit=limit, order=order)
        return records.read(fields, **read_kwargs) if records else []

    @_read_write
    def web_read(self, specification):
        return super().web_read(specification)

    @api.model
    @_read_write
    def web_search_read(self, domain, specification, offset=0, limit=None, order=None, count_limit=None):  # noqa: PLR0917
        return super().web_search_read(
            domain, specification, offset=offset, limit=limit, order=order, count_limit=count_limit
        )
