from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError


class ClinicRefundEvidence(models.Model):
    """A file behind a refund request: frozen once the request is submitted."""

    _name = "clinic.refund.evidence"
    _inherit = ["clinic.guarded.mixin"]
    _description = "Refund Evidence"
    _order = "request_id, id"

    request_id = fields.Many2one("clinic.refund.request", required=True, ondelete="cascade", index=True)
    evidence_type = fields.Selection(
        [
            ("contract", "Contract"),
            ("payment_voucher", "Payment voucher"),
            ("communication", "Communication record"),
            ("other", "Other"),
        ],
        string="Type",
        required=True,
        default="other",
    )
    name = fields.Char(string="Description")
    datas = fields.Binary(string="File", attachment=True, required=True)
    filename = fields.Char()

    @api.model_create_multi
    def create(self, vals_list):
        evidence = super().create(vals_list)
        evidence._check_request_open()
        evidence._check_file_attached()
        return evidence

    def write(self, vals):
        self._check_request_open()
        result = super().write(vals)
        self._check_request_open()
        if "datas" in vals:
            self._check_file_attached()
        return result

    def _check_file_attached(self):
        """Evidence is a file: a row without it proves nothing (its size is read, not its content)."""
        for evidence in self.with_context(bin_size=True):
            if not evidence.datas:
                raise ValidationError(self.env._("Each piece of evidence needs its file: attach it."))

    @api.ondelete(at_uninstall=False)
    def _unlink_only_while_draft(self):
        self._check_request_open()

    def _check_request_open(self):
        if self.env.su:
            return
        if any(evidence.request_id.state != "draft" for evidence in self):
            raise AccessError(
                self.env._("The evidence of a submitted refund request is part of its file: it cannot change.")
            )
